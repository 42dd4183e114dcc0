"""Stripe webhooks end to end: the service under gunicorn (gunicorn.conf.py, gthread) on loopback,
signed events POSTed over keep-alive connections by a few client processes.

Phase 1 delivers fresh events (subscription updates and paid invoices for distinct users: each
is verified, recorded and applied with its notification and e-mail outbox row); phase 2
redelivers all of them (verified, found processed, answered `duplicate`). Targets on a 2-core
machine: >= 1,000 applied events/s with p99 <= 50 ms, >= 3,000 duplicates/s. A scratch database
on the server (BENCH_DB_URL's or the local cluster) is migrated for the run and dropped after.
Knobs: BENCH_STRIPE_EVENTS (default 6000), BENCH_STRIPE_CLIENTS (processes, default 2),
BENCH_STRIPE_CONNECTIONS (per process, default 8), WEB_CONCURRENCY / GUNICORN_THREADS (default 2 / 4).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import psycopg
import stripe
from psycopg import sql
from psycopg.conninfo import make_conninfo

from scripts import localdb, migrate, paths
from scripts.bench import _report

SECRET = "whsec_bench_secret"
PRO_PRICE = "price_bench_pro"
TARGET_APPLIED_PER_S = 1000
TARGET_P99_MS = 50.0
TARGET_DUPLICATES_PER_S = 3000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare_database(server: str, users: int) -> tuple[str, str]:
    """A migrated scratch database with `users` signed-up users, each with a Stripe customer."""
    name = f"ugig_bench_stripe_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = make_conninfo(server, dbname=name)
    migrate.migrate(url, out=lambda _line: None)
    with psycopg.connect(url, autocommit=True) as conn:
        # Set-based signup: the auth trigger creates each user's profile and free subscription.
        conn.execute(
            """
            insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                raw_app_meta_data, raw_user_meta_data, created_at, updated_at, confirmation_token,
                recovery_token, email_change_token_new, email_change, is_super_admin, is_anonymous)
            select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
                'bench-' || i || '@example.test', '', now(), '{"provider": "email", "providers": ["email"]}',
                '{}', now(), now(), '', '', '', '', false, false
            from generate_series(1, %s) as i
            """,
            (users,),
        )
        conn.execute("update public.subscriptions set stripe_customer_id = 'cus_bench_' || user_id")
    return name, url


def _events(user_ids: list[str], count: int) -> list[str]:
    """`count` event bodies in Stripe's current shapes, alternating per user: a subscription
    update (Pro, active) and an invoice.paid."""
    now = int(time.time())
    bodies = []
    for i in range(count):
        user = user_ids[i % len(user_ids)]
        customer = f"cus_bench_{user}"
        if (i // len(user_ids)) % 2 == 0:
            obj = {
                "id": f"sub_bench_{user}", "object": "subscription", "customer": customer, "status": "active",
                "cancel_at_period_end": False, "canceled_at": None, "trial_end": None, "metadata": {},
                "items": {"object": "list", "data": [{
                    "id": f"si_bench_{i}", "object": "subscription_item", "quantity": 1,
                    "price": {"id": PRO_PRICE, "object": "price", "unit_amount": 1900, "currency": "usd"},
                    "current_period_start": now, "current_period_end": now + 30 * 86400,
                }]},
            }
            type_ = "customer.subscription.updated"
        else:
            obj = {
                "id": f"in_bench_{i}", "object": "invoice", "customer": customer, "status": "paid",
                "amount_due": 1900, "amount_paid": 1900, "currency": "usd", "hosted_invoice_url": None,
                "lines": {"object": "list", "data": [{"description": "1 × ugig Pro"}]},
                "parent": {"type": "subscription_details",
                           "subscription_details": {"subscription": f"sub_bench_{user}", "metadata": {}}},
            }
            type_ = "invoice.paid"
        bodies.append(json.dumps({
            "id": f"evt_bench_{uuid.uuid4().hex}", "object": "event", "type": type_, "created": now + i // 500,
            "api_version": "2026-10-28.endive", "livemode": False, "pending_webhooks": 1,
            "data": {"object": obj},
        }))
    return bodies


def _client(args: tuple[int, list[str], int]) -> tuple[list[float], dict[str, int]]:
    """One load-generating process: `connections` threads, each on a keep-alive connection."""
    port, bodies, connections = args
    latencies: list[float] = []
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def worker(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local_lat, local_out = [], {}
        for body in chunk:
            headers = {"Content-Type": "application/json",
                       "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(body, SECRET)}
            started = time.perf_counter()
            conn.request("POST", "/stripe/webhook", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            local_lat.append((time.perf_counter() - started) * 1000)
            key = json.loads(payload).get("outcome", str(response.status)) if response.status == 200 else str(response.status)
            local_out[key] = local_out.get(key, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local_lat)
            for k, v in local_out.items():
                outcomes[k] = outcomes.get(k, 0) + v

    threads = [threading.Thread(target=worker, args=(bodies[i::connections],)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, outcomes


def _load(port: int, bodies: list[str], processes: int, connections: int) -> tuple[float, list[float], dict[str, int]]:
    slices = [(port, bodies[i::processes], connections) for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        started = time.perf_counter()
        results = pool.map(_client, slices)
        elapsed = time.perf_counter() - started
    latencies = [x for lat, _ in results for x in lat]
    outcomes: dict[str, int] = {}
    for _, out in results:
        for k, v in out.items():
            outcomes[k] = outcomes.get(k, 0) + v
    return elapsed, latencies, outcomes


def _start_service(db_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SUPABASE_DB_URL": db_url, "STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_WEBHOOK_SECRET": SECRET,
        "STRIPE_PRO_PRICE_ID": PRO_PRICE, "NEXT_PUBLIC_APP_URL": "https://app.ugig.test",
        "SUPABASE_JWT_SECRET": "bench-secret-bench-secret-bench-secret!!", "UGIG_FEATURES": "stripe",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "GUNICORN_THREADS": os.environ.get("GUNICORN_THREADS", "4"),
        "DB_POOL_MAX": os.environ.get("GUNICORN_THREADS", "4"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(paths.PROJECT_ROOT / "gunicorn.conf.py"),
         "-b", f"127.0.0.1:{port}", "webhook_service:create_app()"],
        env=env, cwd=paths.PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not become ready in 30 s")


def run(db_url: str | None) -> None:
    count = int(os.environ.get("BENCH_STRIPE_EVENTS", "6000"))
    processes = int(os.environ.get("BENCH_STRIPE_CLIENTS", "2"))
    connections = int(os.environ.get("BENCH_STRIPE_CONNECTIONS", "8"))
    server = db_url or localdb.start()
    load_before = os.getloadavg()[0]
    users = max(1, count // 2)
    name, url = _prepare_database(server, users)
    process = None
    try:
        with psycopg.connect(url) as conn:
            user_ids = [r[0] for r in conn.execute("select user_id::text from public.subscriptions order by user_id")]
        bodies = _events(user_ids, count)
        port = _free_port()
        process = _start_service(url, port)
        _load(port, bodies[:200], processes, connections)  # warm-up: connections, pools, caches
        fresh = bodies[200:]
        applied_s, applied_lat, applied_out = _load(port, fresh, processes, connections)
        dup_s, dup_lat, dup_out = _load(port, bodies, processes, connections)
        with psycopg.connect(url) as conn:
            effects = conn.execute(
                "select (select count(*) from private.stripe_events where processed_at is not null),"
                " (select count(*) from public.payments), (select count(*) from public.notifications)"
            ).fetchone()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))

    def line(label: str, n: int, seconds: float, lat: list[float], outcomes: dict[str, int]) -> list[str]:
        return [label, str(n), f"{n / seconds:,.0f}", f"{_report.percentile(lat, 50):.1f}",
                f"{_report.percentile(lat, 99):.1f}", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))]

    rows = [line("fresh events (verified + applied)", len(fresh), applied_s, applied_lat, applied_out),
            line("duplicate deliveries", len(bodies), dup_s, dup_lat, dup_out)]
    applied_rate, dup_rate = len(fresh) / applied_s, len(bodies) / dup_s
    p99 = _report.percentile(applied_lat, 99)
    verdicts = [
        f"applied ≥ {TARGET_APPLIED_PER_S:,}/s: {'ok' if applied_rate >= TARGET_APPLIED_PER_S else 'MISSED'}",
        f"p99 ≤ {TARGET_P99_MS:.0f} ms: {'ok' if p99 <= TARGET_P99_MS else 'MISSED'}",
        f"duplicates ≥ {TARGET_DUPLICATES_PER_S:,}/s: {'ok' if dup_rate >= TARGET_DUPLICATES_PER_S else 'MISSED'}",
    ]
    table = _report.markdown_table(["phase", "events", "events/s", "p50 ms", "p99 ms", "answers"], rows)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        "## Stripe webhooks (`python -m scripts.bench stripe_webhooks`)\n\n"
        f"{table}\n\n{'; '.join(verdicts)}.\n\n"
        f"Effects checked after the run: {effects[0]:,} events processed, {effects[1]:,} payments,"
        f" {effects[2]:,} notifications.\n\n"
        f"Setup: gunicorn (gunicorn.conf.py: gthread, {os.environ.get('WEB_CONCURRENCY', '2')} workers ×"
        f" {os.environ.get('GUNICORN_THREADS', '4')} threads) on 127.0.0.1, PostgreSQL on the same machine"
        f" ({os.cpu_count()} cores, shared with the load generator: {processes} processes × {connections}"
        f" keep-alive connections); every request signed with the SDK's helper and verified by the service;"
        f" {users:,} users. Load average (1 min) {load_before:.1f} before the run,"
        f" {os.getloadavg()[0]:.1f} after: other work on the machine competes for the same cores."
        f" Measured {stamp}."
    )
    print(table)
    print("; ".join(verdicts))
    _report.replace_section("stripe", body)
