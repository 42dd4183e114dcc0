"""The PostgreSQL server the tests run against, and throwaway databases on it.

Order of preference: DATABASE_URL; a Docker engine (testcontainers with the official
supabase/postgres image); the project's embedded local cluster. A test never skips for lack of a
server: the last option starts one.
"""

from __future__ import annotations

import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlparse

import psycopg
from psycopg.conninfo import make_conninfo

from ugig_db import declarative, localdb, paths, sqlfiles, supabase_cli
from ugig_db.scratchdb import create_database, database_url, drop_database  # noqa: F401 (re-exported)

SUPABASE_POSTGRES_IMAGE = "supabase/postgres:15.8.1.085"


def docker_available(timeout: float = 0.2) -> bool:
    """A Docker engine answers /_ping on its socket; absence is detected in milliseconds."""
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    parsed = urlparse(host)
    try:
        if parsed.scheme == "unix":
            if not os.path.exists(parsed.path):
                return False
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: object = parsed.path
        elif parsed.scheme == "tcp":
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = (parsed.hostname, parsed.port or 2375)
        else:
            return False
        with sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b"200 OK" in sock.recv(1024)
    except OSError:
        return False


@contextmanager
def server() -> Iterator[str]:
    """URL of a server on which the tests may create and drop databases."""
    explicit = os.environ.get("DATABASE_URL")
    if explicit:
        yield explicit
    elif docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer(
            SUPABASE_POSTGRES_IMAGE, username="postgres", password="postgres", dbname="postgres"
        ) as container:
            yield container.get_connection_url(driver=None)
    else:
        yield localdb.start()


@contextmanager
def database_down(db) -> Iterator[None]:
    """The service's database goes away (no new connections, existing ones cut), then returns."""
    dbname = db.execute("select current_database()")[0][0]
    with psycopg.connect(make_conninfo(db.url, dbname="postgres"), autocommit=True) as server:
        server.execute(f'alter database "{dbname}" with allow_connections false')
        server.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s"
                       " and pid <> %s", (dbname, db.admin.info.backend_pid))
        try:
            yield
        finally:
            server.execute(f'alter database "{dbname}" with allow_connections true')


def supabase_push(url: str, workdir: Path = paths.PROJECT_ROOT, *, include_seed: bool = False) -> str:
    """Build a database as a Supabase project gets one: what hosted Supabase provides (the local
    bootstrap), then `supabase db push` of the repository's migrations."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        for f in sqlfiles.bootstrap():
            declarative.run_file(conn, f)
    return supabase_cli.db_push(url, workdir=workdir, include_seed=include_seed)


def retry_while_unavailable(send: Callable[[], Any], seconds: float = 5.0) -> Any:
    """The caller's retry after the database came back: through a pooler the first ones may still
    get 503 (PgBouncer refuses clients for a moment after a failed server login), so retry as
    Stripe and clients do until an answer is not 503, for a few seconds."""
    deadline = time.monotonic() + seconds
    while (response := send()).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    return response
