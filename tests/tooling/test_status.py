"""`ugig-db status`: pending work, changed files, and drift from what supabase/ defines."""

from __future__ import annotations

from typing import Iterator

import psycopg
import pytest

from ugig_db import migrate, paths, status
from ugig_db.cli import main
from ugig_db.scratchdb import scratch_database
from tests.support.layout import ITEMS, ITEMS_POLICIES, ScratchLayout

COUNT_FN = """create or replace function private.item_count()
returns bigint language sql stable security definer set search_path = ''
-- security definer: counts every item, including those RLS hides from the caller.
as $$ select count(*) from public.items $$;
revoke execute on function private.item_count() from public, anon, authenticated;
grant execute on function private.item_count() to authenticated;
"""


@pytest.fixture
def files(tmp_path) -> ScratchLayout:
    scratch = ScratchLayout(tmp_path)
    # The real foundation (private schema, revoked default grants), then a table of the test's.
    foundation = next(paths.MIGRATIONS_DIR.glob("*_foundation.sql"))
    scratch.migration(foundation.name, foundation.read_text())
    scratch.migration("20261201000000_items.sql", ITEMS)
    scratch.functions("10_items.sql", COUNT_FN)
    scratch.policies("items.sql", ITEMS_POLICIES)
    return scratch


@pytest.fixture
def captured(files: ScratchLayout, db_server: str) -> ScratchLayout:
    """The files as `ugig-db migration new` leaves them: every change carried by a migration."""
    files.capture(db_server, "items_declared")
    return files


@pytest.fixture
def migrated(db_server: str, captured: ScratchLayout) -> Iterator[str]:
    with scratch_database(db_server, prefix="ugig_status") as url:
        migrate.migrate(url, layout=captured.layout, out=lambda _: None)
        yield url


def report(url: str, files: ScratchLayout, db_server: str) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = status.run(url, db_server, layout=files.layout, out=lines.append)
    return code, lines


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def test_up_to_date_database_without_drift_is_clean(migrated, files, db_server):
    assert report(migrated, files, db_server) == (status.CLEAN, [
        "migrations: up to date",
        "function and policy files: captured by the migrations",
        "drift: none",
    ])


def test_pending_migration_is_listed_without_drift(migrated, files, db_server):
    new = files.migration("20261231000000_tags.sql", "create table public.tags (id int primary key);\n")
    code, lines = report(migrated, files, db_server)
    assert code == status.PENDING
    assert lines == [
        f"pending migration: {new.as_posix()}",
        "function and policy files: captured by the migrations",
        "drift: none",
    ]


@pytest.mark.rule("TOOL-STATUS")
def test_file_changes_no_migration_carries_fail_until_captured(migrated, files, db_server):
    files.functions("10_items.sql", COUNT_FN.replace("count(*)", "count(*) + 0"))
    files.policies("items.sql", ITEMS_POLICIES.replace("grant insert on public.items to authenticated;\n", ""))
    code, lines = report(migrated, files, db_server)
    assert code == status.UNCAPTURED
    assert lines == [
        "migrations: up to date",
        "not in any migration: 2 change(s) of supabase/functions_sql and supabase/policies "
        "(run `ugig-db migration new <name>`):",
        "  function private.item_count(): changed in the files since the last migration that carries it",
        "  table grant insert on public.items to authenticated: removed from the files, still created by the migrations",
        "drift: none",
    ]
    files.capture(db_server, "count_and_grant")
    migrate.migrate(migrated, layout=files.layout, out=lambda _: None)
    assert report(migrated, files, db_server)[0] == status.CLEAN


@pytest.mark.rule("TOOL-STATUS")
def test_applied_migration_whose_file_is_gone_fails(migrated, files, db_server):
    execute(migrated, "insert into supabase_migrations.schema_migrations (version, name) values ('20261130000000', 'lost')")
    code, lines = report(migrated, files, db_server)
    assert code == status.ORPHANED
    assert "applied migration without a file: 20261130000000 (its file was removed or renamed)" in lines


def test_status_changes_nothing(migrated, files, db_server):
    files.migration("20261231000000_tags.sql", "create table public.tags (id int primary key);\n")
    report(migrated, files, db_server)
    with psycopg.connect(migrated) as conn:
        assert conn.execute("select to_regclass('public.tags')").fetchone() == (None,)
        assert conn.execute("select count(*) from supabase_migrations.schema_migrations").fetchone() == (3,)


@pytest.mark.rule("TOOL-STATUS")
def test_objects_no_file_defines_are_reported_as_drift(migrated, files, db_server):
    execute(
        migrated,
        "create table private.scratch (id int)",
        "create function public.hello() returns text language sql as $$ select 'hi' $$",
        "create policy items_delete_any on public.items for delete to authenticated using (true)",
        "grant delete on public.items to authenticated",
        "grant update (title) on public.items to anon",
        "alter table public.items add column note text",
    )
    code, lines = report(migrated, files, db_server)
    assert code == status.DRIFT
    assert lines[-7:] == [
        "drift: 6 difference(s) between the database and the migrations:",
        "  column public.items.note: in the database, defined by no migration",
        "  column grant update (title) on public.items to anon: in the database, defined by no migration",
        "  function public.hello(): in the database, defined by no migration",
        "  policy items_delete_any on public.items: in the database, defined by no migration",
        "  table private.scratch: in the database, defined by no migration",
        "  table grant delete on public.items to authenticated: in the database, defined by no migration",
    ]


def test_hand_edited_and_dropped_objects_are_reported_as_drift(migrated, files, db_server):
    execute(
        migrated,
        "create or replace function private.item_count() returns bigint language sql stable "
        "security definer set search_path = '' as $$ select 42::bigint $$",
        "alter policy items_select_all on public.items using (id > 0)",
        "revoke insert on public.items from authenticated",
        "alter table public.items disable row level security",
    )
    code, lines = report(migrated, files, db_server)
    assert code == status.DRIFT
    assert lines[-5:] == [
        "drift: 4 difference(s) between the database and the migrations:",
        "  function private.item_count(): differs from what the migrations define",
        "  policy items_select_all on public.items: differs from what the migrations define",
        "  table public.items: differs from what the migrations define",
        "  table grant insert on public.items to authenticated: defined by the migrations, missing from the database",
    ]


@pytest.mark.rule("TOOL-STATUS")
def test_cli_status_of_the_repository_schema_is_clean(db, capsys):
    assert main(["status", "--db-url", db.url]) == status.CLEAN, capsys.readouterr().out
    assert capsys.readouterr().out.splitlines()[-1] == "drift: none"


def test_cli_status_exits_1_on_an_edited_migration(db, capsys):
    db.execute("update supabase_migrations.ugig_checksums set sha256 = 'stale'")
    assert main(["status", "--db-url", db.url]) == 1
    assert "was edited after it was applied" in capsys.readouterr().err


def test_hand_made_indexes_and_constraints_are_reported_as_drift(migrated, files, db_server):
    execute(
        migrated,
        "create index items_title_idx on public.items (title)",
        "alter table public.items add constraint items_title_short check (char_length(title) < 100)",
    )
    code, lines = report(migrated, files, db_server)
    assert code == status.DRIFT
    assert "  index items_title_idx on public.items: in the database, defined by no migration" in lines
    assert "  constraint items_title_short on public.items: in the database, defined by no migration" in lines
