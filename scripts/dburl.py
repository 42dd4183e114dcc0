"""Which database a command talks to."""

from __future__ import annotations

import os

import psycopg
from psycopg.conninfo import conninfo_to_dict

from scripts import localdb


class DbUrlError(ValueError):
    """The URL given is not one PostgreSQL understands."""


def checked(db_url: str, source: str = "--db-url") -> str:
    """The URL itself, or DbUrlError naming where it came from (libpq's message alone names neither)."""
    try:
        conninfo_to_dict(db_url)
    except psycopg.ProgrammingError as exc:
        raise DbUrlError(
            f"{source} is not a PostgreSQL URL ({' '.join(str(exc).split())}); expected postgresql://user:password@host:port/dbname"
        ) from None
    return db_url


def resolve(explicit: str | None = None) -> str:
    """--db-url, else SUPABASE_DB_URL, else the local cluster (started on demand)."""
    if explicit:
        return checked(explicit)
    if os.environ.get("SUPABASE_DB_URL"):
        return checked(os.environ["SUPABASE_DB_URL"], "SUPABASE_DB_URL")
    return localdb.start()
