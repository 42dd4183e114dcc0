"""Webhook deliveries: how many per second N delivery workers send to a local receiver, and, with
one receiver hanging, how late deliveries to the healthy receivers are. Targets: at least 500
deliveries/s; with a hanging receiver, the p99 delay of healthy deliveries at most 2 s.

The workers are the service's (webhook_service/webhooks/worker.py, settings as deployed: 32
deliveries in flight each, batches of 50, 10 s timeout, 1 s idle poll), each in its own process,
connecting as ugig_service directly and through PgBouncer in transaction mode. Every host name
resolves to 127.0.0.1 (the worker's resolver, with loopback allowed as in the tests), where one
receiver process serves HTTPS with a throwaway CA (tests/support/webhook_receiver.py): `/ok`
answers 204 at once, `/hang` never answers, so its deliveries end at the worker's 10 s timeout.
Each webhook has its own host name, so the worker treats the 20 as 20 receivers: it keeps up to 4
idle keep-alive connections to each (webhooks/connections.py) and resumes TLS sessions for new ones.

Throughput: DELIVERIES deliveries to HEALTHY webhooks are enqueued at once (as the notification
triggers enqueue them, private.enqueue_webhook_deliveries) while the workers wait; the rate is
deliveries ÷ the time between the first and the last delivery. CPU per delivery is read from
/proc for the workers, the receiver and Postgres; their sum bounds what the cores can send (the
ceiling, cores ÷ CPU per delivery).

Hanging receiver: events arrive for HANG_SECONDS at HANG_LOAD of the rate HANG_WORKERS workers
reached (at most half the target), one in ten for the owner of a webhook whose receiver hangs;
delay = delivered_at − the delivery's due time (its created_at, the first attempt being due at
once), both Postgres' clock.
"""

from __future__ import annotations

import multiprocessing
import os
import ssl
import sys
import time
from datetime import datetime, timezone
from typing import Any

import psycopg

from ugig_db import auth_users, localdb, migrate, pgrest, scratchdb
from ugig_db.bench import _pooler, _proc, _report
from tests.support.webhook_receiver import ReceiverState, Tls, receiver, tls_files

HEALTHY = 20  # receivers' webhooks (at most 4 deliveries per webhook are in flight)
DELIVERIES = 4000
WORKERS = (1, 2, 4)
HANG_WORKERS = 2
# Events arrive at this share of the rate HANG_WORKERS workers reached (at most the target's half):
# the delay then measures the hanging receiver's effect, not a queue the workers cannot keep up with.
HANG_LOAD = 0.5
HANG_SECONDS = 20.0
TARGET_PER_SECOND = 500
TARGET_P99_DELAY_S = 2.0
ENQUEUE_SQL = """select private.enqueue_webhook_deliveries(u.id, 'application_received',
                                                          jsonb_build_object('application_id', gen_random_uuid()))
                 from unnest(%s::uuid[]) as u (id), generate_series(1, %s)"""


def prepare(url: str, port: int) -> tuple[list[str], str]:
    """HEALTHY owners with one webhook each to `/ok`, and one whose webhook goes to `/hang`,
    created as their owners would (create_webhook); returns (healthy owner ids, hanging owner id)."""
    migrate.migrate(url, out=lambda _line: None)
    owners = []
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        for i in range(HEALTHY + 1):
            user = auth_users.create_user(conn, f"hooks-{i}@example.test", user_metadata={"account_type": "agent"})
            path = "hang" if i == HEALTHY else "ok"
            with pgrest.acting(conn, "authenticated", pgrest.user_claims(user.id, user.email)):
                conn.execute("select public.create_webhook(%s, array['application.received'])",
                             (f"https://receiver-{i}.example.com:{port}/{path}",))
            owners.append(user.id)
    return owners[:HEALTHY], owners[HEALTHY]


def receiver_process(tls: Tls, ports: Any, stop: Any) -> None:
    """The receivers: one HTTPS server for every webhook, until `stop`."""
    with receiver(tls, ReceiverState(hang_seconds=3600)) as port:
        ports.put(port)
        stop.wait()


def worker_process(url: str, ca_file: str, stop: Any) -> None:
    """One delivery worker, as `ugig-webhook-worker` runs it, with every name resolving to loopback."""
    from webhook_service.webhooks.worker import Settings, Worker

    sys.stderr = open(os.devnull, "w")  # the hung deliveries' warnings
    worker = Worker(Settings(db_url=url, allow_loopback=True), resolver=lambda _host, _port: ["127.0.0.1"],
                    context=ssl.create_default_context(cafile=ca_file))
    try:
        worker.run(stop)  # a multiprocessing Event, set by the bench
    finally:
        worker.close()


class Workers:
    """N worker processes, started and ready before the clock starts."""

    def __init__(self, count: int, url: str, ca_file: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.stop = ctx.Event()
        self.procs = [ctx.Process(target=worker_process, args=(url, ca_file, self.stop)) for _ in range(count)]
        for proc in self.procs:
            proc.start()
        time.sleep(2 + count)  # imports and the first (empty) claim

    def cpu(self) -> float:
        return _proc.cpu_seconds([p.pid for p in self.procs if p.pid is not None])

    def close(self) -> None:
        self.stop.set()
        for proc in self.procs:
            proc.join(15)  # a hung delivery ends at its 10 s timeout
            if proc.is_alive():
                proc.terminate()


def clear(conn: psycopg.Connection) -> None:
    conn.execute("delete from public.webhook_deliveries")


def wait_delivered(conn: psycopg.Connection, owners: list[str], count: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = conn.execute("select count(*) from public.webhook_deliveries where status = 'succeeded' "
                            "and user_id = any(%s::uuid[])", (owners,)).fetchone()[0]
        if done >= count:
            return
        time.sleep(0.2)
    raise RuntimeError(f"only {done} of {count} deliveries succeeded in {seconds:g} s")


class Cpu:
    """CPU seconds of the workers, the receiver and Postgres since creation."""

    def __init__(self, workers: Workers, receiver_pid: int, postmaster: int | None) -> None:
        self.workers, self.receiver_pid, self.postmaster = workers, receiver_pid, postmaster
        self.start = self.now()

    def now(self) -> tuple[float, float, float]:
        server = _proc.server_cpu_seconds(self.postmaster) if self.postmaster else 0.0
        return self.workers.cpu(), _proc.cpu_seconds([self.receiver_pid]), server

    def used(self) -> tuple[float, float, float]:
        return tuple(after - before for after, before in zip(self.now(), self.start))  # type: ignore[return-value]


def throughput(conn: psycopg.Connection, url: str, ca_file: str, count: int, owners: list[str],
               receiver_pid: int, postmaster: int | None) -> tuple[float, tuple[float, float, float]]:
    """Deliveries per second with `count` workers, and CPU µs per delivery (workers, receiver, Postgres)."""
    clear(conn)
    workers = Workers(count, url, ca_file)
    try:
        cpu = Cpu(workers, receiver_pid, postmaster)
        conn.execute(ENQUEUE_SQL, (owners, DELIVERIES // len(owners)))
        wait_delivered(conn, owners, DELIVERIES)
        used = cpu.used()
    finally:
        workers.close()
    first, last = conn.execute("select min(delivered_at), max(delivered_at) from public.webhook_deliveries").fetchone()
    rate = (DELIVERIES - 1) / max((last - first).total_seconds(), 1e-3)
    return rate, tuple(1e6 * c / DELIVERIES for c in used)  # type: ignore[return-value]


def with_a_hanging_receiver(conn: psycopg.Connection, url: str, ca_file: str, owners: list[str],
                            hanging: str, rate: int) -> tuple[list[float], int, int]:
    """Delays (s) of the healthy deliveries while one receiver hangs, events arriving at `rate`
    deliveries/s; healthy and hung counts."""
    clear(conn)
    workers = Workers(HANG_WORKERS, url, ca_file)
    try:
        ticks = int(HANG_SECONDS * 10)
        per_tick = rate // 10  # one in ten of each tick's events to the hanging receiver
        started = time.monotonic()
        for tick in range(ticks):
            # Nine in ten events for healthy receivers (round-robin), one in ten for the hanging one.
            batch = [owners[(tick * per_tick + i) % len(owners)] for i in range(per_tick - per_tick // 10)]
            conn.execute(ENQUEUE_SQL, (batch + [hanging] * (per_tick // 10), 1))
            time.sleep(max(0.0, started + (tick + 1) / 10 - time.monotonic()))
        healthy = ticks * (per_tick - per_tick // 10)
        wait_delivered(conn, owners, healthy)
        delays = [r[0] for r in conn.execute(
            """select extract(epoch from delivered_at - created_at)::float8 from public.webhook_deliveries
               where status = 'succeeded' and user_id = any(%s::uuid[])""", (owners,))]
        hung = conn.execute("select count(*) from public.webhook_deliveries where user_id = %s and attempts > 0",
                            (hanging,)).fetchone()[0]
    finally:
        workers.close()
    return delays, healthy, hung


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    server = db_url or localdb.start()
    cores = os.cpu_count() or 1
    rows, hang_rows = [], []
    ctx = multiprocessing.get_context("spawn")
    with tls_files() as tls, scratchdb.scratch_database(server, "ugig_bench_webhooks") as url, \
            _pooler.connections(server, url) as conns, psycopg.connect(url, autocommit=True) as conn:
        ports, stop = ctx.Queue(), ctx.Event()
        receiving = ctx.Process(target=receiver_process, args=(tls, ports, stop))
        receiving.start()
        try:
            owners, hanging = prepare(url, ports.get(timeout=30))
            postmaster = _proc.postmaster_pid(url)
            for label, service_url in conns:
                where = "" if label == _pooler.DIRECT else f", {label}"
                rates = {}
                for count in WORKERS:
                    rate, (workers_us, receiver_us, server_us) = throughput(
                        conn, service_url, tls.ca_file, count, owners, receiving.pid, postmaster)
                    rates[count] = rate
                    verdict = "ok" if rate >= TARGET_PER_SECOND else "MISSED"
                    total = workers_us + receiver_us + server_us
                    print(f"{count} worker(s){where}: {rate:,.0f} deliveries/s (target: {verdict}; CPU per delivery: "
                          f"workers {workers_us:,.0f} µs, receiver {receiver_us:,.0f} µs, Postgres "
                          f"{server_us:,.0f} µs)", flush=True)
                    rows.append([f"{count}{where}", f"{rate:,.0f} ({verdict})", f"{workers_us:,.0f}",
                                 f"{receiver_us:,.0f}", f"{server_us:,.0f}" if postmaster else "n/a (remote)",
                                 f"{cores * 1e6 / total:,.0f}"])
                offered = max(100, int(min(TARGET_PER_SECOND / 2, rates[HANG_WORKERS] * HANG_LOAD)) // 100 * 100)
                delays, healthy, hung = with_a_hanging_receiver(conn, service_url, tls.ca_file, owners, hanging,
                                                                offered)
                p50, p99 = _report.percentile(delays, 50), _report.percentile(delays, 99)
                verdict = "ok" if p99 <= TARGET_P99_DELAY_S and len(delays) == healthy else "MISSED"
                print(f"hanging receiver{where}, {offered} events/s: p99 delay {p99:.2f} s (target: {verdict}; "
                      f"p50 {p50:.2f} s, max {max(delays):.2f} s; {hung} hung attempts)", flush=True)
                hang_rows.append([f"{HANG_WORKERS}{where}", str(offered), f"{len(delays):,}/{healthy:,}", f"{p50:.2f}",
                                  f"{p99:.2f} ({verdict})", f"{max(delays):.2f}", str(hung)])
        finally:
            stop.set()
            receiving.join(10)
            if receiving.is_alive():
                receiving.terminate()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    table = _report.markdown_table(
        ["workers", f"deliveries/s (≥ {TARGET_PER_SECOND})", "CPU µs/delivery: workers", "receiver", "Postgres",
         f"ceiling of {cores} cores, deliveries/s"], rows)
    hang_table = _report.markdown_table(
        ["workers", "events/s offered", "healthy deliveries sent", "p50 delay, s",
         f"p99 delay, s (≤ {TARGET_P99_DELAY_S:g})", "max delay, s", "attempts to the hanging receiver"], hang_rows)
    _report.replace_section(
        "webhooks",
        "## Webhook deliveries\n\n"
        "The delivery workers of webhook_service/webhooks/worker.py (settings as deployed: 32 deliveries in "
        "flight each, batches of 50, 10 s timeout, 1 s idle poll), one process each, as ugig_service "
        "(directly, and through PgBouncer in transaction mode), sending Standard Webhooks over HTTPS (keep-alive "
        "connections kept per receiver host, TLS sessions resumed) to one local receiver process (tests/support/webhook_receiver.py, "
        f"Python's threading HTTP server) on the same {cores} cores as Postgres and the workers.\n\n"
        f"**Throughput**: {DELIVERIES:,} deliveries to {HEALTHY} webhooks enqueued at once; the rate is "
        "deliveries ÷ the time from the first delivery to the last. CPU per delivery from /proc; the ceiling "
        f"is cores ÷ the sum.\n\n{table}\n\n"
        f"**One receiver hanging**: events for {HANG_SECONDS:g} s at {HANG_LOAD:.0%} of the rate the same number "
        f"of workers reached above, in hundreds (at least 100/s, at most {TARGET_PER_SECOND // 2}/s), one in ten to a "
        "webhook whose receiver never answers (each attempt ends at the 10 s timeout; at most 4 are in flight "
        "per webhook, the database's claim enforces it); delay = delivered_at − due time (created_at), "
        f"Postgres' clock.\n\n{hang_table}\n\n"
        f"Measured {stamp} on the development machine ({cores} cores shared with other work: load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after).")
