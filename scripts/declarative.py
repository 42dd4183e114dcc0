"""The declarative source: what `supabase/functions_sql/` and `supabase/policies/` define.

Those files are what people edit; migrations are what gets deployed. To know what the files
define, they are applied over a database built from the migrations, and whatever they did not
(re)create themselves is dropped: functions and triggers of ours, and the policies on every table
the project writes policies for. The result is the database the files describe, which
`migration new` captures and `status` holds the migrations against.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from ugig_db import paths, sqlfiles
from ugig_db.sqlfiles import SqlFile

SCHEMAS = ["public", "private"]
# Supabase's own tables that carry our policies (bucket and topic rules); the rest of their
# schemas is Supabase's.
FOREIGN_POLICY_TABLES = ["storage.objects", "realtime.messages"]
# The roles whose table privileges the policy files declare in full.
CLIENT_ROLES = ["public", "anon", "authenticated"]


class DeclarativeError(RuntimeError):
    """A file failed to apply; the message names file, line and the Postgres error."""


@dataclass(frozen=True)
class Layout:
    """Where the SQL files are; tests point it at a scratch copy."""

    bootstrap: Path = paths.BOOTSTRAP_DIR
    migrations: Path = paths.MIGRATIONS_DIR
    functions: Path = paths.FUNCTIONS_DIR
    policies: Path = paths.POLICIES_DIR


def run_file(conn: psycopg.Connection, f: SqlFile, error: type[Exception] = DeclarativeError) -> None:
    """Each statement in a savepoint, so an error names its file, line and SQLSTATE."""
    for stmt in f.statements:
        try:
            with conn.transaction():
                conn.execute(stmt.text.encode("utf-8"), prepare=False)
        except psycopg.Error as exc:
            line = stmt.line
            pos = getattr(exc.diag, "statement_position", None)
            if pos:
                line += stmt.text[: int(pos) - 1].count("\n")
            state = exc.sqlstate or "?"
            raise error(f"{f.rel}:{line}: {exc.diag.message_primary or exc} (SQLSTATE {state})") from exc


# Row versions of the objects the files own: a `create or replace`, `create trigger` or
# `create policy` run by the files writes a new row version, so whatever keeps its old version
# afterwards was defined by no file. Each row carries the statement that drops the object.
_OWNED = """
    select 'function', p.oid, p.xmin::text, format('drop function %%s', p.oid::regprocedure)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = any(%(schemas)s) and p.prokind in ('f', 'p', 'w')
      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                      and d.objid = p.oid and d.deptype = 'e')
    union all
    select 'trigger', t.oid, t.xmin::text, format('drop trigger %%I on %%s', t.tgname, t.tgrelid::regclass)
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
    where not t.tgisinternal and (n.nspname = any(%(schemas)s) or pn.nspname = any(%(schemas)s))
    union all
    select 'policy', pol.oid, pol.xmin::text, format('drop policy %%I on %%s', pol.polname, pol.polrelid::regclass)
    from pg_policy pol
    join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s)
       or format('%%s.%%s', n.nspname, c.relname) = any(%(foreign)s)
"""


_CLIENT_GRANTS = """
    select distinct format('%%I.%%I', n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm')
      and (exists (select from aclexplode(c.relacl) a
                   where coalesce(nullif(a.grantee, 0)::regrole::text, 'public') = any(%(roles)s))
           or exists (select from pg_attribute at cross join lateral aclexplode(at.attacl) g
                      where at.attrelid = c.oid
                        and coalesce(nullif(g.grantee, 0)::regrole::text, 'public') = any(%(roles)s)))
"""


def _owned(conn: psycopg.Connection) -> dict[tuple[str, int], tuple[str, str]]:
    """{(kind, oid): (row version, drop statement)} of every function, trigger and policy of ours."""
    rows = conn.execute(_OWNED, {"schemas": SCHEMAS, "foreign": FOREIGN_POLICY_TABLES})
    return {(kind, oid): (xmin, drop) for kind, oid, xmin, drop in rows}


def apply(conn: psycopg.Connection, layout: Layout = Layout()) -> list[str]:
    """Apply the function and policy files over a migrated database, inside the caller's
    transaction, and drop what they do not define. Returns the drop statements it ran."""
    before = _owned(conn)
    for f in sqlfiles.functions(layout.functions):
        run_file(conn, f)
    # Policy files declare whole tables: the policies there now go, and the client roles'
    # grants on our tables, then the files create what they say.
    for (kind, _), (_, drop) in before.items():
        if kind == "policy":
            conn.execute(drop.replace("drop policy ", "drop policy if exists ", 1))
    for (table,) in conn.execute(_CLIENT_GRANTS, {"schemas": SCHEMAS, "roles": CLIENT_ROLES}).fetchall():
        conn.execute(f"revoke all on table {table} from {', '.join(CLIENT_ROLES)}")
    for f in sqlfiles.policies(layout.policies):
        run_file(conn, f)
    dropped = []
    # Triggers before functions: a trigger depends on its function.
    for kind in ("trigger", "function"):
        for (k, oid), (xmin, drop) in _owned(conn).items():
            if k == kind and before.get((k, oid), (None,))[0] == xmin:
                conn.execute(drop)
                dropped.append(drop)
    return dropped
