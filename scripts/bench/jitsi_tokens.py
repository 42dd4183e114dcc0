"""Jitsi room-token throughput: `POST /jitsi/token` in each mode, over HTTP as deployed, by the
app alone, and signing alone. Target: at least 2,000 tokens/s on this machine.

Over HTTP (the target's figure): the service under gunicorn as deployed (gunicorn.conf.py, 2
gevent workers) on loopback, fed by the load generator of scripts/bench/_http_load.py over
keep-alive connections; Postgres and the generator share the machine's cores. A warm-up of one
request per participant makes every first join; the timed requests are later joins. An answer
counts only when it is a 200 carrying a token.

The app alone: PROCESSES processes × THREADS threads call the WSGI app in process for DURATION
seconds, each request with a fresh WSGI environ as a WSGI server builds it (no socket or HTTP
parsing): what verifying, deciding and signing cost without the web server. Signing alone: the
token builder of each mode, one process per core.

Every mode starts with every call `scheduled` and must start all CALLS of them by their first
join. JaaS is measured with a 2048-bit key and with a 4096-bit key, the size 8x8 documents for
JaaS API keys. When Postgres runs on this machine, its CPU per token is reported: with the
clients' it bounds what the cores can issue (the ceiling, cores ÷ CPU per token).
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt
import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ugig_db import auth_users, localdb, migrate, pgrest, scratchdb
from ugig_db.bench import _http_load as http_load
from ugig_db.bench import _proc
from ugig_db.bench import _pooler, _report
from webhook_service.config import env_name
from webhook_service.jitsi_tokens import CallAccess, Jaas, SelfHosted

CALLS = 200
PROCESSES = 2
THREADS = 4
DURATION = 5.0
WEB_CONCURRENCY = "2"  # gunicorn's workers, as deployed on a 2-core instance
CONNECTIONS = 8  # the load generator's keep-alive connections
# A 200 counts as "jwt" only when it carries a signed JWT.
TOKEN = re.compile(rb'"(jwt)":"[\w-]+\.[\w-]+\.[\w-]+"')
TARGET_PER_SECOND = 2000
JWT_SECRET = "bench-supabase-jwt-secret-0123456789abcdef"
APP_SECRET = "bench-jitsi-app-secret-0123456789abcdef"


def jaas_pem(bits: int) -> str:
    key = rsa.generate_private_key(65537, bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def modes() -> dict[str, dict[str, str]]:
    return {
        "self-hosted (HS256)": {"JITSI_DOMAIN": "meet.ugig.test", "JITSI_APP_ID": "ugig",
                                "JITSI_APP_SECRET": APP_SECRET},
        **{f"8x8 JaaS (RS256, {bits}-bit key)": {
            "JITSI_DOMAIN": "8x8.vc", "JAAS_APP_ID": "vpaas-magic-cookie-bench", "JAAS_KEY_ID": "bench",
            "JAAS_PRIVATE_KEY": jaas_pem(bits)} for bits in (2048, 4096)},
    }


def prepare(url: str) -> list[tuple[str, str]]:
    """CALLS calls starting in 5 minutes; returns (call id, participant's access token) pairs."""
    migrate.migrate(url, out=lambda _line: None)
    pairs = []
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            users = [auth_users.create_user(conn, f"jitsi-{i}@example.test") for i in range(2 * CALLS)]
            # Setup only: calls placed inside their join window, which clients could never insert.
            conn.execute("set local session_replication_role = replica")
            for host, guest in zip(users[::2], users[1::2]):
                call_id = conn.execute(
                    """insert into public.video_calls (host_id, guest_id, scheduled_at, duration_minutes)
                       values (%s, %s, now() + interval '5 minutes', 60) returning id""",
                    (host.id, guest.id)).fetchone()[0]
                for user in (host, guest):
                    claims = pgrest.user_claims(user.id, user.email)
                    pairs.append((str(call_id), jwt.encode(claims, JWT_SECRET, "HS256")))
    return pairs


def wsgi_post(app: Any, path: str, payload: Any, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request through the WSGI app, with the environ a WSGI server builds for it."""
    body = json.dumps(payload).encode()
    environ = {
        "REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status: list[str] = []
    chunks = app(environ, lambda code, _headers, _exc=None: status.append(code))
    try:
        answer = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return int(status[0].split(" ", 1)[0]), answer


def issued(app: Any, call_id: str, token: str) -> bool:
    """A 200 carrying a room token."""
    status, answer = wsgi_post(app, "/jitsi/token", {"call_id": call_id}, {"Authorization": f"Bearer {token}"})
    return status == 200 and str(json.loads(answer).get("jwt", "")).count(".") == 2


def client_process(url: str, settings: dict[str, str], pairs: list[tuple[str, str]], start: Any,
                   results: Any) -> None:
    from webhook_service import create_app

    # Production logging (INFO: one JSON line per request), written where nobody reads it.
    sys.stdout = open(os.devnull, "w")
    app = create_app({"DB_URL": url, "JWT_SECRET": JWT_SECRET, "DB_POOL_MAX": str(THREADS),
                      "LOG_LEVEL": "INFO", **settings})
    counts = [0] * THREADS
    errors = [0] * THREADS

    def loop(index: int) -> None:
        mine = pairs[index::THREADS]
        start.wait()
        deadline = time.perf_counter() + DURATION
        i = 0
        while time.perf_counter() < deadline:
            if issued(app, *mine[i % len(mine)]):
                counts[index] += 1
            else:
                errors[index] += 1
            i += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(THREADS)]
    cpu = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((sum(counts), sum(errors), time.process_time() - cpu))


def reset_calls(url: str) -> None:
    """Every call back to `scheduled`, so each mode's run starts with CALLS first joins."""
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("set local session_replication_role = replica")  # setup only: past the state machine
        conn.execute("update public.video_calls set status = 'scheduled', started_at = null")


def started_calls(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from public.video_calls where status = 'in_progress'").fetchone()[0]


def end_to_end(url: str, settings: dict[str, str], pairs: list[tuple[str, str]],
               postmaster: int | None) -> tuple[float, int, float, float | None]:
    """Tokens per second, errors, the clients' CPU microseconds per token and the Postgres
    server's (None when it runs elsewhere)."""
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=client_process, args=(url, settings, pairs[p::PROCESSES], start, results))
             for p in range(PROCESSES)]
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every process import and build its app before the clock starts
    server_cpu = _proc.server_cpu_seconds(postmaster) if postmaster else 0.0
    start.set()
    done = [results.get(timeout=DURATION + 60) for _ in procs]
    for proc in procs:
        proc.join(30)  # the pools close: their backends end and are counted below
    tokens = max(sum(ok for ok, _, _ in done), 1)
    server = 1e6 * (_proc.server_cpu_seconds(postmaster) - server_cpu) / tokens if postmaster else None
    return tokens / DURATION, sum(err for _, err, _ in done), 1e6 * sum(cpu for _, _, cpu in done) / tokens, server


def token_requests(pairs: list[tuple[str, str]], port: int, count: int) -> list[bytes]:
    """`count` whole HTTP requests for tokens, cycling through the participants."""
    requests = []
    for i in range(count):
        call_id, token = pairs[i % len(pairs)]
        body = json.dumps({"call_id": call_id}).encode()
        requests.append(
            f"POST /jitsi/token HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
    return requests


def over_http(url: str, settings: dict[str, str], pairs: list[tuple[str, str]], count: int) -> http_load.Phase:
    """`count` token requests to the service under gunicorn, after a warm-up that makes every
    first join."""
    port = http_load.free_port()
    process = http_load.start_service(port, {
        "SUPABASE_DB_URL": url, "SUPABASE_JWT_SECRET": JWT_SECRET, "UGIG_FEATURES": "jitsi",
        "WEB_CONCURRENCY": WEB_CONCURRENCY, "DB_POOL_MAX": str(CONNECTIONS), "LOG_LEVEL": "INFO",
        **{env_name(key): value for key, value in settings.items()},
    })
    try:
        http_load.load(port, token_requests(pairs, port, len(pairs)), 1, CONNECTIONS, process.pid)
        return http_load.load(port, token_requests(pairs, port, count), 1, CONNECTIONS, process.pid, TOKEN)
    finally:
        http_load.stop_service(process)


def sign_for(settings: dict[str, str], seconds: float = 2.0) -> tuple[int, float]:
    """Tokens one process signs in `seconds`, and the CPU seconds it took."""
    if "JAAS_PRIVATE_KEY" in settings:
        issuer: Any = Jaas(settings["JITSI_DOMAIN"], settings["JAAS_APP_ID"], settings["JAAS_KEY_ID"],
                           settings["JAAS_PRIVATE_KEY"])
    else:
        issuer = SelfHosted(settings["JITSI_DOMAIN"], settings["JITSI_APP_ID"], settings["JITSI_APP_SECRET"])
    now = datetime.now(timezone.utc)
    access = CallAccess("ugig-" + uuid.uuid4().hex, "host", now + timedelta(hours=1, minutes=30), str(uuid.uuid4()), "Ada Lovelace")
    count, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds:
        issuer.issue(access, now)
        count += 1
    return count, time.process_time() - cpu


def signing_only(settings: dict[str, str]) -> tuple[float, float]:
    """Token signing alone, one process per core as gunicorn would run: tokens per second and CPU
    microseconds per token (what bounds a core whatever else runs on the machine)."""
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        done = pool.starmap(sign_for, [(settings,)] * PROCESSES)
    tokens = sum(count for count, _ in done)
    return tokens / 2.0, 1e6 * sum(cpu for _, cpu in done) / tokens


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    server = db_url or localdb.start()
    cores = os.cpu_count() or 1
    http_rows, app_rows = [], []
    with scratchdb.scratch_database(server, "ugig_bench_jitsi") as url, _pooler.connections(server, url) as conns:
        pairs = prepare(url)
        postmaster = _proc.postmaster_pid(url)
        direct_url = conns[0][1]
        for name, settings in modes().items():
            reset_calls(url)
            rate, errors, cpu, server_cpu = end_to_end(direct_url, settings, pairs, postmaster)
            app_started = started_calls(url)
            for label, service_url in conns:
                reset_calls(url)
                # About DURATION seconds of requests at the rate the app alone reached, over HTTP.
                http = over_http(service_url, settings, pairs, max(len(pairs), int(rate * DURATION / 1.5)))
                http_started = started_calls(url)
                tokens = http.answers.get("jwt", 0)
                ok = http.rate >= TARGET_PER_SECOND and tokens == http.requests and http_started == CALLS
                verdict = "ok" if ok else "MISSED"
                per_token = (http.client_cpu + http.service_cpu + http.other_cpu) / http.requests
                refused = ", ".join(f"{k} {v}" for k, v in sorted(http.answers.items()) if k != "jwt") or "0"
                where = "" if label == _pooler.DIRECT else f", {label}"
                print(f"{name}{where}: over HTTP {http.rate:,.0f} tokens/s (target: {verdict}; p99 "
                      f"{_report.percentile(http.latencies, 99):.1f} ms; CPU per token: load generator "
                      f"{http.cpu_us(http.client_cpu)} µs, gunicorn {http.cpu_us(http.service_cpu)} µs, rest "
                      f"{http.cpu_us(http.other_cpu)} µs)")
                http_rows.append([
                    name + where, f"{http.rate:,.0f} ({verdict})", refused, f"{http_started}/{CALLS}",
                    f"{_report.percentile(http.latencies, 50):.1f}", f"{_report.percentile(http.latencies, 99):.1f}",
                    http.cpu_us(http.client_cpu), http.cpu_us(http.service_cpu), http.cpu_us(http.other_cpu),
                    f"{cores / per_token:,.0f}"])
            signing, signing_cpu = signing_only(settings)
            print(f"{name}: app alone {rate:,.0f}/s ({cpu:,.0f} µs client CPU per token); "
                  f"signing alone {signing:,.0f}/s ({signing_cpu:,.0f} µs)")
            server_text = f"{server_cpu:,.0f}" if server_cpu is not None else "n/a (remote)"
            ceiling = f"{cores * 1e6 / (cpu + server_cpu):,.0f}" if server_cpu is not None else "n/a"
            app_rows.append([name, f"{rate:,.0f}", str(errors), f"{app_started}/{CALLS}", f"{cpu:,.0f}",
                             server_text, ceiling, f"{signing:,.0f}", f"{signing_cpu:,.0f}"])
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    http_table = _report.markdown_table(
        ["mode", f"tokens/s (≥ {TARGET_PER_SECOND:,})", "answers without a token", "calls started by their first join",
         "p50 ms", "p99 ms", "CPU µs/token: load generator", "gunicorn", "rest (Postgres, other work)",
         f"ceiling of {cores} cores, tokens/s"],
        http_rows)
    app_table = _report.markdown_table(
        ["mode", "tokens/s", "errors", "calls started by their first join", "client CPU per token, µs",
         "Postgres CPU per token, µs", f"ceiling of {cores} cores, tokens/s",
         f"signing alone, {PROCESSES} processes, tokens/s", "signing CPU per token, µs"],
        app_rows)
    _report.replace_section(
        "jitsi",
        "## Jitsi room tokens\n\n"
        f"**Over HTTP, as deployed** (the target's figure): gunicorn (gunicorn.conf.py, {WEB_CONCURRENCY} "
        f"gevent workers, {CONNECTIONS} database connections each, as ugig_service: directly, and through "
        "PgBouncer in transaction mode as through Supabase's pooler, PgBouncer's CPU under rest) on "
        "127.0.0.1, fed by one load-generator "
        f"process over {CONNECTIONS} keep-alive connections; Postgres and the generator on the same "
        f"{cores} cores. {CALLS} calls between {2 * CALLS} users; a warm-up makes every first join, the timed "
        "requests are later joins; an answer counts only as a 200 carrying a token. CPU per token from "
        "/proc; the ceiling is cores ÷ the whole machine's CPU per token. LOG_LEVEL=INFO (one JSON line "
        "per request, to /dev/null). JaaS runs with a 2048-bit key and with a 4096-bit key, the size 8x8 "
        f"documents for JaaS API keys.\n\n{http_table}\n\n"
        f"**The app alone** (no web server): {PROCESSES} processes × {THREADS} threads call the WSGI app in "
        f"process for {DURATION:.0f} s, a fresh environ per request; client CPU is theirs, Postgres CPU the "
        "whole local server's. **Signing alone**: each mode's token builder, one process per core."
        f"\n\n{app_table}\n\nMeasured {stamp} on the development machine "
        f"({cores} cores shared with other work: load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; Postgres on the same host).")
