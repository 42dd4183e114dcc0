"""Notifications written by the communication triggers, their e-mail, throttling, the owner's
commands on notifications, and proof that a failing side effect never loses the user's write."""

from __future__ import annotations

import uuid

import pytest

from tests.support.comms import notifications, outbox, send_message, start_conversation


@pytest.fixture
def chat(db):
    ada = db.create_user("ada@example.test", user_metadata={"username": "ada"})
    bob = db.create_user("bob@example.test", user_metadata={"username": "bob"})
    return {"ada": ada, "bob": bob, "cid": start_conversation(db, ada, bob)}


@pytest.mark.rule("NOTIF-MESSAGE")
def test_a_message_notifies_the_other_participant_and_enqueues_email(db, chat):
    msg = send_message(db, chat["ada"], chat["cid"], "are you free tomorrow?")
    [note] = notifications(db, chat["bob"], "message_received")
    assert note["title"] == "New message from @ada"
    assert note["body"] == "are you free tomorrow?"
    assert note["data"] == {"conversation_id": chat["cid"], "message_id": str(msg["id"]), "sender_id": chat["ada"].id}
    assert outbox(db, chat["bob"], "message_received") == [
        ("message_received", uuid.UUID(note["id"]), f"message_received:{chat['cid']}:{chat['bob'].id}")]
    assert notifications(db, chat["ada"], "message_received") == []


@pytest.mark.rule("EMAIL-MESSAGE-THROTTLE")
def test_message_email_is_sent_at_most_once_per_conversation_and_recipient_per_hour(db, chat):
    for body in ("one", "two", "three"):
        send_message(db, chat["ada"], chat["cid"], body)
    assert len(notifications(db, chat["bob"], "message_received")) == 3
    assert len(outbox(db, chat["bob"], "message_received")) == 1
    # Another conversation and the other direction have their own hour.
    eve = db.create_user()
    send_message(db, chat["ada"], start_conversation(db, chat["ada"], eve), "hi eve")
    send_message(db, chat["bob"], chat["cid"], "reply")
    assert len(outbox(db, eve, "message_received")) == 1
    assert len(outbox(db, chat["ada"], "message_received")) == 1
    # An hour later the next message e-mails again.
    db.execute("update private.email_outbox set created_at = now() - interval '61 minutes'")
    send_message(db, chat["ada"], chat["cid"], "still there?")
    assert len(outbox(db, chat["bob"], "message_received")) == 2


@pytest.mark.rule("EMAIL-SETTING")
def test_message_email_follows_the_recipients_setting(db, chat):
    db.as_user(chat["bob"]).one("update public.notification_settings set email_message_received = false "
                                "returning user_id")
    send_message(db, chat["ada"], chat["cid"])
    assert len(notifications(db, chat["bob"], "message_received")) == 1
    assert outbox(db, chat["bob"], "message_received") == []


@pytest.mark.rule("NOTIF-SIDE-EFFECT")
def test_a_failing_notification_never_loses_the_message(db, chat):
    # Break the side effect: every notification insert now fails.
    db.execute("create function public.refuse_notifications() returns trigger language plpgsql "
               "as $$ begin raise exception 'notifications are down'; end $$")
    db.execute("create trigger refuse before insert on public.notifications "
               "for each row execute function public.refuse_notifications()")
    msg = send_message(db, chat["ada"], chat["cid"], "this must arrive")
    assert db.execute("select body from public.messages where id = %s", (msg["id"],)) == [("this must arrive",)]
    assert notifications(db, chat["bob"], "message_received") == []
    assert db.execute("select count(*) from private.email_outbox") == [(0,)]


@pytest.mark.rule("NOTIF-SIDE-EFFECT")
def test_a_failing_outbox_never_loses_the_message_nor_its_notification(db, chat):
    db.execute("alter table private.email_outbox rename to email_outbox_gone")
    msg = send_message(db, chat["ada"], chat["cid"], "still delivered")
    assert db.execute("select count(*) from public.messages where id = %s", (msg["id"],)) == [(1,)]
    # Only the e-mail is lost: the in-app notification does not depend on it.
    [note] = notifications(db, chat["bob"], "message_received")
    assert note["data"]["message_id"] == str(msg["id"])


NOTIFICATION_COMMANDS = {
    "select": "select id from public.notifications where id = %(nid)s",
    "insert": "insert into public.notifications (user_id, type, title) values (%(bob)s, 'message_received', 'x') "
              "returning id",
    "mark read": "update public.notifications set read_at = now() where id = %(nid)s returning id",
    "change title": "update public.notifications set title = 'forged' where id = %(nid)s returning id",
    "delete": "delete from public.notifications where id = %(nid)s returning id",
}


@pytest.mark.rule("NOTIF-OWNER")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"), ("anon", "mark read", "42501"),
    ("anon", "change title", "42501"), ("anon", "delete", "42501"),
    ("bob", "select", 1), ("bob", "insert", "42501"), ("bob", "mark read", 1),
    ("bob", "change title", "42501"), ("bob", "delete", 1),
    ("ada", "select", 0), ("ada", "insert", "42501"), ("ada", "mark read", 0),
    ("ada", "change title", "42501"), ("ada", "delete", 0),
])
def test_notifications_matrix(db, chat, actor, command, expected):
    send_message(db, chat["ada"], chat["cid"])
    [note] = notifications(db, chat["bob"], "message_received")
    who = db.as_anon() if actor == "anon" else db.as_user(chat[actor])
    params = {"nid": note["id"], "bob": chat["bob"].id}
    who.expect(expected, NOTIFICATION_COMMANDS[command], params)


@pytest.mark.rule("NOTIF-MARK-ALL")
def test_mark_all_notifications_read_marks_only_the_callers(db, chat):
    for _ in range(3):
        send_message(db, chat["ada"], chat["cid"])
    send_message(db, chat["bob"], chat["cid"])
    assert db.as_user(chat["bob"]).rpc("mark_all_notifications_read") == 3
    assert db.as_user(chat["bob"]).rpc("mark_all_notifications_read") == 0
    assert db.execute("select user_id::text from public.notifications where read_at is null") == [(chat["ada"].id,)]


@pytest.mark.rule("NOTIF-MARK-ALL")
def test_anon_cannot_mark_all_notifications_read(db):
    db.as_anon().rejects_rpc("42501", "mark_all_notifications_read")
