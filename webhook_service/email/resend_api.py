"""One message to Resend through the official SDK, and what its answer means for the row.

The SDK keeps its configuration in module globals (api key, base URL, HTTP client); `configure`
sets them once per process. Its default client opens a new connection per request; ours keeps
one keep-alive session per thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Mapping

import requests
import resend
from resend.exceptions import ResendError

from webhook_service.email.render import Message

TIMEOUT_SECONDS = 15


class SessionClient(resend.HTTPClient):
    """resend.HTTPClient over a per-thread requests.Session (connection reuse)."""

    def __init__(self, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self.local = threading.local()

    def request(self, method: str, url: str, headers: Mapping[str, str], json: Any = None,
                files: Any = None, data: Any = None):
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            # Not reading proxy settings from the environment on every request: that scan costs
            # more CPU than the request itself. The worker talks to Resend directly.
            session.trust_env = False
        try:
            resp = session.request(method, url, headers=headers, json=json if data is None else None,
                                   data=data, files=files, timeout=self.timeout)
        except requests.RequestException as exc:
            # The SDK turns this into ResendError(error_type="HttpClientError").
            raise RuntimeError(f"request failed: {type(exc).__name__}") from exc
        return resp.content, resp.status_code, resp.headers


def configure(api_key: str, api_url: str | None = None) -> None:
    resend.api_key = api_key
    if api_url:
        resend.api_url = api_url.rstrip("/")
    resend.default_http_client = SessionClient()


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
