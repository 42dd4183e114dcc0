"""my_applications(): the caller's applications, sent, received or both, keyset-paginated."""

from __future__ import annotations

import pytest

from tests.support.marketplace import apply_to, create_gig


@pytest.fixture
def application(db, applicant, poster):
    return apply_to(db.as_user(applicant), create_gig(db.as_user(poster))["id"])


def ids(rows: list[dict]) -> list[str]:
    return [str(r["id"]) for r in rows]


@pytest.mark.rule("APP-MINE")
@pytest.mark.parametrize("actor, role, outcome", [
    ("anon", None, "42501"),
    ("applicant", None, 1),
    ("applicant", "sent", 1),
    ("applicant", "received", 0),
    ("poster", None, 1),
    ("poster", "sent", 0),
    ("poster", "received", 1),
    ("stranger", None, 0),
    ("stranger", "sent", 0),
    ("stranger", "received", 0),
])
def test_my_applications_matrix(as_actor, application, actor, role, outcome):
    as_actor(actor).expect(outcome, "select * from public.my_applications(role => %s)", (role,))


@pytest.mark.rule("APP-MINE")
def test_my_applications_returns_the_rows_rls_shows(db, applicant, application):
    mine = db.as_user(applicant)
    assert mine.rpc_rows("my_applications") == mine.sql("select * from public.applications")


@pytest.fixture
def both_sides(db):
    """A user who received 3 applications and sent 4; two of each at the same instant, so the id
    breaks the tie within and across both halves."""
    me = db.create_user()
    gig = create_gig(db.as_user(me))
    for _ in range(3):
        apply_to(db.as_user(db.create_user()), gig["id"])
    for _ in range(4):
        apply_to(db.as_user(me), create_gig(db.as_user(db.create_user()))["id"])
    with db.admin.transaction():
        db.execute("set local session_replication_role = replica")  # creation times are immutable
        db.execute("""update public.applications set created_at = '2026-01-01 12:00+00'
                      where id in ((select id from public.applications where applicant_id = %(me)s order by id limit 2)
                                   union all
                                   (select id from public.applications where poster_id = %(me)s order by id limit 2))""",
                   {"me": me.id})
    return me


def expected(db, me, where: str) -> list[str]:
    return [str(r[0]) for r in db.execute(
        f"select id from public.applications where {where} order by created_at desc, id desc", {"me": me.id})]


@pytest.mark.rule("APP-MINE")
@pytest.mark.parametrize("role, where", [
    (None, "applicant_id = %(me)s or poster_id = %(me)s"),
    ("sent", "applicant_id = %(me)s"),
    ("received", "poster_id = %(me)s"),
])
@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_my_applications_pages_without_repeats_or_gaps(db, both_sides, role, where, page_size):
    me = db.as_user(both_sides)
    seen: list[str] = []
    before: dict = {}
    while True:
        page = me.rpc_rows("my_applications", role=role, page_size=page_size, **before)
        assert len(page) <= page_size
        seen += ids(page)
        if len(page) < page_size:
            break
        before = {"before_created_at": page[-1]["created_at"], "before_id": page[-1]["id"]}
    assert seen == expected(db, both_sides, where)
    assert len(seen) == {None: 7, "sent": 4, "received": 3}[role]


@pytest.mark.rule("APP-MINE")
@pytest.mark.parametrize("args", [
    {"role": "both"},
    {"page_size": 0},
    {"page_size": 101},
    {"page_size": None},
    {"before_created_at": "2026-01-01T00:00:00Z"},
    {"before_id": "00000000-0000-0000-0000-000000000001"},
])
def test_my_applications_rejects_bad_arguments(as_actor, args):
    as_actor("applicant").rejects_rpc("22023", "my_applications", **args)
