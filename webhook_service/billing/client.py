"""The app's StripeClient: pinned API version, configurable API base (the tests' fake)."""

from __future__ import annotations

from typing import Any, Mapping

import stripe
from flask import current_app

from webhook_service.billing import settings

MAX_NETWORK_RETRIES = 2  # the SDK retries 409/5xx/network errors with the same idempotency key


# rule: SVC-STRIPE-API-VERSION
def build(config: Mapping[str, Any]) -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.required("STRIPE_SECRET_KEY", config),
        stripe_version=settings.API_VERSION,
        base_addresses={"api": config.get("STRIPE_API_BASE") or stripe.DEFAULT_API_BASE},
        max_network_retries=MAX_NETWORK_RETRIES,
    )


def get() -> stripe.StripeClient:
    """One client per app, created on first use (it keeps HTTP connections alive)."""
    client = current_app.extensions.get("stripe_client")
    if client is None:
        client = current_app.extensions["stripe_client"] = build(current_app.config)
    return client
