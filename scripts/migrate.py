"""`ugig-db migrate`: apply the pending migrations of supabase/migrations/, atomically.

Exactly what `supabase db push` applies: the migrations the database's history lacks, in version
order, recorded as the Supabase CLI records them (plus a checksum of ours, so an edited landed
migration is refused). Where the database is not a Supabase one (local, tests) the bootstrap
comes first. One transaction under an advisory lock, with a `lock_timeout`, so a deploy never
queues behind a long transaction while holding table locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import psycopg

from ugig_db import lockwatch, sqlfiles
from ugig_db.declarative import Layout, run_file
from ugig_db.sqlfiles import Migration

# pg_advisory_xact_lock key shared by every `ugig-db migrate`: runs never interleave.
LOCK_KEY = 0x0_75_67_69_67  # "ugig"
LOCK_TIMEOUT = "5s"

HISTORY_DDL = [
    # The Supabase CLI's own history table, created the way the CLI creates it.
    "create schema if not exists supabase_migrations",
    "create table if not exists supabase_migrations.schema_migrations (version text not null primary key)",
    "alter table supabase_migrations.schema_migrations add column if not exists statements text[]",
    "alter table supabase_migrations.schema_migrations add column if not exists name text",
    # Ours: what the CLI does not keep.
    """create table if not exists supabase_migrations.ugig_checksums (
        version text primary key,
        name text not null,
        sha256 text not null,
        applied_at timestamptz not null default now()
    )""",
    # Retired: the previous release re-applied function and policy files and recorded them here;
    # migrations carry them now (docs/deploy.md).
    "drop table if exists supabase_migrations.ugig_files",
]


class MigrateError(RuntimeError):
    """Migration refused or failed; nothing was changed."""


@dataclass
class Plan:
    bootstrap: bool = False
    pending: list[Migration] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.bootstrap or self.pending)

    def describe(self) -> list[str]:
        if self.empty:
            return ["nothing to do: the database is up to date"]
        lines = []
        if self.bootstrap:
            lines.append("bootstrap: local Supabase stand-in (auth, storage, realtime, roles)")
        lines += [f"migration: {m.rel}" for m in self.pending]
        return lines


# rule: TOOL-BOOTSTRAP
def is_supabase_database(conn: psycopg.Connection) -> bool:
    return conn.execute("select to_regclass('auth.users') is not null").fetchone()[0]


def _history_exists(conn: psycopg.Connection) -> bool:
    return conn.execute(
        "select to_regclass('supabase_migrations.schema_migrations') is not null"
    ).fetchone()[0]


def applied(conn: psycopg.Connection) -> dict[str, tuple[str | None, str | None]]:
    """Applied versions: (name, our checksum; None where `supabase db push` applied it)."""
    if not _history_exists(conn):
        return {}
    has_checksums = conn.execute(
        "select to_regclass('supabase_migrations.ugig_checksums') is not null"
    ).fetchone()[0]
    query = (
        """select m.version, m.name, c.sha256 from supabase_migrations.schema_migrations m
           left join supabase_migrations.ugig_checksums c using (version)"""
        if has_checksums else "select version, name, null from supabase_migrations.schema_migrations"
    )
    return {v: (name, sha) for v, name, sha in conn.execute(query)}


# rule: TOOL-CHECKSUM
def make_plan(conn: psycopg.Connection, layout: Layout = Layout()) -> Plan:
    """What `apply` would do. Raises MigrateError for an edited or out-of-order migration."""
    plan = Plan(bootstrap=not is_supabase_database(conn))
    versions = applied(conn)
    for migration in sqlfiles.migrations(layout.migrations):
        if migration.version not in versions:
            plan.pending.append(migration)
            continue
        recorded = versions[migration.version][1]
        if recorded is not None and recorded != migration.sha256:
            raise MigrateError(
                f"{migration.rel} was edited after it was applied (checksum differs); "
                "landed migrations are history: add a new migration instead"
            )
    if plan.pending and versions:
        newest_applied = max(versions)
        late = [m.rel for m in plan.pending if m.version < newest_applied]
        if late:
            raise MigrateError(
                f"{', '.join(late)} is older than the newest applied migration {newest_applied}; "
                "give it a later version"
            )
    return plan


# rule: TOOL-HISTORY
def apply(conn: psycopg.Connection, plan: Plan, layout: Layout = Layout()) -> None:
    """Carry out a plan inside the caller's transaction."""
    if plan.bootstrap:
        for f in sqlfiles.bootstrap(layout.bootstrap):
            run_file(conn, f, MigrateError)
    for ddl in HISTORY_DDL:
        conn.execute(ddl)
    for migration in plan.pending:
        run_file(conn, migration, MigrateError)
        conn.execute(
            """insert into supabase_migrations.schema_migrations (version, statements, name)
               values (%s, %s, %s)""",
            (migration.version, [s.text for s in migration.statements], migration.name),
        )
        conn.execute(
            """insert into supabase_migrations.ugig_checksums (version, name, sha256)
               values (%s, %s, %s)""",
            (migration.version, migration.name, migration.sha256),
        )


# rule: TOOL-ONE-HISTORY, TOOL-MIGRATE-ATOMIC
def migrate(
    db_url: str,
    *,
    dry_run: bool = False,
    lock_timeout: str = LOCK_TIMEOUT,
    layout: Layout = Layout(),
    out: Callable[[str], None] = print,
) -> Plan:
    """Plan and apply in one transaction under the advisory lock; roll back on any error.

    A dry run applies the plan too, so a broken migration fails it, then rolls everything back.
    """
    with psycopg.connect(db_url, autocommit=True) as conn:
        with lockwatch.LockWatch(db_url, conn.info.backend_pid) as watch:
            try:
                with conn.transaction(force_rollback=dry_run):
                    conn.execute("select set_config('lock_timeout', %s, true)", (lock_timeout,))
                    conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                    plan = make_plan(conn, layout)
                    for line in plan.describe():
                        out(line)
                    if not plan.empty:
                        apply(conn, plan, layout)
            except psycopg.errors.LockNotAvailable as exc:
                raise MigrateError(
                    f"lock_timeout ({lock_timeout}) expired before the migration lock was free "
                    f"(another `ugig-db migrate`?): {watch.describe()}; nothing applied"
                ) from exc
            except MigrateError as exc:
                if isinstance(exc.__cause__, psycopg.errors.LockNotAvailable):
                    raise MigrateError(
                        f"{exc}: lock_timeout ({lock_timeout}) expired, {watch.describe()}; nothing applied"
                    ) from exc
                raise
    if dry_run:
        out("dry run: nothing applied")
    elif not plan.empty:
        out(f"applied {len(plan.pending)} migration{'s' if len(plan.pending) != 1 else ''}")
    return plan
