"""Follows and tag follows (SPEC §7): who reads and writes them, the block and self rules, the
counters on profiles (exact under concurrency) and the new_follower notification."""

from __future__ import annotations

import pytest

from tests.db.community.conftest import emails, notifications, race

FOLLOW = "insert into public.follows (followed_id) values (%s) returning follower_id"


def counts(db, user) -> tuple[int, int]:
    return db.execute("select followers_count, following_count from public.profiles where id = %s", (user.id,))[0]


@pytest.mark.rule("FOLLOW-AS-SELF", "FOLLOW-NOT-SELF", "FOLLOW-BLOCK")
@pytest.mark.parametrize(("actor", "expected"), [
    ("anon", "42501"),      # no grant
    ("owner", "42501"),     # yourself
    ("blocked", "42501"),   # ada blocked bob
    ("stranger", 1),
])
def test_who_may_follow_ada(db, people, as_actor, actor, expected):
    as_actor(actor).expect(expected, FOLLOW, (people["ada"].id,))


@pytest.mark.rule("FOLLOW-BLOCK")
def test_the_blocker_cannot_follow_the_blocked_user_either(db, people):
    db.as_user(people["ada"]).rejects("42501", FOLLOW, (people["bob"].id,), match="cannot follow")


@pytest.mark.rule("FOLLOW-AS-SELF")
def test_nobody_follows_on_behalf_of_someone_else(db, people):
    db.as_user(people["eve"]).rejects(
        "42501", "insert into public.follows (follower_id, followed_id) values (%s, %s) returning 1",
        (people["bob"].id, people["ada"].id))


def test_following_an_unknown_user_is_not_found(db, people):
    db.as_user(people["eve"]).rejects("PT404", FOLLOW, ("00000000-0000-4000-8000-000000000000",))


def test_following_twice_is_a_duplicate(db, people):
    eve = db.as_user(people["eve"])
    eve.one(FOLLOW, (people["ada"].id,))
    eve.rejects("23505", FOLLOW, (people["ada"].id,))


@pytest.mark.rule("FOLLOW-PUBLIC", "FOLLOW-AS-SELF")
@pytest.mark.parametrize(("actor", "read", "update", "delete"), [
    ("anon", 1, "42501", "42501"),
    ("owner", 1, "42501", 0),       # ada is followed, she cannot remove eve's follow
    ("blocked", 1, "42501", 0),
    ("stranger", 1, "42501", 1),    # eve unfollows
])
def test_follow_matrix(db, people, as_actor, actor, read, update, delete):
    db.as_user(people["eve"]).one(FOLLOW, (people["ada"].id,))
    caller = as_actor(actor)
    caller.expect(read, "select follower_id from public.follows where followed_id = %s", (people["ada"].id,))
    caller.expect(update, "update public.follows set followed_id = %s returning 1", (people["bob"].id,))
    caller.expect(delete, "delete from public.follows where followed_id = %s returning 1", (people["ada"].id,))


@pytest.mark.rule("FOLLOW-COUNTS")
def test_counters_follow_follows_and_unfollows(db, people):
    ada, eve, bob = people["ada"], people["eve"], people["bob"]
    db.as_user(eve).one(FOLLOW, (ada.id,))
    db.as_user(bob).one(FOLLOW, (eve.id,))
    assert counts(db, ada) == (1, 0) and counts(db, eve) == (1, 1) and counts(db, bob) == (0, 1)
    db.as_user(eve).one("delete from public.follows where followed_id = %s returning 1", (ada.id,))
    assert counts(db, ada) == (0, 0) and counts(db, eve) == (1, 0)


@pytest.mark.rule("FOLLOW-COUNTS")
def test_counters_are_not_client_writable(db, people):
    db.as_user(people["ada"]).rejects(
        "42501", "update public.profiles set followers_count = 1000 where id = %s returning 1", (people["ada"].id,))


@pytest.mark.rule("FOLLOW-COUNTS")
def test_parallel_follows_end_with_exact_counts(db, people):
    ada = people["ada"]
    fans = [db.create_user(f"fan{i}@example.test") for i in range(8)]
    assert race(db, [(fan, FOLLOW, (ada.id,)) for fan in fans]) == ["ok"] * 8
    assert counts(db, ada) == (8, 0)
    assert race(db, [(fan, "delete from public.follows where followed_id = %s returning 1", (ada.id,))
                     for fan in fans[:5]]) == ["ok"] * 5
    assert counts(db, ada) == (3, 0)


@pytest.mark.rule("FOLLOW-COUNTS")
def test_two_users_following_each_other_at_once_do_not_deadlock(db, people):
    ada, eve = people["ada"], people["eve"]
    assert race(db, [(ada, FOLLOW, (eve.id,)), (eve, FOLLOW, (ada.id,))]) == ["ok", "ok"]
    assert counts(db, ada) == (1, 1) and counts(db, eve) == (1, 1)


@pytest.mark.rule("FOLLOW-BLOCK", "FOLLOW-COUNTS")
def test_a_block_ends_follows_in_both_directions(db, people):
    ada, eve = people["ada"], people["eve"]
    db.as_user(ada).one(FOLLOW, (eve.id,))
    db.as_user(eve).one(FOLLOW, (ada.id,))
    db.as_user(eve).one("insert into public.user_blocks (blocked_id) values (%s) returning 1", (ada.id,))
    assert db.execute("select count(*) from public.follows") == [(0,)]
    assert counts(db, ada) == (0, 0) and counts(db, eve) == (0, 0)


@pytest.mark.rule("FOLLOW-COUNTS")
def test_deleting_a_user_keeps_the_others_counts_right(db, people):
    ada, eve = people["ada"], people["eve"]
    db.as_user(eve).one(FOLLOW, (ada.id,))
    db.as_user(ada).one(FOLLOW, (eve.id,))
    db.execute("delete from auth.users where id = %s", (eve.id,))
    assert counts(db, ada) == (0, 0)


@pytest.mark.rule("NOTIF-FOLLOWER", "EMAIL-SETTING")
def test_new_follower_is_notified_and_emailed_per_setting(db, people):
    ada, eve, bob = people["ada"], people["eve"], people["bob"]
    db.as_user(eve).one(FOLLOW, (ada.id,))
    [(title, data)] = notifications(db, ada, "new_follower")
    assert title == "@eve followed you" and data == {"follower_id": str(eve.id)}
    assert emails(db, ada, "new_follower") == 1
    db.as_user(bob).one("update public.notification_settings set email_social = false returning 1")
    db.as_user(ada).one(FOLLOW, (eve.id,))
    db.as_user(eve).one("delete from public.follows returning 1")
    db.as_user(eve).one(FOLLOW, (bob.id,))
    assert len(notifications(db, bob, "new_follower")) == 1 and emails(db, bob, "new_follower") == 0


@pytest.mark.rule("NOTIF-FOLLOWER")
def test_refollowing_notifies_again_but_emails_once_a_day(db, people):
    ada, eve = people["ada"], people["eve"]
    for _ in range(3):
        db.as_user(eve).one(FOLLOW, (ada.id,))
        db.as_user(eve).one("delete from public.follows returning 1")
    assert len(notifications(db, ada, "new_follower")) == 3 and emails(db, ada, "new_follower") == 1


# --- tag follows ---

TAG = "insert into public.tag_follows (tag) values (%s) returning tag"


@pytest.mark.rule("TAG-FOLLOW-PRIVATE")
@pytest.mark.parametrize(("actor", "read", "delete"), [
    ("anon", "42501", "42501"),
    ("owner", 1, 1),
    ("stranger", 0, 0),
])
def test_tag_follow_matrix(db, people, as_actor, actor, read, delete):
    db.as_user(people["ada"]).one(TAG, ("rust",))
    caller = as_actor(actor)
    caller.expect(read, "select tag from public.tag_follows")
    caller.expect(delete, "delete from public.tag_follows where tag = 'rust' returning 1")


@pytest.mark.rule("TAG-FOLLOW-PRIVATE")
def test_tags_are_followed_as_yourself_only(db, people):
    db.as_anon().rejects("42501", TAG, ("rust",))
    db.as_user(people["eve"]).rejects(
        "42501", "insert into public.tag_follows (user_id, tag) values (%s, 'rust') returning 1", (people["ada"].id,))
    db.as_user(people["eve"]).rejects("42501", "update public.tag_follows set tag = 'go' returning 1")


def test_tags_are_stored_trimmed_and_lower_case_once(db, people):
    ada = db.as_user(people["ada"])
    assert ada.scalar(TAG, ("  Rust ",)) == "rust"
    ada.rejects("23505", TAG, ("RUST",))
    ada.rejects("23514", TAG, ("   ",))
    ada.rejects("23514", TAG, ("x" * 51,))


@pytest.mark.rule("NOTIF-FOLLOWER")
def test_the_notification_reaches_the_followed_users_realtime_topic(db, people):
    ada, eve = people["ada"], people["eve"]
    db.as_user(eve).one(FOLLOW, (ada.id,))
    rows = db.execute("select topic, payload -> 'notification' ->> 'type' from realtime.messages "
                      "where event = 'notification_created'")
    assert rows == [(f"user:{ada.id}", "new_follower")]
