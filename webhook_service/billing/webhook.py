"""POST /stripe/webhook, one of the plain WSGI endpoints (webhook_service/plain.py).

The signature is checked over the raw body before anything is written; what the event means is
decided by SQL (store.apply_event); the answer tells Stripe whether to deliver it again.
"""

from __future__ import annotations

import json

import psycopg
import psycopg_pool
import stripe
from flask import Flask

from webhook_service import db, plain
from webhook_service.billing import settings, store
from webhook_service.plain import Answer

PATH = "/stripe/webhook"
FAILURE = "the event was not processed; Stripe will retry"
# Read before the signature can be checked, so capped: events are kilobytes, the largest
# (invoices with many lines) well under a megabyte.
MAX_BODY = 4 * 1024 * 1024
# Outcomes Stripe should not redeliver: the event took effect, or never will by redelivery
# (unmatched events are replayed by checkout completion or `ugig-db stripe-reconcile`).
DONE = {"applied", "duplicate", "ignored", "stale", "unmatched"}
# The answers for each outcome, encoded once.
ANSWERS = {o: plain.encode({"outcome": o, "received": True}) for o in DONE | {"failed"}}


# rule: SVC-STRIPE-SIGNATURE, SVC-STRIPE-RETRYABLE
class WebhookEndpoint:
    """Verifies, stores and applies one Stripe event per request."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, wsgi_env: dict) -> Answer:
        try:
            return self._apply(wsgi_env)
        except settings.NotConfigured as exc:
            self.app.logger.error("billing not configured", extra={"fields": {"error": str(exc)}})
            return plain.error(500, "not_configured", str(exc))

    def _apply(self, wsgi_env: dict) -> Answer:
        hook = settings.webhook(self.app)
        payload = plain.body(wsgi_env, MAX_BODY)  # the raw bytes Stripe signed
        try:
            stripe.WebhookSignature.verify_header(
                payload, wsgi_env.get("HTTP_STRIPE_SIGNATURE"), hook.secret, settings.WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            return plain.error(400, "bad_signature", str(exc).split(".")[0])
        except UnicodeDecodeError:
            return plain.error(400, "bad_payload", "the body is not UTF-8")
        try:
            event_id = json.loads(payload).get("id")
        except (ValueError, AttributeError):
            return plain.error(400, "bad_payload", "not a Stripe event")
        if isinstance(event_id, str) and event_id in hook.seen:
            return Answer(200, ANSWERS["duplicate"])
        try:
            with db.pool(self.app).connection() as conn:
                applied = store.apply_event(conn, payload, hook.pro_price_ids)
        except psycopg.DataError as exc:  # signed, but not a Stripe event (22xxx from the SQL checks)
            return plain.error(400, "bad_payload", exc.diag.message_primary or "not a Stripe event")
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            self.app.logger.warning("stripe event not stored", extra={"fields": {"error": repr(exc)}})
            return plain.error(503, "database_unavailable", "try again later")
        if applied.outcome not in DONE:
            # Recorded as failed with its error; a non-2xx makes Stripe retry it too.
            self.app.logger.error("stripe event failed", extra={"fields": {"outcome": applied.outcome}})
            return Answer(500, ANSWERS["failed"])
        if applied.processed and isinstance(event_id, str):
            hook.seen.add(event_id)  # see seen.py
        return Answer(200, ANSWERS[applied.outcome])


def install(app: Flask, endpoints: plain.PlainEndpoints) -> None:
    endpoints.add(PATH, WebhookEndpoint(app), FAILURE)
