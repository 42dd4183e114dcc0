"""reviews: only between a gig's poster and an accepted applicant; ratings follow on profiles."""

from __future__ import annotations

import pytest

from tests.support.marketplace import apply_to, create_gig, insert, set_status


@pytest.fixture
def hired(db, poster, applicant):
    """A gig with the applicant accepted on it."""
    gig = create_gig(db.as_user(poster), positions=2)
    app = apply_to(db.as_user(applicant), gig["id"])
    set_status(db.as_user(poster), "applications", app["id"], "accepted")
    return gig


@pytest.fixture
def review(db, poster, applicant, hired):
    return insert(db.as_user(poster), "reviews", {"gig_id": hired["id"], "reviewee_id": applicant.id, "rating": 4})


def _outcome(caller, q, params, outcome):
    if outcome == "row":
        assert len(caller.sql(q, params)) == 1
    elif outcome == "nothing":
        caller.affects_nothing(q, params)
    elif isinstance(outcome, int):
        assert len(caller.sql(q, params)) == outcome
    else:
        caller.rejects(outcome, q, params)


@pytest.mark.rule("REVIEW-READ")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", 1), ("stranger", 1), ("poster", 1), ("applicant", 1), ("service", 1),
])
def test_select_matrix(as_actor, review, actor, outcome):
    _outcome(as_actor(actor), "select id from public.reviews", None, outcome)


@pytest.mark.rule("REVIEW-PARTIES")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"),
    ("stranger", "42501"),   # not on the gig
    ("applicant", "row"),    # accepted applicant reviews the poster
    ("service", "row"),
])
def test_insert_matrix(db, as_actor, poster, applicant, hired, actor, outcome):
    reviewer = applicant.id if actor in ("applicant", "service") else as_actor(actor).claims.get("sub", applicant.id)
    _outcome(as_actor(actor), "insert into public.reviews (gig_id, reviewer_id, reviewee_id, rating) "
             "values (%s, %s, %s, 5) returning id", (hired["id"], reviewer, poster.id), outcome)


@pytest.mark.rule("REVIEW-EDIT-WINDOW")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "nothing"), ("applicant", "nothing"), ("poster", "row"), ("service", "row"),
])
def test_update_matrix(as_actor, review, actor, outcome):
    _outcome(as_actor(actor), "update public.reviews set rating = 2 where id = %s returning id", (review["id"],),
             outcome)


@pytest.mark.rule("REVIEW-NO-DELETE")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "42501"), ("applicant", "42501"), ("poster", "42501"), ("service", "row"),
])
def test_delete_matrix(as_actor, review, actor, outcome):
    _outcome(as_actor(actor), "delete from public.reviews where id = %s returning id", (review["id"],), outcome)


@pytest.mark.rule("REVIEW-PARTIES")
def test_pending_applicant_cannot_review(db, poster, stranger, hired):
    apply_to(db.as_user(stranger), hired["id"])
    db.as_user(stranger).rejects("42501", "insert into public.reviews (gig_id, reviewee_id, rating) "
                                 "values (%s, %s, 5) returning id", (hired["id"], poster.id))
    db.as_user(poster).rejects("42501", "insert into public.reviews (gig_id, reviewee_id, rating) "
                               "values (%s, %s, 5) returning id", (hired["id"], stranger.id))


@pytest.mark.rule("REVIEW-NOT-SELF")
def test_nobody_reviews_themselves(db, poster, hired):
    db.as_user(poster).rejects("42501", "insert into public.reviews (gig_id, reviewee_id, rating) "
                               "values (%s, %s, 5) returning id", (hired["id"], poster.id))


@pytest.mark.rule("REVIEW-UNIQUE")
def test_one_review_per_direction_and_gig(db, poster, applicant, hired, review):
    db.as_user(poster).rejects("23505", "insert into public.reviews (gig_id, reviewee_id, rating) "
                               "values (%s, %s, 5) returning id", (hired["id"], applicant.id))


@pytest.mark.rule("REVIEW-INPUT")
@pytest.mark.parametrize("rating", [0, 6])
def test_rating_range(db, applicant, poster, hired, rating):
    db.as_user(applicant).rejects("23514", "insert into public.reviews (gig_id, reviewee_id, rating) "
                                  "values (%s, %s, %s) returning id", (hired["id"], poster.id, rating))


@pytest.mark.rule("REVIEW-EDIT-WINDOW")
@pytest.mark.parametrize("column, value", [
    ("reviewee_id", "00000000-0000-0000-0000-000000000001"), ("gig_id", "00000000-0000-0000-0000-000000000001"),
    ("reviewer_id", "00000000-0000-0000-0000-000000000001"), ("created_at", "2020-01-01"),
])
def test_reviewer_cannot_update_protected_column(db, poster, review, column, value):
    db.as_user(poster).rejects("42501", f"update public.reviews set {column} = %s returning id", (value,))


@pytest.mark.rule("REVIEW-EDIT-WINDOW")
def test_reviewer_edits_within_14_days_only(db, poster, review):
    me = db.as_user(poster)
    assert me.one("update public.reviews set comment = ' Great work ' returning comment") == {"comment": "Great work"}
    db.execute("set session_replication_role = replica")  # created_at is immutable for everyone
    db.execute("update public.reviews set created_at = now() - interval '15 days'")
    db.execute("reset session_replication_role")
    me.rejects("PT409", "update public.reviews set rating = 5 returning id", match="14 days")


@pytest.mark.rule("REVIEW-RATINGS")
def test_ratings_follow_every_change(db, service, poster, applicant, stranger, hired, review):
    def rating():
        return db.as_anon().one("select rating_avg, rating_count from public.profiles where id = %s", (applicant.id,))

    assert rating() == {"rating_avg": 4, "rating_count": 1}
    other_gig = create_gig(db.as_user(stranger))
    app = apply_to(db.as_user(applicant), other_gig["id"])
    set_status(db.as_user(stranger), "applications", app["id"], "accepted")
    insert(db.as_user(stranger), "reviews", {"gig_id": other_gig["id"], "reviewee_id": applicant.id, "rating": 1})
    assert rating() == {"rating_avg": 2.5, "rating_count": 2}
    db.as_user(poster).sql("update public.reviews set rating = 5 where id = %s returning id", (review["id"],))
    assert rating() == {"rating_avg": 3, "rating_count": 2}
    service.sql("delete from public.reviews where id = %s returning id", (review["id"],))
    assert rating() == {"rating_avg": 1, "rating_count": 1}
    db.execute("delete from auth.users where id = %s", (stranger.id,))
    assert rating() == {"rating_avg": None, "rating_count": 0}
