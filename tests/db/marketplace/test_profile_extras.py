"""saved_gigs, work_history and portfolio_items: who reads and writes what."""

from __future__ import annotations

import pytest

from tests.support.marketplace import apply_to, create_gig, insert, set_status

WORK = {"company": "Acme", "title": "Engineer", "start_date": "2020-01-01"}
ITEM = {"title": "Shop pipeline", "url": "https://example.test/case"}


@pytest.fixture
def gig(db, poster):
    return create_gig(db.as_user(poster))


def _outcome(caller, q, params, outcome):
    if outcome == "row":
        assert len(caller.sql(q, params)) == 1
    elif outcome == "nothing":
        caller.affects_nothing(q, params)
    elif isinstance(outcome, int):
        assert len(caller.sql(q, params)) == outcome
    else:
        caller.rejects(outcome, q, params)


# --- saved_gigs ---------------------------------------------------------------------------

@pytest.fixture
def saved(db, applicant, gig):
    return insert(db.as_user(applicant), "saved_gigs", {"gig_id": gig["id"]})


@pytest.mark.rule("SAVED-PRIVATE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", 0), ("applicant", 1), ("poster", 0), ("service", 1),
])
def test_saved_gigs_select_matrix(as_actor, saved, actor, outcome):
    _outcome(as_actor(actor), "select gig_id from public.saved_gigs", None, outcome)


@pytest.mark.rule("SAVED-PRIVATE", "SAVED-VISIBLE-NOT-OWN")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "42501"),   # saving for someone else
    ("applicant", "row"),
    ("poster", "42501"),     # own gig
    ("service", "row"),
])
def test_saved_gigs_insert_matrix(as_actor, applicant, gig, actor, outcome):
    _outcome(as_actor(actor), "insert into public.saved_gigs (user_id, gig_id) values (%s, %s) returning gig_id",
             (applicant.id if actor != "poster" else as_actor("poster").claims["sub"], gig["id"]), outcome)


@pytest.mark.rule("SAVED-PRIVATE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "42501"), ("applicant", "42501"), ("poster", "42501"), ("service", "row"),
])
def test_saved_gigs_update_matrix(as_actor, saved, actor, outcome):
    _outcome(as_actor(actor), "update public.saved_gigs set created_at = now() returning gig_id", None, outcome)


@pytest.mark.rule("SAVED-PRIVATE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("applicant", "row"), ("poster", "nothing"), ("service", "row"),
])
def test_saved_gigs_delete_matrix(as_actor, saved, actor, outcome):
    _outcome(as_actor(actor), "delete from public.saved_gigs returning gig_id", None, outcome)


@pytest.mark.rule("SAVED-VISIBLE-NOT-OWN")
def test_cannot_save_invisible_draft(db, poster, applicant):
    draft = create_gig(db.as_user(poster), status="draft")
    db.as_user(applicant).rejects("PT404", "insert into public.saved_gigs (gig_id) values (%s) returning gig_id",
                                  (draft["id"],))


@pytest.mark.rule("SAVED-UNIQUE")
def test_cannot_save_twice(db, applicant, gig, saved):
    db.as_user(applicant).rejects("23505", "insert into public.saved_gigs (gig_id) values (%s) returning gig_id",
                                  (gig["id"],))


# --- work_history -------------------------------------------------------------------------

@pytest.fixture
def work(db, poster):
    return insert(db.as_user(poster), "work_history", WORK)


@pytest.mark.rule("WORK-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", 1), ("stranger", 1), ("owner", 1), ("service", 1),
])
def test_work_history_select_matrix(as_actor, work, actor, outcome):
    _outcome(as_actor(actor), "select id from public.work_history", None, outcome)


@pytest.mark.rule("WORK-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "42501"), ("owner", "row"), ("service", "row"),
])
def test_work_history_insert_matrix(as_actor, poster, actor, outcome):
    _outcome(as_actor(actor), "insert into public.work_history (user_id, company, title, start_date) "
             "values (%s, 'Acme', 'Dev', '2021-01-01') returning id", (poster.id,), outcome)


@pytest.mark.rule("WORK-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("owner", "row"), ("service", "row"),
])
def test_work_history_update_matrix(as_actor, work, actor, outcome):
    _outcome(as_actor(actor), "update public.work_history set title = 'Lead' where id = %s returning id",
             (work["id"],), outcome)


@pytest.mark.rule("WORK-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("owner", "row"), ("service", "row"),
])
def test_work_history_delete_matrix(as_actor, work, actor, outcome):
    _outcome(as_actor(actor), "delete from public.work_history where id = %s returning id", (work["id"],), outcome)


@pytest.mark.rule("WORK-OWNER")
@pytest.mark.parametrize("column, value", [
    ("user_id", "00000000-0000-0000-0000-000000000001"), ("created_at", "2020-01-01"), ("updated_at", "2020-01-01"),
])
def test_owner_cannot_update_protected_work_history_column(db, poster, work, column, value):
    db.as_user(poster).rejects("42501", f"update public.work_history set {column} = %s returning id", (value,))


@pytest.mark.rule("WORK-INPUT")
@pytest.mark.parametrize("field, value", [
    ("company", "   "), ("title", "x" * 121), ("end_date", "2019-01-01"), ("description", "x" * 2001),
])
def test_work_history_input_checked(db, poster, field, value):
    fields = {**WORK, field: value}
    db.as_user(poster).rejects("23514", f"insert into public.work_history ({', '.join(fields)}) values "
                               f"({', '.join('%(' + k + ')s' for k in fields)}) returning id", fields)


# --- portfolio_items ----------------------------------------------------------------------

@pytest.fixture
def item(db, poster):
    return insert(db.as_user(poster), "portfolio_items", ITEM)


@pytest.mark.rule("PORTFOLIO-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", 1), ("stranger", 1), ("owner", 1), ("service", 1),
])
def test_portfolio_select_matrix(as_actor, item, actor, outcome):
    _outcome(as_actor(actor), "select id from public.portfolio_items", None, outcome)


@pytest.mark.rule("PORTFOLIO-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "42501"), ("owner", "row"), ("service", "row"),
])
def test_portfolio_insert_matrix(as_actor, poster, actor, outcome):
    _outcome(as_actor(actor), "insert into public.portfolio_items (user_id, title) values (%s, 'Thing') returning id",
             (poster.id,), outcome)


@pytest.mark.rule("PORTFOLIO-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("owner", "row"), ("service", "row"),
])
def test_portfolio_update_matrix(as_actor, item, actor, outcome):
    _outcome(as_actor(actor), "update public.portfolio_items set title = 'New' where id = %s returning id",
             (item["id"],), outcome)


@pytest.mark.rule("PORTFOLIO-OWNER")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("owner", "row"), ("service", "row"),
])
def test_portfolio_delete_matrix(as_actor, item, actor, outcome):
    _outcome(as_actor(actor), "delete from public.portfolio_items where id = %s returning id", (item["id"],), outcome)


@pytest.mark.rule("PORTFOLIO-IMAGE-PATH")
def test_portfolio_image_must_be_in_own_folder(db, poster, stranger, item):
    me = db.as_user(poster)
    me.rejects("22023", "update public.portfolio_items set image_path = %s returning id", (f"{stranger.id}/x.png",))
    assert me.one("update public.portfolio_items set image_path = %s returning image_path",
                  (f"{poster.id}/x.png",))["image_path"] == f"{poster.id}/x.png"


@pytest.mark.rule("PORTFOLIO-GIG")
def test_portfolio_gig_must_be_one_you_worked_on(db, poster, applicant, stranger, gig):
    app = apply_to(db.as_user(applicant), gig["id"])
    q = "insert into public.portfolio_items (title, gig_id) values ('Work', %s) returning id"
    db.as_user(applicant).rejects("42501", q, (gig["id"],))
    set_status(db.as_user(poster), "applications", app["id"], "accepted")
    assert db.as_user(applicant).one(q, (gig["id"],))
    assert db.as_user(poster).one(q, (gig["id"],))
    db.as_user(stranger).rejects("42501", q, (gig["id"],))


@pytest.mark.rule("PORTFOLIO-OWNER")
@pytest.mark.parametrize("column, value", [
    ("user_id", "00000000-0000-0000-0000-000000000001"), ("created_at", "2020-01-01"),
])
def test_owner_cannot_update_protected_portfolio_column(db, poster, item, column, value):
    db.as_user(poster).rejects("42501", f"update public.portfolio_items set {column} = %s returning id", (value,))


@pytest.mark.rule("PORTFOLIO-INPUT")
@pytest.mark.parametrize("field, value, sqlstate", [
    ("url", "ftp://x", "23514"), ("title", "", "23514"), ("tags", [f"t{i}" for i in range(21)], "23514"),
])
def test_portfolio_input_checked(db, poster, field, value, sqlstate):
    fields = {**ITEM, field: value}
    db.as_user(poster).rejects(sqlstate, f"insert into public.portfolio_items ({', '.join(fields)}) values "
                               f"({', '.join('%(' + k + ')s' for k in fields)}) returning id", fields)
