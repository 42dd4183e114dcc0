"""Full schema migration from an empty database (bootstrap, every migration, function and
policy file, in one transaction), timed a few times. Target: at most 3 s."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import datetime, timezone

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from ugig_db import localdb, migrate
from ugig_db.bench import _report

RUNS = 3
TARGET_SECONDS = 3.0


def time_migration(server_url: str) -> float:
    """Seconds to migrate a brand-new database on this server (dropped afterwards)."""
    name = f"ugig_bench_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    try:
        started = time.perf_counter()
        migrate.migrate(make_conninfo(server_url, dbname=name), out=lambda _line: None)
        return time.perf_counter() - started
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def run(db_url: str | None) -> None:
    # A scratch database on the given server (or the local cluster): never the target itself.
    server = db_url or localdb.start()
    seconds = [time_migration(server) for _ in range(RUNS)]
    median = statistics.median(seconds)
    verdict = "ok" if median <= TARGET_SECONDS else "MISSED"
    line = f"full migration from empty: median {median:.2f}s, min {min(seconds):.2f}s over {RUNS} runs (target ≤ {TARGET_SECONDS:.0f} s: {verdict})"
    print(line)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _report.replace_section("migrate", f"## Schema migration\n\n{line}. Measured {stamp}.")
