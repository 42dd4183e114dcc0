"""JSON logs, one object per line, each carrying the request id, with secrets scrubbed.

The request id lives in a context variable so that the web service (one per HTTP request) and the
e-mail worker (one per batch) tag every line the same way, whichever logger wrote it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
import time
from typing import Any, Iterable, Mapping, TextIO

from webhook_service.config import SECRET_KEYS

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Shapes of credentials that must never be written, whatever their source: JWTs, bearer headers,
# Stripe and Resend keys, webhook secrets, PEM keys, passwords inside connection URLs.
PATTERNS = [
    (re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"), "[redacted-jwt]"),
    (re.compile(r"(?i)(bearer\s+)[^\s\"',]+"), r"\1[redacted]"),
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_\w+"), "[redacted-key]"),
    (re.compile(r"\bwhsec_\w+"), "[redacted-key]"),
    (re.compile(r"\bre_\w{8,}"), "[redacted-key]"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
     "[redacted-private-key]"),
    (re.compile(r"((?:postgres(?:ql)?|https?)://[^:/@\s\"]+:)[^@\s\"]+@"), r"\1[redacted]@"),
]
# Text every pattern above needs: most lines (a request's) have none, and one search is cheaper
# than running each pattern.
CANDIDATE = re.compile(r"eyJ|(?i:bearer)|_(?:live|test)_|whsec_|re_|-----BEGIN|://")


# rule: SVC-LOGS
class Redactor:
    """Removes known secret values and anything shaped like a credential from a line."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.raw: set[str] = set()
        self.secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self.raw |= {s for s in secrets if s and len(s) >= 6}
        # A secret may also appear JSON-escaped (PEM keys contain newlines).
        values = self.raw | {json.dumps(s)[1:-1] for s in self.raw}
        self.secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        if CANDIDATE.search(text):
            for pattern, replacement in PATTERNS:
                text = pattern.sub(replacement, text)
        return text


# Process-wide: every secret any configuration of this process held stays scrubbed, whichever
# handler ends up writing (Flask apps share their logger by name).
redact = Redactor()


def secrets_of(settings: Mapping[str, Any]) -> list[str]:
    return [str(settings[k]) for k in SECRET_KEYS if settings.get(k)]


ENCODE = json.JSONEncoder(default=str).encode  # one encoder, not one per line


class JsonFormatter(logging.Formatter):
    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redact = redactor or redact
        self._stamp = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        second, stamp = self._stamp  # one tuple: threads never see a second with another's text
        if int(record.created) != second:  # the date and time change once a second, not a line
            second = int(record.created)
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._stamp = (second, stamp)
        entry: dict[str, Any] = {
            "ts": f"{stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id.get(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return self.redact(ENCODE(entry))


def configure(settings: Mapping[str, Any], stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records through one JSON handler on stdout (Railway collects it)."""
    redact.add(secrets_of(settings))
    # Records carry nothing the JSON lines do not print: skip finding the caller's frame and
    # reading thread and process names on every call.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.set_name("ugig-json")
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "ugig-json"] + [handler]
    root.setLevel(str(settings.get("LOG_LEVEL", "INFO")).upper())
    return handler


def new_id() -> str:
    return secrets.token_hex(16)  # 32 hex digits, as a uuid4's hex; a third of the cost


RequestState = tuple[str, contextvars.Token, float]  # request id, context variable token, start


def begin_request(incoming: str) -> RequestState:
    """Tag this request's lines with the caller's X-Request-Id (if sane) or a new id."""
    rid = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else new_id()
    return rid, request_id.set(rid), time.perf_counter()


def log_request(logger: logging.Logger, state: RequestState, method: str, path: str, status: int) -> None:
    """The request's line: the path, never the query string (it may carry tokens)."""
    logger.info("request", extra={"fields": {
        "method": method, "path": path, "status": status, "ms": round((time.perf_counter() - state[2]) * 1000, 2),
    }})


def end_request(state: RequestState) -> None:
    request_id.reset(state[1])
