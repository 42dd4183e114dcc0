"""One message to Resend through the official SDK, and what its answer means for the row.

The SDK keeps its configuration in module globals (api key, base URL, HTTP client); `configure`
sets them once per process. Its default client goes through `requests`, which costs more CPU
than the rest of an e-mail (rendering, claiming, recording) together; ours is one keep-alive
`http.client` connection per sending thread.
"""

from __future__ import annotations

import http.client
import json as jsonlib
import ssl
import threading
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

import certifi
import resend
from resend.exceptions import ResendError

from webhook_service.email.render import Message

TIMEOUT_SECONDS = 15

# How a reused keep-alive connection that the server has closed meanwhile fails.
STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class StaleConnection(Exception):
    """A reused connection was found closed: send again on a new one."""


class KeepAliveClient(resend.HTTPClient):
    """resend.HTTPClient over one persistent HTTP(S) connection per thread, to Resend's host only.

    A request that finds its reused connection closed by the server is sent once more on a new
    connection: safe, because every send carries an Idempotency-Key.
    """

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self.local = threading.local()
        # The same trust roots as the SDK's default client (requests uses certifi's bundle).
        self.tls = ssl.create_default_context(cafile=certifi.where())

    def connection(self, url: str) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's connection to the URL's origin, and whether it has served a request."""
        parts = urlsplit(url)
        origin = (parts.scheme, parts.hostname, parts.port)
        held = getattr(self.local, "held", None)
        if held is not None and held[0] == origin:
            return held[1], True
        if held is not None:
            held[1].close()
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout, context=self.tls)
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
        self.local.held = (origin, conn)
        return conn, False

    def request(self, method: str, url: str, headers: Mapping[str, str], json: Any = None,
                files: Any = None, data: Any = None):
        if files is not None or data is not None:
            raise RuntimeError("only JSON requests are supported")  # the worker sends e-mails only
        body = jsonlib.dumps(json).encode() if json is not None else None
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        try:
            return self.exchange(method.upper(), url, headers, body)
        except StaleConnection:
            return self.exchange(method.upper(), url, headers, body)  # on a new connection: final

    def exchange(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None):
        parts = urlsplit(url)
        conn, reused = self.connection(url)
        try:
            conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                         headers=dict(headers))
            response = conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.drop()
            if reused and isinstance(exc, STALE_CONNECTION_ERRORS):
                raise StaleConnection from exc
            # The SDK turns this into ResendError(error_type="HttpClientError").
            raise RuntimeError(f"request failed: {type(exc).__name__}") from exc
        if response.will_close:
            self.drop()
        return content, response.status, response.headers

    def drop(self) -> None:
        held = getattr(self.local, "held", None)
        if held is not None:
            held[1].close()
            self.local.held = None


def configure(api_key: str, api_url: str | None = None) -> None:
    resend.api_key = api_key
    if api_url:
        resend.api_url = api_url.rstrip("/")
    resend.default_http_client = KeepAliveClient()


@dataclass(frozen=True)
class Outcome:
    """sent (with the provider's id), retry (transient; maybe when), or failed (permanent)."""

    status: str
    provider_message_id: str | None = None
    error: str | None = None
    retry_after: float | None = None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None  # an HTTP date: fall back to our own backoff
    return None


def send(message: Message, sender: str, idempotency_key: str, reply_to: str | None = None) -> Outcome:
    params: dict[str, Any] = {
        "from": sender,
        "to": [message.to],
        "subject": message.subject,
        "html": message.html,
        "text": message.text,
        "headers": message.headers,
    }
    if reply_to:
        params["reply_to"] = reply_to
    try:
        response = resend.Emails.send(params, {"idempotency_key": idempotency_key})
    except ResendError as exc:
        return classify(exc)
    return Outcome("sent", provider_message_id=str(response["id"]))


# rule: SVC-EMAIL-RETRY
def classify(exc: ResendError) -> Outcome:
    try:
        code = int(exc.code)
    except (TypeError, ValueError):
        code = 500
    error = f"{code} {exc.error_type}: {exc.message}"[:1000]
    if exc.error_type == "HttpClientError" or code >= 500:
        return Outcome("retry", error=error)  # network failure or Resend-side error
    if code == 429:
        return Outcome("retry", error=error, retry_after=retry_after_seconds(exc.headers))
    if code == 409 and exc.error_type == "concurrent_idempotent_requests":
        return Outcome("retry", error=error)  # another worker's send with this key is in flight
    return Outcome("failed", error=error)  # 4xx: retrying the same request cannot succeed
