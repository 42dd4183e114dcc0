"""Connection pool to Postgres, safe behind Supabase's transaction-mode pooler.

No server-side prepared statements (prepare_threshold=None) and no session state: every unit of
work is one transaction that sets what it needs with `set local`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import psycopg
from flask import Flask, current_app
from psycopg_pool import ConnectionPool


# rule: SVC-POOLER
def _configure(conn: psycopg.Connection) -> None:
    conn.prepare_threshold = None


def init_app(app: Flask) -> None:
    pool = ConnectionPool(
        app.config["DB_URL"],
        min_size=0,
        max_size=int(app.config.get("DB_POOL_MAX", 10)),
        kwargs={"autocommit": True},
        configure=_configure,
        open=False,
        timeout=5.0,
    )
    app.extensions["db_pool"] = pool


def pool(app: Flask | None = None) -> ConnectionPool:
    """The app's pool (the current app's by default), opened on first use."""
    p: ConnectionPool = (app or current_app).extensions["db_pool"]
    if p.closed:
        p.open(wait=False)
    return p


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """One transaction on a pooled connection."""
    with pool().connection() as conn, conn.transaction():
        yield conn
