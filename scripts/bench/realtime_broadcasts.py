"""What database broadcasts cost a message insert, and what they store.

A scratch database on the bench server (BENCH_DB_URL's or the local cluster) gets USERS users in
USERS/2 conversations. Each round, every user sends one message (BODY_CHARS characters) to their
conversation, the way a client does through PostgREST: one transaction per insert on one
connection, `set local role authenticated` and the user's JWT claims, so every trigger runs (rate
limit, inbox, notification, e-mail outbox, and the broadcasts: message_created on the
conversation's topic, and notification_created on the recipient's topic, which carries their inbox
patch). Rounds alternate between the broadcast
triggers on and off (`alter table ... disable trigger`), so both modes see the same load on a
shared machine and the same table sizes; the rate-limit window is cleared between rounds,
outside the timing. Measured per mode, as the median of its rounds: inserts per second, and the
inserting backend's CPU time per insert (read from /proc when the server runs on this machine:
what the triggers cost, whatever else shares the cores). Then the size of realtime.messages
(every partition, its indexes and TOAST) per 1,000 messages sent with broadcasts, beside
public.messages' own. Target: broadcasts cost under 20% of the insert rate.
Knobs: BENCH_REALTIME_USERS (default 400), BENCH_REALTIME_ROUNDS (per mode, default 8).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime, timezone

import psycopg

from ugig_db import auth_users, localdb, migrate, pgrest, scratchdb
from ugig_db.bench import _proc, _report

USERS = int(os.environ.get("BENCH_REALTIME_USERS", "400"))
ROUNDS = int(os.environ.get("BENCH_REALTIME_ROUNDS", "8"))
BODY_CHARS = 80
TARGET_COST = 0.20
# The triggers that broadcast what a message insert changes (functions_sql/34_realtime_broadcasts.sql).
BROADCAST_TRIGGERS = (("public.messages", "broadcast_insert"), ("public.notifications", "broadcast"))
SEND = "insert into public.messages (conversation_id, body) values (%s, %s)"


def prepare(conn: psycopg.Connection) -> list[tuple[str, dict, str]]:
    """Users paired into conversations; returns (conversation id, sender's claims, body) per sender."""
    with conn.transaction():
        users = [auth_users.create_user(conn, f"bench-rt-{i}@example.test") for i in range(USERS)]
    senders = []
    for a, b in zip(users[0::2], users[1::2]):
        claims = {u.id: pgrest.user_claims(u.id, u.email) for u in (a, b)}
        with conn.transaction():
            pgrest.begin_request(conn, "authenticated", claims[a.id])
            cid = str(conn.execute("select public.start_conversation(%s)", (b.id,)).fetchone()[0])
        body = ("how is the migration going? " * 4)[:BODY_CHARS]
        senders += [(cid, claims[a.id], body), (cid, claims[b.id], body)]
    conn.execute("truncate realtime.messages")
    return senders


def set_broadcasts(conn: psycopg.Connection, on: bool) -> None:
    for table, trigger in BROADCAST_TRIGGERS:
        conn.execute(f"alter table {table} {'enable' if on else 'disable'} trigger {trigger}")


def round_of_inserts(conn: psycopg.Connection, senders: list[tuple[str, dict, str]],
                     local: bool) -> tuple[float, float]:
    """One message per sender, one request each: (inserts per second, the backend's CPU µs per
    insert, NaN for a server on another machine). The backend's own CPU time is what the triggers
    cost, whatever else shares the cores."""
    conn.execute("delete from private.rate_limit_events")  # the 30-per-minute window, not measured
    backend = [conn.info.backend_pid]
    cpu = _proc.cpu_seconds(backend)
    started = time.perf_counter()
    for cid, claims, body in senders:
        with conn.transaction():
            pgrest.begin_request(conn, "authenticated", claims)
            conn.execute(SEND, (cid, body))
    wall = time.perf_counter() - started
    cpu = _proc.cpu_seconds(backend) - cpu if local else float("nan")
    return len(senders) / wall, 1e6 * cpu / len(senders)


def sizes(conn: psycopg.Connection) -> tuple[int, int, int]:
    """Bytes of realtime.messages (all partitions) and of public.messages, and broadcast rows."""
    realtime = conn.execute("select sum(pg_total_relation_size(relid)) from pg_partition_tree('realtime.messages')"
                            ).fetchone()[0]
    messages = conn.execute("select pg_total_relation_size('public.messages')").fetchone()[0]
    rows = conn.execute("select count(*) from realtime.messages").fetchone()[0]
    return int(realtime), int(messages), rows


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    server = db_url or localdb.start()
    local = _proc.postmaster_pid(server) is not None
    with scratchdb.scratch_database(server, "ugig_bench_realtime") as url:
        migrate.migrate(url, out=lambda _line: None)
        with psycopg.connect(url, autocommit=True) as conn:
            senders = prepare(conn)
            results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
            for i in range(2 * ROUNDS):
                on = i % 2 == 0
                set_broadcasts(conn, on)
                results[on].append(round_of_inserts(conn, senders, local))
            set_broadcasts(conn, True)
            realtime_bytes, messages_bytes, rows = sizes(conn)
    sent_with = ROUNDS * len(senders)
    rate = {on: statistics.median(r[0] for r in results[on]) for on in results}
    cpu = {on: statistics.median(r[1] for r in results[on]) for on in results}
    cost = 1 - rate[True] / rate[False]
    verdict = "ok" if cost < TARGET_COST else "MISSED"
    per_1000 = 1000 * realtime_bytes / sent_with
    messages_per_1000 = 1000 * messages_bytes / (2 * sent_with)
    lines = [
        f"message inserts, PostgREST-style, {ROUNDS} alternating rounds of {len(senders)} per mode: "
        f"{rate[True]:,.0f}/s with broadcasts, {rate[False]:,.0f}/s without: broadcasts cost {100 * cost:.1f}% "
        f"of the rate (target < {100 * TARGET_COST:.0f}%: {verdict}); the inserting backend's CPU per insert "
        f"{cpu[True]:,.0f} µs with, {cpu[False]:,.0f} µs without (+{100 * (cpu[True] / cpu[False] - 1):.0f}%)",
        f"realtime.messages: {rows / sent_with:.1f} rows per message sent ({realtime_bytes / rows:,.0f} bytes each), "
        f"{per_1000 / 1024:,.0f} KiB per 1,000 "
        f"messages ({BODY_CHARS}-character bodies; table, partitions, indexes and TOAST) — public.messages "
        f"itself: {messages_per_1000 / 1024:,.0f} KiB per 1,000. Realtime drops its daily partitions after "
        "a few days, so this is a few days of traffic, not forever",
    ]
    print("\n".join(lines))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _report.replace_section(
        "realtime", "## Realtime broadcasts (message inserts with and without the broadcast triggers)\n\n"
        + "\n".join(f"- {line}." for line in lines)
        + f"\n\nMeasured {stamp} on the development machine ({os.cpu_count()} cores shared with other work: load "
        f"average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; client and Postgres on the same host; "
        "scratch database, dropped after).")
