"""A fake Resend API on loopback, speaking its wire format: `POST /emails` with a JSON body and
`Authorization: Bearer <key>`, `{"id": ...}` on success, errors as
`{"statusCode", "name", "message"}`, 429 with `retry-after`, and Resend's idempotency rules
(same key and body: the first response again, no second e-mail; same key, other body: 409
`invalid_idempotent_request`).

Tests script failures with `state.script` (responses served in order, before normal handling)
and can hold responses (`state.hold`) to kill a worker mid-request.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

from tests.support import loopback

API_KEY = "re_test_fake_key_0123456789"


@dataclass
class Scripted:
    status: int
    name: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False  # a network failure: close without answering


@dataclass
class FakeResendState:
    api_key: str = API_KEY
    delivered: list[dict[str, Any]] = field(default_factory=list)  # accepted e-mails, once each
    requests: list[dict[str, Any]] = field(default_factory=list)  # every POST /emails, in order
    script: list[Scripted] = field(default_factory=list)
    hold: threading.Event | None = None  # when set-able: responses wait until it is set
    received: threading.Event = field(default_factory=threading.Event)
    idempotent: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def keys(self) -> Counter:
        """How many requests carried each Idempotency-Key."""
        with self.lock:
            return Counter(r["idempotency_key"] for r in self.requests)

    def delivered_keys(self) -> Counter:
        with self.lock:
            return Counter(d["idempotency_key"] for d in self.delivered)


def error(status: int, name: str, message: str) -> dict[str, Any]:
    return {"statusCode": status, "name": name, "message": message}


class _Handler(loopback.Handler):
    def do_POST(self) -> None:
        state: FakeResendState = self.state
        raw = self.body()
        key = self.headers.get("Idempotency-Key")
        with state.lock:
            state.requests.append({"idempotency_key": key, "headers": dict(self.headers), "body": raw})
            scripted = state.script.pop(0) if state.script else None
        state.received.set()
        if self.path != "/emails":
            self.send_json(404, error(404, "not_found", "The requested endpoint does not exist."))
            return
        if self.headers.get("Authorization") != f"Bearer {state.api_key}":
            self.send_json(401, error(401, "missing_api_key", "Missing API key in the authorization header."))
            return
        if scripted is not None:
            if scripted.drop_connection:
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.send_json(scripted.status, error(scripted.status, scripted.name, scripted.message), scripted.headers)
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            self.send_json(422, error(422, "validation_error", "Invalid JSON body."))
            return
        missing = [f for f in ("from", "to", "subject") if not payload.get(f)]
        if missing or not (payload.get("html") or payload.get("text")):
            self.send_json(422, error(422, "missing_required_field", f"Missing `{(missing or ['html'])[0]}` field."))
            return
        status, response = self.accept(state, key, raw, payload)
        if state.hold is not None:
            state.hold.wait(timeout=30)
        self.send_json(status, response)

    def accept(self, state: FakeResendState, key: str | None, raw: bytes,
               payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        digest = hashlib.sha256(raw).hexdigest()
        with state.lock:
            if key is not None:
                if key in state.idempotent:
                    first_digest, first_response = state.idempotent[key]
                    if first_digest != digest:
                        return 409, error(409, "invalid_idempotent_request",
                                          "Same idempotency key used with a different request payload.")
                    return 200, first_response
            response = {"id": str(uuid.uuid4())}
            state.delivered.append({"idempotency_key": key, "id": response["id"], "payload": payload,
                                    "headers": dict(self.headers)})
            if key is not None:
                state.idempotent[key] = (digest, response)
        return 200, response


@contextmanager
def fake_resend() -> Iterator[tuple[str, FakeResendState]]:
    """Yields (base_url, state); point the SDK's api_url at base_url."""
    state = FakeResendState()
    with loopback.serve(_Handler, state) as base:
        yield base, state
