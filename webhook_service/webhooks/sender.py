"""One webhook POST: Standard Webhooks headers, to the checked address, within a total deadline.

TLS goes to the address the SSRF check approved while SNI, certificate verification and the
Host header use the URL's name. No redirect is followed (a 3xx is just a failed attempt), at most
1 KiB of the answer is read, and a watchdog closes the socket when the deadline passes, so a
receiver that trickles bytes cannot hold a delivery longer than the timeout. Connections are kept
for the next delivery to the same receiver when that is safe (webhooks/connections.py).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

from webhook_service.webhooks.addresses import RefusedAddress, Resolver, checked_address
from webhook_service.webhooks.connections import Connections, Receiver

MAX_ANSWER_BYTES = 1024
USER_AGENT = "ugig-webhooks/1"


@dataclass(frozen=True)
class Attempt:
    status_code: int | None  # None: no HTTP answer (refused, unreachable, timed out)
    error: str | None = None


# rule: DELIVERY-SSRF
class _PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, speaking TLS and HTTP for the URL's host name. `connect` never
    looks the name up, so neither a first nor a later use can reach another address."""

    def __init__(self, receiver: Receiver, address: str, context: ssl.SSLContext, timeout: float,
                 session: ssl.SSLSession | None) -> None:
        super().__init__(receiver[0], receiver[1], context=context, timeout=timeout)
        self.receiver = receiver
        self.address = address
        self._ssl_context = context
        self._session = session

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._ssl_context.wrap_socket(self.sock, server_hostname=self.host, session=self._session)


# rule: DELIVERY-SIGNATURE
def signed_headers(secret: str, delivery_id: str, body: bytes, now: datetime | None = None) -> dict[str, str]:
    sent_at = now or datetime.now(timezone.utc)
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, sent_at, body.decode()),
    }


# rule: DELIVERY-HTTP, DELIVERY-SSRF, DELIVERY-REUSE
def post(url: str, secret: str, delivery_id: str, body: bytes, *, resolver: Resolver, context: ssl.SSLContext,
         connections: Connections, timeout: float = 10.0, allow_loopback: bool = False) -> Attempt:
    """POST on an idle connection to the receiver if `connections` has one, else on a new one to
    a freshly checked address; the deadline covers both, and a reused connection the server had
    closed before answering is replaced by a new one once (the receiver drops repeats by id)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Attempt(None, "not an https URL")
    receiver = (parts.hostname, parts.port or 443)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {**signed_headers(secret, delivery_id, body), "Content-Type": "application/json",
               "User-Agent": USER_AGENT}
    deadline = time.monotonic() + timeout
    reused = connections.take(receiver)
    if reused is not None:
        attempt = _exchange(reused, path, body, headers, deadline, timeout, connections)
        if attempt is not None:
            return attempt
    try:
        address = checked_address(receiver[0], receiver[1], resolver, allow_loopback=allow_loopback)
    except RefusedAddress as exc:
        return Attempt(None, str(exc))
    conn = _PinnedConnection(receiver, address, context, timeout, connections.session(receiver, address))
    return (_exchange(conn, path, body, headers, deadline, timeout, connections, new=True)
            or Attempt(None, "closed before answering"))  # None only comes from reused connections


def _exchange(conn: _PinnedConnection, path: str, body: bytes, headers: dict[str, str], deadline: float,
              timeout: float, connections: Connections, *, new: bool = False) -> Attempt | None:
    """One request and answer on `conn` before `deadline`; gives `conn` back to `connections`
    when it can carry the next delivery, else closes it. None: a reused connection was closed
    by the server before any answer (the request may or may not have arrived)."""
    expired = threading.Event()
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _abort, (conn, expired))
    watchdog.start()
    timed_out = Attempt(None, f"timed out after {timeout:g} s")
    reusable = False
    try:
        conn.request("POST", path, body=body, headers=headers)
        sock = conn.sock  # getresponse drops it when the server closes after answering
        answer = conn.getresponse()
        if new and sock is not None:  # TLS 1.3 tickets come before the answer: read by now
            connections.remember_session(conn.receiver, conn.address, sock.session)
        answer.read(MAX_ANSWER_BYTES)  # a receiver's body is never needed beyond a glance
        if expired.is_set():  # the watchdog's shutdown reads as the end of the answer, not as an error
            return timed_out
        # Reusable only if the whole answer was read (within the limit: isclosed) and the server
        # keeps the connection open: anything left unread would be taken for the next answer.
        reusable = answer.isclosed() and not answer.will_close and conn.sock is not None
        return Attempt(answer.status, None if 200 <= answer.status < 300 else f"HTTP {answer.status}")
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            return timed_out
        if not new and isinstance(exc, (ConnectionError, ssl.SSLEOFError)):  # incl. RemoteDisconnected
            return None
        return Attempt(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        watchdog.cancel()
        watchdog.join()  # a watchdog already firing has shut the socket down before we decide
        if reusable and not expired.is_set():
            connections.give(conn)
        else:
            conn.close()


def _abort(conn: http.client.HTTPConnection, expired: threading.Event) -> None:
    """The deadline passed: unblock whatever the sending thread waits for."""
    expired.set()
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
