"""Stripe webhooks end to end: the service under gunicorn (gunicorn.conf.py, gevent workers) on
loopback, signed events POSTed over keep-alive connections by a cheap load generator
(scripts/bench/_http_load.py).

Phase 1 delivers fresh events (subscription updates and paid invoices for distinct users: each
is verified, recorded and applied with its notification and e-mail outbox row); phase 2
redelivers all of them (verified, found processed, answered `duplicate`); phase 3 is `GET
/healthz`, the ceiling of any endpoint measured the same way. Targets on a 2-core machine:
>= 1,000 applied events/s with p99 <= 50 ms, >= 3,000 duplicates/s.
The load generator shares the cores with gunicorn and PostgreSQL, so it does as little as it can:
every request is signed (with the SDK's helper) and encoded before a phase starts, and one event
loop per process drives all its connections. CPU per request is read from /proc for the load
generator, for gunicorn, and for the rest of the machine (PostgreSQL and whatever else runs).
A scratch database on the server (BENCH_DB_URL's or the local cluster) is migrated for the run
and dropped after. Knobs: BENCH_STRIPE_EVENTS (default 6000), BENCH_STRIPE_CLIENTS (processes,
default 1), BENCH_STRIPE_CONNECTIONS (per process, default 8), WEB_CONCURRENCY (default 2),
DB_POOL_MAX (per worker, default 8).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from datetime import datetime, timezone

import psycopg
import stripe
from psycopg import sql
from psycopg.conninfo import make_conninfo

from ugig_db import localdb, migrate
from ugig_db.bench import _http_load as http_load
from ugig_db.bench import _pooler, _report
from ugig_db.bench._http_load import Phase

SECRET = "whsec_bench_secret"
PRO_PRICE = "price_bench_pro"
TARGET_APPLIED_PER_S = 1000
TARGET_P99_MS = 50.0
TARGET_DUPLICATES_PER_S = 3000


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


def _events(user_ids: list[str], count: int, created: int | None = None) -> list[str]:
    """`count` event bodies in Stripe's current shapes, alternating per user: a subscription
    update (Pro, active) and an invoice.paid; created from `created` (default now) on."""
    now = created or int(time.time())
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


def _signed_requests(bodies: list[str], port: int) -> list[bytes]:
    """Whole HTTP/1.1 requests, signed now with the SDK's helper, so the timed loop only sends
    bytes (the signature stays valid for the service's 300 s tolerance)."""
    requests = []
    for body in bodies:
        raw = body.encode()
        signature = stripe.WebhookSignature.generate_signature_header(body, SECRET)
        requests.append(
            f"POST /stripe/webhook HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Stripe-Signature: {signature}\r\nContent-Length: {len(raw)}\r\n\r\n".encode() + raw
        )
    return requests


OUTCOME = re.compile(rb'"outcome":\s*"(\w+)"')  # a 200 counts by its outcome


def _healthz_requests(count: int, port: int) -> list[bytes]:
    return [f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()] * count


def _run_service(url: str, bodies: list[str], knobs: dict[str, str | int]) -> tuple[Phase, Phase, Phase]:
    """The service under gunicorn on `url`: warm-up, then fresh events, their redeliveries and
    `GET /healthz`."""
    port = http_load.free_port()
    process = http_load.start_service(port, {
        "SUPABASE_DB_URL": url, "STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_WEBHOOK_SECRET": SECRET,
        "STRIPE_PRO_PRICE_ID": PRO_PRICE, "NEXT_PUBLIC_APP_URL": "https://app.ugig.test",
        "SUPABASE_JWT_SECRET": "bench-secret-bench-secret-bench-secret!!", "UGIG_FEATURES": "stripe",
        "WEB_CONCURRENCY": str(knobs["workers"]), "DB_POOL_MAX": str(knobs["pool"]),
    })
    try:
        def load(requests: list[bytes]) -> Phase:
            return http_load.load(port, requests, int(knobs["processes"]), int(knobs["connections"]),
                                  process.pid, OUTCOME)

        load(_signed_requests(bodies[:200], port))  # warm-up: connections, pools, caches
        applied = load(_signed_requests(bodies[200:], port))
        duplicates = load(_signed_requests(bodies, port))
        healthz = load(_healthz_requests(len(bodies), port))
        return applied, duplicates, healthz
    finally:
        http_load.stop_service(process)


def run(db_url: str | None) -> None:
    count = int(os.environ.get("BENCH_STRIPE_EVENTS", "6000"))
    processes = int(os.environ.get("BENCH_STRIPE_CLIENTS", "1"))
    connections = int(os.environ.get("BENCH_STRIPE_CONNECTIONS", "8"))
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    pool = os.environ.get("DB_POOL_MAX", "8")
    server = db_url or localdb.start()
    load_before = os.getloadavg()[0]
    users = max(1, count // 2)
    name, url = _prepare_database(server, users)
    runs: list[tuple[str, Phase, Phase]] = []  # (connection, applied, duplicates)
    healthz: Phase | None = None
    knobs: dict[str, str | int] = {"workers": workers, "pool": pool, "processes": processes, "connections": connections}
    try:
        with psycopg.connect(url) as conn:
            user_ids = [r[0] for r in conn.execute("select user_id::text from public.subscriptions order by user_id")]
        created = int(time.time())
        with _pooler.connections(server, url) as connections_to_db:
            for label, service_url in connections_to_db:
                # Fresh events for each connection (new ids, created after the previous run's, so
                # none is stale): each run applies all of its own.
                applied, duplicates, healthz_run = _run_service(service_url, _events(user_ids, count, created), knobs)
                runs.append((label, applied, duplicates))
                healthz = healthz or healthz_run
                created += count // 500 + 60
        with psycopg.connect(url) as conn:
            effects = conn.execute(
                "select (select count(*) from private.stripe_events where processed_at is not null),"
                " (select count(*) from public.payments), (select count(*) from public.notifications),"
                " (select count(*) from private.email_outbox)"
            ).fetchone()
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
    load_after = os.getloadavg()[0]

    def line(label: str, phase: Phase) -> list[str]:
        return [label, str(phase.requests), f"{phase.rate:,.0f}", f"{_report.percentile(phase.latencies, 50):.1f}",
                f"{_report.percentile(phase.latencies, 99):.1f}",
                ", ".join(f"{k} {v}" for k, v in sorted(phase.answers.items())),
                phase.cpu_us(phase.client_cpu), phase.cpu_us(phase.service_cpu), phase.cpu_us(phase.other_cpu)]

    rows = []
    for label, applied_run, duplicates_run in runs:
        where = "" if label == _pooler.DIRECT else f", {label}"
        rows += [line(f"fresh events (verified + applied){where}", applied_run),
                 line(f"duplicate deliveries{where}", duplicates_run)]
    rows.append(line("`GET /healthz` (ceiling: no body, no database)", healthz))
    _, applied, duplicates = runs[0]  # the targets are checked on the direct connection
    p99 = _report.percentile(applied.latencies, 99)
    verdicts = [
        f"applied ≥ {TARGET_APPLIED_PER_S:,}/s: {'ok' if applied.rate >= TARGET_APPLIED_PER_S else 'MISSED'}",
        f"p99 ≤ {TARGET_P99_MS:.0f} ms: {'ok' if p99 <= TARGET_P99_MS else 'MISSED'}",
        f"duplicates ≥ {TARGET_DUPLICATES_PER_S:,}/s: "
        f"{'ok' if duplicates.rate >= TARGET_DUPLICATES_PER_S else 'MISSED'}",
    ]
    table = _report.markdown_table(
        ["phase", "requests", "requests/s", "p50 ms", "p99 ms", "answers",
         "CPU µs/req: load generator", "gunicorn", "rest (PostgreSQL, other work)"],
        rows,
    )
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        "## Stripe webhooks (`python -m ugig_db.bench stripe_webhooks`)\n\n"
        f"{table}\n\n{'; '.join(verdicts)}.\n\n"
        f"Effects checked after the run: {effects[0]:,} events processed, {effects[1]:,} payments,"
        f" {effects[2]:,} notifications, {effects[3]:,} e-mail outbox rows.\n\n"
        f"Setup: gunicorn (gunicorn.conf.py: {workers} gevent workers, {pool} database connections each, as"
        f" ugig_service) on 127.0.0.1, PostgreSQL"
        f" on the same machine ({os.cpu_count()} cores, shared with the load generator: {processes} process(es)"
        f" × {connections} keep-alive connections, one event loop sending pre-signed requests); every"
        f" request signed with the SDK's helper and verified by the service; {users:,} users. Each connection"
        " mode gets its own fresh events; through PgBouncer (Debian's 1.18, `pool_mode = transaction`, on"
        " this machine: its CPU is in the last column) as through Supabase's pooler. CPU per"
        f" request from /proc over each phase. Load average (1 min) {load_before:.1f} before the run,"
        f" {load_after:.1f} after. Measured {stamp}."
    )
    print(table)
    print("; ".join(verdicts))
    _report.replace_section("stripe", body)
