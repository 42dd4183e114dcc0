"""`ugig-db migration new`: a migration carrying what the declarative files changed.

Two shadow databases are built on a scratch server: one from the migrations alone, one from the
migrations plus the function and policy files (scripts/declarative.py). What differs between
their catalogs is what no migration carries yet; it is written out as DDL read from the second
shadow's catalog, then checked: applied to the first shadow, it must give the second's catalog
exactly, or nothing is written.

Every statement is safe to run on a database that already has the object (a database deployed
by the previous release's `ugig-db migrate`, which applied the files itself): functions are
`create or replace`, triggers and policies are dropped if they exist before they are created,
grants are revoked before they are given.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import psycopg

from ugig_db import catalog, declarative, migrate, sqlfiles
from ugig_db.declarative import FOREIGN_POLICY_TABLES, SCHEMAS, Layout
from ugig_db.scratchdb import scratch_database


class CaptureError(RuntimeError):
    """The files could not be captured; nothing was written."""


@dataclass
class Function:
    ident: str  # schema-qualified signature, as regprocedure prints it
    definition: str
    header: str  # arguments with names and defaults, result and kind: what `or replace` cannot change
    acl: frozenset[tuple[str, str]]  # (grantee, privilege)
    comment: str | None


@dataclass
class State:
    """What a database defines of the objects the declarative files own."""

    functions: dict[str, Function] = field(default_factory=dict)  # in creation order
    triggers: dict[str, str] = field(default_factory=dict)  # "name on table" -> definition
    policies: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> name -> create
    table_acls: dict[str, frozenset[tuple[str, str, str]]] = field(default_factory=dict)
    row_security: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    # Functions each policy or trigger depends on: recreating a function recreates them.
    depends: dict[str, set[str]] = field(default_factory=dict)


_FUNCTIONS = """
    select p.oid::regprocedure::text, pg_get_functiondef(p.oid),
           concat_ws(' ', p.prokind, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid)),
           coalesce((select array_agg(array[coalesce(nullif(a.grantee, 0)::regrole::text, 'public'),
                                            lower(a.privilege_type)])
                     from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                     where a.grantee <> p.proowner), '{}'),
           obj_description(p.oid, 'pg_proc')
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = any(%(schemas)s) and p.prokind in ('f', 'p', 'w')
      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass
                      and d.objid = p.oid and d.deptype = 'e')
    order by p.oid
"""

_TRIGGERS = """
    select format('%%I on %%s', t.tgname, t.tgrelid::regclass), pg_get_triggerdef(t.oid),
           t.tgfoid::regprocedure::text
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid join pg_namespace pn on pn.oid = p.pronamespace
    where not t.tgisinternal and (n.nspname = any(%(schemas)s) or pn.nspname = any(%(schemas)s))
    order by t.oid
"""

_POLICIES = """
    select pol.polrelid::regclass::text, pol.polname,
           format('create policy %%I on %%s as %%s for %%s to %%s%%s%%s', pol.polname, pol.polrelid::regclass,
                  case when pol.polpermissive then 'permissive' else 'restrictive' end,
                  case pol.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                  when 'd' then 'delete' else 'all' end,
                  (select string_agg(case r when 0 then 'public' else quote_ident(r::regrole::text) end, ', ')
                   from unnest(pol.polroles) r),
                  ' using (' || pg_get_expr(pol.polqual, pol.polrelid) || ')',
                  ' with check (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')'),
           coalesce((select array_agg(d.refobjid::regprocedure::text) from pg_depend d
                     where d.classid = 'pg_policy'::regclass and d.objid = pol.oid
                       and d.refclassid = 'pg_proc'::regclass), '{}')
    from pg_policy pol
    join pg_class c on c.oid = pol.polrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s) or format('%%s.%%s', n.nspname, c.relname) = any(%(foreign)s)
    order by pol.oid
"""

_TABLES = """
    select c.oid::regclass::text, c.relrowsecurity, c.relforcerowsecurity,
           coalesce((select array_agg(array[coalesce(nullif(a.grantee, 0)::regrole::text, 'public'),
                                            lower(a.privilege_type), ''])
                     from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                     where a.grantee <> c.relowner), '{}')
           || coalesce((select array_agg(array[coalesce(nullif(g.grantee, 0)::regrole::text, 'public'),
                                               lower(g.privilege_type), quote_ident(at.attname)])
                        from pg_attribute at cross join lateral aclexplode(at.attacl) g
                        where at.attrelid = c.oid and at.attacl is not null and not at.attisdropped
                          and g.grantee <> c.relowner), '{}')
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm')
      and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass
                      and d.objid = c.oid and d.deptype = 'e')
"""


def read_state(conn: psycopg.Connection) -> State:
    """The state, with every name printed schema-qualified (an empty search_path)."""
    params = {"schemas": SCHEMAS, "foreign": FOREIGN_POLICY_TABLES}
    state = State()
    with conn.transaction():
        conn.execute("set local search_path = ''")
        for ident, definition, header, acl, comment in conn.execute(_FUNCTIONS, params):
            state.functions[ident] = Function(
                ident, lower_keywords(definition.rstrip()) + ";", header, frozenset(map(tuple, acl)), comment
            )
        for key, definition, function in conn.execute(_TRIGGERS, params):
            state.triggers[key] = lower_keywords(definition) + ";"
            state.depends[f"trigger {key}"] = {function}
        for table, name, create, functions in conn.execute(_POLICIES, params):
            state.policies.setdefault(table, {})[name] = lower_keywords(create) + ";"
            state.depends[f"policy {name} on {table}"] = set(functions)
        for table, rls, forced, acl in conn.execute(_TABLES, params):
            state.row_security[table] = (rls, forced)
            state.table_acls[table] = frozenset(map(tuple, acl))
    return state


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(\$[A-Za-z_]*\$)(?:.|\n)*?\1")
_KEYWORD = re.compile(r"\b[A-Z][A-Z_]*\b")
_ARRAY_COMPARISON = re.compile(r"\b(any|all) \(")  # `= ANY (...)`: written `= any(...)` here


def _lower(text: str) -> str:
    return _ARRAY_COMPARISON.sub(r"\1(", _KEYWORD.sub(lambda m: m.group(0).lower(), text))


def lower_keywords(statement: str) -> str:
    """Postgres prints DDL keywords in upper case; the project writes them in lower case.
    Unquoted identifiers are already lower case, and quoted text (literals, quoted names,
    function bodies) is left exactly as it is."""
    out, pos = [], 0
    for match in _QUOTED.finditer(statement):
        out.append(_lower(statement[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_lower(statement[pos:]))
    return "".join(out)


def _literal(text: str | None) -> str:
    return "null" if text is None else "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _grantees(*acls: frozenset[tuple[str, ...]]) -> list[str]:
    return sorted({entry[0] for acl in acls for entry in acl})


def _function_grants(old: Function | None, new: Function) -> list[str]:
    roles = sorted(set(_grantees(new.acl, old.acl if old else frozenset())) | {"public", "anon", "authenticated"})
    out = [f"revoke all on function {new.ident} from {', '.join(roles)};"]
    for grantee, privilege in sorted(new.acl):
        out.append(f"grant {privilege} on function {new.ident} to {grantee};")
    return out


def _table_grants(table: str, old: frozenset, new: frozenset) -> list[str]:
    roles = _grantees(old, new)
    out = [f"revoke all on table {table} from {', '.join(roles)};"] if roles else []
    by_role: dict[tuple[str, str], list[str]] = {}
    for grantee, privilege, column in sorted(new):
        by_role.setdefault((grantee, column), []).append(privilege)
    for (grantee, column), privileges in sorted(by_role.items()):
        if column:
            continue
        out.append(f"grant {', '.join(privileges)} on table {table} to {grantee};")
    columns: dict[tuple[str, str], list[str]] = {}
    for grantee, privilege, column in sorted(new):
        if column:
            columns.setdefault((grantee, privilege), []).append(column)
    for (grantee, privilege), cols in sorted(columns.items()):
        out.append(f"grant {privilege} ({', '.join(cols)}) on table {table} to {grantee};")
    return out


def generate(old: State, new: State) -> list[str]:
    """Statements that take a database from `old` to `new` (empty when they agree)."""
    recreate = {
        ident for ident, fn in old.functions.items()
        if ident not in new.functions or new.functions[ident].header != fn.header
    }
    # New (and recreated) functions first, so a replaced `language sql` function may call
    # them (its body is checked when created); each group in the files' order.
    created = [fn for ident, fn in new.functions.items() if ident in recreate or ident not in old.functions]
    replaced = [
        fn for ident, fn in new.functions.items()
        if ident not in recreate and ident in old.functions and old.functions[ident].definition != fn.definition
    ]
    changed_functions = created + replaced
    # Dependents of a recreated function must be dropped before it and created again after.
    forced = {key for key, functions in old.depends.items() if functions & recreate}
    triggers_out = [k for k, d in old.triggers.items() if new.triggers.get(k) != d or f"trigger {k}" in forced]
    triggers_in = [k for k, d in new.triggers.items() if old.triggers.get(k) != d or f"trigger {k}" in forced]
    policy_tables = [
        t for t in sorted(old.policies.keys() | new.policies.keys())
        if old.policies.get(t, {}) != new.policies.get(t, {})
        or any(f"policy {name} on {t}" in forced for name in old.policies.get(t, {}))
    ]

    out: list[str] = []
    for table in policy_tables:
        for name in old.policies.get(table, {}):
            out.append(f"drop policy if exists {_quote(name)} on {table};")
    for key in triggers_out:
        name, table = key.split(" on ", 1)
        out.append(f"drop trigger if exists {name} on {table};")
    for ident in sorted(recreate):
        out.append(f"drop function if exists {ident};")
    for fn in changed_functions:
        out.append(fn.definition)
    for ident, fn in new.functions.items():
        before = old.functions.get(ident)
        if before is None or ident in recreate or before.acl != fn.acl:
            out += _function_grants(before, fn)
        if (before.comment if before and ident not in recreate else None) != fn.comment:
            out.append(f"comment on function {ident} is {_literal(fn.comment)};")
    for key in triggers_in:
        name, table = key.split(" on ", 1)
        out.append(f"drop trigger if exists {name} on {table};")
        out.append(new.triggers[key])
    for table in sorted(new.table_acls):
        if old.table_acls.get(table, frozenset()) != new.table_acls[table]:
            out += _table_grants(table, old.table_acls.get(table, frozenset()), new.table_acls[table])
        rls, forced_rls = new.row_security[table]
        if old.row_security.get(table, (False, False))[0] != rls:
            out.append(f"alter table {table} {'enable' if rls else 'disable'} row level security;")
        if old.row_security.get(table, (False, False))[1] != forced_rls:
            out.append(f"alter table {table} {'' if forced_rls else 'no '}force row level security;")
    for table in policy_tables:
        for name, create in new.policies.get(table, {}).items():
            out.append(f"drop policy if exists {_quote(name)} on {table};")
            out.append(create)
    return out


@contextmanager
def shadows(server_url: str, layout: Layout) -> Iterator[tuple[str, str]]:
    """(migrations only, migrations + files): two scratch databases, dropped afterwards."""
    with scratch_database(server_url, prefix="ugig_shadow") as migrated, \
            scratch_database(server_url, prefix="ugig_shadow") as declared:
        migrate.migrate(migrated, layout=layout, out=lambda _line: None)
        migrate.migrate(declared, layout=layout, out=lambda _line: None)
        with psycopg.connect(declared, autocommit=True) as conn, conn.transaction():
            declarative.apply(conn, layout)
        yield migrated, declared


# rule: TOOL-MIGRATION-NEW
def pending_changes(server_url: str, layout: Layout = Layout()) -> list[str]:
    """The statements a new migration must carry; checked against the files' own database."""
    with shadows(server_url, layout) as (migrated, declared):
        with psycopg.connect(migrated, autocommit=True) as m, psycopg.connect(declared, autocommit=True) as d:
            statements = generate(read_state(m), read_state(d))
            if not statements:
                return []
            with m.transaction(force_rollback=True):
                for statement in statements:
                    m.execute(statement.encode("utf-8"), prepare=False)
                left = catalog.diff(catalog.snapshot(m), catalog.snapshot(d))
            if left:
                raise CaptureError(
                    "the files change what a generated migration cannot carry; write that part in a "
                    "migration by hand (`ugig-db migration new --empty <name>`), then capture the rest:\n  "
                    + "\n  ".join(str(x) for x in left)
                )
            return statements


HEADER = """\
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.
"""


def next_version(directory: Path, now: dt.datetime | None = None) -> str:
    """Now (UTC) as YYYYMMDDHHMMSS, or one second after the newest migration if that is later."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%d%H%M%S")
    newest = max((m.version for m in sqlfiles.migrations(directory)), default="0")
    if stamp > newest:
        return stamp
    later = dt.datetime.strptime(newest, "%Y%m%d%H%M%S") + dt.timedelta(seconds=1)
    return later.strftime("%Y%m%d%H%M%S")


# rule: TOOL-MIGRATION-NEW
def write_migration(layout: Layout, name: str, statements: list[str], why: str | None = None) -> Path:
    """A new migration file with these statements (and what they are for, opening the file);
    none: an empty one for hand-written DDL."""
    if not sqlfiles.MIGRATION_NAME.match(f"00000000000000_{name}.sql"):
        raise CaptureError(f"{name!r}: a migration name is lower-case letters, digits and underscores")
    path = layout.migrations / f"{next_version(layout.migrations)}_{name}.sql"
    purpose = "".join(f"-- {line}\n" if line else "--\n" for line in (why or "").splitlines())
    if statements:
        text = (purpose + "--\n" if purpose else "") + HEADER + "\n" + "\n\n".join(statements) + "\n"
    else:
        text = purpose or "-- What this migration changes, and why.\n"
    path.write_text(text, encoding="utf-8")
    return path
