"""Comments on posts and their votes (SPEC §7): threads, soft delete, blocks, counters, realtime."""

from __future__ import annotations

import pytest

from tests.support.community_posts import BLOCK, comment, create_post


@pytest.fixture
def people(db):
    """ada writes the post; eve comments; tom is a stranger; ada blocked bob; cal blocked ada."""
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "eve", "tom", "bob", "cal")}
    db.as_user(users["ada"]).one(BLOCK, (users["bob"].id,))
    db.as_user(users["cal"]).one(BLOCK, (users["ada"].id,))
    return users


@pytest.fixture
def post(db, people):
    return create_post(db.as_user(people["ada"]))


def comments_count(db, post_id) -> int:
    return db.execute("select comments_count from public.posts where id = %s", (post_id,))[0][0]


COMMANDS = {
    "select": "select id from public.post_comments where id = %(comment)s",
    "insert": "insert into public.post_comments (post_id, body) values (%(post)s, 'me too') returning id",
    "insert as other author": "insert into public.post_comments (post_id, author_id, body) "
                              "values (%(post)s, %(eve)s, 'x') returning id",
    "reply": "insert into public.post_comments (post_id, parent_id, body) "
             "values (%(post)s, %(comment)s, 'a reply') returning id",
    "update body": "update public.post_comments set body = 'changed' where id = %(comment)s returning id",
    "update counters": "update public.post_comments set score = 50 where id = %(comment)s returning id",
    "update depth": "update public.post_comments set depth = 0, parent_id = null where id = %(comment)s returning id",
    "soft delete": "update public.post_comments set deleted_at = now() where id = %(comment)s returning id",
    "delete": "delete from public.post_comments where id = %(comment)s returning id",
}


@pytest.mark.rule("COMMENT-READ", "COMMENT-WRITE", "COMMENT-COLUMNS", "COMMENT-BLOCK", "COMMENT-SOFT-DELETE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", 1), ("anon", "insert", "42501"), ("anon", "reply", "42501"),
    ("anon", "update body", "42501"), ("anon", "soft delete", "42501"), ("anon", "delete", "42501"),
    ("eve", "select", 1), ("eve", "insert", 1), ("eve", "insert as other author", "42501"), ("eve", "reply", 1),
    ("eve", "update body", 1), ("eve", "update counters", "42501"), ("eve", "update depth", "42501"),
    ("eve", "soft delete", 1), ("eve", "delete", "42501"),
    ("ada", "select", 1), ("ada", "insert", 1), ("ada", "insert as other author", "42501"), ("ada", "reply", 1),
    ("ada", "update body", 0), ("ada", "update counters", "42501"), ("ada", "soft delete", 0),
    ("ada", "delete", "42501"),
    ("tom", "select", 1), ("tom", "insert", 1), ("tom", "reply", 1), ("tom", "update body", 0),
    ("tom", "soft delete", 0), ("tom", "delete", "42501"),
    ("bob", "select", 1), ("bob", "insert", "42501"), ("bob", "reply", "42501"), ("bob", "update body", 0),
    ("cal", "select", 1), ("cal", "insert", "42501"), ("cal", "reply", "42501"),
])
def test_post_comments_matrix(db, people, post, actor, command, expected):
    first = comment(db.as_user(people["eve"]), post["id"])
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    params = {"post": post["id"], "comment": first["id"], "eve": people["eve"].id}
    who.expect(expected, COMMANDS[command], params)
    if isinstance(expected, str) or expected == 0:
        assert db.execute("select count(*), min(body), min(score) from public.post_comments") == [
            (1, "Nice work, how long did it take?", 0)]
        assert comments_count(db, post["id"]) == 1


@pytest.mark.rule("COMMENT-THREAD")
def test_depth_is_computed_and_capped_at_four(db, people, post):
    eve = db.as_user(people["eve"])
    parent = None
    for depth in range(5):
        row = eve.one("insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                      "returning depth", (post["id"], parent and parent["id"]))
        assert row["depth"] == depth
        parent = eve.one("select id from public.post_comments order by created_at desc, depth desc limit 1")
    eve.rejects("22023", "insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                "returning id", (post["id"], parent["id"]), match="4 levels")
    assert comments_count(db, post["id"]) == 5


@pytest.mark.rule("COMMENT-THREAD")
def test_depth_is_not_client_writable(db, people, post):
    db.as_user(people["eve"]).rejects(
        "42501", "insert into public.post_comments (post_id, body, depth) values (%s, 'x', 3) returning id",
        (post["id"],))


@pytest.mark.rule("COMMENT-THREAD")
def test_parent_must_be_a_live_comment_of_the_same_post(db, people, post):
    eve = db.as_user(people["eve"])
    other = create_post(db.as_user(people["tom"]), "another post")
    foreign = comment(eve, other["id"])
    eve.rejects("22023", "insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                "returning id", (post["id"], foreign["id"]), match="same post")
    eve.rejects("PT404", "insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                "returning id", (post["id"], "00000000-0000-0000-0000-000000000001"))
    gone = comment(eve, post["id"])
    eve.one("update public.post_comments set deleted_at = now() where id = %s returning id", (gone["id"],))
    eve.rejects("PT409", "insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                "returning id", (post["id"], gone["id"]))


@pytest.mark.rule("COMMENT-WRITE")
def test_no_comments_on_deleted_or_missing_posts(db, people, post):
    ada = db.as_user(people["ada"])
    ada.one("update public.posts set deleted_at = now() where id = %s returning id", (post["id"],))
    for target in (post["id"], "00000000-0000-0000-0000-000000000001"):
        db.as_user(people["eve"]).rejects(
            "PT404", "insert into public.post_comments (post_id, body) values (%s, 'x') returning id", (target,))


@pytest.mark.rule("COMMENT-BLOCK")
def test_no_reply_to_a_comment_across_a_block(db, people):
    """bob may comment on tom's post, but not reply to ada, who blocked him."""
    post = create_post(db.as_user(people["tom"]))
    by_ada = comment(db.as_user(people["ada"]), post["id"])
    bob = db.as_user(people["bob"])
    comment(bob, post["id"])
    bob.rejects("42501", "insert into public.post_comments (post_id, parent_id, body) values (%s, %s, 'x') "
                "returning id", (post["id"], by_ada["id"]))


@pytest.mark.rule("COMMENT-INPUT")
@pytest.mark.parametrize("body", ["   ", "x" * 2001])
def test_comment_body_is_checked(db, people, post, body):
    err = db.as_user(people["eve"]).rejects(
        "23514", "insert into public.post_comments (post_id, body) values (%s, %s) returning id", (post["id"], body))
    assert err.diag.constraint_name == "post_comments_body"


@pytest.mark.rule("COMMENT-INPUT")
def test_comment_body_is_trimmed(db, people, post):
    eve = db.as_user(people["eve"])
    row = comment(eve, post["id"], "  hi there  ")
    assert row["body"] == "hi there"
    assert eve.one("update public.post_comments set body = ' edited ' where id = %s returning body",
                   (row["id"],))["body"] == "edited"


@pytest.mark.rule("COMMENT-SOFT-DELETE", "COMMENT-COUNT")
def test_soft_delete_keeps_the_thread(db, people, post):
    eve, tom = db.as_user(people["eve"]), db.as_user(people["tom"])
    top = comment(eve, post["id"], "a secret")
    reply = comment(tom, post["id"], "an answer", parent_id=top["id"])
    assert comments_count(db, post["id"]) == 2
    eve.one("update public.post_comments set deleted_at = now() where id = %s returning id", (top["id"],))
    thread = db.as_anon().sql("select id, parent_id, depth, body, deleted_at is not null as deleted, author_id "
                              "from public.post_comments where post_id = %s order by created_at", (post["id"],))
    assert [(r["id"], r["body"], r["deleted"]) for r in thread] == [(top["id"], "", True),
                                                                     (reply["id"], "an answer", False)]
    assert thread[1]["parent_id"] == top["id"] and thread[1]["depth"] == 1
    assert comments_count(db, post["id"]) == 1
    eve.rejects("PT409", "update public.post_comments set body = 'back' where id = %s returning id", (top["id"],))
    eve.rejects("PT409", "update public.post_comments set deleted_at = null where id = %s returning id", (top["id"],))


@pytest.mark.rule("COMMENT-COUNT", "COMMENT-SOFT-DELETE")
def test_deleted_account_leaves_a_deleted_comment(db, people, post):
    top = comment(db.as_user(people["tom"]), post["id"], "bye")
    reply = comment(db.as_user(people["eve"]), post["id"], "see you", parent_id=top["id"])
    db.execute("delete from auth.users where id = %s", (people["tom"].id,))
    rows = db.execute("select id, author_id, body, deleted_at is not null from public.post_comments order by depth")
    assert rows == [(top["id"], None, "", True), (reply["id"], reply["author_id"], "see you", False)]
    assert comments_count(db, post["id"]) == 1


@pytest.mark.rule("COMMENT-COUNT")
def test_comments_count_follows_service_writes(db, people, post):
    db.execute("insert into public.post_comments (post_id, author_id, body) values (%s, %s, 'one'), (%s, %s, 'two')",
               (post["id"], people["eve"].id, post["id"], people["tom"].id))
    assert comments_count(db, post["id"]) == 2
    db.execute("delete from public.post_comments where author_id = %s", (people["tom"].id,))
    assert comments_count(db, post["id"]) == 1


# --- Comment votes ---

@pytest.mark.rule("COMMENT-VOTE", "POST-REPUTATION")
def test_comment_votes_count_and_give_reputation(db, people, post):
    by_eve = comment(db.as_user(people["eve"]), post["id"])
    assert db.as_user(people["tom"]).rpc("vote_comment", comment_id=by_eve["id"], value=1) == {
        "comment_id": str(by_eve["id"]), "upvotes": 1, "downvotes": 0, "score": 1, "vote": 1}
    db.as_user(people["ada"]).rpc("vote_comment", comment_id=by_eve["id"], value=-1)
    db.as_user(people["ada"]).rpc("vote_comment", comment_id=by_eve["id"], value=-1)
    assert db.execute("select upvotes, downvotes, score from public.post_comments where id = %s",
                      (by_eve["id"],))[0] == (1, 1, 0)
    assert db.execute("select reputation from public.profiles where id = %s", (people["eve"].id,))[0][0] == 0
    db.as_user(people["ada"]).rpc("vote_comment", comment_id=by_eve["id"], value=0)
    assert db.execute("select reputation from public.profiles where id = %s", (people["eve"].id,))[0][0] == 1


@pytest.mark.rule("COMMENT-VOTE")
@pytest.mark.parametrize(("actor", "target", "value", "sqlstate"), [
    ("anon", "comment", 1, "42501"),
    ("eve", "comment", 1, "42501"),   # own comment
    ("tom", "comment", 5, "22023"),
    ("tom", "deleted", 1, "PT409"),
    ("tom", "missing", 1, "PT404"),
    ("tom", "on deleted post", 1, "PT404"),
    ("bob", "by ada", 1, "42501"),    # ada blocked bob
    ("cal", "by ada", 1, "42501"),    # cal blocked ada
])
def test_vote_comment_refusals(db, people, post, actor, target, value, sqlstate):
    eve, ada = db.as_user(people["eve"]), db.as_user(people["ada"])
    ids = {"comment": comment(eve, post["id"])["id"], "by ada": comment(ada, post["id"])["id"],
           "missing": "00000000-0000-0000-0000-000000000001"}
    ids["deleted"] = comment(eve, post["id"])["id"]
    eve.one("update public.post_comments set deleted_at = now() where id = %s returning id", (ids["deleted"],))
    other = create_post(db.as_user(people["tom"]), "soon deleted")
    ids["on deleted post"] = comment(eve, other["id"])["id"]
    db.as_user(people["tom"]).one("update public.posts set deleted_at = now() where id = %s returning id",
                                  (other["id"],))
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    who.rejects_rpc(sqlstate, "vote_comment", comment_id=ids[target], value=value)
    assert db.execute("select count(*) from public.comment_votes")[0][0] == 0


@pytest.mark.rule("COMMENT-VOTE-PRIVATE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"),
    ("tom", "select", 1), ("tom", "insert", "42501"), ("tom", "update", "42501"), ("tom", "delete", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "update", "42501"), ("eve", "delete", "42501"),
    ("ada", "select", 0), ("ada", "insert", "42501"), ("ada", "update", "42501"), ("ada", "delete", "42501"),
])
def test_comment_votes_matrix(db, people, post, actor, command, expected):
    by_eve = comment(db.as_user(people["eve"]), post["id"])
    db.as_user(people["tom"]).rpc("vote_comment", comment_id=by_eve["id"], value=1)
    commands = {
        "select": "select value from public.comment_votes where comment_id = %(c)s",
        "insert": "insert into public.comment_votes (comment_id, user_id, value) values (%(c)s, %(me)s, 1) "
                  "returning value",
        "update": "update public.comment_votes set value = -1 where comment_id = %(c)s returning value",
        "delete": "delete from public.comment_votes where comment_id = %(c)s returning value",
    }
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    me = people[actor].id if actor != "anon" else people["tom"].id
    who.expect(expected, commands[command], {"c": by_eve["id"], "me": me})
    assert db.execute("select score from public.post_comments where id = %s", (by_eve["id"],))[0][0] == 1


# --- Realtime ---

@pytest.mark.rule("COMMENT-NO-REALTIME")
def test_comments_are_not_broadcast(db, people, post):
    before = db.execute("select count(*) from realtime.messages")[0][0]
    top = comment(db.as_user(people["eve"]), post["id"])
    comment(db.as_user(people["tom"]), post["id"], parent_id=top["id"])
    db.as_user(people["tom"]).rpc("vote_comment", comment_id=top["id"], value=1)
    assert db.execute("select count(*) from realtime.messages")[0][0] == before
    published = db.execute("select tablename from pg_publication_tables where pubname = 'supabase_realtime' "
                           "and tablename in ('posts', 'post_comments', 'post_votes', 'comment_votes')")
    assert published == []
    triggers = db.execute("""
        select t.tgname from pg_trigger as t join pg_proc as p on p.oid = t.tgfoid
        where t.tgrelid in ('public.post_comments'::regclass, 'public.comment_votes'::regclass)
          and p.prosrc ilike '%%realtime%%'""")
    assert triggers == []
