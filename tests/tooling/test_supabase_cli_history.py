"""The Supabase CLI reads the history `ugig-db migrate` writes: local == remote."""

from __future__ import annotations

import pytest

from ugig_db import migrate, paths, sqlfiles, supabase_cli
from ugig_db.scratchdb import database_url, scratch_database
from tests.support.layout import ScratchLayout


def listed(url: str, workdir) -> list[tuple[str, str]]:
    payload = supabase_cli.run_json(["migration", "list"], url, workdir=workdir)
    return [(m["local"], m["remote"]) for m in payload["migrations"]]


@pytest.mark.rule("TOOL-HISTORY")
def test_supabase_migration_list_shows_the_repository_history_applied(template_db, db_server):
    url = database_url(db_server, template_db)
    versions = [m.version for m in sqlfiles.migrations(paths.MIGRATIONS_DIR)]
    assert listed(url, paths.PROJECT_ROOT) == [(v, v) for v in versions]


def test_supabase_migration_list_shows_a_pending_migration_as_local_only(db_server, tmp_path):
    files = ScratchLayout(tmp_path)
    files.migration("20260101000000_one.sql", "create table public.one (id int);\n")
    with scratch_database(db_server, prefix="ugig_cli") as url:
        migrate.migrate(url, layout=files.layout, out=lambda _: None)
        files.migration("20260102000000_two.sql", "create table public.two (id int);\n")
        assert listed(url, tmp_path) == [
            ("20260101000000", "20260101000000"),
            ("20260102000000", ""),
        ]
