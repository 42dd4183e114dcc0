"""Conversations and participants: who sees them, how start_conversation creates them (one per
pair and gig, under concurrency too), the inbox RPC and read markers."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.support.comms import send_message, start_conversation

NIL = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def trio(db):
    """Two participants of one direct conversation and a stranger."""
    ada, bob, eve = (db.create_user(f"{n}@example.test", user_metadata={"username": n})
                     for n in ("ada", "bob", "eve"))
    cid = start_conversation(db, ada, bob)
    return {"ada": ada, "bob": bob, "eve": eve, "cid": cid}


def caller(db, trio, actor):
    return db.as_anon() if actor == "anon" else db.as_user(trio[actor])


CONVERSATION_COMMANDS = {
    "select": "select id from public.conversations where id = %(cid)s",
    "insert": "insert into public.conversations (user_low, user_high) values (%(a)s, %(b)s) returning id",
    "update": "update public.conversations set last_message_at = now() where id = %(cid)s returning id",
    "delete": "delete from public.conversations where id = %(cid)s returning id",
}
PARTICIPANT_COMMANDS = {
    "select": "select user_id from public.conversation_participants where conversation_id = %(cid)s",
    "insert": "insert into public.conversation_participants (conversation_id, user_id) "
              "values (%(cid)s, %(e)s) returning user_id",
    "update": "update public.conversation_participants set last_read_at = now() "
              "where conversation_id = %(cid)s returning user_id",
    "delete": "delete from public.conversation_participants where conversation_id = %(cid)s returning user_id",
}


@pytest.mark.rule("CONV-VISIBILITY")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"),
    ("anon", "update", "42501"), ("anon", "delete", "42501"),
    ("ada", "select", 1), ("ada", "insert", "42501"), ("ada", "update", "42501"), ("ada", "delete", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "update", "42501"), ("eve", "delete", "42501"),
])
def test_conversations_matrix(db, trio, actor, command, expected):
    params = {"cid": trio["cid"], "a": trio["eve"].id, "b": trio["ada"].id}
    who = caller(db, trio, actor)
    who.expect(expected, CONVERSATION_COMMANDS[command], params)


@pytest.mark.rule("CONV-VISIBILITY")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"),
    ("anon", "update", "42501"), ("anon", "delete", "42501"),
    ("bob", "select", 2), ("bob", "insert", "42501"), ("bob", "update", "42501"), ("bob", "delete", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "update", "42501"), ("eve", "delete", "42501"),
])
def test_conversation_participants_matrix(db, trio, actor, command, expected):
    params = {"cid": trio["cid"], "e": trio["eve"].id}
    who = caller(db, trio, actor)
    who.expect(expected, PARTICIPANT_COMMANDS[command], params)


@pytest.mark.rule("CONV-ONE-PER-PAIR")
def test_start_conversation_returns_the_same_direct_conversation_to_both(db, trio):
    assert start_conversation(db, trio["bob"], trio["ada"]) == trio["cid"]
    assert start_conversation(db, trio["ada"], trio["bob"]) == trio["cid"]
    assert db.execute("select count(*) from public.conversations") == [(1,)]
    assert db.execute("select gig_key::text from public.conversations") == [(NIL,)]


@pytest.mark.rule("CONV-START")
def test_anon_cannot_start_a_conversation(db, trio):
    db.as_anon().rejects_rpc("42501", "start_conversation", other_user_id=trio["ada"].id)


@pytest.mark.rule("CONV-START")
def test_cannot_start_a_conversation_with_yourself(db, trio):
    db.as_user(trio["ada"]).rejects_rpc("22023", "start_conversation", other_user_id=trio["ada"].id)


@pytest.mark.rule("CONV-START")
def test_cannot_start_a_conversation_with_an_unknown_user(db, trio):
    db.as_user(trio["ada"]).rejects_rpc("PT404", "start_conversation", other_user_id=str(uuid.uuid4()))


@pytest.mark.rule("CONV-BLOCK")
@pytest.mark.parametrize("blocker", ["ada", "eve"])
def test_a_block_either_way_stops_new_conversations(db, trio, blocker):
    other = "eve" if blocker == "ada" else "ada"
    db.as_user(trio[blocker]).one(
        "insert into public.user_blocks (blocked_id) values (%s) returning blocked_id", (trio[other].id,))
    db.as_user(trio["ada"]).rejects_rpc("42501", "start_conversation", match="cannot start",
                                        other_user_id=trio["eve"].id)
    db.as_user(trio["eve"]).rejects_rpc("42501", "start_conversation", match="cannot start",
                                        other_user_id=trio["ada"].id)


@pytest.mark.rule("CONV-BLOCK")
def test_existing_conversation_is_still_returned_after_a_block(db, trio):
    db.as_user(trio["bob"]).one(
        "insert into public.user_blocks (blocked_id) values (%s) returning blocked_id", (trio["ada"].id,))
    assert start_conversation(db, trio["ada"], trio["bob"]) == trio["cid"]


@pytest.mark.rule("CONV-RATE-LIMIT")
def test_twenty_new_conversations_per_day_then_pt429(db):
    ada = db.create_user()
    others = [db.create_user() for _ in range(21)]
    for other in others[:20]:
        start_conversation(db, ada, other)
    err = db.as_user(ada).rejects_rpc("PT429", "start_conversation", other_user_id=others[20].id)
    assert "retry in" in err.diag.message_primary
    # Returning an existing conversation costs nothing.
    start_conversation(db, ada, others[0])
    assert db.execute("select count(*) from public.conversations") == [(20,)]


@pytest.mark.rule("CONV-ONE-PER-PAIR")
def test_the_pair_constraint_refuses_a_second_direct_conversation(db, trio):
    a, b = sorted([trio["ada"].id, trio["bob"].id])
    err = db.as_service().rejects(
        "23505", "insert into public.conversations (user_low, user_high) values (%s, %s)", (a, b))
    assert "conversations_pair_gig_key" in str(err)


@pytest.mark.rule("CONV-ONE-PER-PAIR")
def test_concurrent_start_conversation_calls_create_one_conversation(db):
    ada, bob = db.create_user(), db.create_user()
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(12)

    def call(user, other):
        try:
            with db.connect() as conn:
                barrier.wait()
                results.append(str(db.as_user(user, conn).rpc("start_conversation", other_user_id=other.id)))
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(ada, bob) if i % 2 else (bob, ada)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 12 and len(set(results)) == 1
    assert db.execute("select count(*) from public.conversations") == [(1,)]
    assert db.execute("select count(*) from public.conversation_participants") == [(2,)]
    # Only the conversation actually created counted against the limit.
    assert db.execute("select count(*) from private.rate_limit_events "
                      "where action = 'conversations.create'") == [(1,)]


@pytest.mark.rule("CONV-INBOX")
def test_my_conversations_lists_other_profile_last_message_and_unread_count(db, trio):
    ada, bob, eve = trio["ada"], trio["bob"], trio["eve"]
    other_cid = start_conversation(db, ada, eve)
    send_message(db, bob, trio["cid"], "first")
    send_message(db, bob, trio["cid"], "second")
    send_message(db, ada, trio["cid"], "mine")
    send_message(db, eve, other_cid, "from eve")
    rows = db.as_user(ada).rpc_rows("my_conversations", page_size=10)
    assert [r["conversation_id"] for r in rows] == [uuid.UUID(other_cid), uuid.UUID(trio["cid"])]
    latest, older = rows
    assert latest["other_participant"]["username"] == "eve"
    assert latest["last_message"]["body"] == "from eve" and latest["unread_count"] == 1
    assert older["other_participant"]["username"] == "bob"
    assert "email" not in older["other_participant"]
    assert older["last_message"]["body"] == "mine" and older["unread_count"] == 2


@pytest.mark.rule("CONV-INBOX")
def test_my_conversations_never_shows_other_peoples_conversations(db, trio):
    # It runs with the owner's rights (private.my_conversations), so this is its only guard.
    bob, eve = trio["bob"], trio["eve"]
    theirs = start_conversation(db, bob, eve)
    send_message(db, bob, theirs, "just between us")
    rows = db.as_user(trio["ada"]).rpc_rows("my_conversations", page_size=50)
    assert [r["conversation_id"] for r in rows] == [uuid.UUID(trio["cid"])]
    assert "just between us" not in str(rows)


@pytest.mark.rule("CONV-INBOX")
def test_my_conversations_pages_with_the_cursor(db):
    ada = db.create_user()
    cids = [start_conversation(db, ada, db.create_user()) for _ in range(5)]
    me = db.as_user(ada)
    first = me.rpc_rows("my_conversations", page_size=2)
    second = me.rpc_rows("my_conversations", page_size=2, cursor=first[-1]["next_cursor"])
    third = me.rpc_rows("my_conversations", page_size=2, cursor=second[-1]["next_cursor"])
    seen = [str(r["conversation_id"]) for r in first + second + third]
    assert len(seen) == 5 and sorted(seen) == sorted(cids)
    assert [len(first), len(second), len(third)] == [2, 2, 1]


@pytest.mark.rule("CONV-INBOX")
@pytest.mark.parametrize(("args", "sqlstate"), [
    ({"page_size": 0}, "22023"), ({"page_size": 51}, "22023"), ({"page_size": 5, "cursor": "nonsense"}, "22023"),
])
def test_my_conversations_rejects_bad_arguments(db, trio, args, sqlstate):
    db.as_user(trio["ada"]).rejects(sqlstate, "select * from public.my_conversations(%(page_size)s, %(cursor)s)",
                                    {"cursor": None, **args})


@pytest.mark.rule("CONV-INBOX")
def test_anon_cannot_list_conversations(db):
    db.as_anon().rejects("42501", "select * from public.my_conversations()")


@pytest.mark.rule("CONV-MARK-READ")
def test_mark_conversation_read_resets_the_unread_count(db, trio):
    send_message(db, trio["bob"], trio["cid"], "ping")
    assert db.as_user(trio["bob"]).rpc_rows("my_conversations")[0]["unread_count"] == 0  # own message
    me = db.as_user(trio["ada"])
    assert me.rpc_rows("my_conversations")[0]["unread_count"] == 1
    me.rpc("mark_conversation_read", conversation_id=trio["cid"])
    row = me.rpc_rows("my_conversations")[0]
    assert row["unread_count"] == 0 and row["last_read_at"] is not None
    # The conversation's message notification was read with it.
    assert db.execute("select count(*) from public.notifications where user_id = %s and read_at is null",
                      (trio["ada"].id,)) == [(0,)]


@pytest.mark.rule("CONV-MARK-READ")
def test_stranger_cannot_mark_a_conversation_read(db, trio):
    db.as_user(trio["eve"]).rejects_rpc("PT404", "mark_conversation_read", conversation_id=trio["cid"])


def test_inbox_and_message_page_queries_use_indexes(db, trio):
    db.execute("set enable_seqscan = off")
    plan = "\n".join(r[0] for r in db.execute(
        "explain select conversation_id from public.conversation_participants "
        "where user_id = %s order by last_activity_at desc, conversation_id desc limit 20", (trio["ada"].id,)))
    assert "conversation_participants_inbox_idx" in plan
    plan = "\n".join(r[0] for r in db.execute(
        "explain select id from public.messages where conversation_id = %s "
        "order by created_at desc, id desc limit 50", (trio["cid"],)))
    assert "messages_conversation_created_idx" in plan
    plan = "\n".join(r[0] for r in db.execute(
        "explain select count(*) from public.messages where conversation_id = %s and created_at > now()",
        (trio["cid"],)))
    assert "messages_conversation_created_idx" in plan
