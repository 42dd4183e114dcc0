"""Database broadcasts: each change lands on the right private topics, with the payload the API
shows, and Realtime's authorisation (realtime.messages read as the client, with `realtime.topic`
set, as Realtime does at join) lets exactly the people concerned receive it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from psycopg.types.json import Json

from tests.support.comms import schedule_call, send_message, start_conversation

ACTORS = ("ada", "bob", "eve", "anon")


@pytest.fixture
def chat(db):
    users = {n: db.create_user(f"{n}@example.test", user_metadata={"username": n}) for n in ("ada", "bob", "eve")}
    return {**users, "cid": start_conversation(db, users["ada"], users["bob"])}


def broadcasts(db, topic: str, event: str | None = None) -> list[dict[str, Any]]:
    """What the triggers stored for a topic (read as the superuser), oldest first."""
    rows = db.execute(
        "select jsonb_build_object('id', id, 'event', event, 'payload', payload, 'private', private, "
        "'extension', extension) from realtime.messages where topic = %s and (%s::text is null or event = %s) "
        "order by inserted_at, payload ->> 'id'", (topic, event, event))
    return [r[0] for r in rows]


def received(db, chat, actor: str, topic: str) -> set[str]:
    """Ids of the broadcasts on `topic` that `actor` may receive: Realtime's join query."""
    base = db.as_anon() if actor == "anon" else db.as_user(chat[actor])
    caller = dataclasses.replace(base, settings={"realtime.topic": topic})
    rows = caller.sql("select id from realtime.messages where topic = %s and extension = 'broadcast'", (topic,))
    return {str(r["id"]) for r in rows}


def assert_only(db, chat, topic: str, allowed: set[str]) -> None:
    """Every stored broadcast of the topic reaches `allowed`, and none reaches anyone else."""
    ids = {b["id"] for b in broadcasts(db, topic)}
    assert ids, f"nothing was broadcast on {topic}"
    for actor in ACTORS:
        assert received(db, chat, actor, topic) == (ids if actor in allowed else set()), actor


def api_row(db, user, query: str, params: Any) -> dict[str, Any]:
    """A row as the user reads it through the API, as JSON (what a payload carries)."""
    return db.as_user(user).scalar(query, params)


def conversation(chat) -> str:
    return f"conversation:{chat['cid']}"


def user_topic(chat, name: str) -> str:
    return f"user:{chat[name].id}"


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_every_broadcast_is_a_private_broadcast_with_its_own_id(db, chat):
    send_message(db, chat["ada"], chat["cid"], "hi")
    stored = db.execute("select extension, private, payload ->> 'id' = id::text from realtime.messages")
    assert len(stored) == 2  # the message; the recipient's notification with their inbox patch
    assert set(stored) == {("broadcast", True, True)}


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_a_new_message_reaches_its_participants_only(db, chat):
    msg = send_message(db, chat["ada"], chat["cid"], "are you free tomorrow?")
    [created] = broadcasts(db, conversation(chat), "message_created")
    as_bob = api_row(db, chat["bob"], "select to_jsonb(m) from public.messages as m where id = %s", (msg["id"],))
    assert created["payload"]["message"] == as_bob
    assert_only(db, chat, conversation(chat), {"ada", "bob"})


@pytest.mark.rule("RT-USER-EVENTS")
def test_a_new_message_notifies_the_recipient_on_their_topic_only(db, chat):
    send_message(db, chat["ada"], chat["cid"], "ping")
    [note] = broadcasts(db, user_topic(chat, "bob"), "notification_created")
    as_bob = api_row(db, chat["bob"], "select to_jsonb(n) from public.notifications as n where id = %s",
                     (note["payload"]["notification"]["id"],))
    assert note["payload"]["notification"] == as_bob
    assert as_bob["type"] == "message_received" and as_bob["body"] == "ping"
    # Nothing on the sender's topic: their devices have the message from message_created.
    assert broadcasts(db, user_topic(chat, "ada")) == []
    assert_only(db, chat, user_topic(chat, "bob"), {"bob"})


def inbox_row(db, user, cid: str) -> dict[str, Any]:
    return api_row(db, user, "select to_jsonb(r) - 'next_cursor' from public.my_conversations(50) as r "
                             "where r.conversation_id = %s", (cid,))


def inbox_patches(db, chat, name: str) -> list[dict[str, Any]]:
    return [b["payload"]["conversation"] for b in broadcasts(db, user_topic(chat, name), "conversation_updated")]


def assert_patch_applies(db, chat, name: str, before: dict[str, Any]) -> dict[str, Any]:
    """The user's latest inbox patch turns the row they had into the row the API now returns."""
    patch = inbox_patches(db, chat, name)[-1]
    assert patch["conversation_id"] == chat["cid"]
    assert before | patch == inbox_row(db, chat[name], chat["cid"])
    return patch


@pytest.mark.rule("RT-USER-EVENTS")
def test_a_new_messages_notification_patches_the_recipients_inbox(db, chat):
    send_message(db, chat["ada"], chat["cid"], "first")
    before = inbox_row(db, chat["bob"], chat["cid"])
    msg = send_message(db, chat["ada"], chat["cid"], "second")
    note = broadcasts(db, user_topic(chat, "bob"), "notification_created")[-1]["payload"]
    patch = note["conversation"]
    assert patch["conversation_id"] == chat["cid"] and note["notification"]["data"]["message_id"] == str(msg["id"])
    assert patch["last_message"]["body"] == "second"
    # The patch plus one unread message is the row the API now returns.
    after = inbox_row(db, chat["bob"], chat["cid"])
    assert before | patch | {"unread_count": before["unread_count"] + 1} == after
    assert after["unread_count"] == 2
    assert "unread_count" not in patch
    # No separate inbox patch for either participant.
    assert inbox_patches(db, chat, "bob") == [] and inbox_patches(db, chat, "ada") == []


@pytest.mark.rule("RT-USER-EVENTS")
def test_a_message_from_the_past_is_not_the_inboxs_last_message(db, chat):
    send_message(db, chat["ada"], chat["cid"], "now")
    db.as_service().one(
        "insert into public.messages (conversation_id, sender_id, body, created_at) "
        "values (%s, %s, 'imported', now() - interval '1 day') returning id", (chat["cid"], chat["ada"].id))
    note = broadcasts(db, user_topic(chat, "bob"), "notification_created")[-1]["payload"]
    assert note["notification"]["body"] == "imported"
    assert "conversation" not in note
    assert inbox_row(db, chat["bob"], chat["cid"])["last_message"]["body"] == "now"


@pytest.mark.rule("RT-PAYLOAD-PRIVATE")
@pytest.mark.parametrize("message_id", ["not-a-uuid", "someone else's"])
def test_a_notification_never_carries_a_message_its_owner_cannot_read(db, chat, message_id):
    msg = send_message(db, chat["ada"], chat["cid"], "between ada and bob")
    data = {"message_id": str(msg["id"]) if message_id == "someone else's" else message_id,
            "conversation_id": chat["cid"]}
    db.as_service().one("insert into public.notifications (user_id, type, title, data) "
                        "values (%s, 'message_received', 'x', %s) returning id", (chat["eve"].id, Json(data)))
    [note] = broadcasts(db, user_topic(chat, "eve"), "notification_created")
    assert set(note["payload"]) == {"id", "notification"}
    assert "between ada and bob" not in str(note)


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_reading_tells_the_conversation_and_zeroes_the_readers_unread_count(db, chat):
    send_message(db, chat["ada"], chat["cid"], "read me")
    before = inbox_row(db, chat["bob"], chat["cid"])
    db.as_user(chat["bob"]).rpc("mark_conversation_read", conversation_id=chat["cid"])
    [read] = broadcasts(db, conversation(chat), "read")
    as_ada = api_row(db, chat["ada"], "select jsonb_build_object('conversation_id', conversation_id, 'user_id', "
                     "user_id, 'last_read_at', last_read_at) from public.conversation_participants "
                     "where conversation_id = %s and user_id = %s", (chat["cid"], chat["bob"].id))
    assert as_ada["last_read_at"] is not None
    assert {k: v for k, v in read["payload"].items() if k != "id"} == as_ada
    assert assert_patch_applies(db, chat, "bob", before)["unread_count"] == 0
    # Only the reader's inbox changed.
    assert inbox_patches(db, chat, "ada") == []
    assert_only(db, chat, conversation(chat), {"ada", "bob"})


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_an_edit_broadcasts_the_edited_message(db, chat):
    msg = send_message(db, chat["ada"], chat["cid"], "teh plan")
    before = {name: inbox_row(db, chat[name], chat["cid"]) for name in ("ada", "bob")}
    db.as_user(chat["ada"]).one("update public.messages set body = 'the plan' where id = %s returning id",
                                (msg["id"],))
    [edit] = broadcasts(db, conversation(chat), "message_updated")
    as_bob = api_row(db, chat["bob"], "select to_jsonb(m) from public.messages as m where id = %s", (msg["id"],))
    assert edit["payload"]["message"] == {k: as_bob[k] for k in (
        "id", "conversation_id", "body", "attachments", "edited_at", "deleted_at", "updated_at")}
    assert as_bob["body"] == "the plan" and as_bob["edited_at"] is not None
    # It was the last message: both inboxes show the new text.
    for name in ("ada", "bob"):
        assert assert_patch_applies(db, chat, name, before[name])["last_message"]["body"] == "the plan"


@pytest.mark.rule("RT-USER-EVENTS")
def test_deleting_an_older_unread_message_patches_only_the_recipients_count(db, chat):
    first = send_message(db, chat["ada"], chat["cid"], "one")
    send_message(db, chat["ada"], chat["cid"], "two")
    before = {name: inbox_row(db, chat[name], chat["cid"]) for name in ("ada", "bob")}
    counts = {name: len(inbox_patches(db, chat, name)) for name in ("ada", "bob")}
    db.as_user(chat["ada"]).one("update public.messages set deleted_at = now() where id = %s returning id",
                                (first["id"],))
    assert assert_patch_applies(db, chat, "bob", before["bob"]) == {"conversation_id": chat["cid"], "unread_count": 1}
    assert len(inbox_patches(db, chat, "ada")) == counts["ada"]


@pytest.mark.rule("RT-USER-EVENTS")
def test_an_edit_of_an_older_message_leaves_the_inboxes_alone(db, chat):
    first = send_message(db, chat["ada"], chat["cid"], "one")
    send_message(db, chat["bob"], chat["cid"], "two")
    before = {name: len(inbox_patches(db, chat, name)) for name in ("ada", "bob")}
    db.as_user(chat["ada"]).one("update public.messages set body = 'uno' where id = %s returning id", (first["id"],))
    assert len(broadcasts(db, conversation(chat), "message_updated")) == 1
    assert {name: len(inbox_patches(db, chat, name)) for name in ("ada", "bob")} == before


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_a_late_edit_is_refused_and_broadcasts_nothing(db, chat):
    old = db.as_service().one(
        "insert into public.messages (conversation_id, sender_id, body, created_at) "
        "values (%s, %s, 'old', now() - interval '16 minutes') returning id", (chat["cid"], chat["ada"].id))
    count = db.execute("select count(*) from realtime.messages")
    db.as_user(chat["ada"]).rejects(
        "PT409", "update public.messages set body = 'late' where id = %s returning id", (old["id"],),
        match="15 minutes")
    assert db.execute("select count(*) from realtime.messages") == count
    assert broadcasts(db, conversation(chat), "message_updated") == []


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_a_deletion_broadcasts_the_emptied_message(db, chat):
    msg = send_message(db, chat["ada"], chat["cid"], "oops, wrong chat")
    before = {name: inbox_row(db, chat[name], chat["cid"]) for name in ("ada", "bob")}
    db.as_user(chat["ada"]).one("update public.messages set deleted_at = now() where id = %s returning id",
                                (msg["id"],))
    [deleted] = broadcasts(db, conversation(chat), "message_deleted")
    message = deleted["payload"]["message"]
    assert message["body"] == "" and message["attachments"] == [] and message["deleted_at"] is not None
    as_bob = api_row(db, chat["bob"], "select to_jsonb(m) from public.messages as m where id = %s", (msg["id"],))
    assert message == {k: as_bob[k] for k in message}
    assert "wrong chat" not in str(broadcasts(db, conversation(chat), "message_deleted"))
    # bob's unread message is gone from his count; both inboxes show the emptied last message.
    patch = assert_patch_applies(db, chat, "bob", before["bob"])
    assert patch["unread_count"] == 0 and patch["last_message"]["body"] == ""
    assert "unread_count" not in assert_patch_applies(db, chat, "ada", before["ada"])
    # A deleted message never changes again: refused, nothing more is sent.
    db.as_user(chat["ada"]).rejects("PT409", "update public.messages set body = 'back' where id = %s returning id",
                                    (msg["id"],))
    assert len(broadcasts(db, conversation(chat))) == 2


@pytest.mark.rule("RT-CONVERSATION-EVENTS")
def test_a_refused_message_broadcasts_nothing(db, chat):
    db.as_user(chat["bob"]).one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id",
                                (chat["ada"].id,))
    db.as_user(chat["ada"]).rejects("42501", "insert into public.messages (conversation_id, body) values (%s, 'x') "
                                             "returning id", (chat["cid"],))
    assert db.execute("select count(*) from realtime.messages") == [(0,)]


@pytest.mark.rule("RT-PAYLOAD-PRIVATE")
def test_a_block_stops_both_participants_receiving_the_conversation(db, chat):
    send_message(db, chat["ada"], chat["cid"], "before the block")
    db.as_user(chat["ada"]).one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id",
                                (chat["bob"].id,))
    assert received(db, chat, "bob", conversation(chat)) == set()
    assert received(db, chat, "ada", conversation(chat)) == set()


def call_as(db, user, call_id) -> dict[str, Any]:
    return api_row(db, user, "select to_jsonb(v) - 'room_name' from public.video_calls as v where id = %s",
                   (call_id,))


@pytest.mark.rule("RT-PAYLOAD-PRIVATE")
def test_a_call_reaches_host_and_guest_without_its_room(db, chat):
    call = schedule_call(db, chat["ada"], chat["bob"], conversation_id=chat["cid"])
    for name in ("ada", "bob"):
        [created] = broadcasts(db, user_topic(chat, name), "call_created")
        assert created["payload"]["call"] == call_as(db, chat[name], call["id"])
        assert call["room_name"] not in str(created)
    db.as_user(chat["bob"]).one("update public.video_calls set status = 'cancelled' where id = %s returning id",
                                (call["id"],))
    for name in ("ada", "bob"):
        [updated] = broadcasts(db, user_topic(chat, name), "call_updated")
        assert updated["payload"]["call"]["status"] == "cancelled"
        assert updated["payload"]["call"] == call_as(db, chat[name], call["id"])
        assert_only(db, chat, user_topic(chat, name), {name})


@pytest.mark.rule("RT-USER-EVENTS")
def test_a_reschedule_is_a_call_update(db, chat):
    call = schedule_call(db, chat["ada"], chat["bob"], conversation_id=chat["cid"])
    db.as_user(chat["ada"]).one("update public.video_calls set duration_minutes = 45 where id = %s returning id",
                                (call["id"],))
    [updated] = broadcasts(db, user_topic(chat, "bob"), "call_updated")
    assert updated["payload"]["call"]["duration_minutes"] == 45


@pytest.mark.rule("RT-BROADCAST-SAFE")
def test_a_failing_broadcast_never_loses_the_message(db, chat):
    # Break Realtime: every send now fails, as a full or missing realtime.messages would.
    db.execute("alter function realtime.send(jsonb, text, text, boolean) rename to send_gone")
    db.execute("create function realtime.send(payload jsonb, event text, topic text, private boolean default true) "
               "returns void language plpgsql as $$ begin raise exception 'realtime is down'; end $$")
    notices: list[str] = []
    db.admin.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    msg = send_message(db, chat["ada"], chat["cid"], "this must arrive")
    assert db.execute("select body from public.messages where id = %s", (msg["id"],)) == [("this must arrive",)]
    assert any(n.startswith("messages_broadcast(INSERT") and "realtime is down" in n for n in notices)
    # The notification (and its own trigger's failing broadcast) is kept too; nothing was broadcast.
    assert db.execute("select count(*) from public.notifications where user_id = %s", (chat["bob"].id,)) == [(1,)]
    assert db.execute("select count(*) from realtime.messages") == [(0,)]
    db.as_user(chat["bob"]).rpc("mark_conversation_read", conversation_id=chat["cid"])
    call = schedule_call(db, chat["ada"], chat["bob"], conversation_id=chat["cid"])
    assert db.execute("select count(*) from public.video_calls where id = %s", (call["id"],)) == [(1,)]
