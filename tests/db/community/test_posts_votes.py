"""Votes on posts (SPEC §7): vote_post's rules, who reads votes, exact counters under races."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.support.community_posts import BLOCK, create_post


@pytest.fixture
def people(db):
    """ada writes the post; eve and tom are strangers; bob is blocked by ada; cal blocked ada."""
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "eve", "tom", "bob", "cal")}
    db.as_user(users["ada"]).one(BLOCK, (users["bob"].id,))
    db.as_user(users["cal"]).one(BLOCK, (users["ada"].id,))
    return users


@pytest.fixture
def post(db, people):
    return create_post(db.as_user(people["ada"]))


def counters(db, post_id):
    return db.execute("select upvotes, downvotes, score from public.posts where id = %s", (post_id,))[0]


@pytest.mark.rule("POST-VOTE", "POST-COUNTERS")
def test_vote_change_and_remove(db, people, post):
    eve = db.as_user(people["eve"])
    assert eve.rpc("vote_post", post_id=post["id"], value=1) == {
        "post_id": str(post["id"]), "upvotes": 1, "downvotes": 0, "score": 1, "vote": 1}
    db.as_user(people["tom"]).rpc("vote_post", post_id=post["id"], value=1)
    assert counters(db, post["id"]) == (2, 0, 2)
    assert eve.rpc("vote_post", post_id=post["id"], value=-1)["score"] == 0
    assert counters(db, post["id"]) == (1, 1, 0)
    assert eve.rpc("vote_post", post_id=post["id"], value=0)["vote"] is None
    assert counters(db, post["id"]) == (1, 0, 1)
    eve.rpc("vote_post", post_id=post["id"], value=0)  # removing nothing changes nothing
    assert counters(db, post["id"]) == (1, 0, 1)


@pytest.mark.rule("POST-VOTE-ONCE")
def test_one_vote_per_user_and_post(db, people, post):
    eve = db.as_user(people["eve"])
    for _ in range(3):
        eve.rpc("vote_post", post_id=post["id"], value=1)
    assert counters(db, post["id"]) == (1, 0, 1)
    assert db.execute("select count(*) from public.post_votes")[0][0] == 1


@pytest.mark.rule("POST-VOTE")
@pytest.mark.parametrize(("actor", "target", "value", "sqlstate"), [
    ("anon", "post", 1, "42501"),
    ("ada", "post", 1, "42501"),       # own post
    ("ada", "post", 0, "42501"),
    ("bob", "post", 1, "42501"),       # blocked by the author
    ("cal", "post", -1, "42501"),      # blocked the author
    ("eve", "post", 2, "22023"),
    ("eve", "post", None, "22023"),
    ("eve", "deleted", 1, "PT404"),
    ("eve", "missing", 1, "PT404"),
])
def test_vote_post_refusals(db, people, post, actor, target, value, sqlstate):
    ada = db.as_user(people["ada"])
    deleted = create_post(ada, "gone")
    ada.one("update public.posts set deleted_at = now() where id = %s returning id", (deleted["id"],))
    ids = {"post": post["id"], "deleted": deleted["id"], "missing": "00000000-0000-0000-0000-000000000001"}
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    who.rejects_rpc(sqlstate, "vote_post", post_id=ids[target], value=value)
    assert db.execute("select count(*) from public.post_votes")[0][0] == 0
    assert counters(db, post["id"]) == (0, 0, 0)


VOTE_COMMANDS = {
    "select": "select value from public.post_votes where post_id = %(post)s",
    "insert": "insert into public.post_votes (post_id, user_id, value) values (%(post)s, %(me)s, 1) returning value",
    "update": "update public.post_votes set value = -1 where post_id = %(post)s returning value",
    "delete": "delete from public.post_votes where post_id = %(post)s returning value",
}


@pytest.mark.rule("POST-VOTE-PRIVATE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"), ("anon", "update", "42501"), ("anon", "delete", "42501"),
    ("eve", "select", 1), ("eve", "insert", "42501"), ("eve", "update", "42501"), ("eve", "delete", "42501"),
    ("ada", "select", 0), ("ada", "insert", "42501"), ("ada", "update", "42501"), ("ada", "delete", "42501"),
    ("tom", "select", 0), ("tom", "insert", "42501"), ("tom", "update", "42501"), ("tom", "delete", "42501"),
    ("bob", "select", 0), ("bob", "insert", "42501"), ("bob", "update", "42501"), ("bob", "delete", "42501"),
])
def test_post_votes_matrix(db, people, post, actor, command, expected):
    db.as_user(people["eve"]).rpc("vote_post", post_id=post["id"], value=1)
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    me = people[actor].id if actor != "anon" else people["eve"].id
    who.expect(expected, VOTE_COMMANDS[command], {"post": post["id"], "me": me})
    assert counters(db, post["id"]) == (1, 0, 1)


@pytest.mark.rule("POST-COUNTERS")
def test_counters_follow_direct_writes_and_cascades(db, people, post):
    """The service writes post_votes directly and accounts get deleted: the counters follow."""
    db.execute("insert into public.post_votes (post_id, user_id, value) values (%s, %s, -1), (%s, %s, 1)",
               (post["id"], people["eve"].id, post["id"], people["tom"].id))
    assert counters(db, post["id"]) == (1, 1, 0)
    db.execute("update public.post_votes set value = 1 where user_id = %s", (people["eve"].id,))
    assert counters(db, post["id"]) == (2, 0, 2)
    db.execute("delete from auth.users where id = %s", (people["tom"].id,))
    assert counters(db, post["id"]) == (1, 0, 1)


@pytest.mark.rule("POST-COUNTERS", "POST-VOTE-ONCE")
def test_parallel_votes_end_with_exact_counts(db, people, post):
    """24 users vote on one post at once, each from its own connection: up, down, change, remove."""
    voters = [db.create_user(f"voter{i}@example.test") for i in range(24)]
    # Each voter's sequence of votes; the last one decides.
    plans = [[1], [-1], [1, -1], [-1, 1], [1, 0], [1, 1], [-1, 0, -1], [0]] * 3
    barrier = threading.Barrier(len(voters))

    def vote(i: int) -> list[str]:
        errors = []
        with db.connect() as conn:
            me = db.as_user(voters[i], conn)
            barrier.wait()
            for value in plans[i]:
                try:
                    me.rpc("vote_post", post_id=post["id"], value=value)
                except psycopg.Error as exc:
                    errors.append(exc.sqlstate)
        return errors

    with ThreadPoolExecutor(len(voters)) as pool:
        assert all(errors == [] for errors in pool.map(vote, range(len(voters))))
    finals = [plan[-1] for plan in plans]
    up, down = finals.count(1), finals.count(-1)
    assert counters(db, post["id"]) == (up, down, up - down)
    assert db.execute("select count(*) filter (where value = 1), count(*) filter (where value = -1) "
                      "from public.post_votes where post_id = %s", (post["id"],))[0] == (up, down)


@pytest.mark.rule("POST-VOTE-ONCE")
def test_one_user_voting_twice_at_once_counts_once(db, people, post):
    barrier = threading.Barrier(6)

    def vote(_i: int) -> None:
        with db.connect() as conn:
            me = db.as_user(people["eve"], conn)
            barrier.wait()
            me.rpc("vote_post", post_id=post["id"], value=1)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(vote, range(6)))
    assert counters(db, post["id"]) == (1, 0, 1)


def reputation(db, user) -> int:
    return db.execute("select reputation from public.profiles where id = %s", (user.id,))[0][0]


@pytest.mark.rule("POST-REPUTATION")
def test_votes_received_change_the_authors_reputation(db, people, post):
    start = reputation(db, people["ada"])
    db.as_user(people["eve"]).rpc("vote_post", post_id=post["id"], value=1)
    db.as_user(people["tom"]).rpc("vote_post", post_id=post["id"], value=1)
    assert reputation(db, people["ada"]) == start + 2
    db.as_user(people["tom"]).rpc("vote_post", post_id=post["id"], value=-1)
    assert reputation(db, people["ada"]) == start
    db.as_user(people["eve"]).rpc("vote_post", post_id=post["id"], value=0)
    assert reputation(db, people["ada"]) == start - 1
    db.execute("delete from auth.users where id = %s", (people["tom"].id,))  # their vote goes with them
    assert reputation(db, people["ada"]) == start
    assert reputation(db, people["eve"]) == 0  # voting gives the voter nothing


@pytest.mark.rule("POST-REPUTATION")
def test_clients_cannot_write_reputation_through_votes_or_the_hook(db, people, post):
    eve = db.as_user(people["eve"])
    eve.rejects("42501", "select private.add_reputation(%s, 100)", (people["eve"].id,))
    eve.rejects("42501", "update public.profiles set reputation = 100 where id = %s returning id", (people["eve"].id,))
