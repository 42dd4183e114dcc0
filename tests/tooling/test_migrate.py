"""`ugig-db migrate` itself, on scratch databases and scratch copies of the SQL layout."""

from __future__ import annotations

import threading
import time
from typing import Iterator

import psycopg
import pytest

from ugig_db import migrate, sqlfiles
from ugig_db.cli import main
from ugig_db.scratchdb import scratch_database
from tests.support.layout import ITEMS, ITEMS_POLICIES, ScratchLayout

@pytest.fixture
def empty_db(db_server: str) -> Iterator[str]:
    with scratch_database(db_server, prefix="ugig_migrate") as url:
        yield url


ITEM_COUNT = """create or replace function public.item_count()
returns bigint language sql stable security invoker set search_path = ''
as $$ select count(*) from public.items $$;
"""


@pytest.fixture
def files(tmp_path) -> ScratchLayout:
    scratch = ScratchLayout(tmp_path)
    scratch.migration("20260101000000_items.sql", ITEMS + ITEM_COUNT + ITEMS_POLICIES)
    return scratch


def run(url: str, files: ScratchLayout, **kwargs) -> tuple[migrate.Plan, list[str]]:
    lines: list[str] = []
    plan = migrate.migrate(url, layout=files.layout, out=lines.append, **kwargs)
    return plan, lines


def query(url: str, q: str, params=None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(q, params).fetchall()


def policies(url: str) -> list[str]:
    return [r[0] for r in query(url, "select policyname from pg_policies where schemaname = 'public' order by 1")]


@pytest.mark.rule("TOOL-HISTORY", "TOOL-BOOTSTRAP")
def test_migrate_builds_an_empty_database_and_records_history(empty_db, files):
    plan, lines = run(empty_db, files)
    assert plan.bootstrap and [m.version for m in plan.pending] == ["20260101000000"]
    assert query(empty_db, "select to_regclass('public.items') is not null") == [(True,)]
    assert query(empty_db, "select public.item_count()") == [(0,)]
    assert policies(empty_db) == ["items_insert_own", "items_select_all"]
    assert query(empty_db, "select version, name from supabase_migrations.schema_migrations") == [
        ("20260101000000", "items")
    ]
    statements = query(empty_db, "select statements from supabase_migrations.schema_migrations")[0][0]
    assert len(statements) == 8 and statements[0].startswith("create table public.items")
    assert any("20260101000000_items.sql" in line for line in lines)
    assert lines[-1] == "applied 1 migration"


@pytest.mark.rule("TOOL-ONE-HISTORY")
def test_function_and_policy_files_are_not_applied_by_migrate(empty_db, files):
    """Only migrations deploy (as `supabase db push`): a file change waits for `migration new`."""
    files.functions("10_items.sql", ITEM_COUNT.replace("count(*)", "count(*) + 100"))
    files.policies("items.sql", "")
    run(empty_db, files)
    assert query(empty_db, "select public.item_count()") == [(0,)]
    assert policies(empty_db) == ["items_insert_own", "items_select_all"]


def test_second_run_is_a_no_op(empty_db, files):
    run(empty_db, files)
    history = "select version, applied_at from supabase_migrations.ugig_checksums order by 1"
    before = query(empty_db, history)
    plan, lines = run(empty_db, files)
    assert plan.empty
    assert lines == ["nothing to do: the database is up to date"]
    assert query(empty_db, history) == before


@pytest.mark.rule("TOOL-CHECKSUM")
def test_edited_landed_migration_is_refused_naming_the_file(empty_db, files):
    run(empty_db, files)
    path = files.migration("20260101000000_items.sql", ITEMS + "alter table public.items add column x int;\n")
    with pytest.raises(migrate.MigrateError, match=f"{path.as_posix()} was edited after it was applied"):
        run(empty_db, files)


@pytest.mark.rule("TOOL-CHECKSUM")
def test_cli_exits_1_naming_the_edited_file(empty_db, capsys):
    assert main(["migrate", "--db-url", empty_db]) == 0
    with psycopg.connect(empty_db, autocommit=True) as conn:  # as if the file changed since
        conn.execute("update supabase_migrations.ugig_checksums set sha256 = 'stale'")
    capsys.readouterr()
    assert main(["migrate", "--db-url", empty_db]) == 1
    err = capsys.readouterr().err
    assert "ugig-db migrate: supabase/migrations/" in err and "was edited after it was applied" in err


@pytest.mark.rule("TOOL-MIGRATE-ATOMIC")
def test_concurrent_runs_serialise_and_apply_each_migration_once(empty_db, files):
    # A slow first migration keeps the lock held while the second run arrives.
    files.migration("20251231000000_slow.sql", "select pg_sleep(0.5);\n")
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    plans: list[migrate.Plan] = []

    def worker() -> None:
        start.wait()
        try:
            plans.append(run(empty_db, files)[0])
        except BaseException as exc:  # reported below, with the other thread's outcome
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(len(p.pending) for p in plans) == [0, 2], "one run applies both, the other finds nothing"
    assert query(empty_db, "select version, count(*) from supabase_migrations.schema_migrations group by 1 order by 1") == [
        ("20251231000000", 1), ("20260101000000", 1)
    ]


@pytest.mark.rule("TOOL-MIGRATE-ATOMIC")
def test_failing_file_rolls_everything_back_and_names_file_line_and_error(empty_db, files):
    bad = files.migration("20260102000000_broken.sql", """-- a comment line
create table public.fine (id int);

alter table public.missing
    add column x int;
""")
    with pytest.raises(migrate.MigrateError) as failure:
        run(empty_db, files)
    assert str(failure.value) == (
        f'{bad.as_posix()}:4: relation "public.missing" does not exist (SQLSTATE 42P01)'
    )
    # Nothing survived: not the bootstrap, not the first migration, not the history.
    assert query(empty_db, """select to_regclass('public.items'), to_regclass('public.fine'),
                                     to_regnamespace('auth'), to_regnamespace('supabase_migrations')""") == [
        (None, None, None, None)
    ]


def test_error_in_a_later_statement_line_points_into_the_statement(empty_db, files):
    bad = files.migration("20260102000000_bad.sql", """create or replace function public.f()
returns int language sql
as $$ select 1 $$;

select 1,
    2,
    no_such_column;
""")
    with pytest.raises(migrate.MigrateError, match=f"^{bad.as_posix()}:7: column \"no_such_column\" does not exist"):
        run(empty_db, files)


def test_dry_run_applies_the_plan_then_rolls_it_back(empty_db, files):
    plan, lines = run(empty_db, files, dry_run=True)
    assert lines[0].startswith("bootstrap:")
    assert any(line.endswith("20260101000000_items.sql") for line in lines)
    assert lines[-1] == "dry run: nothing applied"
    assert query(empty_db, "select to_regnamespace('auth'), to_regnamespace('supabase_migrations')") == [(None, None)]


def test_dry_run_fails_on_a_broken_migration(empty_db, files):
    run(empty_db, files)
    bad = files.migration("20260102000000_broken.sql", "alter table public.items add column title text;\n")
    lines: list[str] = []
    with pytest.raises(migrate.MigrateError, match=f"^{bad.as_posix()}:1: column \"title\" of relation \"items\" already exists"):
        migrate.migrate(empty_db, layout=files.layout, out=lines.append, dry_run=True)
    assert "dry run: nothing applied" not in lines


def test_cli_dry_run_prints_the_plan(empty_db, capsys):
    assert main(["migrate", "--db-url", empty_db, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "bootstrap:" in out and "migration: supabase/migrations/20261124000000_foundation.sql" in out
    assert out.splitlines()[-1] == "dry run: nothing applied"
    assert query(empty_db, "select to_regnamespace('supabase_migrations')") == [(None,)]


@pytest.mark.rule("TOOL-MIGRATE-ATOMIC")
def test_lock_timeout_fails_fast_naming_the_blocking_lock_and_applies_nothing(empty_db, files):
    run(empty_db, files)
    files.migration("20260102000000_note.sql", "create table public.notes (id int);\n"
                                                "alter table public.items add column note text;\n")
    with psycopg.connect(empty_db) as holder:  # a long transaction reading items, left open
        holder.execute("select count(*) from public.items")
        holder_pid = holder.info.backend_pid
        started = time.monotonic()
        with pytest.raises(migrate.MigrateError) as failure:
            run(empty_db, files, lock_timeout="300ms")
        assert time.monotonic() - started < 5
    message = str(failure.value)
    assert message.startswith(f"{files.layout.migrations.as_posix()}/20260102000000_note.sql:2: canceling statement due to lock timeout")
    assert f"waiting for AccessExclusiveLock on public.items, held by pid {holder_pid}" in message
    assert "select count(*) from public.items" in message and message.endswith("nothing applied")
    assert query(empty_db, "select to_regclass('public.notes')") == [(None,)]
    assert query(empty_db, "select count(*) from supabase_migrations.schema_migrations") == [(1,)]


def test_cli_lock_timeout_names_the_other_migration_holding_the_advisory_lock(empty_db, files, capsys):
    with psycopg.connect(empty_db) as other:
        other.execute("select pg_advisory_xact_lock(%s)", (migrate.LOCK_KEY,))
        assert main(["migrate", "--db-url", empty_db, "--lock-timeout", "200ms"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ugig-db migrate: lock_timeout (200ms) expired before the migration lock was free")
    assert "waiting for ExclusiveLock on advisory" in err
    assert query(empty_db, "select to_regnamespace('auth')") == [(None,)]


def test_migration_older_than_the_newest_applied_is_refused(empty_db, files):
    run(empty_db, files)
    late = files.migration("20250101000000_late.sql", "select 1;\n")
    with pytest.raises(migrate.MigrateError, match=f"{late.as_posix()} is older than the newest applied"):
        run(empty_db, files)


@pytest.mark.parametrize("filename", ["20260102000000_notes.SQL", "20260102000000_notes.txt", "notes.sql"])
def test_a_misnamed_migration_file_is_an_error_naming_its_path(empty_db, files, filename):
    bad = files.migration(filename, "create table public.notes (id int);\n")
    with pytest.raises(sqlfiles.SqlFileError, match=f"^{bad.as_posix()}: migration files are named"):
        run(empty_db, files)
    assert query(empty_db, "select to_regnamespace('auth')") == [(None,)]


def test_a_duplicate_version_names_both_files(empty_db, files):
    first = files.migration("20260102000000_a.sql", "select 1;\n")
    second = files.migration("20260102000000_b.sql", "select 2;\n")
    with pytest.raises(sqlfiles.SqlFileError, match=f"^two migrations share the version 20260102000000: "
                                                    f"{first.as_posix()} and {second.as_posix()}$"):
        run(empty_db, files)
