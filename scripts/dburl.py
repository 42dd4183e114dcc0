"""Which database a command talks to."""

from __future__ import annotations

import os

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ugig_db import localdb


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


# The deploy's own connection (migrations, status, advisors, seeds): `postgres`. SUPABASE_DB_URL is
# the service's, as `ugig_service`, which may create nothing, so admin commands look here first.
ADMIN_VARIABLE = "SUPABASE_ADMIN_DB_URL"


def resolve(explicit: str | None = None, *, admin: bool = True) -> str:
    """--db-url, else (for admin commands) SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else the
    local cluster (started on demand)."""
    if explicit:
        return checked(explicit)
    for variable in ([ADMIN_VARIABLE] if admin else []) + ["SUPABASE_DB_URL"]:
        if os.environ.get(variable):
            return checked(os.environ[variable], variable)
    return localdb.start()
