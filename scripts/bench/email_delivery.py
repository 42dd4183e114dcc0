"""E-mail delivery throughput: `ugig-email-worker` processes drain the outbox to a local fake Resend.

A scratch database on the bench server gets BENCH_EMAILS outbox rows (default 5000: welcome and
notification e-mails for 200 users) plus each user's own welcome, queued when it was created;
WORKERS `ugig-email-worker --drain` processes (rate limit off, EMAIL_CONCURRENCY threads each)
send them to the fake Resend on loopback, which answers with Resend's wire format and
idempotency rules. Measured: rows sent per second between the first
and the last `sent_at`, and the wall time including the workers' start. Checked: every row sent,
each over the wire exactly once. Bounded: the run gives up after TIMEOUT seconds.
Target: at least 500 e-mails/s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timezone

import psycopg

from ugig_db import auth_users, localdb, migrate, scratchdb
from ugig_db.bench import _report
# The same fake the tests use: a real HTTP server speaking Resend's API on 127.0.0.1.
from tests.support.fake_resend import API_KEY, fake_resend

ROWS = int(os.environ.get("BENCH_EMAILS", "5000"))
USERS = 200
WORKERS = 2
CONCURRENCY = 8
TIMEOUT = 90.0
TARGET_PER_SECOND = 500


def prepare(url: str) -> int:
    """Users and their outbox rows: ROWS enqueued here plus each user's own welcome; returns the total."""
    migrate.migrate(url, out=lambda _line: None)
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            users = [auth_users.create_user(conn, f"bench-{i}@example.test").id for i in range(USERS)]
        # Two kinds, so rendering covers the notification templates too.
        conn.execute(
            """select case when n %% 2 = 0
                           then private.enqueue_email(u, 'welcome', '{}'::jsonb)
                           else private.enqueue_email(u, 'message_received', jsonb_build_object(
                               'title', 'New message from <b>bench</b>', 'body', 'Hello & welcome #' || n,
                               'data', jsonb_build_object('conversation_id', gen_random_uuid())))
                      end
               from generate_series(1, %s) as n, lateral (select (%s::uuid[])[1 + n %% %s] as u) as pick""",
            (ROWS, users, USERS),
        )
        return conn.execute("select count(*) from private.email_outbox").fetchone()[0]


def drain(url: str, api_url: str) -> tuple[float, float]:
    """Wall seconds until every row is sent, and the workers' CPU seconds (start-up included)."""
    env = {**os.environ, "SUPABASE_DB_URL": url, "RESEND_API_KEY": API_KEY, "RESEND_API_URL": api_url,
           "EMAIL_FROM": "ugig <bench@ugig.test>", "NEXT_PUBLIC_APP_URL": "https://ugig.test",
           "EMAIL_UNSUBSCRIBE_URL": "https://api.ugig.test/email/unsubscribe",
           "EMAIL_UNSUBSCRIBE_SECRET": "bench-unsubscribe-secret-0123456789",
           "EMAIL_RATE_LIMIT": "0", "EMAIL_CONCURRENCY": str(CONCURRENCY), "EMAIL_BATCH_SIZE": "100",
           "LOG_LEVEL": "INFO"}
    started, children = time.perf_counter(), os.times()
    procs = [subprocess.Popen([sys.executable, "-m", "webhook_service.email.worker", "--drain"], env=env,
                              stdout=subprocess.DEVNULL) for _ in range(WORKERS)]
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            while time.perf_counter() - started < TIMEOUT:
                left = conn.execute("select count(*) from private.email_outbox where status <> 'sent'").fetchone()[0]
                if left == 0:
                    break
                time.sleep(0.1)
        wall = time.perf_counter() - started
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(30)
    done = os.times()
    return wall, done.children_user + done.children_system - children.children_user - children.children_system


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    server = db_url or localdb.start()
    with scratchdb.scratch_database(server, "ugig_bench_email") as url:
        total = prepare(url)
        with fake_resend() as (api_url, state):
            cpu = time.process_time()  # this process serves the fake Resend while the workers drain
            wall, workers_cpu = drain(url, api_url)
            fake_cpu = time.process_time() - cpu
            requests = len(state.requests)
            duplicates = sum(n - 1 for n in state.keys().values())
        with psycopg.connect(url) as conn:
            sent, first, last, ids = conn.execute(
                """select count(*), min(sent_at), max(sent_at), count(distinct provider_message_id)
                   from private.email_outbox where status = 'sent'""").fetchone()
    span = (last - first).total_seconds() if first and last else 0.0
    rate = sent / span if span > 0 else 0.0
    complete = sent == total and ids == total and duplicates == 0
    verdict = "ok" if complete and rate >= TARGET_PER_SECOND else "MISSED"
    line = (f"{sent}/{total} e-mails sent by {WORKERS} workers × {CONCURRENCY} threads: "
            f"{rate:,.0f} e-mails/s drained (first to last send {span:.2f} s; wall {wall:.2f} s with worker start), "
            f"{requests} requests to the fake Resend, {duplicates} duplicate sends "
            f"(target ≥ {TARGET_PER_SECOND}/s: {verdict}); CPU per e-mail: workers {1e6 * workers_cpu / max(sent, 1):,.0f} µs "
            f"(their start-up included), fake Resend {1e6 * fake_cpu / max(sent, 1):,.0f} µs")
    print(line)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _report.replace_section("email", "## E-mail delivery (outbox → Resend fake, rate limit off)\n\n"
                            f"{line}. Measured {stamp} on the development machine ({os.cpu_count()} cores shared "
                            f"with other work: load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
                            "workers, fake Resend and Postgres on the same host).")
