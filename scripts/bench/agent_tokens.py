"""Agent token exchange throughput: `POST /auth/token` (an API key for a Supabase access token)
over HTTP as deployed, and signing alone. Target: at least 1,500 tokens/s on this machine.

Over HTTP (the target's figure): the service under gunicorn as deployed (gunicorn.conf.py, 2
gevent workers) on loopback, connecting as ugig_service directly and through PgBouncer in
transaction mode, fed by the load generator of scripts/bench/_http_load.py over keep-alive
connections; Postgres and the generator share the machine's cores. A warm-up of one exchange
per key sets every key's `last_used_at`; the timed exchanges are the steady state, in which the
database only reads (it writes `last_used_at` at most once a minute). An answer counts only when
it is a 200 carrying an access token.

CPU per token is read from /proc for the load generator, gunicorn, the local Postgres server and
the rest of the machine (PgBouncer, and other work on the shared cores): the first three bound
what the cores can issue (the ceiling, cores ÷ their CPU per token). Signing alone: the claims
and HS256 signature of one token, one process per core.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from datetime import datetime, timezone

import jwt
import psycopg

from ugig_db import auth_users, localdb, migrate, pgrest, scratchdb
from ugig_db.bench import _http_load as http_load
from ugig_db.bench import _pooler, _proc, _report
from webhook_service.agent_auth import claims_for

KEYS = 200
PROCESSES = 2
WEB_CONCURRENCY = "2"  # gunicorn's workers, as deployed on a 2-core instance
CONNECTIONS = 8  # the load generator's keep-alive connections
DURATION = 5.0  # seconds of requests at the target rate
TARGET_PER_SECOND = 1500
# A 200 counts as "access_token" only when it carries a signed JWT.
TOKEN = re.compile(rb'"(access_token)":"[\w-]+\.[\w-]+\.[\w-]+"')
JWT_SECRET = "bench-supabase-jwt-secret-0123456789abcdef"
SUPABASE_URL = "http://127.0.0.1:54321"


def prepare(url: str) -> list[str]:
    """KEYS agents with one API key each, created as each agent would (create_api_key)."""
    migrate.migrate(url, out=lambda _line: None)
    keys = []
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        for i in range(KEYS):
            user = auth_users.create_user(conn, f"agent-{i}@example.test", user_metadata={"account_type": "agent"})
            with pgrest.acting(conn, "authenticated", pgrest.user_claims(user.id, user.email)):
                keys.append(conn.execute("select public.create_api_key('bench') ->> 'key'").fetchone()[0])
    return keys


def token_requests(keys: list[str], port: int, count: int) -> list[bytes]:
    """`count` whole HTTP requests exchanging a key, cycling through the keys."""
    return [f"POST /auth/token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {keys[i % len(keys)]}\r\n"
            "Content-Length: 0\r\n\r\n".encode() for i in range(count)]


def over_http(url: str, keys: list[str], count: int,
              postmaster: int | None = None) -> tuple[http_load.Phase, float | None]:
    """`count` exchanges with the service under gunicorn, after a warm-up of one per key; with the
    local server's postmaster, also the Postgres server's CPU seconds during the timed exchanges."""
    port = http_load.free_port()
    process = http_load.start_service(port, {
        "SUPABASE_DB_URL": url, "SUPABASE_JWT_SECRET": JWT_SECRET, "SUPABASE_URL": SUPABASE_URL,
        "UGIG_FEATURES": "agents", "WEB_CONCURRENCY": WEB_CONCURRENCY, "DB_POOL_MAX": str(CONNECTIONS),
        "LOG_LEVEL": "INFO",
    })
    try:
        http_load.load(port, token_requests(keys, port, len(keys)), 1, CONNECTIONS, process.pid)
        before = _proc.server_cpu_seconds(postmaster) if postmaster else 0.0
        phase = http_load.load(port, token_requests(keys, port, count), 1, CONNECTIONS, process.pid, TOKEN)
        server = _proc.server_cpu_seconds(postmaster) - before if postmaster else None
        return phase, server
    finally:
        http_load.stop_service(process)


def sign_for(seconds: float = 2.0) -> tuple[int, float]:
    """Tokens one process builds and signs in `seconds`, and the CPU seconds it took."""
    row = ("0b9f1c52-3f5e-4c53-9a43-5d2f3e1f0a11", "6a1c0e8e-2d4b-4f7a-8f1e-2b9c6d5a4e31", None,
           "agent@example.test", None, {"account_type": "agent"}, {"provider": "email", "providers": ["email"]})
    issuer = f"{SUPABASE_URL}/auth/v1"
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        jwt.encode(claims_for(row, int(time.time()), issuer), JWT_SECRET, algorithm="HS256")
        count += 1
    return count, time.process_time() - cpu


def signing_only() -> tuple[float, float]:
    """Signing alone, one process per core: tokens per second and CPU microseconds per token."""
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        done = pool.starmap(sign_for, [()] * PROCESSES)
    tokens = sum(count for count, _ in done)
    return tokens / 2.0, 1e6 * sum(cpu for _, cpu in done) / tokens


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    server = db_url or localdb.start()
    cores = os.cpu_count() or 1
    rows = []
    with scratchdb.scratch_database(server, "ugig_bench_tokens") as url, _pooler.connections(server, url) as conns:
        keys = prepare(url)
        postmaster = _proc.postmaster_pid(url)
        for label, service_url in conns:
            http, server_cpu = over_http(service_url, keys, int(TARGET_PER_SECOND * DURATION), postmaster)
            tokens = http.answers.get("access_token", 0)
            verdict = "ok" if http.rate >= TARGET_PER_SECOND and tokens == http.requests else "MISSED"
            refused = ", ".join(f"{k} {v}" for k, v in sorted(http.answers.items()) if k != "access_token") or "0"
            # The ceiling counts what a token costs this stack: the generator, gunicorn and Postgres
            # (the rest of the machine's CPU is mostly other work on the shared cores, and PgBouncer).
            ours = http.client_cpu + http.service_cpu + (server_cpu if server_cpu is not None else http.other_cpu)
            postgres = http.cpu_us(server_cpu) if server_cpu is not None else "n/a (remote)"
            rest = http.other_cpu - (server_cpu or 0.0)
            print(f"{label}: {http.rate:,.0f} tokens/s (target: {verdict}; p99 "
                  f"{_report.percentile(http.latencies, 99):.1f} ms; CPU per token: load generator "
                  f"{http.cpu_us(http.client_cpu)} µs, gunicorn {http.cpu_us(http.service_cpu)} µs, Postgres "
                  f"{postgres} µs, rest {http.cpu_us(rest)} µs)", flush=True)
            p50, p99 = _report.percentile(http.latencies, 50), _report.percentile(http.latencies, 99)
            rows.append([label, f"{http.rate:,.0f} ({verdict})", refused, f"{p50:.1f}", f"{p99:.1f}",
                         http.cpu_us(http.client_cpu), http.cpu_us(http.service_cpu), postgres, http.cpu_us(rest),
                         f"{cores * http.requests / ours:,.0f}"])
    signing, signing_cpu = signing_only()
    print(f"signing alone: {signing:,.0f} tokens/s ({signing_cpu:,.0f} µs CPU per token)")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = _report.markdown_table(
        ["service's database connection", f"tokens/s (≥ {TARGET_PER_SECOND:,})", "answers without a token",
         "p50 ms", "p99 ms", "CPU µs/token: load generator", "gunicorn", "Postgres",
         "rest of the machine (PgBouncer, other work)", f"ceiling of {cores} cores, tokens/s"],
        rows)
    _report.replace_section(
        "agent-tokens",
        "## Agent token exchange\n\n"
        f"`POST /auth/token` over HTTP, as deployed: gunicorn (gunicorn.conf.py, {WEB_CONCURRENCY} gevent "
        f"workers, {CONNECTIONS} database connections each, as ugig_service: directly, and through PgBouncer "
        "in transaction mode as through Supabase's pooler) on 127.0.0.1, fed by one load-generator process "
        f"over {CONNECTIONS} keep-alive connections; Postgres and the generator on the same {cores} cores. "
        f"{KEYS} agents with one key each; a warm-up exchanges every key once (setting `last_used_at`), then "
        f"{int(TARGET_PER_SECOND * DURATION):,} timed exchanges cycle through the keys (the database only "
        "reads: `last_used_at` moves at most once a minute). An answer counts only as a 200 carrying an "
        "access token. CPU per token from /proc: the load generator, gunicorn (master and workers), the "
        "local Postgres server (all its processes) and the rest of the machine (PgBouncer, and other work on "
        "the shared cores); the ceiling is cores ÷ (generator + gunicorn + Postgres) per token. "
        "LOG_LEVEL=INFO (one JSON line per request, to /dev/null).\n\n"
        f"{table}\n\n"
        f"Signing alone (claims and HS256, {PROCESSES} processes): {signing:,.0f} tokens/s, "
        f"{signing_cpu:,.0f} µs CPU per token.\n\n"
        f"Measured {stamp} on the development machine ({cores} cores shared with other work: load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after; Postgres on the same host).")
