"""The webhook delivery bench at a tiny size: worker processes as ugig_service send every
delivery to the local receiver, and the rate and CPU figures come out."""

from __future__ import annotations

import os

import psycopg

from ugig_db.bench import webhook_deliveries as bench
from tests.support.webhook_receiver import ReceiverState, receiver, tls_files


def test_a_tiny_run_delivers_everything(db, monkeypatch):
    monkeypatch.setattr(bench, "HEALTHY", 2)
    monkeypatch.setattr(bench, "DELIVERIES", 10)
    state = ReceiverState()
    with tls_files() as tls, receiver(tls, state) as port, psycopg.connect(db.url, autocommit=True) as conn:
        owners, hanging = bench.prepare(db.url, port)
        assert len(owners) == 2 and hanging not in owners
        rate, cpu = bench.throughput(conn, db.service_url, tls.ca_file, 1, owners, os.getpid(), None)
    assert rate > 0 and len(cpu) == 3 and cpu[2] == 0  # no Postgres figure without its pid
    assert len(state.received("/ok")) == 10 and state.received("/hang") == []
    assert db.execute("select count(*) from public.webhook_deliveries where status = 'succeeded'") == [(10,)]
