"""`ugig-db reset`: drop and recreate a local database, then migrate it from empty."""

from __future__ import annotations

from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
import psycopg

from ugig_db import localdb, migrate


class ResetError(RuntimeError):
    """Refused: reset only ever touches a database on this machine."""


# rule: TOOL-RESET-LOCAL
def reset(db_url: str) -> None:
    if not localdb.is_local_url(db_url):
        raise ResetError(f"refusing to reset a non-local database ({conninfo_to_dict(db_url).get('host')})")
    target = conninfo_to_dict(db_url).get("dbname") or "postgres"
    maintenance = make_conninfo(db_url, dbname="template1" if target == "postgres" else "postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(target)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(target)))
    migrate.migrate(db_url)
