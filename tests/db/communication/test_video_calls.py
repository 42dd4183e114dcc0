"""Video calls: who may invite whom, the schedule window, reschedule/cancel/end rights, the
database-generated room name, their notifications and the Jitsi token access functions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.comms import in_days, notifications, outbox, schedule_call, start_conversation


@pytest.fixture
def call(db):
    """ada (host) scheduled a call with bob (guest), with whom she shares a conversation."""
    users = {n: db.create_user(f"{n}@example.test", user_metadata={"username": n}) for n in ("ada", "bob", "eve")}
    users["cid"] = start_conversation(db, users["ada"], users["bob"])
    users["call"] = schedule_call(db, users["ada"], users["bob"], conversation_id=users["cid"])
    users["id"] = str(users["call"]["id"])
    return users


def force(db, call_id: str, assignments: str) -> None:
    """Move a call in time or state as a test fixture, past the triggers' rules."""
    db.execute("alter table public.video_calls disable trigger user")
    db.execute(f"update public.video_calls set {assignments} where id = %s", (call_id,))
    db.execute("alter table public.video_calls enable trigger user")


COMMANDS = {
    "select": "select id from public.video_calls where id = %(id)s",
    "reschedule": "update public.video_calls set scheduled_at = now() + interval '2 days' where id = %(id)s returning id",
    "cancel": "update public.video_calls set status = 'cancelled' where id = %(id)s returning id",
    "set room": "update public.video_calls set room_name = 'guessable' where id = %(id)s returning id",
    "set host": "update public.video_calls set host_id = %(eve)s where id = %(id)s returning id",
    "delete": "delete from public.video_calls where id = %(id)s returning id",
}


@pytest.mark.rule("CALL-VISIBILITY")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "reschedule", "42501"), ("anon", "cancel", "42501"),
    ("anon", "set room", "42501"), ("anon", "set host", "42501"), ("anon", "delete", "42501"),
    ("ada", "select", 1), ("ada", "reschedule", 1), ("ada", "cancel", 1),
    ("ada", "set room", "42501"), ("ada", "set host", "42501"), ("ada", "delete", "42501"),
    ("bob", "select", 1), ("bob", "reschedule", "42501"), ("bob", "cancel", 1),
    ("bob", "set room", "42501"), ("bob", "set host", "42501"), ("bob", "delete", "42501"),
    ("eve", "select", 0), ("eve", "reschedule", 0), ("eve", "cancel", 0),
    ("eve", "set room", "42501"), ("eve", "set host", "42501"), ("eve", "delete", "42501"),
])
def test_video_calls_matrix(db, call, actor, command, expected):
    who = db.as_anon() if actor == "anon" else db.as_user(call[actor])
    params = {"id": call["id"], "eve": call["eve"].id}
    who.expect(expected, COMMANDS[command], params)


INSERT = "insert into public.video_calls (guest_id, scheduled_at) values (%s, now() + interval '1 day') returning id"


@pytest.mark.rule("CALL-INVITE")
@pytest.mark.parametrize(("host", "guest", "expected"), [
    ("ada", "bob", 1), ("bob", "ada", 1), ("eve", "ada", "42501"), ("ada", "eve", "42501"),
    ("anon", "ada", "42501"), ("ada", "ada", "22023"),
])
def test_only_someone_sharing_a_conversation_can_be_invited(db, call, host, guest, expected):
    who = db.as_anon() if host == "anon" else db.as_user(call[host])
    who.expect(expected, INSERT, (call[guest].id,))


@pytest.mark.rule("CALL-ROOM-NAME")
@pytest.mark.parametrize("column", ["host_id", "room_name", "status", "started_at"])
def test_protected_columns_cannot_be_inserted(db, call, column):
    value = {"host_id": call["bob"].id, "room_name": "mine", "status": "completed", "started_at": in_days(0)}[column]
    db.as_user(call["ada"]).rejects(
        "42501", f"insert into public.video_calls (guest_id, scheduled_at, {column}) "
                 f"values (%s, now() + interval '1 day', %s) returning id", (call["bob"].id, value))


@pytest.mark.rule("CALL-ROOM-NAME")
def test_room_name_is_generated_with_160_random_bits(db, call):
    other = schedule_call(db, call["ada"], call["bob"])
    for room in (call["call"]["room_name"], other["room_name"]):
        assert re.fullmatch(r"ugig-[0-9a-f]{40}", room)
    assert call["call"]["room_name"] != other["room_name"]


@pytest.mark.rule("CALL-TIME")
@pytest.mark.parametrize("when", ["now() - interval '1 minute'", "now() + interval '91 days'"])
def test_scheduled_at_must_be_future_and_within_90_days(db, call, when):
    me = db.as_user(call["ada"])
    me.rejects("22023", f"insert into public.video_calls (guest_id, scheduled_at) values (%s, {when}) returning id",
               (call["bob"].id,), match="90 days")
    me.rejects("22023", f"update public.video_calls set scheduled_at = {when} where id = %s returning id",
               (call["id"],))


@pytest.mark.rule("CALL-DURATION")
@pytest.mark.parametrize("minutes", [14, 241])
def test_duration_is_15_to_240_minutes(db, call, minutes):
    err = db.as_user(call["ada"]).rejects(
        "23514", "update public.video_calls set duration_minutes = %s where id = %s returning id", (minutes, call["id"]))
    assert err.diag.constraint_name == "video_calls_duration_range"


@pytest.mark.rule("CALL-INVITE")
def test_conversation_must_be_shared_by_host_and_guest(db, call):
    other = start_conversation(db, call["eve"], call["bob"])
    db.as_user(call["ada"]).rejects(
        "PT404", "insert into public.video_calls (guest_id, conversation_id, scheduled_at) "
                 "values (%s, %s, now() + interval '1 day') returning id", (call["bob"].id, other))
    mine = start_conversation(db, call["ada"], call["eve"])
    db.as_user(call["ada"]).rejects(
        "22023", "insert into public.video_calls (guest_id, conversation_id, scheduled_at) "
                 "values (%s, %s, now() + interval '1 day') returning id", (call["bob"].id, mine))


@pytest.mark.rule("CALL-INVITE")
def test_a_block_stops_invitations(db, call):
    db.as_user(call["bob"]).one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id",
                                (call["ada"].id,))
    db.as_user(call["ada"]).rejects("42501", INSERT, (call["bob"].id,))


@pytest.mark.rule("CALL-STATE-MACHINE")
def test_only_the_host_ends_a_started_call(db, call, service):
    force(db, call["id"], "scheduled_at = now() + interval '5 minutes'")
    service.one(ACCESS, (call["id"], call["bob"].id))  # the first join starts the call
    end = "update public.video_calls set status = 'completed' where id = %s returning status, ended_at"
    db.as_user(call["bob"]).rejects("42501", end, (call["id"],), match="only the host")
    row = db.as_user(call["ada"]).one(end, (call["id"],))
    assert row["status"] == "completed" and row["ended_at"] is not None


@pytest.mark.rule("CALL-STATE-MACHINE")
@pytest.mark.parametrize(("state", "actor", "change", "sqlstate"), [
    ("scheduled", "ada", "status = 'completed'", "PT409"),
    ("scheduled", "bob", "status = 'completed'", "42501"),
    ("scheduled", "ada", "status = 'in_progress'", "42501"),
    ("in_progress", "ada", "status = 'cancelled'", "PT409"),
    ("in_progress", "bob", "status = 'cancelled'", "PT409"),
    ("in_progress", "ada", "scheduled_at = now() + interval '3 days'", "PT409"),
    ("completed", "ada", "status = 'cancelled'", "PT409"),
    ("cancelled", "ada", "status = 'scheduled'", "PT409"),
    ("cancelled", "ada", "duration_minutes = 60", "PT409"),
])
def test_call_state_machine(db, call, state, actor, change, sqlstate):
    if state != "scheduled":
        force(db, call["id"], f"status = '{state}'")
    db.as_user(call[actor]).rejects(
        sqlstate, f"update public.video_calls set {change} where id = %s returning id", (call["id"],))


@pytest.mark.rule("NOTIF-CALL")
def test_scheduling_notifies_the_guest_with_email(db, call):
    [note] = notifications(db, call["bob"], "call_scheduled")
    assert note["title"] == "@ada scheduled a video call" and note["data"]["call_id"] == call["id"]
    assert len(outbox(db, call["bob"], "call_scheduled")) == 1
    assert notifications(db, call["ada"], "call_scheduled") == []


@pytest.mark.rule("NOTIF-CALL")
def test_rescheduling_notifies_the_guest(db, call):
    db.as_user(call["ada"]).one(COMMANDS["reschedule"], {"id": call["id"]})
    [note] = notifications(db, call["bob"], "call_updated")
    assert note["title"] == "@ada rescheduled the video call"
    assert len(outbox(db, call["bob"], "call_updated")) == 1


@pytest.mark.rule("NOTIF-CALL")
@pytest.mark.parametrize(("canceller", "told"), [("ada", "bob"), ("bob", "ada")])
def test_cancelling_notifies_the_other_participant(db, call, canceller, told):
    db.as_user(call[canceller]).one(COMMANDS["cancel"], {"id": call["id"]})
    [note] = notifications(db, call[told], "call_cancelled")
    assert note["title"] == f"@{canceller} cancelled the video call"
    assert len(outbox(db, call[told], "call_cancelled")) == 1
    assert notifications(db, call[canceller], "call_cancelled") == []


@pytest.mark.rule("EMAIL-SETTING")
def test_call_email_follows_the_guests_setting(db, call):
    db.as_user(call["bob"]).one("update public.notification_settings set email_call = false returning user_id")
    schedule_call(db, call["ada"], call["bob"])
    assert len(notifications(db, call["bob"], "call_scheduled")) == 2
    assert len(outbox(db, call["bob"], "call_scheduled")) == 1


ACCESS = "select * from private.jitsi_call_access(%s, %s)"


@pytest.mark.rule("CALL-JOIN")
def test_jitsi_access_gives_host_and_guest_their_roles_near_the_start(db, call, service):
    force(db, call["id"], "scheduled_at = now() + interval '10 minutes'")
    host = service.one(ACCESS, (call["id"], call["ada"].id))
    guest = service.one(ACCESS, (call["id"], call["bob"].id))
    assert (host["role"], guest["role"]) == ("host", "guest")
    assert host["room_name"] == call["call"]["room_name"]
    assert host["token_expires_at"] == guest["token_expires_at"]


@pytest.mark.rule("CALL-JOIN")
@pytest.mark.parametrize(("setup", "who", "sqlstate"), [
    ("scheduled_at = now() + interval '10 minutes'", "eve", "PT404"),
    ("scheduled_at = now() + interval '16 minutes'", "ada", "PT409"),
    ("scheduled_at = now() - interval '31 minutes'", "ada", "PT409"),
    ("status = 'cancelled', scheduled_at = now()", "bob", "PT409"),
    ("status = 'completed', scheduled_at = now()", "ada", "PT409"),
])
def test_jitsi_access_refusals(db, call, service, setup, who, sqlstate):
    force(db, call["id"], setup)
    service.rejects(sqlstate, ACCESS, (call["id"], call[who].id))


@pytest.mark.rule("CALL-JOIN")
def test_jitsi_access_for_an_unknown_call_is_pt404(db, call, service):
    service.rejects("PT404", ACCESS, ("00000000-0000-0000-0000-000000000001", call["ada"].id))


@pytest.mark.rule("CALL-FIRST-JOIN")
def test_jitsi_access_marks_the_first_join_and_names_the_caller(db, call, service):
    force(db, call["id"], "scheduled_at = now() + interval '10 minutes'")
    db.execute("update public.profiles set full_name = 'Ada Lovelace', avatar_url = 'https://img.test/ada.png' "
               "where id = %s", (call["ada"].id,))
    host = service.one(ACCESS, (call["id"], call["ada"].id))
    assert (host["display_name"], host["avatar_url"]) == ("Ada Lovelace", "https://img.test/ada.png")
    assert service.one(ACCESS, (call["id"], call["bob"].id))["display_name"] == "bob"
    status = db.execute("select status, started_at is not null from public.video_calls where id = %s", (call["id"],))
    assert status == [("in_progress", True)]


@pytest.mark.rule("CALL-JOIN")
def test_jitsi_access_refuses_a_blocked_pair_either_way(db, call, service):
    force(db, call["id"], "scheduled_at = now() + interval '10 minutes'")
    db.execute("insert into public.user_blocks (blocker_id, blocked_id) values (%s, %s)",
               (call["bob"].id, call["ada"].id))
    service.rejects("42501", ACCESS, (call["id"], call["ada"].id))
    service.rejects("42501", ACCESS, (call["id"], call["bob"].id))
    assert db.execute("select status from public.video_calls where id = %s", (call["id"],)) == [("scheduled",)]


@pytest.mark.rule("CALL-JOIN")
def test_jitsi_access_during_the_call_while_in_progress(db, call, service):
    force(db, call["id"], "status = 'in_progress', scheduled_at = now() - interval '20 minutes'")
    assert service.one(ACCESS, (call["id"], call["bob"].id))["role"] == "guest"


@pytest.mark.rule("CALL-TOKEN-EXPIRY")
def test_the_token_expires_30_minutes_after_the_call_ends(db, call, service):
    force(db, call["id"], "scheduled_at = now() + interval '10 minutes', duration_minutes = 45")
    ends = db.execute("select scheduled_at + interval '45 minutes' from public.video_calls where id = %s", (call["id"],))[0][0]
    assert service.one(ACCESS, (call["id"], call["ada"].id))["token_expires_at"] == ends + timedelta(minutes=30)


@pytest.mark.rule("API-PRIVATE-EXECUTE")
def test_clients_cannot_call_the_jitsi_access_function(db, call):
    db.as_user(call["ada"]).rejects("42501", "select private.jitsi_call_access(%s, %s)", (call["id"], call["ada"].id))
