"""`ugig-db migration new`: migrations carry every change of the function and policy files."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from ugig_db import capture, catalog, migrate, paths, status
from ugig_db.cli import main
from ugig_db.scratchdb import scratch_database
from tests.support import database
from tests.support.layout import ScratchLayout

ITEMS = """create table public.items (
    id bigint generated always as identity primary key,
    owner_id uuid not null references auth.users (id) on delete cascade,
    title text not null
);
create index items_owner_id_idx on public.items (owner_id);
"""
COUNT = """create or replace function private.item_count(p_owner uuid)
returns bigint language sql stable security definer set search_path = ''
-- security definer: counts the owner's items, including those RLS hides from the caller.
as $$ select count(*) from public.items where owner_id = p_owner $$;
revoke execute on function private.item_count(uuid) from public, anon, authenticated;
grant execute on function private.item_count(uuid) to authenticated;
comment on function private.item_count(uuid) is 'How many items the owner has.';
"""
GUARD = """create or replace function private.items_guard()
returns trigger language plpgsql set search_path = ''
as $$ begin new.title := btrim(new.title); return new; end $$;
revoke execute on function private.items_guard() from public, anon, authenticated;
drop trigger if exists guard on public.items;
create trigger guard before insert or update on public.items for each row execute function private.items_guard();
"""
POLICIES = """-- Everyone reads items; owners add theirs, at most 3.
alter table public.items enable row level security;
revoke all on table public.items from anon, authenticated;
grant select on table public.items to anon, authenticated;
grant insert (owner_id, title) on table public.items to authenticated;
create policy "items are public" on public.items for select to anon, authenticated using (true);
create policy "owners add items" on public.items for insert to authenticated
    with check (owner_id = (select auth.uid()) and private.item_count((select auth.uid())) < 3);
"""


@pytest.fixture
def files(tmp_path: Path) -> ScratchLayout:
    scratch = ScratchLayout(tmp_path)
    foundation = next(paths.MIGRATIONS_DIR.glob("*_foundation.sql"))
    scratch.migration(foundation.name, foundation.read_text())
    scratch.migration("20261201000000_items.sql", ITEMS)
    scratch.functions("10_items.sql", COUNT + GUARD)
    scratch.policies("items.sql", POLICIES)
    return scratch


@pytest.fixture
def target(db_server: str) -> Iterator[str]:
    with scratch_database(db_server, prefix="ugig_capture") as url:
        yield url


def snapshot(url: str) -> catalog.Snapshot:
    with psycopg.connect(url) as conn:
        return catalog.snapshot(conn)


def pushed_and_migrated_agree(db_server: str, files: ScratchLayout) -> catalog.Snapshot:
    """Build the layout both ways; their catalogs must be identical. Returns one."""
    with scratch_database(db_server, prefix="ugig_pushed") as pushed, \
            scratch_database(db_server, prefix="ugig_migrated") as migrated:
        database.supabase_push(pushed, workdir=files.root)
        migrate.migrate(migrated, layout=files.layout, out=lambda _: None)
        assert catalog.diff(snapshot(pushed), snapshot(migrated)) == []
        return snapshot(migrated)


def status_code(url: str, files: ScratchLayout, db_server: str) -> int:
    return status.run(url, db_server, layout=files.layout, out=lambda _: None)


@pytest.mark.rule("TOOL-MIGRATION-NEW")
def test_first_capture_carries_everything_the_files_define(files, db_server, target):
    path = files.capture(db_server, "baseline")
    assert path is not None and path.name.endswith("_baseline.sql")
    built = pushed_and_migrated_agree(db_server, files)
    assert ("function", "private.item_count(p_owner uuid)") in built
    assert ("policy", '"owners add items" on public.items') in built
    assert ("comment", "on function private.item_count(p_owner uuid)") in built
    assert ("column grant", "insert (title) on public.items to authenticated") in built
    migrate.migrate(target, layout=files.layout, out=lambda _: None)
    assert status_code(target, files, db_server) == status.CLEAN


def test_nothing_to_capture_writes_no_file(files, db_server):
    files.capture(db_server, "baseline")
    before = sorted(files.layout.migrations.iterdir())
    assert files.capture(db_server, "again") is None
    assert sorted(files.layout.migrations.iterdir()) == before


@pytest.mark.rule("TOOL-MIGRATION-NEW")
def test_changed_function_policy_and_grant_round_trip(files, db_server, target):
    files.capture(db_server, "baseline")
    migrate.migrate(target, layout=files.layout, out=lambda _: None)
    files.functions("10_items.sql", (COUNT + GUARD).replace("btrim(new.title)", "lower(btrim(new.title))"))
    files.policies("items.sql", POLICIES.replace("< 3", "< 5").replace(
        "grant select on table public.items to anon, authenticated;", "grant select on table public.items to authenticated;"))
    assert status_code(target, files, db_server) == status.UNCAPTURED
    assert files.capture(db_server, "items_rules") is not None
    migrate.migrate(target, layout=files.layout, out=lambda _: None)
    assert status_code(target, files, db_server) == status.CLEAN
    built = pushed_and_migrated_agree(db_server, files)
    assert "< 5" in built[("policy", '"owners add items" on public.items')].definition
    assert ("table grant", "select on public.items to anon") not in built
    assert "lower(btrim(new.title))" in built[("function", "private.items_guard()")].definition


@pytest.mark.rule("TOOL-MIGRATION-NEW")
def test_removed_function_trigger_and_policy_are_dropped(files, db_server, target):
    files.capture(db_server, "baseline")
    files.functions("10_items.sql", COUNT)
    files.policies("items.sql", POLICIES.split('create policy "owners add items"')[0])
    path = files.capture(db_server, "drop_guard")
    text = path.read_text()
    assert "drop trigger if exists guard on public.items;" in text
    assert "drop function if exists private.items_guard();" in text
    assert 'drop policy if exists "owners add items" on public.items;' in text
    built = pushed_and_migrated_agree(db_server, files)
    assert ("function", "private.items_guard()") not in built
    assert ("trigger", "guard on public.items") not in built
    assert ("policy", '"owners add items" on public.items') not in built


def test_a_new_signature_drops_the_old_function_and_recreates_its_dependents(files, db_server):
    files.capture(db_server, "baseline")
    # As a file says it: the old function goes first (the file runs only in shadow databases;
    # the migration drops and recreates what depends on it).
    files.functions("10_items.sql", "drop function if exists private.item_count(uuid) cascade;\n" + COUNT.replace(
        "returns bigint", "returns integer").replace("count(*)", "count(*)::integer") + GUARD)
    text = files.capture(db_server, "count_as_integer").read_text()
    assert text.index('drop policy if exists "owners add items"') < text.index(
        "drop function if exists private.item_count(uuid);") < text.index(
        "create or replace function private.item_count(p_owner uuid)")
    built = pushed_and_migrated_agree(db_server, files)
    assert "returns integer" in built[("function", "private.item_count(p_owner uuid)")].definition.lower()
    assert ("policy", '"owners add items" on public.items') in built


def test_generated_migration_follows_the_house_style(files, db_server):
    text = files.capture(db_server, "baseline").read_text()
    assert text.startswith(capture.HEADER)
    assert "create or replace function private.item_count(p_owner uuid)" in text
    assert "CREATE" not in text and "RETURNS" not in text
    # Function bodies and literals keep their text exactly.
    assert "-- security definer" not in text  # the header comment is not part of the definition
    assert "btrim(new.title)" in text and "'How many items the owner has.'" in text


def test_a_syntax_error_names_file_and_line_and_writes_nothing(files, db_server, capsys, monkeypatch):
    bad = files.functions("20_bad.sql", "select 1;\n\ncreate or replace function private.f()\nreturns int\nlanguag sql as $$ select 1 $$;\n")
    before = sorted(files.layout.migrations.iterdir())
    with pytest.raises(Exception) as failure:
        files.capture(db_server, "broken")
    assert str(failure.value).startswith(f"{bad.as_posix()}:5: syntax error at or near \"languag\"")
    assert sorted(files.layout.migrations.iterdir()) == before


@pytest.mark.rule("TOOL-MIGRATION-NEW")
def test_cli_migration_new_in_the_repository_has_nothing_to_capture(capsys):
    before = sorted(paths.MIGRATIONS_DIR.iterdir())
    assert main(["migration", "new", "anything"]) == 0
    assert capsys.readouterr().out.startswith("nothing to capture:")
    assert sorted(paths.MIGRATIONS_DIR.iterdir()) == before


def test_next_version_follows_a_migration_dated_in_the_future(files):
    files.migration("29991231235959_future.sql", "select 1;\n")
    assert capture.next_version(files.layout.migrations) == "30000101000000"


def test_why_opens_the_migration(files, db_server):
    statements = capture.pending_changes(db_server, files.layout)
    path = capture.write_migration(files.layout, "items", statements, "Items and their rules.\nSecond line.")
    assert path.read_text().startswith("-- Items and their rules.\n-- Second line.\n--\n" + capture.HEADER)
