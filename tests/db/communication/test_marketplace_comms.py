"""Communication across the marketplace: conversations and calls about gigs and applications,
and the notifications the marketplace tables produce (application received and status changes,
gig filled, review received)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.comms import in_days, notifications, outbox, schedule_call, start_conversation
from tests.support.marketplace import apply_to, create_gig, insert, set_status


@pytest.fixture
def market(db):
    """poster's active gig with one application from applicant; stranger has no relation."""
    users = {n: db.create_user(f"{n}@example.test", user_metadata={"username": n})
             for n in ("poster", "applicant", "stranger")}
    gig = create_gig(db.as_user(users["poster"]), title="Build a data pipeline for our shop")
    app = apply_to(db.as_user(users["applicant"]), gig["id"])
    return {**users, "gig": str(gig["id"]), "app": str(app["id"])}


@pytest.mark.rule("CONV-START")
@pytest.mark.parametrize(("starter", "other", "gig_status", "expected"), [
    ("applicant", "poster", "active", "ok"),
    ("applicant", "poster", "closed", "ok"),
    ("poster", "applicant", "closed", "ok"),
    ("stranger", "poster", "active", "ok"),
    ("stranger", "poster", "closed", "42501"),
    ("stranger", "poster", "paused", "42501"),
    ("poster", "stranger", "active", "42501"),
    ("stranger", "applicant", "active", "42501"),
    ("applicant", "stranger", "active", "42501"),
])
def test_who_may_start_a_conversation_about_a_gig(db, market, starter, other, gig_status, expected):
    if gig_status != "active":
        set_status(db.as_user(market["poster"]), "gigs", market["gig"], gig_status)
    me = db.as_user(market[starter])
    if expected == "ok":
        cid = me.rpc("start_conversation", other_user_id=market[other].id, gig_id=market["gig"])
        assert db.execute("select gig_id::text from public.conversations where id = %s", (cid,)) == [(market["gig"],)]
    else:
        me.rejects_rpc(expected, "start_conversation", other_user_id=market[other].id, gig_id=market["gig"])


@pytest.mark.rule("CONV-START")
def test_draft_and_unknown_gigs_are_not_found(db, market):
    draft = create_gig(db.as_user(market["poster"]), status="draft")
    for gig_id in (str(draft["id"]), str(uuid.uuid4())):
        db.as_user(market["stranger"]).rejects_rpc("PT404", "start_conversation",
                                                   other_user_id=market["poster"].id, gig_id=gig_id)


@pytest.mark.rule("CONV-ONE-PER-PAIR")
def test_gig_and_direct_conversations_are_distinct(db, market):
    about_gig = start_conversation(db, market["applicant"], market["poster"], market["gig"])
    direct = start_conversation(db, market["applicant"], market["poster"])
    assert about_gig != direct
    assert start_conversation(db, market["poster"], market["applicant"], market["gig"]) == about_gig


def test_deleting_a_gig_keeps_its_conversations(db, market):
    gig = create_gig(db.as_user(market["poster"]))
    cid = start_conversation(db, market["stranger"], market["poster"], str(gig["id"]))
    db.as_user(market["poster"]).one("delete from public.gigs where id = %s returning id", (gig["id"],))
    assert db.execute("select gig_id from public.conversations where id = %s", (cid,)) == [(None,)]
    assert start_conversation(db, market["stranger"], market["poster"]) != cid


@pytest.mark.rule("CALL-INVITE")
def test_an_application_is_enough_to_invite_to_a_call(db, market):
    call = schedule_call(db, market["poster"], market["applicant"])
    assert call["status"] == "scheduled"
    row = schedule_call(db, market["applicant"], market["poster"], application_id=market["app"])
    assert str(row["gig_id"]) == market["gig"]


@pytest.mark.rule("CALL-INVITE")
def test_a_call_about_an_application_needs_its_parties(db, market):
    db.as_user(market["stranger"]).rejects(
        "PT404", "insert into public.video_calls (guest_id, application_id, scheduled_at) values (%s, %s, %s) "
                 "returning id", (market["poster"].id, market["app"], in_days(1)))
    db.as_user(market["poster"]).rejects(
        "22023", "insert into public.video_calls (guest_id, application_id, scheduled_at) values (%s, %s, %s) "
                 "returning id", (market["stranger"].id, market["app"], in_days(1)))


@pytest.mark.rule("CALL-INVITE")
def test_a_call_gig_must_match_its_application(db, market):
    other = create_gig(db.as_user(market["poster"]))
    db.as_user(market["poster"]).rejects(
        "22023", "insert into public.video_calls (guest_id, application_id, gig_id, scheduled_at) "
                 "values (%s, %s, %s, %s) returning id", (market["applicant"].id, market["app"], other["id"], in_days(1)))


@pytest.mark.rule("NOTIF-APPLICATION")
def test_an_application_notifies_the_poster(db, market):
    [note] = notifications(db, market["poster"], "application_received")
    assert note["title"] == "@applicant applied to Build a data pipeline for our shop"
    assert note["data"]["application_id"] == market["app"] and note["data"]["gig_id"] == market["gig"]
    assert len(outbox(db, market["poster"], "application_received")) == 1


@pytest.mark.rule("NOTIF-APPLICATION")
def test_a_status_change_notifies_the_applicant(db, market):
    set_status(db.as_user(market["poster"]), "applications", market["app"], "shortlisted")
    [note] = notifications(db, market["applicant"], "application_status_changed")
    assert note["title"] == "Your application is shortlisted"
    assert note["data"]["previous_status"] == "pending"
    assert len(outbox(db, market["applicant"], "application_status_changed")) == 1


@pytest.mark.rule("NOTIF-APPLICATION")
def test_a_withdrawal_notifies_the_poster(db, market):
    set_status(db.as_user(market["applicant"]), "applications", market["app"], "withdrawn")
    [note] = notifications(db, market["poster"], "application_status_changed")
    assert note["title"] == "@applicant withdrew their application"
    assert notifications(db, market["applicant"], "application_status_changed") == []


@pytest.mark.rule("NOTIF-APPLICATION")
def test_filling_a_gig_notifies_the_poster_and_the_rejected(db, market):
    apply_to(db.as_user(market["stranger"]), market["gig"])
    set_status(db.as_user(market["poster"]), "applications", market["app"], "accepted")
    assert db.execute("select status from public.gigs where id = %s", (market["gig"],)) == [("filled",)]
    [filled] = notifications(db, market["poster"], "gig_filled")
    assert filled["data"]["gig_id"] == market["gig"]
    assert len(outbox(db, market["poster"], "gig_filled")) == 1
    [rejected] = notifications(db, market["stranger"], "application_status_changed")
    assert rejected["title"] == "Your application is rejected"
    [accepted] = notifications(db, market["applicant"], "application_status_changed")
    assert accepted["title"] == "Your application is accepted"


@pytest.mark.rule("EMAIL-SETTING")
def test_application_email_follows_the_posters_setting(db, market):
    db.as_user(market["poster"]).one(
        "update public.notification_settings set email_application_received = false returning user_id")
    apply_to(db.as_user(market["stranger"]), market["gig"])
    assert len(notifications(db, market["poster"], "application_received")) == 2
    assert len(outbox(db, market["poster"], "application_received")) == 1


@pytest.mark.rule("NOTIF-REVIEW")
def test_a_review_notifies_the_reviewee(db, market):
    set_status(db.as_user(market["poster"]), "applications", market["app"], "accepted")
    insert(db.as_user(market["poster"]), "reviews",
           {"gig_id": market["gig"], "reviewee_id": market["applicant"].id, "rating": 5, "comment": "Great work"})
    [note] = notifications(db, market["applicant"], "review_received")
    assert note["title"] == "@poster reviewed you: 5/5" and note["body"] == "Great work"
    assert len(outbox(db, market["applicant"], "review_received")) == 1


@pytest.mark.rule("NOTIF-SIDE-EFFECT")
def test_a_failing_notification_never_loses_an_application(db, market):
    db.execute("create function public.refuse_notifications() returns trigger language plpgsql "
               "as $$ begin raise exception 'notifications are down'; end $$")
    db.execute("create trigger refuse before insert on public.notifications "
               "for each row execute function public.refuse_notifications()")
    app = apply_to(db.as_user(market["stranger"]), market["gig"])
    assert db.execute("select count(*) from public.applications where id = %s", (app["id"],)) == [(1,)]
    assert len(notifications(db, market["poster"], "application_received")) == 1  # only the fixture's
