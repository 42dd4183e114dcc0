"""User blocks are private to the blocker, who alone creates and removes them."""

from __future__ import annotations

import pytest

BLOCK = "insert into public.user_blocks (blocked_id) values (%s) returning blocked_id"


@pytest.fixture
def block(db):
    """ada blocked bob; eve is a bystander."""
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "bob", "eve")}
    db.as_user(users["ada"]).one(BLOCK, (users["bob"].id,))
    return users


COMMANDS = {
    "select": "select blocked_id from public.user_blocks where blocker_id = %(ada)s",
    "delete": "delete from public.user_blocks where blocker_id = %(ada)s returning blocked_id",
    "insert as other blocker": "insert into public.user_blocks (blocker_id, blocked_id) "
                               "values (%(ada)s, %(eve)s) returning blocked_id",
    "update": "update public.user_blocks set blocked_id = %(eve)s where blocker_id = %(ada)s returning blocked_id",
}


@pytest.mark.rule("BLOCK-PRIVATE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "delete", "42501"),
    ("anon", "insert as other blocker", "42501"), ("anon", "update", "42501"),
    ("ada", "select", 1), ("ada", "delete", 1), ("ada", "insert as other blocker", "42501"), ("ada", "update", "42501"),
    ("bob", "select", 0), ("bob", "delete", 0), ("bob", "insert as other blocker", "42501"), ("bob", "update", "42501"),
    ("eve", "select", 0), ("eve", "delete", 0), ("eve", "insert as other blocker", "42501"), ("eve", "update", "42501"),
])
def test_user_blocks_matrix(db, block, actor, command, expected):
    who = db.as_anon() if actor == "anon" else db.as_user(block[actor])
    params = {"ada": block["ada"].id, "eve": block["eve"].id}
    who.expect(expected, COMMANDS[command], params)


@pytest.mark.rule("BLOCK-PRIVATE")
def test_blocked_user_may_block_back(db, block):
    db.as_user(block["bob"]).one(BLOCK, (block["ada"].id,))
    assert db.as_user(block["bob"]).scalar("select count(*) from public.user_blocks") == 1


@pytest.mark.rule("BLOCK-PRIVATE")
def test_blocker_is_the_caller(db, block):
    row = db.as_user(block["eve"]).one("insert into public.user_blocks (blocked_id) values (%s) "
                                       "returning blocker_id", (block["ada"].id,))
    assert str(row["blocker_id"]) == block["eve"].id


@pytest.mark.rule("BLOCK-NOT-SELF")
def test_cannot_block_yourself(db, block):
    err = db.as_user(block["eve"]).rejects("23514", BLOCK, (block["eve"].id,))
    assert err.diag.constraint_name == "user_blocks_not_self"


@pytest.mark.rule("BLOCK-UNIQUE")
def test_blocking_twice_is_a_duplicate(db, block):
    db.as_user(block["ada"]).rejects("23505", BLOCK, (block["bob"].id,))
