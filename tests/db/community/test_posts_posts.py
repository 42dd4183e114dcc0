"""Posts (SPEC §7): who reads and writes them, input hygiene, soft delete."""

from __future__ import annotations

import pytest

from tests.support.community_posts import BLOCK, create_post


@pytest.fixture
def people(db):
    """ada writes posts; eve is a stranger; bob is blocked by ada."""
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "eve", "bob")}
    db.as_user(users["ada"]).one(BLOCK, (users["bob"].id,))
    return users


def caller(db, people, actor):
    return db.as_anon() if actor == "anon" else db.as_user(people[actor])


COMMANDS = {
    "select": "select id from public.posts where id = %(id)s",
    "select deleted": "select id from public.posts where id = %(deleted)s",
    "insert": "insert into public.posts (body) values ('hello world') returning id",
    "insert as other author": "insert into public.posts (author_id, body) values (%(ada)s, 'x') returning id",
    "update body": "update public.posts set body = 'changed' where id = %(id)s returning id",
    "update counters": "update public.posts set upvotes = 99, score = 99 where id = %(id)s returning id",
    "update hot_rank": "update public.posts set hot_rank = 1e9 where id = %(id)s returning id",
    "update author": "update public.posts set author_id = %(eve)s where id = %(id)s returning id",
    "soft delete": "update public.posts set deleted_at = now() where id = %(id)s returning id",
    "delete": "delete from public.posts where id = %(id)s returning id",
}


@pytest.mark.rule("POST-READ", "POST-AUTHOR-WRITES", "POST-COLUMNS")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", 1), ("anon", "select deleted", 0), ("anon", "insert", "42501"),
    ("anon", "insert as other author", "42501"), ("anon", "update body", "42501"),
    ("anon", "update counters", "42501"), ("anon", "update hot_rank", "42501"), ("anon", "update author", "42501"),
    ("anon", "soft delete", "42501"), ("anon", "delete", "42501"),
    ("ada", "select", 1), ("ada", "select deleted", 1), ("ada", "insert", 1),
    ("ada", "insert as other author", "42501"), ("ada", "update body", 1),
    ("ada", "update counters", "42501"), ("ada", "update hot_rank", "42501"), ("ada", "update author", "42501"),
    ("ada", "soft delete", 1), ("ada", "delete", "42501"),
    ("eve", "select", 1), ("eve", "select deleted", 0), ("eve", "insert", 1),
    ("eve", "insert as other author", "42501"), ("eve", "update body", 0),
    ("eve", "update counters", "42501"), ("eve", "update hot_rank", "42501"), ("eve", "update author", "42501"),
    ("eve", "soft delete", 0), ("eve", "delete", "42501"),
    ("bob", "select", 1), ("bob", "select deleted", 0), ("bob", "insert", 1),
    ("bob", "update body", 0), ("bob", "update counters", "42501"), ("bob", "soft delete", 0),
    ("bob", "delete", "42501"),
])
def test_posts_matrix(db, people, actor, command, expected):
    ada = db.as_user(people["ada"])
    post = create_post(ada)
    deleted = create_post(ada, "soon gone")
    ada.one("update public.posts set deleted_at = now() where id = %s returning id", (deleted["id"],))
    params = {"id": post["id"], "deleted": deleted["id"], "ada": people["ada"].id, "eve": people["eve"].id}
    caller(db, people, actor).expect(expected, COMMANDS[command], params)
    if expected != 1 or command not in ("update body", "soft delete"):
        row = db.execute("select body, deleted_at, upvotes, author_id::text from public.posts where id = %s",
                         (post["id"],))[0]
        assert row == ("Shipped a small tool for invoices today.", None, 0, people["ada"].id)


@pytest.mark.rule("POST-AUTHOR-WRITES")
def test_author_is_the_caller(db, people):
    post = create_post(db.as_user(people["eve"]))
    assert str(post["author_id"]) == people["eve"].id
    assert (post["upvotes"], post["downvotes"], post["score"], post["comments_count"]) == (0, 0, 0, 0)


@pytest.mark.rule("POST-INPUT")
def test_text_is_trimmed_and_tags_normalised(db, people):
    post = create_post(db.as_user(people["ada"]), "  hello  ", url=" https://x.example/a ", kind="link",
                       tags=["  Rust ", "rust", "", "SQL", "  ", "Web Dev"])
    assert post["body"] == "hello" and post["url"] == "https://x.example/a"
    assert post["tags"] == ["rust", "sql", "web dev"]
    edited = db.as_user(people["ada"]).one(
        "update public.posts set tags = array['Go', 'GO ', 'go'] where id = %s returning tags", (post["id"],))
    assert edited["tags"] == ["go"]


@pytest.mark.rule("POST-INPUT")
@pytest.mark.parametrize(("fields", "sqlstate", "constraint"), [
    ({"body": "   "}, "23514", "posts_body_length"),
    ({"body": "x" * 5001}, "23514", "posts_body_length"),
    ({"url": "ftp://x.example"}, "23514", "posts_url_format"),
    ({"url": "https://" + "x" * 2048}, "23514", "posts_url_format"),
    ({"kind": "poll"}, "23514", "posts_kind"),
    ({"kind": "link"}, "23514", "posts_link_has_url"),
    ({"tags": [f"t{i}" for i in range(11)]}, "23514", "posts_tags_count"),
    ({"tags": ["x" * 51]}, "22023", None),
])
def test_invalid_post_input_is_refused(db, people, fields, sqlstate, constraint):
    ada = db.as_user(people["ada"])
    values = {"body": "fine body", **fields}
    cols = ", ".join(values)
    err = ada.rejects(sqlstate, f"insert into public.posts ({cols}) values ({', '.join(['%s'] * len(values))}) "
                                "returning id", list(values.values()))
    if constraint:
        assert err.diag.constraint_name == constraint
    assert db.execute("select count(*) from public.posts")[0][0] == 0


@pytest.mark.rule("POST-INPUT")
def test_eleven_tags_that_collapse_to_ten_are_fine(db, people):
    post = create_post(db.as_user(people["ada"]), tags=[f"t{i}" for i in range(10)] + ["T0"])
    assert len(post["tags"]) == 10


@pytest.mark.rule("POST-SOFT-DELETE")
def test_soft_delete_hides_the_post_and_freezes_it(db, people):
    ada = db.as_user(people["ada"])
    post = create_post(ada)
    row = ada.one("update public.posts set deleted_at = '2000-01-01' where id = %s returning deleted_at, updated_at",
                  (post["id"],))
    assert row["deleted_at"].year > 2000  # the database's time, not the client's
    assert db.as_anon().sql("select id from public.posts") == []
    ada.rejects("PT409", "update public.posts set body = 'back' where id = %s returning id", (post["id"],),
                match="deleted post")
    ada.rejects("PT409", "update public.posts set deleted_at = null where id = %s returning id", (post["id"],))


@pytest.mark.rule("POST-HOT-RANK")
def test_hot_rank_follows_score_and_age(db, people):
    ada = db.as_user(people["ada"])
    post = create_post(ada)
    rank0 = db.execute("select hot_rank from public.posts where id = %s", (post["id"],))[0][0]
    db.execute("update public.posts set score = 10 where id = %s", (post["id"],))
    rank10 = db.execute("select hot_rank from public.posts where id = %s", (post["id"],))[0][0]
    assert rank10 - rank0 == 1  # log10(10): ten points are worth 45000 s of age
    db.execute("update public.posts set score = -10 where id = %s", (post["id"],))
    assert db.execute("select hot_rank from public.posts where id = %s", (post["id"],))[0][0] == rank0 - 1
    # An edit of the text leaves the rank alone.
    ada.one("update public.posts set body = 'edited' where id = %s returning id", (post["id"],))
    assert db.execute("select hot_rank from public.posts where id = %s", (post["id"],))[0][0] == rank0 - 1


@pytest.mark.rule("FEED-TAG")
def test_tag_index_follows_the_posts(db, people):
    ada = db.as_user(people["ada"])
    post = create_post(ada, tags=["Rust", "sql"])

    def tags():
        return db.execute("select tag, score from private.post_tags where post_id = %s order by tag", (post["id"],))

    assert tags() == [("rust", 0), ("sql", 0)]
    ada.one("update public.posts set tags = '{go}' where id = %s returning id", (post["id"],))
    assert tags() == [("go", 0)]
    db.execute("update public.posts set score = 5 where id = %s", (post["id"],))
    assert tags() == [("go", 5)]
    ada.one("update public.posts set deleted_at = now() where id = %s returning id", (post["id"],))
    assert tags() == []


def test_deleting_an_account_deletes_its_posts(db, people):
    post = create_post(db.as_user(people["ada"]))
    db.execute("delete from auth.users where id = %s", (people["ada"].id,))
    assert db.execute("select count(*) from public.posts where id = %s", (post["id"],))[0][0] == 0
