"""CPU time from /proc: of given processes, of the whole machine, and of the Postgres server when
it runs on this machine (what each request costs the database, next to the client's own)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def stat(pid: int | str) -> tuple[str, list[str]] | None:
    """A process's command name and the /proc/<pid>/stat fields after it, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    head, _, tail = text.rpartition(")")  # the name may hold spaces and parentheses
    return head.partition("(")[2], tail.split()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (those gone count nothing)."""
    ticks = 0
    for pid in pids:
        found = stat(pid)
        if found is not None:
            ticks += int(found[1][11]) + int(found[1][12])  # utime, stime
    return ticks / TICKS


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine so far, all cores (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / TICKS


def postmaster_pid(url: str) -> int | None:
    """The Postgres server's main process (the parent of our backend), or None when the server
    does not run on this machine."""
    with psycopg.connect(url) as conn:
        backend = conn.execute("select pg_backend_pid()").fetchone()[0]
        own = stat(backend)  # while connected: the backend exits when the connection closes
    if own is None or own[0] != "postgres":
        return None
    parent = stat(own[1][1])
    return int(own[1][1]) if parent is not None and parent[0] == "postgres" else None


def server_cpu_seconds(postmaster: int) -> float:
    """CPU seconds of the Postgres server so far: the processes it runs (backends, WAL writer,
    checkpointer, autovacuum...) and those it has reaped (backends that ended)."""
    own = stat(postmaster)
    if own is None:
        raise RuntimeError(f"the Postgres server (pid {postmaster}) is gone")
    reaped = (int(own[1][13]) + int(own[1][14])) / TICKS  # cutime, cstime
    return reaped + cpu_seconds([postmaster, *children(postmaster)])
