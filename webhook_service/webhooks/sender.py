"""One webhook POST: Standard Webhooks headers, to the checked address, within a total deadline.

TLS goes to the address the SSRF check approved while SNI, certificate verification and the
Host header use the URL's name. No redirect is followed (a 3xx is just a failed attempt), at most
1 KiB of the answer is read, and a watchdog closes the socket when the deadline passes, so a
receiver that trickles bytes cannot hold a delivery longer than the timeout.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

from webhook_service.webhooks.addresses import RefusedAddress, Resolver, checked_address

MAX_ANSWER_BYTES = 1024
USER_AGENT = "ugig-webhooks/1"


@dataclass(frozen=True)
class Attempt:
    status_code: int | None  # None: no HTTP answer (refused, unreachable, timed out)
    error: str | None = None


# rule: DELIVERY-SSRF
class _PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to a fixed address, speaking TLS and HTTP for the URL's host name."""

    def __init__(self, host: str, port: int, address: str, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, port, context=context, timeout=timeout)
        self._address = address
        self._ssl_context = context

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._ssl_context.wrap_socket(self.sock, server_hostname=self.host)


# rule: DELIVERY-SIGNATURE
def signed_headers(secret: str, delivery_id: str, body: bytes, now: datetime | None = None) -> dict[str, str]:
    sent_at = now or datetime.now(timezone.utc)
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery_id, sent_at, body.decode()),
    }


# rule: DELIVERY-HTTP, DELIVERY-SSRF
def post(url: str, secret: str, delivery_id: str, body: bytes, *, resolver: Resolver, context: ssl.SSLContext,
         timeout: float = 10.0, allow_loopback: bool = False) -> Attempt:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Attempt(None, "not an https URL")
    port = parts.port or 443
    try:
        address = checked_address(parts.hostname, port, resolver, allow_loopback=allow_loopback)
    except RefusedAddress as exc:
        return Attempt(None, str(exc))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {**signed_headers(secret, delivery_id, body), "Content-Type": "application/json",
               "User-Agent": USER_AGENT, "Connection": "close"}
    conn = _PinnedConnection(parts.hostname, port, address, context, timeout)
    expired = threading.Event()
    watchdog = threading.Timer(timeout, _abort, (conn, expired))
    watchdog.start()
    timed_out = Attempt(None, f"timed out after {timeout:g} s")
    try:
        conn.request("POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read(MAX_ANSWER_BYTES)  # a receiver's body is never needed beyond a glance
        if expired.is_set():  # the watchdog's shutdown reads as the end of the answer, not as an error
            return timed_out
        return Attempt(answer.status, None if 200 <= answer.status < 300 else f"HTTP {answer.status}")
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            return timed_out
        return Attempt(None, f"{type(exc).__name__}: {exc}"[:500])
    finally:
        watchdog.cancel()
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
