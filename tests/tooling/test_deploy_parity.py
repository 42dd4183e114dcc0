"""Supabase's own tooling and `ugig-db migrate` deploy the same database (SPEC §5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from ugig_db import catalog, migrate, paths, status
from ugig_db.scratchdb import scratch_database
from tests.support import database

# The last release whose `ugig-db migrate` re-applied function and policy files itself.
PREVIOUS_RELEASE = "75fa67e949055200583a8d3294dba1d02eb0d53a"

# One representative RLS module per area, run against a database built by `supabase db push`.
RLS_MODULES = [
    "tests/db/identity/test_identity.py",
    "tests/db/marketplace/test_applications.py",
    "tests/db/marketplace/test_storage.py",
    "tests/db/communication/test_messages.py",
    "tests/db/communication/test_video_calls.py",
    "tests/db/communication/test_realtime_topics.py",
    "tests/db/communication/test_comms_notifications.py",
    "tests/db/billing/test_billing_db.py",
]


def snapshot(url: str) -> catalog.Snapshot:
    with psycopg.connect(url) as conn:
        return catalog.snapshot(conn)


def history(url: str) -> list[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select version, name from supabase_migrations.schema_migrations order by 1").fetchall()


@pytest.mark.rule("TOOL-ONE-HISTORY")
def test_supabase_db_push_and_ugig_db_migrate_build_identical_catalogs(db_server):
    with scratch_database(db_server, prefix="ugig_pushed") as pushed, \
            scratch_database(db_server, prefix="ugig_migrated") as migrated:
        database.supabase_push(pushed)
        migrate.migrate(migrated, out=lambda _: None)
        built = snapshot(pushed)
        assert catalog.diff(built, snapshot(migrated)) == []
        assert history(pushed) == history(migrated)
        # The whole product, not just tables: RLS, triggers and RPCs arrived.
        kinds = [kind for kind, _ in built]
        assert kinds.count("policy") > 50 and kinds.count("function") > 80 and kinds.count("trigger") > 30
        assert status.run(pushed, db_server, out=lambda _: None) == status.CLEAN


def test_rls_suites_pass_against_a_database_built_by_supabase_db_push(db_server):
    env = {**os.environ, "DATABASE_URL": db_server, "UGIG_TEMPLATE_BUILDER": "supabase"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *RLS_MODULES],
        cwd=paths.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, summary


def _previous_release(tmp_path: Path) -> Path:
    """The previous release's tooling and SQL, from the repository's history."""
    archive = subprocess.run(
        ["git", "-C", str(paths.PROJECT_ROOT), "archive", PREVIOUS_RELEASE, "scripts", "supabase"],
        capture_output=True, check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive, check=True)
    return tmp_path


def test_a_database_deployed_by_the_previous_release_upgrades_without_drift(db_server, tmp_path):
    old = _previous_release(tmp_path)
    with scratch_database(db_server, prefix="ugig_upgrade") as url:
        subprocess.run(
            [sys.executable, "-c", "import sys; from scripts import migrate; migrate.migrate(sys.argv[1])", url],
            cwd=old, env={**os.environ, "PYTHONPATH": str(old)}, check=True, capture_output=True,
        )
        with psycopg.connect(url) as conn:  # the old bookkeeping of re-applied files
            assert conn.execute("select count(*) from supabase_migrations.ugig_files").fetchone()[0] > 20
        plan = migrate.migrate(url, out=lambda _: None)
        assert [m.name for m in plan.pending][:1] == ["baseline_declarative"]
        assert status.run(url, db_server, out=lambda _: None) == status.CLEAN
        with psycopg.connect(url) as conn:
            assert conn.execute("select to_regclass('supabase_migrations.ugig_files')").fetchone() == (None,)
