"""Messages: only participants read and send, as themselves; the sender edits within 15 minutes
and soft-deletes; blocks stop messages both ways; 30 per minute; deleted senders' messages stay."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.support.comms import SEND_MESSAGE, send_message, start_conversation


@pytest.fixture
def chat(db):
    """ada and bob in a conversation with one message from ada; eve is a stranger."""
    ada, bob, eve = (db.create_user(f"{n}@example.test", user_metadata={"username": n})
                     for n in ("ada", "bob", "eve"))
    cid = start_conversation(db, ada, bob)
    message = send_message(db, ada, cid, "hello bob")
    return {"ada": ada, "bob": bob, "eve": eve, "cid": cid, "mid": str(message["id"])}


COMMANDS = {
    "select": "select id from public.messages where id = %(mid)s",
    "insert": "insert into public.messages (conversation_id, body) values (%(cid)s, 'hi') returning id",
    "edit": "update public.messages set body = 'edited' where id = %(mid)s returning id",
    "soft delete": "update public.messages set deleted_at = now() where id = %(mid)s returning id",
    "set sender": "update public.messages set sender_id = %(eve)s where id = %(mid)s returning id",
    "hard delete": "delete from public.messages where id = %(mid)s returning id",
}


@pytest.mark.rule("MSG-READ")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"), ("anon", "edit", "42501"),
    ("anon", "soft delete", "42501"), ("anon", "set sender", "42501"), ("anon", "hard delete", "42501"),
    ("ada", "select", 1), ("ada", "insert", 1), ("ada", "edit", 1),
    ("ada", "soft delete", 1), ("ada", "set sender", "42501"), ("ada", "hard delete", "42501"),
    ("bob", "select", 1), ("bob", "insert", 1), ("bob", "edit", "42501"),
    ("bob", "soft delete", "42501"), ("bob", "set sender", "42501"), ("bob", "hard delete", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "edit", 0),
    ("eve", "soft delete", 0), ("eve", "set sender", "42501"), ("eve", "hard delete", "42501"),
])
def test_messages_matrix(db, chat, actor, command, expected):
    who = db.as_anon() if actor == "anon" else db.as_user(chat[actor])
    params = {"mid": chat["mid"], "cid": chat["cid"], "eve": chat["eve"].id}
    who.expect(expected, COMMANDS[command], params)


@pytest.mark.rule("MSG-SEND")
def test_sender_is_always_the_caller(db, chat):
    row = send_message(db, chat["bob"], chat["cid"])
    assert str(row["sender_id"]) == chat["bob"].id
    db.as_user(chat["bob"]).rejects(
        "42501", "insert into public.messages (conversation_id, sender_id, body) values (%s, %s, 'x') returning id",
        (chat["cid"], chat["ada"].id))


@pytest.mark.rule("MSG-SEND")
def test_only_participants_send_even_as_the_service(db, chat):
    db.as_service().rejects(
        "42501", "insert into public.messages (conversation_id, sender_id, body) values (%s, %s, 'x')",
        (chat["cid"], chat["eve"].id), match="only participants")


@pytest.mark.rule("MSG-BODY")
@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_body_must_be_1_to_5000_characters(db, chat, body):
    err = db.as_user(chat["ada"]).rejects("23514", SEND_MESSAGE, (chat["cid"], body))
    assert err.diag.constraint_name == "messages_body_length"


@pytest.mark.rule("MSG-BODY")
def test_body_is_trimmed(db, chat):
    assert send_message(db, chat["ada"], chat["cid"], "  spaced  ")["body"] == "spaced"


@pytest.mark.rule("MSG-COLUMNS")
def test_client_cannot_backdate_or_predelete_a_message(db, chat):
    me = db.as_user(chat["ada"])
    for column, value in (("created_at", "2020-01-01"), ("deleted_at", "2020-01-01"), ("edited_at", "2020-01-01")):
        me.rejects("42501", f"insert into public.messages (conversation_id, body, {column}) "
                            f"values (%s, 'x', %s) returning id", (chat["cid"], value))


@pytest.mark.rule("MSG-EDIT-WINDOW")
def test_sender_edits_within_fifteen_minutes(db, chat):
    row = db.as_user(chat["ada"]).one(
        "update public.messages set body = ' better ' where id = %s returning body, edited_at", (chat["mid"],))
    assert row["body"] == "better" and row["edited_at"] is not None


@pytest.mark.rule("MSG-EDIT-WINDOW")
def test_edit_after_fifteen_minutes_is_pt409(db, chat):
    old = db.as_service().one(
        "insert into public.messages (conversation_id, sender_id, body, created_at) "
        "values (%s, %s, 'old', now() - interval '16 minutes') returning id", (chat["cid"], chat["ada"].id))
    db.as_user(chat["ada"]).rejects(
        "PT409", "update public.messages set body = 'late' where id = %s returning id", (old["id"],),
        match="15 minutes")


@pytest.mark.rule("MSG-SOFT-DELETE")
def test_soft_delete_empties_body_and_attachments(db, chat):
    path = f"{chat['cid']}/notes.pdf"
    msg = db.as_user(chat["ada"]).one(
        "insert into public.messages (conversation_id, body, attachments) values (%s, 'see file', %s) returning id",
        (chat["cid"], json.dumps([{"path": path, "name": "notes.pdf"}])))
    row = db.as_user(chat["ada"]).one(
        "update public.messages set deleted_at = '2000-01-01' where id = %s "
        "returning body, attachments, deleted_at > now() - interval '1 minute' as recent", (msg["id"],))
    assert row == {"body": "", "attachments": [], "recent": True}
    # The other participant still sees that a message was deleted.
    assert db.as_user(chat["bob"]).one("select body, deleted_at is not null as deleted from public.messages "
                                       "where id = %s", (msg["id"],)) == {"body": "", "deleted": True}


@pytest.mark.rule("MSG-SOFT-DELETE")
@pytest.mark.parametrize("change", ["body = 'again'", "deleted_at = null", "deleted_at = now()"])
def test_a_deleted_message_cannot_change(db, chat, change):
    me = db.as_user(chat["ada"])
    me.one("update public.messages set deleted_at = now() where id = %s returning id", (chat["mid"],))
    me.rejects("PT409", f"update public.messages set {change} where id = %s returning id", (chat["mid"],))


@pytest.mark.rule("MSG-BODY")
def test_empty_body_only_when_deleted(db, chat):
    err = db.as_service().rejects(
        "23514", "update public.messages set body = '' where id = %s", (chat["mid"],))
    assert err.diag.constraint_name == "messages_body_length"


@pytest.mark.rule("MSG-ATTACHMENTS")
@pytest.mark.parametrize("attachments", [
    [{"path": "{other}/x.pdf"}],
    [{"path": "{cid}/../{other}/x.pdf"}],
    [{"path": "{cid}/"}],
    [{"name": "no path"}],
    ["{cid}/x.pdf"],
    {"path": "{cid}/x.pdf"},
    [{"path": "{cid}/x.pdf"}] * 11,
])
def test_attachments_must_point_inside_the_conversation_folder(db, chat, attachments):
    other = start_conversation(db, chat["ada"], chat["eve"])
    text = json.dumps(attachments).replace("{cid}", chat["cid"]).replace("{other}", other)
    db.as_user(chat["ada"]).rejects(
        "22023", "insert into public.messages (conversation_id, body, attachments) values (%s, 'f', %s) returning id",
        (chat["cid"], text))


@pytest.mark.rule("MSG-ATTACHMENTS")
def test_attachments_inside_the_folder_are_accepted(db, chat):
    items = [{"path": f"{chat['cid']}/sub/plan.pdf", "name": "plan.pdf", "size": 10, "mime_type": "application/pdf"}]
    row = db.as_user(chat["bob"]).one(
        "insert into public.messages (conversation_id, body, attachments) values (%s, 'f', %s) returning attachments",
        (chat["cid"], json.dumps(items)))
    assert row["attachments"] == items


@pytest.mark.rule("MSG-BLOCK")
@pytest.mark.parametrize(("blocker", "sender"), [("ada", "ada"), ("ada", "bob"), ("bob", "ada"), ("bob", "bob")])
def test_a_block_stops_messages_both_ways(db, chat, blocker, sender):
    other = "bob" if blocker == "ada" else "ada"
    db.as_user(chat[blocker]).one(
        "insert into public.user_blocks (blocked_id) values (%s) returning blocked_id", (chat[other].id,))
    db.as_user(chat[sender]).rejects("42501", SEND_MESSAGE, (chat["cid"], "still there?"),
                                     match="cannot message")


@pytest.mark.rule("MSG-BLOCK")
def test_unblocking_allows_messages_again(db, chat):
    me = db.as_user(chat["bob"])
    me.one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id", (chat["ada"].id,))
    me.one("delete from public.user_blocks where blocked_id = %s returning blocked_id", (chat["ada"].id,))
    send_message(db, chat["ada"], chat["cid"], "back again")


@pytest.mark.rule("MSG-RATE-LIMIT")
def test_thirty_messages_per_minute_then_pt429(db, chat):
    for i in range(29):  # the fixture's message was the first
        send_message(db, chat["ada"], chat["cid"], f"m{i}")
    err = db.as_user(chat["ada"]).rejects("PT429", SEND_MESSAGE, (chat["cid"], "one too many"))
    assert "retry in" in err.diag.message_primary
    send_message(db, chat["bob"], chat["cid"], "bob has his own budget")


@pytest.mark.rule("MSG-ACTIVITY")
def test_a_new_message_moves_the_conversation_activity(db, chat):
    row = send_message(db, chat["bob"], chat["cid"], "latest")
    assert db.execute("select last_message_at from public.conversations where id = %s",
                      (chat["cid"],)) == [(row["created_at"],)]
    assert db.execute("select count(*) from public.conversation_participants where conversation_id = %s "
                      "and last_activity_at = %s", (chat["cid"], row["created_at"])) == [(2,)]


@pytest.mark.rule("MSG-DELETED-USER")
def test_messages_of_a_deleted_user_stay_with_a_null_sender(db, chat):
    db.execute("delete from auth.users where id = %s", (chat["ada"].id,))
    rows = db.as_user(chat["bob"]).sql("select body, sender_id from public.messages where conversation_id = %s",
                                       (chat["cid"],))
    assert rows == [{"body": "hello bob", "sender_id": None}]
    inbox = db.as_user(chat["bob"]).rpc_rows("my_conversations")
    assert inbox[0]["other_participant"] is None and inbox[0]["last_message"]["body"] == "hello bob"


@pytest.mark.rule("MSG-SEND")
def test_recipient_is_the_other_participant_and_not_writable(db, chat):
    assert db.as_user(chat["bob"]).scalar("select recipient_id::text from public.messages where id = %s",
                                          (chat["mid"],)) == chat["bob"].id
    reply = send_message(db, chat["bob"], chat["cid"])
    assert str(reply["recipient_id"]) == chat["ada"].id
    db.as_user(chat["ada"]).rejects(
        "42501", "insert into public.messages (conversation_id, recipient_id, body) values (%s, %s, 'x')",
        (chat["cid"], chat["eve"].id))
    db.as_user(chat["ada"]).rejects("42501", "update public.messages set recipient_id = %s where id = %s",
                                    (chat["eve"].id, chat["mid"]))
    # Not even the service plants another reader: the trigger copies it, the update guard refuses it.
    planted = db.as_service().one(
        "insert into public.messages (conversation_id, sender_id, recipient_id, body) values (%s, %s, %s, 'x') "
        "returning recipient_id::text", (chat["cid"], chat["ada"].id, chat["eve"].id))
    assert planted == {"recipient_id": chat["bob"].id}
    db.as_service().rejects("42501", "update public.messages set recipient_id = %s where id = %s",
                            (chat["eve"].id, chat["mid"]), match="recipient")
    db.as_user(chat["eve"]).affects_nothing("select id from public.messages where id = %s", (chat["mid"],))


@pytest.mark.rule("MSG-DELETED-USER")
def test_a_deleted_recipient_leaves_the_message_with_its_sender(db, chat):
    db.execute("delete from auth.users where id = %s", (chat["bob"].id,))
    row = db.as_user(chat["ada"]).one("select body, recipient_id from public.messages where id = %s", (chat["mid"],))
    assert row == {"body": "hello bob", "recipient_id": None}


@pytest.mark.rule("MSG-READ")
def test_message_reads_check_the_row_not_a_membership_list(db, chat):
    # The policy compares the row's own columns: no subquery per request or per row.
    caller = dataclasses.replace(db.as_user(chat["bob"]), settings={"enable_seqscan": "off"})
    plan = "\n".join(r["QUERY PLAN"] for r in caller.sql(
        "explain select * from public.messages where conversation_id = %s order by created_at desc limit 50",
        (chat["cid"],)))
    assert "messages_conversation_created_idx" in plan and "SubPlan" not in plan, plan
