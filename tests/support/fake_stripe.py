"""A fake Stripe API on loopback that the real `stripe` SDK talks to.

Speaks Stripe's wire format for what ugig uses: form-encoded request bodies with bracketed
nested keys (`metadata[user_id]=…`, `line_items[0][price]=…`), JSON objects shaped like Stripe's
own examples (tests/support/stripe_fixtures.json), Bearer secret keys, the error envelope
(`{"error": {"type", "code", "message", "param"}}`) and Idempotency-Key semantics: a key replays
its first response (`Idempotent-Replayed: true`), a key reused with other parameters is a 400
`idempotency_error`, and a key whose first request is still running answers 409 (the SDK
retries those). Endpoints: customers (create, retrieve), checkout sessions, billing portal
sessions, subscriptions (retrieve; tests put subscriptions in the fake's state).
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl

from tests.support import loopback

FIXTURES = json.loads((Path(__file__).with_name("stripe_fixtures.json")).read_text())["resources"]


def fixture(resource: str) -> dict[str, Any]:
    """A deep copy of Stripe's example object for `resource` (e.g. 'subscription')."""
    return copy.deepcopy(FIXTURES[resource])


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding back to nested dicts/lists: a[b][0][c]=v -> {'a': {'b': [{'c': v}]}}."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, nxt in zip(parts, parts[1:]):
            child_default: Any = [] if nxt.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(copy.copy(child_default))
                node = node[index]
            else:
                node = node.setdefault(part, child_default)
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value
    return root


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.status, self.type, self.message, self.code, self.param = status, type_, message, code, param

    def envelope(self) -> dict[str, Any]:
        error = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


@dataclass
class StripeState:
    api_key: str = "sk_test_ugig_fake"
    customers: dict[str, dict] = field(default_factory=dict)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    checkout_sessions: dict[str, dict] = field(default_factory=dict)
    portal_sessions: dict[str, dict] = field(default_factory=dict)
    # (method, path, idempotency key, params) of every request, in arrival order.
    requests: list[tuple[str, str, str | None, dict]] = field(default_factory=list)
    versions: list[str | None] = field(default_factory=list)  # Stripe-Version header of each request
    create_delay: float = 0.0  # seconds a create takes: lets tests overlap concurrent requests
    fail_next: list[int] = field(default_factory=list)  # statuses to answer the next requests with
    lock: threading.Lock = field(default_factory=threading.Lock)
    _idempotency: dict[str, dict] = field(default_factory=dict)

    def calls(self, method: str, path: str) -> list[tuple[str, str, str | None, dict]]:
        return [r for r in self.requests if r[0] == method and r[1] == path]


class _Handler(loopback.Handler):
    def do_GET(self) -> None:
        self._dispatch("GET", {})

    def do_POST(self) -> None:
        self._dispatch("POST", decode_form(self.body().decode()))

    def _dispatch(self, method: str, params: dict[str, Any]) -> None:
        state: StripeState = self.state
        key = self.headers.get("Idempotency-Key")
        request_id = new_id("req")
        try:
            if self.headers.get("Authorization") != f"Bearer {state.api_key}":
                raise StripeError(401, "invalid_request_error", "Invalid API Key provided.")
            with state.lock:
                state.requests.append((method, self.path, key, params))
                state.versions.append(self.headers.get("Stripe-Version"))
                injected = state.fail_next.pop(0) if state.fail_next else None
            if injected:
                raise StripeError(injected, "api_error", "Injected failure.")
            if method == "POST" and key:
                status, body, replayed = self._idempotent(key, params)
            else:
                status, body, replayed = 200, self._route(method, params), False
        except StripeError as exc:
            self.send_json(exc.status, exc.envelope(), {"Request-Id": request_id})
            return
        headers = {"Request-Id": request_id, "Stripe-Version": self.headers.get("Stripe-Version", "")}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        self.send_json(status, body, headers)

    def _idempotent(self, key: str, params: dict[str, Any]) -> tuple[int, Any, bool]:
        state: StripeState = self.state
        fingerprint = (self.path, json.dumps(params, sort_keys=True))
        with state.lock:
            entry = state._idempotency.get(key)
            if entry is None:
                entry = state._idempotency[key] = {"fingerprint": fingerprint, "done": False}
                first = True
            else:
                first = False
        if not first:
            if entry["fingerprint"] != fingerprint:
                raise StripeError(400, "idempotency_error",
                                  f"Keys for idempotent requests can only be used with the same parameters they "
                                  f"were first used with. Try using a key other than '{key}' if you meant to "
                                  f"execute a different request.")
            if not entry["done"]:
                raise StripeError(409, "idempotency_error",
                                  "There is currently another in-progress request using this Idempotent Key "
                                  "(that probably means you submitted twice, and the other request is still "
                                  "going through): " + key + ". Please try again later.")
            return entry["status"], entry["body"], True
        try:
            body = self._route("POST", params)
            status = 200
        except StripeError as exc:
            if exc.status >= 500:  # Stripe does not save 5xx results: the key may be retried
                with state.lock:
                    state._idempotency.pop(key, None)
                raise
            status, body = exc.status, exc.envelope()
        with state.lock:
            entry.update(status=status, body=body, done=True)
        if status != 200:
            raise StripeError(status, body["error"]["type"], body["error"]["message"],
                              body["error"].get("code"), body["error"].get("param"))
        return status, body, False

    def _route(self, method: str, params: dict[str, Any]) -> Any:
        path = self.path.split("?", 1)[0]
        state: StripeState = self.state
        if method == "POST" and path == "/v1/customers":
            return self._create_customer(params)
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_checkout_session(params)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return self._create_portal_session(params)
        match = re.fullmatch(r"/v1/(customers|subscriptions)/([^/]+)", path)
        if method == "GET" and match:
            store = state.customers if match[1] == "customers" else state.subscriptions
            with state.lock:
                obj = store.get(match[2])
            if obj is None:
                raise StripeError(404, "invalid_request_error", f"No such {match[1][:-1]}: '{match[2]}'",
                                  code="resource_missing", param="id")
            return obj
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _customer(self, params: dict[str, Any]) -> str:
        customer = params.get("customer")
        if not customer:
            raise StripeError(400, "invalid_request_error", "Missing required param: customer.",
                              code="parameter_missing", param="customer")
        with self.state.lock:
            if customer not in self.state.customers:
                raise StripeError(400, "invalid_request_error", f"No such customer: '{customer}'",
                                  code="resource_missing", param="customer")
        return customer

    def _create_customer(self, params: dict[str, Any]) -> dict:
        time.sleep(self.state.create_delay)
        obj = fixture("customer")
        obj.update(id=new_id("cus"), created=int(time.time()), email=params.get("email"),
                   name=params.get("name"), metadata=params.get("metadata", {}), discount=None)
        with self.state.lock:
            self.state.customers[obj["id"]] = obj
        return obj

    def _create_checkout_session(self, params: dict[str, Any]) -> dict:
        customer = self._customer(params)
        for required in ("mode", "success_url"):
            if not params.get(required):
                raise StripeError(400, "invalid_request_error", f"Missing required param: {required}.",
                                  code="parameter_missing", param=required)
        items = params.get("line_items") or []
        if params["mode"] == "subscription" and not (items and items[0].get("price")):
            raise StripeError(400, "invalid_request_error", "You must provide at least one recurring price "
                              "in `subscription` mode when using prices.", param="line_items")
        time.sleep(self.state.create_delay)
        obj = fixture("checkout.session")
        sid = "cs_test_" + secrets.token_urlsafe(40).replace("-", "a").replace("_", "b")
        obj.update(
            id=sid, created=int(time.time()), expires_at=int(time.time()) + 86400, customer=customer,
            mode=params["mode"], success_url=params["success_url"], cancel_url=params.get("cancel_url"),
            client_reference_id=params.get("client_reference_id"), metadata=params.get("metadata", {}),
            payment_intent=None, status="open", url=f"https://checkout.stripe.com/c/pay/{sid}",
        )
        obj["_line_items"] = items  # not part of Stripe's object; lets tests read what was asked
        obj["_subscription_data"] = params.get("subscription_data", {})
        with self.state.lock:
            self.state.checkout_sessions[sid] = obj
        return obj

    def _create_portal_session(self, params: dict[str, Any]) -> dict:
        customer = self._customer(params)
        obj = fixture("billing_portal.session")
        pid = new_id("bps")
        obj.update(id=pid, created=int(time.time()), customer=customer, livemode=False, flow=None,
                   return_url=params.get("return_url"),
                   url=f"https://billing.stripe.com/p/session/test_{secrets.token_hex(16)}")
        with self.state.lock:
            self.state.portal_sessions[pid] = obj
        return obj


@contextmanager
def fake_stripe(state: StripeState | None = None) -> Iterator[tuple[str, StripeState]]:
    """Yields (api_base, state)."""
    state = state or StripeState()
    with loopback.serve(_Handler, state) as base:
        yield base, state
