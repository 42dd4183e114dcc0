"""`ugig_service`, the login role of the Flask service and its workers (SPEC §1).

The migrations create it without a password; whoever runs the service sets one: the deploy on
hosted Supabase (docs/deploy.md), `make dev` and the tests locally, with `set_password`.
"""

from __future__ import annotations

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROLE = "ugig_service"


def set_password(admin_url: str, password: str) -> None:
    """Give the role a password (cluster-wide); needs a role that may alter it (postgres)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("alter role {} with password {}").format(sql.Identifier(ROLE), sql.Literal(password)))


def url(db_url: str, password: str) -> str:
    """The same database as `db_url`, logged in as the service's role."""
    return make_conninfo(db_url, user=ROLE, password=password)
