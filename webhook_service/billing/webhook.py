"""POST /stripe/webhook, served as plain WSGI in front of Flask.

The hottest path of the service (Stripe redelivers whole backlogs after an outage): Flask's
request machinery (contexts, routing, hooks, response objects) cost about as much again as the
work itself, so this one endpoint runs without it. It keeps the service's contract: a request id
on every log line and in X-Request-Id, one `request` line per request, JSON answers, and the
signature checked over the raw body before anything is written.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Callable, Iterable

import psycopg
import psycopg_pool
import stripe
from flask import Flask

from webhook_service import db, logs
from webhook_service.billing import settings, store

PATH = "/stripe/webhook"
# Outcomes Stripe should not redeliver: the event took effect, or never will by redelivery
# (unmatched events are replayed by checkout completion or `ugig-db stripe-reconcile`).
DONE = {"applied", "duplicate", "ignored", "stale", "unmatched"}
# Outcomes after which the event is processed for good (see seen.py).
PROCESSED = {"applied", "duplicate", "ignored", "stale"}
# The answers for each outcome, encoded once.
ANSWERS = {o: json.dumps({"outcome": o, "received": True}, separators=(",", ":")).encode()
           for o in DONE | {"failed"}}

Answer = tuple[int, bytes]
StartResponse = Callable[..., Any]


def _error(status: int, error: str, message: str) -> Answer:
    return status, json.dumps({"error": error, "message": message}, separators=(",", ":")).encode()


class WebhookEndpoint:
    """WSGI middleware: answers POST /stripe/webhook itself, passes every other request on."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, wsgi_env: dict, start_response: StartResponse) -> Iterable[bytes]:
        if wsgi_env.get("PATH_INFO") != PATH:
            return self.wsgi_app(wsgi_env, start_response)
        state = logs.begin_request(wsgi_env.get("HTTP_X_REQUEST_ID", ""))
        try:
            method = wsgi_env.get("REQUEST_METHOD", "")
            headers = [("Content-Type", "application/json"), ("X-Request-Id", state[0])]
            if method != "POST":
                status, body = _error(405, "method_not_allowed", "use POST")
                headers.append(("Allow", "POST"))
            else:
                status, body = self._answer(wsgi_env)
            headers.append(("Content-Length", str(len(body))))
            logs.log_request(self.app.logger, state, method, PATH, status)
            start_response(f"{status} {HTTPStatus(status).phrase}", headers)
            return [body]
        finally:
            logs.end_request(state)

    def _answer(self, wsgi_env: dict) -> Answer:
        try:
            return self._apply(wsgi_env)
        except settings.NotConfigured as exc:
            self.app.logger.error("billing not configured", extra={"fields": {"error": str(exc)}})
            return _error(500, "not_configured", str(exc))
        except Exception:  # the same contract as Flask's handler: logged with the request id, a 500
            self.app.logger.exception("stripe webhook failed")
            return _error(500, "internal_error", "the event was not processed; Stripe will retry")

    def _apply(self, wsgi_env: dict) -> Answer:
        hook = settings.webhook(self.app)
        payload = _body(wsgi_env)  # the raw bytes Stripe signed
        try:
            stripe.WebhookSignature.verify_header(
                payload, wsgi_env.get("HTTP_STRIPE_SIGNATURE"), hook.secret, settings.WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            return _error(400, "bad_signature", str(exc).split(".")[0])
        except UnicodeDecodeError:
            return _error(400, "bad_payload", "the body is not UTF-8")
        try:
            event_id = json.loads(payload).get("id")
        except (ValueError, AttributeError):
            return _error(400, "bad_payload", "not a Stripe event")
        if isinstance(event_id, str) and event_id in hook.seen:
            return 200, ANSWERS["duplicate"]
        try:
            with db.pool(self.app).connection() as conn:
                outcome = store.apply_event(conn, payload, hook.pro_price_ids)
        except psycopg.DataError as exc:  # signed, but not a Stripe event (22xxx from the SQL checks)
            return _error(400, "bad_payload", exc.diag.message_primary or "not a Stripe event")
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            self.app.logger.warning("stripe event not stored", extra={"fields": {"error": repr(exc)}})
            return _error(503, "database_unavailable", "try again later")
        if outcome not in DONE:
            # Recorded as failed with its error; a non-2xx makes Stripe retry it too.
            self.app.logger.error("stripe event failed", extra={"fields": {"outcome": outcome}})
            return 500, ANSWERS["failed"]
        if outcome in PROCESSED and isinstance(event_id, str):
            hook.seen.add(event_id)
        return 200, ANSWERS[outcome]


def _body(wsgi_env: dict) -> bytes:
    """The request body: Content-Length bytes, or everything when the server ended the stream
    (chunked uploads); nothing otherwise (as Werkzeug reads it)."""
    stream = wsgi_env["wsgi.input"]
    try:
        length = int(wsgi_env.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length >= 0:
        return stream.read(length)
    return stream.read() if wsgi_env.get("wsgi.input_terminated") else b""
