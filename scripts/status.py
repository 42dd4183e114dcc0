"""`ugig-db status`: pending work, and drift between a database and the files in supabase/.

Drift is found by building a shadow database from the files with migrate's own code and comparing
catalog snapshots (scripts/catalog.py). So that pending work is not mistaken for drift, the
target is compared as migrate would leave it: the plan is applied inside a transaction that is
always rolled back. Status never changes the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import psycopg

from scripts import catalog, migrate
from scripts.migrate import Layout, Plan
from scripts.scratchdb import scratch_database

# Exit codes of `ugig-db status` (errors, like every command's, exit 1).
CLEAN, PENDING, DRIFT = 0, 2, 3

# Status takes migrate's locks for a moment; it must never queue behind live traffic for long.
LOCK_TIMEOUT = "5s"


@dataclass
class Report:
    plan: Plan
    drift: list[catalog.Difference] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.drift:
            return DRIFT
        return CLEAN if self.plan.empty else PENDING

    def lines(self) -> list[str]:
        plan = self.plan
        out: list[str] = []
        if plan.bootstrap:
            out.append("bootstrap: pending (no auth schema: migrate adds the local Supabase stand-in)")
        out += [f"pending migration: {m.rel}" for m in plan.pending]
        out += [f"changed file: {path}" for path in plan.changed_files]
        out += [f"removed policy file: {path}" for path in plan.removed_policy_files]
        if plan.empty:
            out.append("migrations: up to date; function and policy files: up to date")
        if self.drift:
            out.append(f"drift: {len(self.drift)} difference(s) between the database and supabase/:")
            out += [f"  {d}" for d in self.drift]
        else:
            out.append("drift: none")
        return out


def _target_snapshot(db_url: str, layout: Layout) -> tuple[Plan, catalog.Snapshot]:
    """The plan, and the target's snapshot as if it were applied (then rolled back)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(f"set lock_timeout = '{LOCK_TIMEOUT}'")
        with conn.transaction(force_rollback=True):
            conn.execute("select pg_advisory_xact_lock(%s)", (migrate.LOCK_KEY,))
            plan = migrate.make_plan(conn, layout)
            if not plan.empty:
                migrate.apply(conn, plan, layout)
            return plan, catalog.snapshot(conn)


def _shadow_snapshot(shadow_server: str, layout: Layout) -> catalog.Snapshot:
    with scratch_database(shadow_server, prefix="ugig_shadow") as shadow_url:
        migrate.migrate(shadow_url, layout=layout, out=lambda _line: None)
        with psycopg.connect(shadow_url) as conn:
            return catalog.snapshot(conn)


def status(db_url: str, shadow_server: str, *, layout: Layout = Layout()) -> Report:
    """Compare `db_url` with a shadow built from the files on `shadow_server` (then dropped)."""
    plan, actual = _target_snapshot(db_url, layout)
    expected = _shadow_snapshot(shadow_server, layout)
    return Report(plan, catalog.diff(actual, expected))


def run(db_url: str, shadow_server: str, *, layout: Layout = Layout(),
        out: Callable[[str], None] = print) -> int:
    report = status(db_url, shadow_server, layout=layout)
    for line in report.lines():
        out(line)
    return report.exit_code
