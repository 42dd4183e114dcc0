"""POST /stripe/checkout and /stripe/portal (the webhook is served by webhook.py)."""

from __future__ import annotations

import time

import psycopg
import psycopg_pool
import stripe
from flask import Blueprint, current_app, jsonify

from webhook_service import auth, db
from webhook_service.billing import client, settings, store

bp = Blueprint("stripe", __name__, url_prefix="/stripe")
BROWSER_PATHS = ("/stripe/checkout", "/stripe/portal")  # called by the web app with the user's token


class NoAccount(Exception):
    """The token's user has no subscriptions row (deleted, or not created through Supabase Auth)."""


def _error(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


def _billing_user() -> tuple[auth.User, store.Account]:
    user = auth.current_user()
    with db.pool().connection() as conn:
        account = store.account(conn, user.id)
    if account is None:
        raise NoAccount("no billing account for this user")
    return user, account


# rule: STRIPE-ONE-CUSTOMER
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


# rule: SVC-CHECKOUT
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
    }, options={"idempotency_key": checkout_key(user.id, customer_id, prices[0], time.time())})
    return jsonify(id=session.id, url=session.url)


# Clicks on "Subscribe" within this many seconds are one checkout: Stripe answers them all with
# the first session (an idempotency key), so a double click never opens two.
CHECKOUT_WINDOW_SECONDS = 600


def checkout_key(user_id: str, customer_id: str, price: str, now: float) -> str:
    """One key per user, customer, price and window (the params Stripe compares under a key)."""
    return f"ugig-checkout-{user_id}-{customer_id}-{price}-{int(now // CHECKOUT_WINDOW_SECONDS)}"


# rule: SVC-CHECKOUT
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
