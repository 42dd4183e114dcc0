"""`ugig-db migrate`: bring a database up to the files in supabase/, atomically.

One transaction under an advisory lock: the Supabase bootstrap where the database is not a
Supabase one, then pending versioned migrations (recorded exactly as the Supabase CLI records
them, plus a checksum of ours), then function and policy files whose content changed. Policy
files are declarative: every table they cover ends with exactly the policies they define.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import psycopg
from psycopg import sql

from scripts import paths, sqlfiles
from scripts.sqlfiles import Migration, SqlFile

# pg_advisory_xact_lock key shared by every `ugig-db migrate`: runs never interleave.
LOCK_KEY = 0x0_75_67_69_67  # "ugig"

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
    """create table if not exists supabase_migrations.ugig_files (
        path text primary key,
        kind text not null check (kind in ('function', 'policy')),
        sha256 text not null,
        policy_tables text[] not null default '{}',
        applied_at timestamptz not null default now()
    )""",
]


@dataclass(frozen=True)
class Layout:
    """Where the SQL files are; tests point it at a scratch copy."""

    bootstrap: Path = paths.BOOTSTRAP_DIR
    migrations: Path = paths.MIGRATIONS_DIR
    functions: Path = paths.FUNCTIONS_DIR
    policies: Path = paths.POLICIES_DIR


class MigrateError(RuntimeError):
    """Migration refused or failed; nothing was changed."""


@dataclass
class Plan:
    bootstrap: bool = False
    pending: list[Migration] = field(default_factory=list)
    functions: list[SqlFile] = field(default_factory=list)
    policies: list[SqlFile] = field(default_factory=list)
    # Tables whose existing policies are dropped before the policy files run.
    policy_tables: list[str] = field(default_factory=list)
    removed_policy_files: list[str] = field(default_factory=list)
    # Function and policy files that are new or whose content differs from what was applied.
    changed_files: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.bootstrap or self.pending or self.functions or self.policies
            or self.removed_policy_files
        )

    def describe(self) -> list[str]:
        if self.empty:
            return ["nothing to do: the database is up to date"]
        lines = []
        if self.bootstrap:
            lines.append("bootstrap: local Supabase stand-in (auth, storage, realtime, roles)")
        lines += [f"migration: {m.rel}" for m in self.pending]
        lines += [f"functions: {f.rel}" for f in self.functions]
        lines += [f"policies: {f.rel}" for f in self.policies]
        lines += [f"policies removed: {p}" for p in self.removed_policy_files]
        if self.policy_tables:
            lines.append(f"policies reset on: {', '.join(self.policy_tables)}")
        return lines


def is_supabase_database(conn: psycopg.Connection) -> bool:
    return conn.execute("select to_regclass('auth.users') is not null").fetchone()[0]


def _history_exists(conn: psycopg.Connection) -> bool:
    return conn.execute(
        "select to_regclass('supabase_migrations.ugig_files') is not null"
    ).fetchone()[0]


def _applied(conn: psycopg.Connection) -> tuple[dict[str, tuple[str, str | None]], dict[str, tuple[str, str, list[str]]]]:
    """Applied versions (name, our checksum) and applied files (kind, checksum, tables)."""
    versions = {
        v: (name, sha)
        for v, name, sha in conn.execute(
            """select m.version, m.name, c.sha256
               from supabase_migrations.schema_migrations m
               left join supabase_migrations.ugig_checksums c using (version)"""
        )
    }
    files = {
        p: (kind, sha, tables)
        for p, kind, sha, tables in conn.execute(
            "select path, kind, sha256, policy_tables from supabase_migrations.ugig_files"
        )
    }
    return versions, files


def make_plan(conn: psycopg.Connection, layout: Layout = Layout()) -> Plan:
    """What `apply` would do. Raises MigrateError for an edited landed migration."""
    plan = Plan(bootstrap=not is_supabase_database(conn))
    migrations = sqlfiles.migrations(layout.migrations)
    functions = sqlfiles.functions(layout.functions)
    policies = sqlfiles.policies(layout.policies)
    versions: dict[str, tuple[str, str | None]] = {}
    files: dict[str, tuple[str, str, list[str]]] = {}
    if _history_exists(conn):
        versions, files = _applied(conn)

    for migration in migrations:
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

    migrated = bool(plan.pending) or plan.bootstrap
    plan.changed_files = [
        f.rel for f in functions + policies if files.get(f.rel, ("", "", []))[1] != f.sha256
    ]
    plan.functions = [
        f for f in functions if migrated or files.get(f.rel, ("", "", []))[1] != f.sha256
    ]
    current_policy_paths = {f.rel for f in policies}
    plan.removed_policy_files = sorted(
        p for p, (kind, _, _) in files.items() if kind == "policy" and p not in current_policy_paths
    )
    policies_changed = any(files.get(f.rel, ("", "", []))[1] != f.sha256 for f in policies)
    if migrated or plan.functions or policies_changed or plan.removed_policy_files:
        plan.policies = policies
        tables: list[str] = []
        for f in policies:
            tables += [t for t in f.policy_tables if t not in tables]
        for p in plan.removed_policy_files:
            tables += [t for t in files[p][2] if t not in tables]
        plan.policy_tables = tables
    return plan


def _run_file(conn: psycopg.Connection, f: SqlFile) -> None:
    for stmt in f.statements:
        try:
            with conn.transaction():  # a savepoint, so the error names this statement alone
                conn.execute(stmt.text.encode("utf-8"), prepare=False)
        except psycopg.Error as exc:
            line = stmt.line
            pos = getattr(exc.diag, "statement_position", None)
            if pos:
                line += stmt.text[: int(pos) - 1].count("\n")
            state = exc.sqlstate or "?"
            raise MigrateError(
                f"{f.rel}:{line}: {exc.diag.message_primary or exc} (SQLSTATE {state})"
            ) from exc


def _drop_policies(conn: psycopg.Connection, tables: Iterable[str]) -> None:
    for table in tables:
        schema, name = table.split(".", 1)
        rows = conn.execute(
            "select policyname from pg_catalog.pg_policies where schemaname = %s and tablename = %s",
            (schema, name),
        ).fetchall()
        for (policy,) in rows:
            conn.execute(
                sql.SQL("drop policy {} on {}.{}").format(
                    sql.Identifier(policy),
                    sql.Identifier(schema),
                    sql.Identifier(name),
                )
            )


def apply(conn: psycopg.Connection, plan: Plan, layout: Layout = Layout()) -> None:
    """Carry out a plan inside the caller's transaction."""
    if plan.bootstrap:
        for f in sqlfiles.bootstrap(layout.bootstrap):
            _run_file(conn, f)
    for ddl in HISTORY_DDL:
        conn.execute(ddl)
    for migration in plan.pending:
        _run_file(conn, migration)
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
    for f in plan.functions:
        _run_file(conn, f)
        _record_file(conn, f)
    if plan.policies or plan.removed_policy_files:
        _drop_policies(conn, plan.policy_tables)
        for f in plan.policies:
            _run_file(conn, f)
            _record_file(conn, f)
        conn.execute(
            "delete from supabase_migrations.ugig_files where path = any(%s)",
            (plan.removed_policy_files,),
        )


def _record_file(conn: psycopg.Connection, f: SqlFile) -> None:
    conn.execute(
        """insert into supabase_migrations.ugig_files (path, kind, sha256, policy_tables)
           values (%s, %s, %s, %s)
           on conflict (path) do update
           set sha256 = excluded.sha256, policy_tables = excluded.policy_tables, applied_at = now()""",
        (f.rel, f.kind, f.sha256, f.policy_tables),
    )


def migrate(
    db_url: str,
    *,
    dry_run: bool = False,
    layout: Layout = Layout(),
    out: Callable[[str], None] = print,
) -> Plan:
    """Plan and apply in one transaction under the advisory lock; roll back on any error."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            plan = make_plan(conn, layout)
            for line in plan.describe():
                out(line)
            if dry_run or plan.empty:
                return plan
            apply(conn, plan, layout)
    return plan
