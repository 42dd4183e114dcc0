"""applications: visibility, applying, who changes what, the state machine, filling, rate limit."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.marketplace import COVER_LETTER, apply_to, create_gig, set_status


@pytest.fixture
def gig(db, poster):
    return create_gig(db.as_user(poster))


@pytest.fixture
def application(db, applicant, gig):
    return apply_to(db.as_user(applicant), gig["id"])


# --- actor x command matrix ---------------------------------------------------------------

@pytest.mark.rule("APP-VISIBILITY")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", 0),
    ("applicant", 1),
    ("poster", 1),
    ("service", 1),
])
def test_select_matrix(as_actor, application, actor, outcome):
    q = "select id from public.applications"
    if outcome == "42501":
        as_actor(actor).rejects(outcome, q)
    else:
        assert len(as_actor(actor).sql(q)) == outcome


@pytest.mark.rule("APP-APPLY-AS-SELF", "APP-NOT-OWN-GIG")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "row"),     # anyone signed in may apply to an active gig of someone else
    ("applicant", "row"),
    ("poster", "42501"),     # not to their own gig
    ("service", "row"),
])
def test_insert_matrix(db, as_actor, applicant, gig, actor, outcome):
    c = as_actor(actor)
    fields = {"applicant_id": applicant.id} if actor == "service" else {}
    if outcome == "row":
        assert apply_to(c, gig["id"], **fields)["status"] == "pending"
    else:
        c.rejects(outcome, "insert into public.applications (gig_id, cover_letter) values (%s, %s) returning id",
                  (gig["id"], COVER_LETTER))


@pytest.mark.rule("APP-PROPOSAL-EDIT")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "nothing"),
    ("applicant", "row"),   # edits the proposal while pending
    ("poster", "42501"),    # the proposal is not the poster's
    ("service", "row"),
])
def test_update_proposal_matrix(as_actor, application, actor, outcome):
    q = "update public.applications set proposed_rate = 42 where id = %s returning proposed_rate"
    c = as_actor(actor)
    if outcome == "row":
        assert c.one(q, (application["id"],))["proposed_rate"] == 42
    elif outcome == "nothing":
        c.affects_nothing(q, (application["id"],))
    else:
        c.rejects(outcome, q, (application["id"],))


@pytest.mark.rule("APP-STATUS-MACHINE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "nothing"),
    ("applicant", "42501"),  # may only withdraw
    ("poster", "row"),
    ("service", "row"),
])
def test_update_status_matrix(as_actor, application, actor, outcome):
    q = "update public.applications set status = 'shortlisted' where id = %s returning status"
    c = as_actor(actor)
    if outcome == "row":
        assert c.one(q, (application["id"],)) == {"status": "shortlisted"}
    elif outcome == "nothing":
        c.affects_nothing(q, (application["id"],))
    else:
        c.rejects(outcome, q, (application["id"],))


@pytest.mark.rule("APP-NO-DELETE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "42501"),
    ("applicant", "42501"),
    ("poster", "42501"),
    ("service", "row"),
])
def test_delete_matrix(as_actor, application, actor, outcome):
    q = "delete from public.applications where id = %s returning id"
    if outcome == "row":
        assert as_actor(actor).one(q, (application["id"],))
    else:
        as_actor(actor).rejects(outcome, q, (application["id"],))


# --- applying -----------------------------------------------------------------------------

@pytest.mark.rule("APP-GIG-ACTIVE")
@pytest.mark.parametrize("status, sqlstate", [
    ("paused", "PT409"), ("closed", "PT409"), ("filled", "PT409"),
])
def test_cannot_apply_to_gig_that_is_not_active(db, poster, applicant, gig, status, sqlstate):
    set_status(db.as_user(poster), "gigs", gig["id"], status)
    db.as_user(applicant).rejects(sqlstate, "insert into public.applications (gig_id, cover_letter) "
                                  "values (%s, %s) returning id", (gig["id"], COVER_LETTER), match=status)


@pytest.mark.rule("APP-GIG-ACTIVE")
def test_cannot_apply_to_invisible_draft(db, poster, applicant):
    draft = create_gig(db.as_user(poster), status="draft")
    db.as_user(applicant).rejects("PT404", "insert into public.applications (gig_id, cover_letter) "
                                  "values (%s, %s) returning id", (draft["id"], COVER_LETTER))


@pytest.mark.rule("APP-APPLY-AS-SELF")
def test_cannot_apply_as_someone_else(db, applicant, stranger, gig):
    db.as_user(stranger).rejects("42501", "insert into public.applications (gig_id, applicant_id, cover_letter) "
                                 "values (%s, %s, %s) returning id", (gig["id"], applicant.id, COVER_LETTER))


@pytest.mark.rule("APP-UNIQUE")
def test_cannot_apply_twice(db, applicant, application, gig):
    db.as_user(applicant).rejects("23505", "insert into public.applications (gig_id, cover_letter) "
                                  "values (%s, %s) returning id", (gig["id"], COVER_LETTER))


@pytest.mark.rule("APP-STARTS-PENDING")
def test_cannot_apply_with_a_status(db, applicant, gig):
    db.as_user(applicant).rejects("42501", "insert into public.applications (gig_id, cover_letter, status) "
                                  "values (%s, %s, 'accepted') returning id", (gig["id"], COVER_LETTER))


@pytest.mark.rule("APP-INPUT")
@pytest.mark.parametrize("field, value, sqlstate", [
    ("cover_letter", "too short", "23514"),
    ("cover_letter", "x" * 5001, "23514"),
    ("proposed_rate", -5, "23514"),
    ("portfolio_urls", ["https://a.example"] * 0 + [f"https://{i}.example" for i in range(6)], "23514"),
    ("portfolio_urls", ["javascript:alert(1)"], "22023"),
    ("ai_tools", [f"t{i}" for i in range(11)], "23514"),
    ("proposed_timeline", "x" * 201, "23514"),
])
def test_application_input_checked(db, applicant, gig, field, value, sqlstate):
    fields = {"gig_id": gig["id"], "cover_letter": COVER_LETTER, field: value}
    cols = ", ".join(fields)
    vals = ", ".join(f"%({k})s" for k in fields)
    db.as_user(applicant).rejects(sqlstate, f"insert into public.applications ({cols}) values ({vals}) returning id",
                                  fields)


@pytest.mark.rule("GIG-APPLICATIONS-COUNT")
def test_applications_count_follows(db, poster, applicant, stranger, gig, service):
    a = apply_to(db.as_user(applicant), gig["id"])
    apply_to(db.as_user(stranger), gig["id"])
    assert db.as_anon().scalar("select applications_count from public.gigs where id = %s", (gig["id"],)) == 2
    service.sql("delete from public.applications where id = %s returning id", (a["id"],))
    assert db.as_anon().scalar("select applications_count from public.gigs where id = %s", (gig["id"],)) == 1


# --- protected columns --------------------------------------------------------------------

@pytest.mark.rule("APP-COLUMNS")
@pytest.mark.parametrize("actor", ["applicant", "poster"])
@pytest.mark.parametrize("column, value", [
    ("gig_id", "00000000-0000-0000-0000-000000000001"),
    ("applicant_id", "00000000-0000-0000-0000-000000000001"),
    ("id", "00000000-0000-0000-0000-000000000001"),
    ("created_at", "2020-01-01"),
    ("updated_at", "2020-01-01"),
])
def test_participants_cannot_update_protected_column(as_actor, application, actor, column, value):
    as_actor(actor).rejects("42501", f"update public.applications set {column} = %s where id = %s returning id",
                            (value, application["id"]))


@pytest.mark.rule("APP-COLUMNS")
def test_service_cannot_move_application_to_another_gig(db, service, poster, application):
    other = create_gig(db.as_user(poster), title="Another gig entirely here")
    service.rejects("42501", "update public.applications set gig_id = %s where id = %s returning id",
                    (other["id"], application["id"]))


# --- state machine ------------------------------------------------------------------------

STATUSES = ["pending", "reviewing", "shortlisted", "rejected", "accepted", "withdrawn"]
POSTER_ALLOWED = {
    ("pending", "reviewing"), ("pending", "shortlisted"), ("pending", "rejected"), ("pending", "accepted"),
    ("reviewing", "shortlisted"), ("reviewing", "rejected"), ("reviewing", "accepted"),
    ("shortlisted", "reviewing"), ("shortlisted", "rejected"), ("shortlisted", "accepted"),
    ("rejected", "reviewing"),
}
APPLICANT_ALLOWED = {("pending", "withdrawn"), ("reviewing", "withdrawn"), ("shortlisted", "withdrawn")}
PATHS = {"pending": [], "reviewing": ["reviewing"], "shortlisted": ["shortlisted"], "rejected": ["rejected"],
         "accepted": ["accepted"], "withdrawn": []}


def _application_in(db, poster, applicant, gig, status):
    app = apply_to(db.as_user(applicant), gig["id"])
    for step in PATHS[status]:
        app = set_status(db.as_user(poster), "applications", app["id"], step)
    if status == "withdrawn":
        app = set_status(db.as_user(applicant), "applications", app["id"], "withdrawn")
    return app


def _expected(actor, old, new):
    if (old, new) in (POSTER_ALLOWED if actor == "poster" else APPLICANT_ALLOWED):
        return "ok"
    if actor == "applicant" and new != "withdrawn":
        return "42501"  # only the poster moves the status
    if actor == "poster" and new == "withdrawn":
        return "42501"  # only the applicant withdraws
    return "PT409"


@pytest.mark.rule("APP-STATUS-MACHINE")
@pytest.mark.parametrize("actor", ["poster", "applicant"])
@pytest.mark.parametrize("old", STATUSES)
def test_application_transitions(db, poster, actor, old):
    """From `old`, every other status: allowed ones succeed, the rest raise _expected's SQLSTATE."""
    for new in STATUSES:
        if new == old:
            continue
        applicant = db.create_user(f"{old}-{new}@example.test")
        gig = create_gig(db.as_user(poster), positions=2)
        app = _application_in(db, poster, applicant, gig, old)
        c = db.as_user(poster if actor == "poster" else applicant)
        q = "update public.applications set status = %s where id = %s returning status"
        expected = _expected(actor, old, new)
        if expected == "ok":
            assert c.one(q, (new, app["id"])) == {"status": new}
        else:
            c.rejects(expected, q, (new, app["id"]))


@pytest.mark.rule("APP-PROPOSAL-EDIT")
@pytest.mark.parametrize("status", ["reviewing", "shortlisted", "rejected", "accepted"])
def test_applicant_edits_proposal_only_while_pending(db, poster, applicant, gig, status):
    app = _application_in(db, poster, applicant, gig, status)
    db.as_user(applicant).rejects("PT409", "update public.applications set cover_letter = %s where id = %s "
                                  "returning id", (COVER_LETTER + " more", app["id"]), match="while pending")


@pytest.mark.rule("APP-STATUS-MACHINE")
def test_service_follows_the_state_machine(db, service, poster, applicant, gig):
    app = _application_in(db, poster, applicant, gig, "accepted")
    service.rejects("PT409", "update public.applications set status = 'pending' where id = %s returning id",
                    (app["id"],))


# --- filling ------------------------------------------------------------------------------

@pytest.mark.rule("APP-FILL")
def test_accepting_last_position_fills_gig_and_rejects_open_applications(db, poster, applicant, stranger):
    me = db.as_user(poster)
    gig = create_gig(me, positions=1)
    mine = apply_to(db.as_user(applicant), gig["id"])
    other = apply_to(db.as_user(stranger), gig["id"])
    set_status(me, "applications", mine["id"], "accepted")
    assert me.scalar("select status from public.gigs where id = %s", (gig["id"],)) == "filled"
    assert me.scalar("select status from public.applications where id = %s", (other["id"],)) == "rejected"


@pytest.mark.rule("APP-FILL")
def test_gig_stays_active_until_positions_reached(db, poster, applicant, stranger):
    me = db.as_user(poster)
    gig = create_gig(me, positions=2)
    app = apply_to(db.as_user(applicant), gig["id"])
    other = apply_to(db.as_user(stranger), gig["id"])
    set_status(me, "applications", app["id"], "accepted")
    assert me.scalar("select status from public.gigs where id = %s", (gig["id"],)) == "active"
    set_status(me, "applications", other["id"], "accepted")
    assert me.scalar("select status from public.gigs where id = %s", (gig["id"],)) == "filled"


@pytest.mark.rule("APP-FILL")
def test_withdrawn_and_rejected_stay_when_gig_fills(db, poster, applicant, stranger):
    me = db.as_user(poster)
    gig = create_gig(me, positions=1)
    third = db.create_user("third@example.test")
    withdrawn = apply_to(db.as_user(third), gig["id"])
    set_status(db.as_user(third), "applications", withdrawn["id"], "withdrawn")
    app = apply_to(db.as_user(applicant), gig["id"])
    set_status(me, "applications", app["id"], "accepted")
    assert me.scalar("select status from public.applications where id = %s", (withdrawn["id"],)) == "withdrawn"


@pytest.mark.rule("APP-FILL")
@pytest.mark.parametrize("status", ["closed"])
def test_cannot_accept_on_closed_gig(db, poster, applicant, gig, status):
    app = apply_to(db.as_user(applicant), gig["id"])
    set_status(db.as_user(poster), "gigs", gig["id"], status)
    db.as_user(poster).rejects("PT409", "update public.applications set status = 'accepted' where id = %s "
                               "returning id", (app["id"],))


@pytest.mark.rule("APP-FILL")
def test_manually_filled_gig_rejects_open_applications(db, poster, applicant, gig, application):
    set_status(db.as_user(poster), "gigs", gig["id"], "filled")
    assert db.as_user(applicant).scalar("select status from public.applications") == "rejected"


# --- rate limit ---------------------------------------------------------------------------



def _prior_applications(db, applicant, n, age="1 hour"):
    db.execute("insert into private.rate_limit_events (action, subject, occurred_at) "
               f"select 'applications.create', %s, now() - interval '{age}' from generate_series(1, %s)",
               (applicant.id, n))


@pytest.mark.rule("APP-RATE-LIMIT")
def test_fiftieth_application_allowed_fifty_first_refused(db, poster, applicant, gig):
    _prior_applications(db, applicant, 49)
    second = create_gig(db.as_user(poster), title="A second gig to apply to")
    apply_to(db.as_user(applicant), gig["id"])
    db.as_user(applicant).rejects("PT429", "insert into public.applications (gig_id, cover_letter) "
                                  "values (%s, %s) returning id", (second["id"], COVER_LETTER),
                                  match=r"retry in \d+ seconds")


@pytest.mark.rule("APP-RATE-LIMIT")
def test_applications_older_than_a_day_do_not_count(db, poster, applicant, gig):
    _prior_applications(db, applicant, 50, age="24 hours 1 minute")
    apply_to(db.as_user(applicant), gig["id"])


@pytest.mark.rule("APP-RATE-LIMIT")
def test_rejected_application_does_not_count(db, poster, applicant, gig):
    _prior_applications(db, applicant, 49)
    draft = create_gig(db.as_user(poster), status="draft")
    db.as_user(applicant).rejects("PT404", "insert into public.applications (gig_id, cover_letter) "
                                  "values (%s, %s) returning id", (draft["id"], COVER_LETTER))
    apply_to(db.as_user(applicant), gig["id"])


# --- poster_id: the gig's poster on the row, for an indexable poster policy --------------------

@pytest.mark.rule("APP-COLUMNS")
def test_poster_id_is_the_gigs_poster_whoever_inserts(db, poster, applicant, stranger, gig):
    mine = apply_to(db.as_user(applicant), gig["id"])
    assert str(mine["poster_id"]) == poster.id
    # The service cannot plant another poster: the guard copies the gig's.
    theirs = apply_to(db.as_service(), gig["id"], applicant_id=stranger.id, poster_id=stranger.id)
    assert str(theirs["poster_id"]) == poster.id


@pytest.mark.rule("APP-COLUMNS")
def test_poster_id_is_not_client_writable(db, applicant, stranger, gig):
    db.as_user(applicant).rejects(
        "42501", "insert into public.applications (gig_id, cover_letter, poster_id) values (%s, %s, %s)",
        (gig["id"], COVER_LETTER, applicant.id))
    application = apply_to(db.as_user(applicant), gig["id"])
    db.as_user(applicant).rejects("42501", "update public.applications set poster_id = %s where id = %s",
                                  (stranger.id, application["id"]))


@pytest.mark.rule("APP-COLUMNS")
def test_poster_id_never_drifts_from_the_gig(db, stranger, application):
    db.as_service().rejects("42501", "update public.applications set poster_id = %s where id = %s",
                            (stranger.id, application["id"]), match="poster")
    # A gig's poster cannot change either, so the copy stays equal to it.
    db.as_service().rejects("42501", "update public.gigs set poster_id = %s where id = %s",
                            (stranger.id, application["gig_id"]))


@pytest.mark.parametrize("reader, index", [
    ("applicant", "applications_applicant_created_idx"),
    ("poster", "applications_poster_created_idx"),
])
def test_rls_only_application_lists_read_both_indexes(db, as_actor, application, reader, index):
    # The query PostgREST clients send with no filter of their own: each policy predicate must be an
    # index condition, never a per-row membership check.
    caller = dataclasses.replace(as_actor(reader), settings={"enable_seqscan": "off"})
    plan = "\n".join(r["QUERY PLAN"] for r in caller.sql(
        "explain select * from public.applications order by created_at desc limit 20"))
    assert "applications_applicant_created_idx" in plan and "applications_poster_created_idx" in plan, plan
    assert "SubPlan" not in plan, plan
    assert index in plan


def test_a_posters_list_for_one_gig_walks_the_gig_index_in_order(db, poster, gig, application):
    caller = dataclasses.replace(db.as_user(poster), settings={"enable_seqscan": "off", "enable_bitmapscan": "off"})
    plan = "\n".join(r["QUERY PLAN"] for r in caller.sql(
        "explain select * from public.applications where gig_id = %s order by created_at desc limit 20",
        (gig["id"],)))
    assert "Index Scan using applications_gig_created_idx" in plan and "Sort" not in plan, plan
