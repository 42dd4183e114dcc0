"""Verification (SPEC §7): automatic when the criteria hold, otherwise a pending request its
owner reads; decided by admins and the service only; the verified columns are never
client-writable; verification_decided notifies the requester; the `ugig-db verification`
admin command."""

from __future__ import annotations

import psycopg
import pytest

from ugig_db.cli import main
from tests.db.community.conftest import emails, notifications
from tests.support.marketplace import apply_to, create_gig, insert, set_status

EVIDENCE = "I maintain the dbt-utils package; see github.com/eve and my talk at Coalesce."


def track_record(db, poster, worker, *, gigs: int = 3, rating: int = 5, days_old: int = 8) -> None:
    """worker: accepted on `gigs` gigs of poster's (each filled by it), reviewed `rating` on each."""
    for _ in range(gigs):
        gig = create_gig(db.as_user(poster), positions=1)
        app = apply_to(db.as_user(worker), gig["id"])
        set_status(db.as_user(poster), "applications", app["id"], "accepted")  # fills the gig
        insert(db.as_user(poster), "reviews", {"gig_id": gig["id"], "reviewee_id": worker.id, "rating": rating})
    db.execute("update auth.users set created_at = now() - make_interval(days => %s) where id = %s",
               (days_old, worker.id))


def verification(db, user) -> tuple:
    return db.execute("select is_verified, verification_type, verified_at is not null from public.profiles "
                      "where id = %s", (user.id,))[0]


@pytest.mark.rule("VERIFY-AUTO")
def test_criteria_met_verifies_at_once(db, people):
    track_record(db, people["ada"], people["eve"])
    assert db.as_user(people["eve"]).rpc("request_verification") == {"verified": True, "verification_type": "auto"}
    assert verification(db, people["eve"]) == (True, "auto", True)
    db.as_user(people["eve"]).rejects_rpc("PT409", "request_verification", match="already verified")


@pytest.mark.rule("VERIFY-AUTO")
@pytest.mark.parametrize("shortfall", [
    {"gigs": 2},            # two accepted applications and two reviews
    {"rating": 3},          # average 3.0
    {"days_old": 6},        # account too young
])
def test_any_criterion_missing_needs_evidence(db, people, shortfall):
    track_record(db, people["ada"], people["eve"], **shortfall)
    db.as_user(people["eve"]).rejects_rpc("22023", "request_verification", match="20 to 2000 characters")
    assert verification(db, people["eve"]) == (False, None, False)


@pytest.mark.rule("VERIFY-AUTO")
def test_accepted_work_counts_only_on_gigs_now_filled_or_closed(db, people):
    ada, eve = people["ada"], people["eve"]
    track_record(db, ada, eve, gigs=2)
    gig = create_gig(db.as_user(ada), positions=2)  # accepted, but the gig is still open
    set_status(db.as_user(ada), "applications", apply_to(db.as_user(eve), gig["id"])["id"], "accepted")
    insert(db.as_user(ada), "reviews", {"gig_id": gig["id"], "reviewee_id": eve.id, "rating": 5})
    db.as_user(eve).rejects_rpc("22023", "request_verification")
    set_status(db.as_user(ada), "gigs", gig["id"], "closed")
    assert db.as_user(eve).rpc("request_verification")["verified"] is True


@pytest.mark.rule("VERIFY-REQUEST")
@pytest.mark.parametrize("evidence", ["too short", "x" * 2001, "   " + "y" * 18 + "   "])
def test_evidence_is_20_to_2000_characters(db, people, evidence):
    db.as_user(people["eve"]).rejects_rpc("22023", "request_verification", evidence=evidence)


@pytest.mark.rule("VERIFY-REQUEST")
def test_evidence_opens_one_pending_request_at_a_time(db, people):
    eve = db.as_user(people["eve"])
    opened = eve.rpc("request_verification", evidence=f"  {EVIDENCE}  ")
    assert opened["verified"] is False and opened["status"] == "pending"
    row = eve.one("select id, evidence, status from public.verification_requests")
    assert (str(row["id"]), row["evidence"], row["status"]) == (opened["request_id"], EVIDENCE, "pending")
    eve.rejects_rpc("PT409", "request_verification", evidence=EVIDENCE, match="already pending")
    db.as_service().rpc("review_verification_request", id=opened["request_id"], approve=False, note="Not enough.")
    assert eve.rpc("request_verification", evidence=EVIDENCE)["status"] == "pending"


@pytest.mark.rule("VERIFY-AUTO")
def test_meeting_the_criteria_later_settles_the_pending_request(db, people):
    eve = db.as_user(people["eve"])
    eve.rpc("request_verification", evidence=EVIDENCE)
    track_record(db, people["ada"], people["eve"])
    assert eve.rpc("request_verification")["verification_type"] == "auto"
    assert eve.scalar("select status from public.verification_requests") == "approved"


@pytest.mark.rule("VERIFY-REQUEST")
@pytest.mark.parametrize(("actor", "read", "write"), [
    ("anon", "42501", "42501"),
    ("stranger", 1, "42501"),   # eve, the owner
    ("owner", 0, "42501"),      # ada: someone else's request
    ("blocked", 0, "42501"),
])
def test_request_matrix(db, people, as_actor, actor, read, write):
    db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)
    caller = as_actor(actor)
    caller.expect(read, "select id from public.verification_requests")
    caller.expect(write, "update public.verification_requests set status = 'approved' returning id")
    caller.expect(write, "delete from public.verification_requests returning id")
    caller.expect(write, "insert into public.verification_requests (user_id, evidence) values (%s, %s) returning id",
                  (people["eve"].id, EVIDENCE))


def test_anon_cannot_request(db):
    db.as_anon().rejects_rpc("42501", "request_verification", evidence=EVIDENCE)


@pytest.mark.rule("VERIFY-COLUMNS")
@pytest.mark.parametrize("assignment", ["is_verified = true", "verified_at = now()", "verification_type = 'auto'"])
def test_verification_columns_are_not_client_writable(db, people, assignment):
    db.as_user(people["eve"]).rejects(
        "42501", f"update public.profiles set {assignment} where id = %s returning id", (people["eve"].id,))


@pytest.mark.rule("VERIFY-COLUMNS")
def test_verified_at_and_type_follow_is_verified_whoever_sets_it(db, people):
    db.execute("update public.profiles set is_verified = true where id = %s", (people["eve"].id,))
    assert verification(db, people["eve"]) == (True, "manual", True)
    db.execute("update public.profiles set is_verified = false where id = %s", (people["eve"].id,))
    assert verification(db, people["eve"]) == (False, None, False)


@pytest.mark.rule("VERIFY-REVIEW", "NOTIF-VERIFICATION", "EMAIL-SETTING")
def test_approval_verifies_and_notifies(db, people):
    eve = people["eve"]
    request = db.as_user(eve).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    decided = db.as_service().rpc("review_verification_request", id=request, approve=True, note=" Welcome! ")
    assert decided == {"id": request, "user_id": str(eve.id), "status": "approved"}
    assert verification(db, eve) == (True, "manual", True)
    assert db.as_user(eve).one("select status, note, decided_at is not null as decided "
                               "from public.verification_requests") == {
        "status": "approved", "note": "Welcome!", "decided": True}
    assert notifications(db, eve, "verification_decided") == [
        ("Your profile is verified", {"request_id": request, "approved": True})]
    assert emails(db, eve, "verification_decided") == 1


@pytest.mark.rule("VERIFY-REVIEW", "NOTIF-VERIFICATION")
def test_rejection_leaves_the_profile_unverified_and_notifies(db, people):
    eve = people["eve"]
    db.as_user(eve).one("update public.notification_settings set email_verification = false returning 1")
    request = db.as_user(eve).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    db.as_service().rpc("review_verification_request", id=request, approve=False)
    assert verification(db, eve) == (False, None, False)
    [(title, _)] = notifications(db, eve, "verification_decided")
    assert title == "Your verification request was not approved" and emails(db, eve, "verification_decided") == 0


@pytest.mark.rule("VERIFY-REVIEW")
def test_a_decision_is_final_and_requests_must_exist(db, people):
    request = db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    service = db.as_service()
    service.rejects_rpc("22023", "review_verification_request", id=request, approve=True, note="n" * 2001)
    service.rpc("review_verification_request", id=request, approve=True)
    service.rejects_rpc("PT409", "review_verification_request", id=request, approve=False)
    service.rejects_rpc("PT404", "review_verification_request", id="00000000-0000-4000-8000-000000000000",
                        approve=True)


@pytest.mark.rule("VERIFY-REVIEW")
@pytest.mark.parametrize("actor", ["anon", "owner", "stranger"])
def test_clients_cannot_review(db, people, as_actor, actor):
    request = db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    as_actor(actor).rejects_rpc("42501", "review_verification_request", id=request, approve=True)
    as_actor(actor).rejects("42501", "select private.review_verification_request(%s, true, null)", (request,))


@pytest.mark.rule("VERIFY-REVIEW")
def test_the_service_role_of_the_flask_service_may_review(db, people):
    request = db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    with psycopg.connect(db.service_url, autocommit=True) as conn:
        conn.execute("select private.review_verification_request(%s, true, 'ok')", (request,))
    assert verification(db, people["eve"])[0] is True


# --- ugig-db verification ---

@pytest.mark.rule("VERIFY-REVIEW")
def test_admin_command_lists_and_decides(db, people, capsys):
    request = db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)["request_id"]
    assert main(["verification", "list", "--db-url", db.url]) == 0
    listed = capsys.readouterr().out
    assert request in listed and "@eve" in listed and EVIDENCE in listed
    assert main(["verification", "approve", request, "--note", "Looks right.", "--db-url", db.url]) == 0
    assert capsys.readouterr().out.startswith(f"approved: request {request}")
    assert verification(db, people["eve"])[0] is True
    assert main(["verification", "reject", request, "--db-url", db.url]) == 1
    assert "already decided" in capsys.readouterr().err
    assert main(["verification", "reject", "nonsense", "--db-url", db.url]) == 1
    assert "not a request id" in capsys.readouterr().err


def test_admin_command_reads_the_admin_url_first(db, people, capsys, monkeypatch):
    db.as_user(people["eve"]).rpc("request_verification", evidence=EVIDENCE)
    monkeypatch.setenv("SUPABASE_ADMIN_DB_URL", db.url)
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["verification", "list"]) == 0
    assert "@eve" in capsys.readouterr().out
