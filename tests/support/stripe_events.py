"""Stripe webhook events for tests: Stripe's own example objects (stripe_fixtures.json), adjusted
per test, wrapped in an event envelope and signed with the SDK's signature helper."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import stripe

from tests.support.fake_stripe import fixture, new_id
from webhook_service.billing.settings import API_VERSION

WEBHOOK_SECRET = "whsec_ugig_test_secret"
PRO_PRICE = "price_ugig_pro_monthly"
OTHER_PRICE = "price_ugig_something_else"
DAY = 86400


def event(type_: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None,
          previous_attributes: dict | None = None) -> dict[str, Any]:
    """A v1 snapshot event as Stripe sends it to a webhook endpoint."""
    envelope = fixture("event")
    envelope.update(
        id=event_id or new_id("evt"), type=type_, created=created or int(time.time()),
        api_version=API_VERSION, livemode=False, pending_webhooks=1,
        request={"id": new_id("req"), "idempotency_key": None},
        data={"object": obj, **({"previous_attributes": previous_attributes} if previous_attributes else {})},
    )
    return envelope


def subscription(customer: str, *, status: str = "active", price: str = PRO_PRICE, sub_id: str | None = None,
                 period_start: int | None = None, period_end: int | None = None, cancel_at_period_end: bool = False,
                 metadata: dict | None = None, legacy: bool = False, trial_end: int | None = None) -> dict[str, Any]:
    """A subscription in the current shape (periods on the item); `legacy` puts them on the
    subscription and drops them from the item, as API versions before 2025-03-31 did."""
    now = int(time.time())
    start = period_start if period_start is not None else now
    end = period_end if period_end is not None else start + 30 * DAY
    obj = fixture("subscription")
    sid = sub_id or new_id("sub")
    obj.update(
        id=sid, customer=customer, status=status, created=start, start_date=start, billing_cycle_anchor=start,
        cancel_at_period_end=cancel_at_period_end, cancel_at=end if cancel_at_period_end else None,
        canceled_at=now if status == "canceled" or cancel_at_period_end else None,
        ended_at=now if status == "canceled" else None, trial_start=None, trial_end=trial_end,
        metadata=metadata or {}, pending_update=None, latest_invoice=None, transfer_data=None,
        next_pending_invoice_item_invoice=None, billing_schedules=[], schedule=None,
    )
    item = obj["items"]["data"][0]
    item.update(id=new_id("si"), subscription=sid, created=start,
                current_period_start=start, current_period_end=end)
    item["price"]["id"] = price
    item["plan"]["id"] = price
    obj["items"]["url"] = f"/v1/subscription_items?subscription={sid}"
    if legacy:
        del item["current_period_start"], item["current_period_end"]
        obj.update(current_period_start=start, current_period_end=end)
    return obj


def invoice(customer: str, subscription_id: str, *, paid: bool = True, amount: int = 1900, currency: str = "usd",
            invoice_id: str | None = None, payment_intent: str | None = None, legacy: bool = False,
            metadata: dict | None = None) -> dict[str, Any]:
    """An invoice of a subscription: current shape (parent.subscription_details, payments list) or
    `legacy` (top-level `subscription` and `payment_intent`)."""
    obj = fixture("invoice")
    iid = invoice_id or new_id("in")
    pi = payment_intent or new_id("pi")
    now = int(time.time())
    obj.update(
        id=iid, customer=customer, status="paid" if paid else "open", billing_reason="subscription_cycle",
        amount_due=amount, amount_paid=amount if paid else 0, amount_remaining=0 if paid else amount,
        currency=currency, total=amount, subtotal=amount, attempted=True, attempt_count=1, created=now,
        hosted_invoice_url=f"https://invoice.stripe.com/i/acct_test/{iid}", number=f"UGIG-{secrets.token_hex(3)}",
        last_finalization_error=None, from_invoice=None, subscription=None,
        parent={"quote_details": None, "type": "subscription_details",
                "subscription_details": {"metadata": metadata or {}, "subscription": subscription_id}},
    )
    obj["status_transitions"]["paid_at"] = now if paid else None
    obj["lines"]["data"][0].update(description="1 × ugig Pro (at $19.00 / month)", amount=amount, invoice=iid)
    obj["payments"] = {"object": "list", "has_more": False, "url": f"/v1/invoice_payments?invoice={iid}", "data": [
        {**fixture("invoice_payment"), "id": new_id("inpay"), "invoice": iid, "currency": currency,
         "amount_paid": amount if paid else None, "amount_requested": amount, "status": "paid" if paid else "open",
         "payment": {"type": "payment_intent", "payment_intent": pi}},
    ]}
    if legacy:
        del obj["parent"], obj["payments"]
        obj.update(subscription=subscription_id, payment_intent=pi, charge=new_id("ch"))
    return obj


def checkout_session(customer: str, user_id: str, subscription_id: str) -> dict[str, Any]:
    obj = fixture("checkout.session")
    sid = "cs_test_" + secrets.token_hex(24)
    obj.update(id=sid, customer=customer, client_reference_id=user_id, metadata={"user_id": user_id},
               mode="subscription", status="complete", payment_status="paid", subscription=subscription_id,
               payment_intent=None, url=None, amount_total=1900, amount_subtotal=1900, currency="usd")
    return obj


def charge(customer: str, payment_intent: str, *, amount: int = 1900, refunded: int = 1900) -> dict[str, Any]:
    obj = fixture("charge")
    obj.update(id=new_id("ch"), customer=customer, payment_intent=payment_intent, amount=amount,
               amount_captured=amount, amount_refunded=refunded, refunded=refunded >= amount, captured=True,
               source=None, transfer_data=None)
    return obj


def signed(evt: dict[str, Any] | str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """(body, headers) of a delivery, signed the way Stripe signs it (the SDK's own helper)."""
    body = evt if isinstance(evt, str) else json.dumps(evt)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return body, {"Stripe-Signature": header, "Content-Type": "application/json; charset=utf-8"}
