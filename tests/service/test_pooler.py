"""The transaction pooler of the tests (tests/support/pgbouncer.py) pools as Supabase's does,
so the service's tests through it (`service_connection`) prove what they claim."""

from __future__ import annotations

import psycopg

from ugig_db import service_role
from tests.support import pgbouncer


def test_clients_share_one_server_connection_transaction_by_transaction(db, pooler):
    url = pgbouncer.pooled_url(db.service_url, pooler)
    clients = [psycopg.connect(url, autocommit=True, prepare_threshold=None) for _ in range(5)]
    try:
        backends = {c.execute("select pg_backend_pid()").fetchone()[0] for c in clients}
        assert clients[0].execute("select current_user").fetchone() == (service_role.ROLE,)
    finally:
        for c in clients:
            c.close()
    # Five clients connected at once, one server connection: session pooling would need five.
    assert len(backends) == 1


def test_a_session_setting_leaks_to_the_next_client(db, pooler):
    """Why the service sets only `set local` (webhook_service/db.py): a session `set` stays on
    the server connection and the next client that gets it inherits it."""
    url = pgbouncer.pooled_url(db.service_url, pooler)
    with psycopg.connect(url, autocommit=True) as first, psycopg.connect(url, autocommit=True) as second:
        first.execute("set application_name = 'first-client-session'")
        # The server connection first used is back in the pool with the setting still on it.
        assert second.execute("select current_setting('application_name')").fetchone() == ("first-client-session",)
