"""The realtime bench measures what it says: its rounds with broadcasts store the broadcasts of
each message, its rounds without store none."""

from __future__ import annotations

import psycopg

from ugig_db.bench import realtime_broadcasts as bench


def test_rounds_with_and_without_broadcasts(db, monkeypatch):
    monkeypatch.setattr(bench, "USERS", 4)
    with psycopg.connect(db.url, autocommit=True) as conn:
        senders = bench.prepare(conn)
        assert len(senders) == 4 and len({cid for cid, _claims, _body in senders}) == 2
        bench.set_broadcasts(conn, False)
        rate, cpu = bench.round_of_inserts(conn, senders, local=True)
        assert rate > 0 and cpu >= 0
        assert bench.sizes(conn)[2] == 0
        bench.set_broadcasts(conn, True)
        bench.round_of_inserts(conn, senders, local=False)
        realtime_bytes, messages_bytes, rows = bench.sizes(conn)
        # Per message: message_created, and notification_created with the recipient's inbox patch.
        assert rows == 2 * len(senders) and realtime_bytes > 0 and messages_bytes > 0
    assert db.execute("select count(*) from public.messages") == [(8,)]
