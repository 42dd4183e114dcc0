"""gigs: visibility, who writes, protected columns, the status machine, the plan limit, deletion."""

from __future__ import annotations

import pytest

from tests.support.marketplace import GIG_DEFAULTS, apply_to, create_gig, set_status


@pytest.fixture
def gig(db, poster):
    return create_gig(db.as_user(poster))


@pytest.fixture
def draft(db, poster):
    return create_gig(db.as_user(poster), status="draft", title="A draft nobody else sees")


# --- actor x command matrix ---------------------------------------------------------------

@pytest.mark.rule("GIG-VISIBILITY")
@pytest.mark.parametrize("actor, seen", [
    ("anon", {"active"}),
    ("stranger", {"active"}),
    ("owner", {"active", "draft"}),
    ("service", {"active", "draft"}),
])
def test_select_matrix(as_actor, gig, draft, actor, seen):
    assert {r["status"] for r in as_actor(actor).sql("select status from public.gigs")} == seen


@pytest.mark.rule("GIG-POSTER-WRITES")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "42501"),  # posting as someone else violates the policy
    ("owner", "row"),
    ("service", "row"),
])
def test_insert_matrix(as_actor, poster, actor, outcome):
    fields = {**GIG_DEFAULTS, "poster_id": poster.id}
    if outcome == "row":
        assert str(create_gig(as_actor(actor), **fields)["poster_id"]) == poster.id
    else:
        as_actor(actor).rejects(outcome, "insert into public.gigs (poster_id, title, description, category, "
                                "skills_required, budget_type) values (%s, %s, %s, 'data', '{x}', 'fixed') returning id",
                                (poster.id, GIG_DEFAULTS["title"], GIG_DEFAULTS["description"]))


@pytest.mark.rule("GIG-POSTER-WRITES")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "nothing"),
    ("owner", "row"),
    ("service", "row"),
])
def test_update_matrix(as_actor, gig, actor, outcome):
    q = "update public.gigs set title = 'A brand new title here' where id = %s returning title"
    if outcome == "row":
        assert as_actor(actor).one(q, (gig["id"],)) == {"title": "A brand new title here"}
    elif outcome == "nothing":
        as_actor(actor).affects_nothing(q, (gig["id"],))
    else:
        as_actor(actor).rejects(outcome, q, (gig["id"],))


@pytest.mark.rule("GIG-POSTER-WRITES")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "nothing"),
    ("owner", "row"),
    ("service", "row"),
])
def test_delete_matrix(as_actor, gig, actor, outcome):
    q = "delete from public.gigs where id = %s returning id"
    if outcome == "row":
        assert as_actor(actor).one(q, (gig["id"],))["id"] == gig["id"]
    elif outcome == "nothing":
        as_actor(actor).affects_nothing(q, (gig["id"],))
    else:
        as_actor(actor).rejects(outcome, q, (gig["id"],))


@pytest.mark.rule("GIG-POSTER-WRITES")
def test_poster_id_defaults_to_the_caller(db, poster):
    me = db.as_user(poster)
    row = me.one("insert into public.gigs (title, description, category, skills_required, budget_type) "
                 "values (%s, %s, 'data', '{sql}', 'hourly') returning poster_id::text, status",
                 (GIG_DEFAULTS["title"], GIG_DEFAULTS["description"]))
    assert row == {"poster_id": poster.id, "status": "draft"}


@pytest.mark.rule("GIG-VISIBILITY")
def test_stranger_cannot_see_draft(db, stranger, draft):
    assert db.as_user(stranger).sql("select id from public.gigs where id = %s", (draft["id"],)) == []


# --- protected columns --------------------------------------------------------------------

@pytest.mark.rule("GIG-COLUMNS")
@pytest.mark.parametrize("column, value", [
    ("poster_id", "00000000-0000-0000-0000-000000000001"),
    ("published_at", "2020-01-01"),
    ("applications_count", 99),
    ("views_count", 99),
    ("search_vector", "'x'"),
    ("created_at", "2020-01-01"),
    ("updated_at", "2020-01-01"),
    ("id", "00000000-0000-0000-0000-000000000001"),
])
def test_owner_cannot_update_protected_column(db, poster, gig, column, value):
    db.as_user(poster).rejects("42501", f"update public.gigs set {column} = %s where id = %s returning id",
                               (value, gig["id"]))


@pytest.mark.rule("GIG-COLUMNS")
@pytest.mark.parametrize("column, value", [
    ("published_at", "2020-01-01"), ("applications_count", 5), ("views_count", 5),
])
def test_owner_cannot_insert_protected_column(db, poster, column, value):
    db.as_user(poster).rejects("42501", f"insert into public.gigs (title, description, category, skills_required, "
                               f"budget_type, {column}) values (%s, %s, 'data', '{{x}}', 'fixed', %s) returning id",
                               (GIG_DEFAULTS["title"], GIG_DEFAULTS["description"], value))


@pytest.mark.rule("GIG-PUBLISHED-AT")
def test_published_at_never_resets_even_for_the_service(db, service, gig):
    service.rejects("42501", "update public.gigs set published_at = null where id = %s returning id", (gig["id"],))


# --- input --------------------------------------------------------------------------------

@pytest.mark.rule("GIG-INPUT")
@pytest.mark.parametrize("field, value, sqlstate", [
    ("title", "too short", "23514"),
    ("title", "x" * 121, "23514"),
    ("description", "too short", "23514"),
    ("category", "cooking", "23503"),
    ("skills_required", [], "23514"),
    ("skills_required", [f"s{i}" for i in range(16)], "23514"),
    ("ai_tools_preferred", [f"t{i}" for i in range(11)], "23514"),
    ("budget_type", "barter", "23514"),
    ("budget_min", -1, "23514"),
    ("budget_max", 10, "23514"),  # below budget_min 500
    ("currency", "euro", "23514"),
    ("location_type", "moon", "23514"),
    ("positions", 0, "23514"),
    ("positions", 51, "23514"),
])
def test_gig_input_checked(db, poster, field, value, sqlstate):
    db.as_user(poster).rejects(sqlstate, *_insert_sql({**GIG_DEFAULTS, field: value}))


def _insert_sql(fields):
    cols = ", ".join(fields)
    vals = ", ".join(f"%({k})s" for k in fields)
    return f"insert into public.gigs ({cols}) values ({vals}) returning id", fields


@pytest.mark.rule("GIG-INPUT")
def test_text_is_trimmed_and_tags_cleaned(db, poster):
    row = create_gig(db.as_user(poster), title="   Padded title for a gig   ", skills_required=[" go ", "go", ""],
                     currency="eur")
    assert (row["title"], row["skills_required"], row["currency"]) == ("Padded title for a gig", ["go"], "EUR")


# --- status machine -----------------------------------------------------------------------

ALLOWED = [("draft", "active"), ("active", "paused"), ("paused", "active"), ("active", "closed"),
           ("active", "filled"), ("paused", "closed"), ("paused", "filled"), ("closed", "active")]
STATUSES = ["draft", "active", "paused", "closed", "filled"]


def _gig_in(db, poster, status):
    """A gig brought to `status` through allowed transitions."""
    me = db.as_user(poster)
    path = {"draft": [], "active": [], "paused": ["paused"], "closed": ["closed"], "filled": ["filled"]}[status]
    gig = create_gig(me, status="draft" if status == "draft" else "active")
    for step in path:
        gig = set_status(me, "gigs", gig["id"], step)
    return gig


@pytest.mark.rule("GIG-STATUS-MACHINE")
@pytest.mark.parametrize("old", STATUSES)
def test_gig_transitions(db, poster, old):
    """From `old`, every other status: ALLOWED ones succeed, the rest raise PT409."""
    q = "update public.gigs set status = %s where id = %s returning status"
    for new in STATUSES:
        if new == old:
            continue
        gig = _gig_in(db, poster, old)
        if (old, new) in ALLOWED:
            assert db.as_user(poster).one(q, (new, gig["id"])) == {"status": new}
        else:
            db.as_user(poster).rejects("PT409", q, (new, gig["id"]), match=f"from {old} to {new}")


@pytest.mark.rule("GIG-CREATE-STATUS")
@pytest.mark.parametrize("status", ["paused", "closed", "filled"])
def test_gig_cannot_be_created_in_status(db, poster, status):
    db.as_user(poster).rejects("PT409", *_insert_sql({**GIG_DEFAULTS, "status": status}))


@pytest.mark.rule("GIG-PUBLISHED-AT")
def test_published_at_set_on_first_activation_and_kept(db, poster):
    me = db.as_user(poster)
    gig = create_gig(me, status="draft")
    assert gig["published_at"] is None
    first = set_status(me, "gigs", gig["id"], "active")["published_at"]
    assert first is not None
    set_status(me, "gigs", gig["id"], "closed")
    assert set_status(me, "gigs", gig["id"], "active")["published_at"] == first


# --- plan limit ---------------------------------------------------------------------------

def _publish(db, poster, n, status="active"):
    db.execute("""
        insert into public.gigs (poster_id, title, description, category, skills_required, budget_type, status)
        select %s, 'Seeded gig number ' || i, repeat('description ', 6), 'data', '{sql}', 'fixed', %s
        from generate_series(1, %s) as i""", (poster.id, status, n))


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_tenth_publication_allowed_eleventh_refused(db, poster):
    _publish(db, poster, 9)
    me = db.as_user(poster)
    create_gig(me)
    me.rejects("PT402", *_insert_sql(GIG_DEFAULTS), match="plan limit")
    draft = create_gig(me, status="draft")
    me.rejects("PT402", "update public.gigs set status = 'active' where id = %s returning id", (draft["id"],))


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_closing_or_deleting_refunds_nothing(db, poster):
    _publish(db, poster, 10)
    me = db.as_user(poster)
    ids = [r["id"] for r in me.sql("select id from public.gigs")]
    me.sql("update public.gigs set status = 'closed' where id = %s returning id", (ids[0],))
    me.sql("delete from public.gigs where id = %s returning id", (ids[1],))
    me.rejects("PT402", *_insert_sql(GIG_DEFAULTS))


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_reactivation_is_free(db, poster):
    _publish(db, poster, 10)
    me = db.as_user(poster)
    gig_id = me.sql("select id from public.gigs limit 1")[0]["id"]
    set_status(me, "gigs", gig_id, "closed")
    assert set_status(me, "gigs", gig_id, "active")["status"] == "active"
    set_status(me, "gigs", gig_id, "paused")
    assert set_status(me, "gigs", gig_id, "active")["status"] == "active"


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_publications_of_last_month_do_not_count(db, poster):
    _publish(db, poster, 10)
    db.execute("update private.gig_publications set published_at = date_trunc('month', now(), 'UTC') - interval '1 second'")
    create_gig(db.as_user(poster))


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_drafts_do_not_count(db, poster):
    _publish(db, poster, 15, status="draft")
    create_gig(db.as_user(poster))


@pytest.mark.rule("GIG-PLAN-LIMIT")
@pytest.mark.parametrize("status, period_end, allowed", [
    ("active", None, True),
    ("trialing", None, True),
    ("past_due", "now() - interval '6 days'", True),
    ("past_due", "now() - interval '8 days'", False),
    ("canceled", "now() + interval '3 days'", False),
])
def test_pro_has_no_publication_limit(db, poster, status, period_end, allowed):
    db.execute(f"update public.subscriptions set plan = 'pro', status = %s, current_period_end = {period_end or 'null'} "
               "where user_id = %s", (status, poster.id))
    _publish(db, poster, 10)
    if allowed:
        create_gig(db.as_user(poster))
    else:
        db.as_user(poster).rejects("PT402", *_insert_sql(GIG_DEFAULTS))


# --- deletion -----------------------------------------------------------------------------

@pytest.mark.rule("GIG-DELETE-WITH-APPLICATIONS")
def test_gig_with_applications_cannot_be_deleted(db, poster, applicant, gig):
    apply_to(db.as_user(applicant), gig["id"])
    db.as_user(poster).rejects("PT409", "delete from public.gigs where id = %s returning id", (gig["id"],),
                               match="close it instead")


@pytest.mark.rule("GIG-DELETE-WITH-APPLICATIONS")
def test_draft_can_be_deleted(db, poster, draft):
    assert db.as_user(poster).one("delete from public.gigs where id = %s returning id", (draft["id"],))


@pytest.mark.rule("GIG-POSITIONS")
def test_positions_cannot_go_below_accepted(db, poster, applicant, stranger):
    me = db.as_user(poster)
    gig = create_gig(me, positions=3)
    for user in (applicant, stranger):
        app = apply_to(db.as_user(user), gig["id"])
        set_status(me, "applications", app["id"], "accepted")
    me.rejects("PT409", "update public.gigs set positions = 1 where id = %s returning id", (gig["id"],))
    assert me.one("update public.gigs set positions = 4 where id = %s returning positions", (gig["id"],))


@pytest.mark.rule("GIG-POSITIONS")
def test_lowering_positions_to_the_accepted_number_fills_the_gig(db, poster, applicant, stranger):
    me = db.as_user(poster)
    gig = create_gig(me, positions=2)
    set_status(me, "applications", apply_to(db.as_user(applicant), gig["id"])["id"], "accepted")
    waiting = apply_to(db.as_user(stranger), gig["id"])
    me.one("update public.gigs set positions = 1 where id = %s returning id", (gig["id"],))
    assert me.scalar("select status from public.gigs where id = %s", (gig["id"],)) == "filled"
    assert me.scalar("select status from public.applications where id = %s", (waiting["id"],)) == "rejected"
    # Filled by an `update ... set status`, so status triggers (the gig_filled notification) see it.
    assert me.scalar("select count(*) from public.notifications where type = 'gig_filled'") == 1
