"""POST /stripe/webhook, /stripe/checkout and /stripe/portal."""

from __future__ import annotations

import json

import psycopg
import psycopg_pool
import stripe
from flask import Blueprint, Response, current_app, jsonify, request

from webhook_service import auth, db
from webhook_service.billing import client, settings, store

bp = Blueprint("stripe", __name__, url_prefix="/stripe")

# Outcomes Stripe should not redeliver: the event took effect, or never will by redelivery
# (unmatched events are replayed by checkout completion or `ugig-db stripe-reconcile`).
DONE = {"applied", "duplicate", "ignored", "stale", "unmatched"}
# Outcomes after which the event is processed for good (see seen.py).
PROCESSED = {"applied", "duplicate", "ignored", "stale"}


class NoAccount(Exception):
    """The token's user has no subscriptions row (deleted, or not created through Supabase Auth)."""


def _error(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


# The webhook's answers, encoded once (the same bytes jsonify would produce).
ANSWERS = {o: json.dumps({"outcome": o, "received": True}, separators=(",", ":")).encode() + b"\n"
           for o in DONE | {"failed"}}


def _answer(outcome: str, status: int = 200) -> Response:
    return current_app.response_class(ANSWERS[outcome], status, mimetype="application/json")


@bp.post("/webhook")
def webhook():
    hook = settings.webhook()
    payload = request.get_data(cache=False)  # the raw bytes Stripe signed
    try:
        stripe.WebhookSignature.verify_header(
            payload, request.headers.get("Stripe-Signature"), hook.secret, settings.WEBHOOK_TOLERANCE_SECONDS
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
        return _answer("duplicate")
    try:
        with db.pool().connection() as conn:
            outcome = store.apply_event(conn, payload, hook.pro_price_ids)
    except psycopg.DataError as exc:  # signed, but not a Stripe event (22xxx from the SQL checks)
        return _error(400, "bad_payload", exc.diag.message_primary or "not a Stripe event")
    except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
        current_app.logger.warning("stripe event not stored", extra={"fields": {"error": repr(exc)}})
        return _error(503, "database_unavailable", "try again later")
    if outcome not in DONE:
        # Recorded as failed with its error; a non-2xx makes Stripe retry it too.
        current_app.logger.error("stripe event failed", extra={"fields": {"outcome": outcome}})
        return _answer("failed", 500)
    if outcome in PROCESSED and isinstance(event_id, str):
        hook.seen.add(event_id)
    return _answer(outcome)


def _billing_user() -> tuple[auth.User, store.Account]:
    user = auth.current_user()
    with db.pool().connection() as conn:
        account = store.account(conn, user.id)
    if account is None:
        raise NoAccount("no billing account for this user")
    return user, account


def _ensure_customer(user: auth.User, account: store.Account) -> str:
    """The user's one Stripe customer. Concurrent first clicks send the same idempotency key, so
    Stripe creates one customer and replays it to the others; the first id stored wins anyway."""
    if account.stripe_customer_id:
        return account.stripe_customer_id
    params: dict = {"metadata": {"user_id": user.id}}
    if user.email:
        params["email"] = user.email
    customer = client.get().v1.customers.create(
        params=params, options={"idempotency_key": f"ugig-customer-{user.id}"}
    )
    with db.pool().connection() as conn:
        return store.link_customer(conn, user.id, customer.id)


@bp.post("/checkout")
def checkout():
    user, account = _billing_user()
    if user.is_anonymous:
        return _error(403, "anonymous_user", "sign up with an e-mail address before subscribing")
    if account.has_pro:
        return _error(409, "already_pro", "you already have Pro; manage it in the billing portal")
    prices = settings.pro_price_ids()
    if not prices:
        raise settings.NotConfigured("STRIPE_PRO_PRICE_ID is not set")
    customer_id = _ensure_customer(user, account)
    session = client.get().v1.checkout.sessions.create(params={
        "mode": "subscription",
        "customer": customer_id,
        "line_items": [{"price": prices[0], "quantity": 1}],
        "client_reference_id": user.id,
        "metadata": {"user_id": user.id},
        "subscription_data": {"metadata": {"user_id": user.id}},
        "success_url": settings.app_url("/settings/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
        "cancel_url": settings.app_url("/settings/billing?checkout=cancelled"),
    })
    return jsonify(id=session.id, url=session.url)


@bp.post("/portal")
def portal():
    _, account = _billing_user()
    if not account.stripe_customer_id:
        return _error(404, "no_customer", "you have no billing account yet; subscribe first")
    session = client.get().v1.billing_portal.sessions.create(params={
        "customer": account.stripe_customer_id,
        "return_url": settings.app_url("/settings/billing"),
    })
    return jsonify(url=session.url)


@bp.errorhandler(NoAccount)
def _not_found(exc: NoAccount):
    return _error(404, "not_found", str(exc))


@bp.errorhandler(stripe.StripeError)
def _stripe_failed(exc: stripe.StripeError):
    current_app.logger.error("stripe request failed", extra={"fields": {
        "error": type(exc).__name__, "status": exc.http_status, "message": exc.user_message}})
    return _error(502, "stripe_error", "the payment provider did not answer; try again")


@bp.errorhandler(psycopg.Error)
def _db_failed(exc: psycopg.Error):
    current_app.logger.warning("database error", extra={"fields": {"error": repr(exc)}})
    return _error(503, "database_unavailable", "try again later")


@bp.errorhandler(psycopg_pool.PoolTimeout)
def _pool_timeout(exc: psycopg_pool.PoolTimeout):
    return _db_failed(exc)  # type: ignore[arg-type]


@bp.errorhandler(settings.NotConfigured)
def _not_configured(exc: settings.NotConfigured):
    current_app.logger.error("billing not configured", extra={"fields": {"error": str(exc)}})
    return _error(500, "not_configured", str(exc))
