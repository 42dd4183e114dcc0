"""Jitsi room-token throughput: `POST /jitsi/token` end to end, in both modes, and signing alone.

End to end: PROCESSES processes × THREADS threads call the Flask app for CALLS calls between
2 × CALLS users in a scratch database, through WSGI in process: each request gets a fresh WSGI
environ, as gunicorn builds from a parsed HTTP request (no socket or HTTP parsing is measured,
and none of the test client's cookie jar and response wrapping either). Each request verifies
the user's Supabase JWT (HS256), runs the one SQL statement that decides access and marks the
first join, and signs the room token. Every answer must be a 200 carrying a token. Signing alone:
the token builder of each mode, one process per core. Bounded: DURATION seconds per run.
Target: at least 2,000 tokens/s.

JaaS is measured with two key sizes: 2048 bits, and 4096 bits, the size 8x8 documents for JaaS
API keys (an RSA-4096 signature costs about six times an RSA-2048 one). When Postgres runs on this
machine, its CPU per token is reported too: the two together bound what two cores can issue.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
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

from scripts import auth_users, localdb, migrate, pgrest, scratchdb
from scripts.bench import _report, _server_cpu
from webhook_service.jitsi_tokens import CallAccess, Jaas, SelfHosted

CALLS = 200
PROCESSES = 2
THREADS = 4
DURATION = 5.0
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
    server_cpu = _server_cpu.cpu_seconds(postmaster) if postmaster else 0.0
    start.set()
    done = [results.get(timeout=DURATION + 60) for _ in procs]
    for proc in procs:
        proc.join(30)  # the pools close: their backends end and are counted below
    tokens = max(sum(ok for ok, _, _ in done), 1)
    server = 1e6 * (_server_cpu.cpu_seconds(postmaster) - server_cpu) / tokens if postmaster else None
    return tokens / DURATION, sum(err for _, err, _ in done), 1e6 * sum(cpu for _, _, cpu in done) / tokens, server


def sign_for(settings: dict[str, str], seconds: float = 2.0) -> tuple[int, float]:
    """Tokens one process signs in `seconds`, and the CPU seconds it took."""
    if "JAAS_PRIVATE_KEY" in settings:
        issuer: Any = Jaas(settings["JITSI_DOMAIN"], settings["JAAS_APP_ID"], settings["JAAS_KEY_ID"],
                           settings["JAAS_PRIVATE_KEY"])
    else:
        issuer = SelfHosted(settings["JITSI_DOMAIN"], settings["JITSI_APP_ID"], settings["JITSI_APP_SECRET"])
    now = datetime.now(timezone.utc)
    access = CallAccess(str(uuid.uuid4()), "ugig-" + uuid.uuid4().hex, "host", now, now + timedelta(hours=1),
                        str(uuid.uuid4()), "Ada Lovelace")
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
    rows = []
    with scratchdb.scratch_database(server, "ugig_bench_jitsi") as url:
        pairs = prepare(url)
        postmaster = _server_cpu.postmaster_pid(url)
        for name, settings in modes().items():
            reset_calls(url)
            rate, errors, cpu, server_cpu = end_to_end(url, settings, pairs, postmaster)
            started = started_calls(url)
            signing, signing_cpu = signing_only(settings)
            e2e = "ok" if rate >= TARGET_PER_SECOND and errors == 0 and started == CALLS else "MISSED"
            alone = "ok" if signing >= TARGET_PER_SECOND else "MISSED"
            # What the cores could issue if they did nothing else: the bound the rate runs into.
            ceiling = f"{cores * 1e6 / (cpu + server_cpu):,.0f}" if server_cpu is not None else "n/a"
            server_text = f"{server_cpu:,.0f}" if server_cpu is not None else "n/a (remote)"
            print(f"{name}: {rate:,.0f} tokens/s end to end ({errors} errors, {started}/{CALLS} calls started; "
                  f"target: {e2e}), CPU per token {cpu:,.0f} µs client + {server_text} µs Postgres "
                  f"(ceiling {ceiling}/s); signing alone {signing:,.0f}/s ({signing_cpu:,.0f} µs CPU per token; "
                  f"target: {alone})")
            rows.append([name, f"{rate:,.0f} ({e2e})", str(errors), f"{started}/{CALLS}", f"{cpu:,.0f}",
                         server_text, ceiling, f"{signing:,.0f} ({alone})", f"{signing_cpu:,.0f}"])
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = _report.markdown_table(
        ["mode", f"POST /jitsi/token end to end, tokens/s (≥ {TARGET_PER_SECOND})", "errors",
         "calls started by their first join", "client CPU per token, µs", "Postgres CPU per token, µs",
         f"ceiling of {cores} cores, tokens/s",
         f"signing alone, {PROCESSES} processes, tokens/s (≥ {TARGET_PER_SECOND})", "signing CPU per token, µs"],
        rows)
    _report.replace_section(
        "jitsi",
        "## Jitsi room tokens\n\n"
        f"End to end: {PROCESSES} processes × {THREADS} threads through the service's WSGI app in process "
        "(a fresh environ per request as a WSGI server builds it; JWT verification, the access statement "
        f"with first-join marking, signing; every answer a 200 with a token) over {CALLS} calls between "
        f"{2 * CALLS} users, {DURATION:.0f} s per mode, each mode starting with every call `scheduled`. "
        "Client CPU per token is the client processes' CPU time (JWT, psycopg, signing, logging) over "
        "the tokens issued; Postgres CPU per token is the whole local server's (backends and background "
        "processes); the ceiling is what the cores could issue doing nothing else, cores ÷ (client + "
        "Postgres CPU per token). LOG_LEVEL=INFO (one JSON request line each, to /dev/null). JaaS runs "
        "with a 2048-bit key and with a 4096-bit key, the size 8x8 documents for JaaS API keys."
        f"\n\n{table}\n\nMeasured {stamp} on the development machine "
        f"({cores} cores shared with other work: load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; Postgres on the same host).")
