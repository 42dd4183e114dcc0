"""Idle keep-alive connections to webhook receivers, for the next delivery to the same receiver.

A new TLS connection per delivery cost the worker more CPU than everything else it does (the
handshake alone ~1.2 ms of ~2.7 ms per delivery). The sender hands a connection back here only
when its answer was read completely within the 1 KiB limit and the server did not ask to close;
each connection stays pinned to the address the SSRF check approved when it was opened, so a
reused one needs no new lookup. Bounded: at most PER_RECEIVER idle per receiver, TOTAL in all,
each closed after IDLE_SECONDS (below the 5 s keep-alive timeout common servers use, so an idle
connection is rarely closed by the server just as a delivery reuses it). New connections to a
receiver resume its last TLS session, which skips the certificate chain's verification.
"""

from __future__ import annotations

import select
import ssl
import threading
import time
from collections import deque
from typing import Protocol

PER_RECEIVER = 4  # the database's claim keeps at most 4 deliveries per webhook in flight
TOTAL = 256
IDLE_SECONDS = 4.0

# (host, port): the URL's name and port. Idle connections are found by it, before any lookup.
Receiver = tuple[str, int]


class Pinned(Protocol):
    """What the pool needs of a connection: the receiver it speaks to and the address it reached."""

    receiver: Receiver
    address: str
    sock: ssl.SSLSocket | None

    def close(self) -> None: ...


# rule: DELIVERY-REUSE
class Connections:
    """Thread-safe: every delivery thread of a worker takes from and gives back to one pool. The
    TLS sessions it remembers belong to the SSL context that made them: one pool per context."""

    def __init__(self, *, per_receiver: int = PER_RECEIVER, total: int = TOTAL,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.per_receiver, self.total, self.idle_seconds = per_receiver, total, idle_seconds
        self._idle: dict[Receiver, deque[tuple[Pinned, float]]] = {}
        self._count = 0
        self._sessions: dict[tuple[str, int, str], ssl.SSLSession] = {}
        self._lock = threading.Lock()

    def take(self, receiver: Receiver) -> Pinned | None:
        """The most recently used idle connection to `receiver` that the server has not closed."""
        stale = []
        found = None
        with self._lock:
            idle = self._idle.get(receiver)
            while idle and found is None:
                conn, since = idle.pop()
                self._count -= 1
                if time.monotonic() - since < self.idle_seconds and _quiet(conn.sock):
                    found = conn
                else:
                    stale.append(conn)
            if idle is not None and not idle:
                del self._idle[receiver]
        for conn in stale:
            conn.close()
        return found

    def give(self, conn: Pinned) -> None:
        """Keep `conn` for the next delivery to its receiver (or close it, if the pool is full)."""
        self.sweep()
        with self._lock:
            idle = self._idle.setdefault(conn.receiver, deque())
            if len(idle) < self.per_receiver and self._count < self.total:
                idle.append((conn, time.monotonic()))
                self._count += 1
                return
        conn.close()

    def session(self, receiver: Receiver, address: str) -> ssl.SSLSession | None:
        with self._lock:
            return self._sessions.get((*receiver, address))

    def remember_session(self, receiver: Receiver, address: str, session: ssl.SSLSession | None) -> None:
        if session is not None:
            with self._lock:
                self._sessions[(*receiver, address)] = session

    def sweep(self) -> None:
        """Close the connections idle for longer than idle_seconds."""
        cutoff = time.monotonic() - self.idle_seconds
        expired = []
        with self._lock:
            for receiver in list(self._idle):
                idle = self._idle[receiver]
                while idle and idle[0][1] < cutoff:  # oldest first
                    expired.append(idle.popleft()[0])
                    self._count -= 1
                if not idle:
                    del self._idle[receiver]
            if len(self._sessions) > self.total:  # sessions of receivers long gone
                self._sessions.clear()
        for conn in expired:
            conn.close()

    def close(self) -> None:
        with self._lock:
            idle = [conn for queue in self._idle.values() for conn, _ in queue]
            self._idle.clear()
            self._count = 0
        for conn in idle:
            conn.close()


def _quiet(sock: ssl.SSLSocket | None) -> bool:
    """An idle connection has nothing to read: readable means the server closed it (or sent
    something unasked), and either way the next answer could not be trusted to be ours."""
    if sock is None or sock.pending():
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    return not poller.poll(0)

