"""`ugig-db db`, `reset` and `seed`: the commands around the local database."""

from __future__ import annotations

import socket

import psycopg
import pytest

from ugig_db import localdb, paths, reset
from ugig_db.cli import main
from ugig_db.scratchdb import scratch_database


def test_db_start_twice_finds_the_running_cluster(capsys):
    first = localdb.start()
    assert main(["db", "start"]) == 0
    assert capsys.readouterr().out.strip() == first
    assert localdb.start() == first
    with psycopg.connect(first) as conn:
        assert conn.execute("select current_setting('wal_level')").fetchone() == ("logical",)


def test_the_cluster_port_is_the_preferred_one_when_free_else_any_free_one():
    assert localdb.PREFERRED_PORT == 54322  # supabase/config.toml's [db] port
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert localdb._free_port(port) != port
    assert localdb._free_port(port) == port


def test_db_status_and_url_name_the_running_cluster(capsys):
    running = localdb.start()
    assert main(["db", "status"]) == 0
    assert main(["db", "url"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"running: {running}", running]


@pytest.mark.rule("TOOL-RESET-LOCAL")
@pytest.mark.parametrize("url", [
    "postgresql://postgres:secret@db.abcdefgh.supabase.co:5432/postgres",
    "postgresql://postgres.abcdefgh@aws-0-eu-west-1.pooler.supabase.com:6543/postgres",
    "host=10.0.0.5 dbname=postgres user=postgres",
])
def test_reset_refuses_a_non_local_url(url, capsys):
    with pytest.raises(reset.ResetError, match="refusing to reset a non-local database"):
        reset.reset(url)
    assert main(["reset", "--db-url", url]) == 1
    assert "refusing to reset" in capsys.readouterr().err


def test_reset_recreates_a_local_database_from_empty(db_server):
    with scratch_database(db_server, prefix="ugig_reset") as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create table public.leftover (id int)")
        reset.reset(url)
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "select to_regclass('public.leftover'), count(*) from supabase_migrations.schema_migrations"
            ).fetchone()
        assert row[0] is None and row[1] >= 1


def test_seed_command_loads_every_seed_file_into_the_given_database(db, capsys):
    assert main(["seed", "--db-url", db.url]) == 0
    files = ["users.json"] + [p.name for p in sorted(paths.SEED_DIR.glob("*.sql"))]
    printed = capsys.readouterr().out.splitlines()
    # Each step that wrote a row, in load order (00_helpers.sql only defines temporary functions).
    assert printed[0] == "seeded: users.json" and "seeded: 10_gigs.sql" in printed
    assert printed == [f"seeded: {name}" for name in files if f"seeded: {name}" in printed]
    # Loaded already: users.json and most files write nothing the second time and are not named.
    assert main(["seed", "--db-url", db.url]) == 0
    again = capsys.readouterr().out.splitlines()
    assert "seeded: users.json" not in again and "seeded: 30_conversations.sql" not in again


def test_concurrent_starts_share_one_cluster():
    from concurrent.futures import ThreadPoolExecutor

    from ugig_db import localdb

    with ThreadPoolExecutor(4) as pool:
        urls = set(pool.map(lambda _: localdb.start(), range(4)))
    assert len(urls) == 1
