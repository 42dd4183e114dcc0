"""Limits that must hold when requests race: the plan limit and the last open position."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.support.marketplace import apply_to, create_gig


def race(db, callers_and_queries):
    """Run each (caller factory, query, params) on its own connection, released together."""
    barrier = threading.Barrier(len(callers_and_queries))

    def attempt(item):
        make_caller, query, params = item
        with db.connect() as conn:
            caller = make_caller(conn)
            barrier.wait()
            try:
                caller.sql(query, params)
                return "ok"
            except psycopg.Error as exc:
                return exc.sqlstate

    with ThreadPoolExecutor(len(callers_and_queries)) as pool:
        return sorted(pool.map(attempt, callers_and_queries))


@pytest.mark.rule("GIG-PLAN-LIMIT")
def test_concurrent_publications_cannot_exceed_the_plan_limit(db, poster):
    db.execute("""
        insert into public.gigs (poster_id, title, description, category, skills_required, budget_type, status)
        select %s, 'Seeded gig number ' || i, repeat('description ', 6), 'data', '{sql}', 'fixed', 'active'
        from generate_series(1, 8) as i""", (poster.id,))
    drafts = [create_gig(db.as_user(poster), status="draft")["id"] for _ in range(4)]
    results = race(db, [(lambda conn: db.as_user(poster, conn),
                         "update public.gigs set status = 'active' where id = %s returning id", (d,)) for d in drafts])
    assert results == ["PT402", "PT402", "ok", "ok"]


@pytest.mark.rule("APP-FILL")
def test_concurrent_acceptances_cannot_overfill_a_gig(db, poster):
    gig = create_gig(db.as_user(poster), positions=1)
    apps = [apply_to(db.as_user(db.create_user(f"racer{i}@example.test")), gig["id"])["id"] for i in range(3)]
    results = race(db, [(lambda conn: db.as_user(poster, conn),
                         "update public.applications set status = 'accepted' where id = %s returning id", (a,))
                        for a in apps])
    assert results == ["PT409", "PT409", "ok"]
    assert db.execute("select status, count(*) from public.applications group by status order by 1") == [
        ("accepted", 1), ("rejected", 2)]
