"""`ugig-db seed`: load the demo marketplace in seed/ (idempotent), or generate one at scale.

Demo: the users of seed/users.json are created in Auth (directly in `auth.users` locally, through
the Auth admin API when a Supabase URL and service key are given), then they fill in their
profiles, and seed/*.sql builds the marketplace in one transaction. Every row has a fixed id and
is inserted only when missing, so loading twice changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import psycopg

from ugig_db import paths, seed_users, sqlfiles


def _remote_auth() -> tuple[str, str] | None:
    url = os.environ.get("SUPABASE_URL") or os.environ.get("NEXT_PUBLIC_SUPABASE_URL")
    key = os.environ.get("SUPABASE_SERVICE_ROLE_KEY")
    return (url, key) if url and key else None


def run(
    db_url: str,
    scale: float | None = None,
    *,
    remote_auth: tuple[str, str] | None | str = "env",
    out: Callable[[str], None] = print,
) -> list[str]:
    """Load the demo (or, with `scale`, generate a marketplace of that size). Returns the demo's
    steps (users.json, then each seed file) that wrote something, or the scale stages' lines.

    `remote_auth` is (supabase_url, service_role_key), or None to write users locally; by
    default ("env") SUPABASE_URL (or NEXT_PUBLIC_SUPABASE_URL) with SUPABASE_SERVICE_ROLE_KEY
    when both are set.
    """
    if scale is not None:
        from ugig_db import scale_seed

        return scale_seed.generate(db_url, scale, out=out)
    if remote_auth == "env":
        remote_auth = _remote_auth()
    with psycopg.connect(db_url, autocommit=True) as conn:
        return load_demo(conn, remote_auth)


def load_demo(conn: psycopg.Connection, remote_auth: tuple[str, str] | None) -> list[str]:
    """The demo on an open autocommit connection; returns the steps (users.json, then each seed
    file) that wrote a row."""
    password, users = seed_users.load()
    files = sorted(paths.SEED_DIR.glob("*.sql"))
    loaded = []  # the steps that wrote a row
    missing = seed_users.missing(conn, users)
    if remote_auth:
        # Auth commits each user itself; the rest waits until all of them exist.
        seed_users.create_remote(*remote_auth, missing, password)
    with conn.transaction():
        before = _rows_written(conn)
        if not remote_auth:
            seed_users.create_local(conn, missing, password)
        seed_users.fill_profiles(conn, users)
        if missing or _rows_written(conn) > before:
            loaded.append(paths.SEED_DIR.joinpath("users.json").name)
        for path in files:
            before = _rows_written(conn)
            _run_file(conn, path)
            if _rows_written(conn) > before:
                loaded.append(path.name)
    return loaded


def _rows_written(conn: psycopg.Connection) -> int:
    """Rows this transaction inserted, updated or deleted so far, triggers' writes included;
    the seed files' temporary tables (demo_gigs, ...) are not the database's rows.

    On a cursor of its own: supabase/seed.sql is the demo's statements as recorded from the
    connection (scripts/seedsql.py), and this question is not one of them."""
    with conn.cursor() as cur:
        cur.execute(
            "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint from pg_catalog.pg_stat_xact_user_tables"
            " where schemaname !~ '^pg_temp_'"
        )
        return cur.fetchone()[0]


class SeedError(RuntimeError):
    """A seed file failed; nothing was loaded."""


def _run_file(conn: psycopg.Connection, path: Path) -> None:
    for stmt in sqlfiles.SqlFile(path, "seed").statements:
        try:
            conn.execute(stmt.text.encode(), prepare=False)
        except psycopg.Error as exc:
            raise SeedError(
                f"seed/{path.name}:{stmt.line}: {exc.diag.message_primary or exc} (SQLSTATE {exc.sqlstate})"
                + (f"\n{exc.diag.context}" if exc.diag.context else "")
            ) from exc


def demo_logins(count: int = 4) -> list[tuple[str, str, str]]:
    """(email, password, who) for a few demo users worth signing in as."""
    password, users = seed_users.load()
    kinds = [("poster", True, "human"), ("poster", False, "human"), ("freelancer", False, "human"),
             ("freelancer", False, "agent")]
    picks = [next(u for u in users if (u.role, u.pro, u.account_type) == kind) for kind in kinds][:count]
    return [(u.email, password, f"{u.role}, {u.account_type}{', pro' if u.pro else ''}") for u in picks]
