"""Who blocks a session: watched from a second connection while a migration waits for locks.

When `lock_timeout` cancels the wait, the blocked statement is gone and its lock request with it,
so what was blocking it must be seen while it waits.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psycopg

POLL_SECONDS = 0.05

_BLOCKERS = """
    select coalesce(w.relation::regclass::text, w.locktype), w.mode, b.pid,
           coalesce(b.usename::text, '?'), coalesce(nullif(b.application_name, ''), '?'),
           coalesce(b.state, '?'), coalesce(round(extract(epoch from now() - b.xact_start))::int, 0),
           left(regexp_replace(coalesce(b.query, ''), '\\s+', ' ', 'g'), 120)
    from pg_locks w
    cross join lateral unnest(pg_blocking_pids(w.pid)) blocker(pid)
    join pg_stat_activity b on b.pid = blocker.pid
    where w.pid = %s and not w.granted
"""


class LockWatch:
    """Polls what blocks `pid` until closed; `describe()` tells the last blockers it saw."""

    def __init__(self, db_url: str, pid: int) -> None:
        self._conn = psycopg.connect(db_url, autocommit=True)
        self._conn.execute("set search_path = ''")  # relations print schema-qualified
        self._pid = pid
        self._seen: list[tuple] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LockWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            try:
                rows = self._conn.execute(_BLOCKERS, (self._pid,)).fetchall()
            except psycopg.Error:
                return
            if rows:
                self._seen = rows

    def describe(self) -> str:
        if not self._seen:
            return "the blocking session had gone before it could be seen"
        return "; ".join(
            f"waiting for {mode} on {target}, held by pid {pid} ({user}, {app}, {state}, "
            f"in its transaction for {age}s: {query!r})"
            for target, mode, pid, user, app, state, age, query in self._seen
        )
