"""The identity base as the marketplace relies on it: usernames at signup, and user deletion
leaving no orphan marketplace data."""

from __future__ import annotations

import re

import pytest

from tests.support.marketplace import apply_to, create_gig, insert, set_status

RESERVED = ["admin", "administrator", "root", "support", "help", "api", "www", "mail", "ugig", "staff", "system",
            "moderator", "null", "undefined", "me", "settings", "dashboard", "login", "signup"]


def username(db, user):
    return db.execute("select username from public.profiles where id = %s", (user.id,))[0][0]


@pytest.mark.rule("ID-USERNAME-PICK")
def test_reserved_username_is_never_given(db):
    for name in RESERVED:
        got = username(db, db.create_user(f"{name}@example.test", user_metadata={"username": name.upper()}))
        assert got not in RESERVED and name in got, name


@pytest.mark.rule("ID-USERNAME-RESERVED")
@pytest.mark.parametrize("name", RESERVED[:3])
def test_reserved_username_cannot_be_chosen_later(db, name):
    user = db.create_user()
    db.as_user(user).rejects("22023", "update public.profiles set username = %s returning id", (name,))


@pytest.mark.rule("ID-USERNAME-PICK")
def test_invalid_requested_username_falls_back_to_email(db):
    for i, requested in enumerate(["ab", "a" * 31, "has space", "dash-ed", "ümlaut", "", "   "]):
        user = db.create_user(f"fallback.person{i}@example.test", user_metadata={"username": requested})
        assert username(db, user) == f"fallback_person{i}", requested


@pytest.mark.rule("ID-USERNAME-UNIQUE")
def test_collisions_are_resolved_case_insensitively(db):
    names = {username(db, db.create_user(f"dup{i}@example.test", user_metadata={"username": "Dup_Name"}))
             for i in range(5)}
    assert len(names) == 5 and "dup_name" in names
    assert all(n == "dup_name" or n.startswith("dup") for n in names)


@pytest.mark.rule("ID-USERNAME-PICK")
def test_derived_username_collisions_are_unique(db):
    first = username(db, db.create_user("same@example.test"))
    second = username(db, db.create_user("same@other.test"))
    assert first == "same" and second.startswith("same_") and second != first


@pytest.mark.rule("ID-SIGNUP")
def test_bad_metadata_never_fails_signup(db):
    for meta in [{"username": None}, {"username": {"nested": True}}, {"full_name": 42}, {"full_name": ["x"]},
                 {"avatar_url": "x" * 5000}, {"account_type": None}, {"username": "x" * 10000}]:
        assert len(username(db, db.create_user(user_metadata=meta))) >= 3, meta


@pytest.mark.rule("ID-USERNAME-PICK")
def test_unusual_emails_give_valid_usernames(db):
    for email in ["a@b.test", "-----@example.test", "ÄÖÜ.x@example.test",
                  "a.very.long.local.part.that.goes.on.and.on.forever@example.test"]:
        name = username(db, db.create_user(email))
        assert re.fullmatch(r"[a-z0-9_]{3,30}", name), (email, name)


@pytest.mark.rule("ID-USER-DELETE")
def test_deleting_a_user_leaves_no_marketplace_rows(db, poster, applicant, stranger):
    """The poster has a gig with a hired applicant, reviews both ways, saved gigs, history and
    portfolio; the applicant also applied elsewhere. Deleting each in turn leaves nothing of theirs."""
    me, them = db.as_user(poster), db.as_user(applicant)
    gig = create_gig(me)
    app = apply_to(them, gig["id"])
    set_status(me, "applications", app["id"], "accepted")
    insert(me, "reviews", {"gig_id": gig["id"], "reviewee_id": applicant.id, "rating": 5})
    insert(them, "reviews", {"gig_id": gig["id"], "reviewee_id": poster.id, "rating": 4})
    other = create_gig(db.as_user(stranger))
    apply_to(them, other["id"])
    insert(them, "saved_gigs", {"gig_id": other["id"]})
    insert(me, "saved_gigs", {"gig_id": other["id"]})
    insert(them, "work_history", {"company": "A", "title": "B", "start_date": "2020-01-01"})
    insert(them, "portfolio_items", {"title": "Item", "gig_id": gig["id"]})
    them.rpc("record_gig_view", gig_id=other["id"])

    db.execute("delete from auth.users where id = %s", (poster.id,))
    assert db.execute("select count(*) from public.gigs where poster_id = %s", (poster.id,)) == [(0,)]
    assert db.execute("select count(*) from public.reviews where %s in (reviewer_id, reviewee_id)",
                      (poster.id,)) == [(0,)]
    assert db.execute("select rating_count from public.profiles where id = %s", (applicant.id,)) == [(0,)]
    assert db.execute("select gig_id from public.portfolio_items") == [(None,)]  # kept, unlinked
    assert db.execute("select count(*) from private.gig_publications where poster_id = %s", (poster.id,)) == [(0,)]

    db.execute("delete from auth.users where id = %s", (applicant.id,))
    for table, column in [("applications", "applicant_id"), ("saved_gigs", "user_id"), ("work_history", "user_id"),
                          ("portfolio_items", "user_id"), ("reviews", "reviewer_id"), ("saved_gigs", "user_id")]:
        assert db.execute(f"select count(*) from public.{table} where {column} = %s", (applicant.id,)) == [(0,)]
    assert db.execute("select count(*) from private.gig_views where viewer_id = %s", (applicant.id,)) == [(0,)]
    assert db.execute("select count(*) from private.rate_limit_events where subject = %s", (applicant.id,)) == [(0,)]
    assert db.execute("select applications_count from public.gigs where id = %s", (other["id"],)) == [(0,)]
