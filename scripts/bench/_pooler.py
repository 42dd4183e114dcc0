"""How the benched service reaches its database: as ugig_service (SPEC §1, as deployed), directly
and through PgBouncer in transaction mode, which stands in for Supabase's pooler (port 6543).

The pooler runs only in front of the local cluster (its trust authentication makes a password
irrelevant there, so no role is altered); with a remote BENCH_DB_URL the service connects with
that URL directly and there is no pooled figure.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ugig_db import localdb, service_role
from tests.support import pgbouncer

PASSWORD = "ugig-service-bench-password"  # what clients give PgBouncer; the local server trusts
DIRECT = "direct"
POOLED = "through PgBouncer (transaction mode)"


@contextmanager
def connections(server: str, url: str) -> Iterator[list[tuple[str, str]]]:
    """(label, database URL for the service) pairs for the database `url` on `server`."""
    if not localdb.is_local_url(server):
        yield [(DIRECT, url)]
        return
    direct = service_role.url(url, PASSWORD)
    with pgbouncer.pgbouncer(server, {service_role.ROLE: PASSWORD}) as port:
        yield [(DIRECT, direct), (POOLED, pgbouncer.pooled_url(direct, port))]
