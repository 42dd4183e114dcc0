"""CPU time the Postgres server spends, when it runs on this machine: what each token, event or
query costs the database, next to the client's own CPU time."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> tuple[str, list[str]] | None:
    """A process's command name and the /proc/<pid>/stat fields after it, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    head, _, tail = text.rpartition(")")
    return head.partition("(")[2], tail.split()


def postmaster_pid(url: str) -> int | None:
    """The server's main process (the parent of our backend), or None when the server does not
    run on this machine."""
    with psycopg.connect(url) as conn:
        backend = conn.execute("select pg_backend_pid()").fetchone()[0]
        own = _stat(backend)
        if own is None or own[0] != "postgres":
            return None
        parent = _stat(own[1][1])
        return int(own[1][1]) if parent is not None and parent[0] == "postgres" else None


def cpu_seconds(postmaster: int) -> float:
    """CPU seconds of the server so far: the postmaster, the processes it reaped (backends that
    ended) and those still running (backends, WAL writer, checkpointer, autovacuum...)."""
    own = _stat(postmaster)
    if own is None:
        raise RuntimeError(f"the Postgres server (pid {postmaster}) is gone")
    ticks = sum(int(v) for v in own[1][11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = _stat(entry.name)
            if child is not None and child[1][1] == str(postmaster):
                ticks += int(child[1][11]) + int(child[1][12])
    return ticks / TICKS
