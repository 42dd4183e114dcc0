"""`ugig-db status`: pending work, drift, and declarative changes no migration carries.

Two shadow databases are built with migrate's own code (scripts/capture.py): one from the
migrations alone, which is what every deploy builds, and one from the migrations plus the
function and policy files. The target is compared with the first (drift); the first with the
second (changes of the files that `ugig-db migration new` has not captured yet). So that pending
migrations are not mistaken for drift, the target is compared as migrate would leave it: the plan
is applied inside a transaction that is always rolled back. Status never changes the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import psycopg

from ugig_db import capture, catalog, migrate, sqlfiles
from ugig_db.migrate import Layout, Plan

# Exit codes of `ugig-db status` (errors, like every command's, exit 1). When several apply, the
# highest wins.
CLEAN, PENDING, DRIFT, UNCAPTURED, ORPHANED = 0, 2, 3, 4, 5

# Status takes migrate's locks for a moment; it must never queue behind live traffic for long.
LOCK_TIMEOUT = "5s"

_UNCAPTURED = {
    "extra": "removed from the files, still created by the migrations",
    "changed": "changed in the files since the last migration that carries it",
    "missing": "defined by the files, carried by no migration",
}


@dataclass
class Report:
    plan: Plan
    drift: list[catalog.Difference] = field(default_factory=list)
    uncaptured: list[catalog.Difference] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # applied versions without a file

    @property
    def exit_code(self) -> int:
        for code, found in ((ORPHANED, self.orphaned), (UNCAPTURED, self.uncaptured), (DRIFT, self.drift)):
            if found:
                return code
        return CLEAN if self.plan.empty else PENDING

    def lines(self) -> list[str]:
        plan = self.plan
        out: list[str] = []
        if plan.bootstrap:
            out.append("bootstrap: pending (no auth schema: migrate adds the local Supabase stand-in)")
        out += [f"pending migration: {m.rel}" for m in plan.pending]
        if plan.empty:
            out.append("migrations: up to date")
        out += [f"applied migration without a file: {v} (its file was removed or renamed)" for v in self.orphaned]
        if self.uncaptured:
            out.append(
                f"not in any migration: {len(self.uncaptured)} change(s) of supabase/functions_sql and "
                "supabase/policies (run `ugig-db migration new <name>`):"
            )
            out += [f"  {d.kind} {d.key}: {_UNCAPTURED[d.change]}" for d in self.uncaptured]
        else:
            out.append("function and policy files: captured by the migrations")
        if self.drift:
            out.append(f"drift: {len(self.drift)} difference(s) between the database and the migrations:")
            out += [f"  {d}" for d in self.drift]
        else:
            out.append("drift: none")
        return out


def _target(db_url: str, layout: Layout) -> tuple[Plan, catalog.Snapshot, list[str]]:
    """The plan, the target's snapshot as if it were applied (then rolled back), and the
    applied versions no file has."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        with conn.transaction(force_rollback=True):
            conn.execute("select set_config('lock_timeout', %s, true)", (LOCK_TIMEOUT,))
            conn.execute("select pg_advisory_xact_lock(%s)", (migrate.LOCK_KEY,))
            files = {m.version for m in sqlfiles.migrations(layout.migrations)}
            orphaned = sorted(v for v in migrate.applied(conn) if v not in files)
            plan = migrate.make_plan(conn, layout)
            if not plan.empty:
                migrate.apply(conn, plan, layout)
            return plan, catalog.snapshot(conn), orphaned


# rule: TOOL-STATUS
def status(db_url: str, shadow_server: str, *, layout: Layout = Layout()) -> Report:
    """Compare `db_url` and the files with shadows built on `shadow_server` (then dropped)."""
    plan, actual, orphaned = _target(db_url, layout)
    with capture.shadows(shadow_server, layout) as (migrated, declared):
        with psycopg.connect(migrated) as m, psycopg.connect(declared) as d:
            expected, declared_snapshot = catalog.snapshot(m), catalog.snapshot(d)
    return Report(plan, catalog.diff(actual, expected), catalog.diff(expected, declared_snapshot), orphaned)


def run(db_url: str, shadow_server: str, *, layout: Layout = Layout(),
        out: Callable[[str], None] = print) -> int:
    report = status(db_url, shadow_server, layout=layout)
    for line in report.lines():
        out(line)
    return report.exit_code
