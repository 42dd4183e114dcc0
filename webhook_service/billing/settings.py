"""Billing settings read from the app config (see webhook_service/config.py for the env names)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import stripe
from flask import Flask, current_app

from webhook_service.billing.seen import SeenEvents

# Pinned: objects the SDK sends and receives use this version's shapes, whatever the account's
# default. The webhook endpoint in the Stripe dashboard must be created with the same version.
API_VERSION = "2026-10-28.endive"
stripe.api_version = API_VERSION  # also for module-level SDK calls, should any code make them

WEBHOOK_TOLERANCE_SECONDS = 300


class NotConfigured(RuntimeError):
    """A billing setting is missing; the message names the environment variable."""


# rule: STRIPE-PRO-PRICES
def pro_price_ids(config: Mapping[str, Any] | None = None) -> list[str]:
    """STRIPE_PRO_PRICE_ID: one or more Pro price ids, comma-separated."""
    raw = (config if config is not None else current_app.config).get("STRIPE_PRO_PRICE_ID") or ""
    return [p.strip() for p in raw.split(",") if p.strip()]


def required(name: str, config: Mapping[str, Any] | None = None) -> str:
    value = (config if config is not None else current_app.config).get(name)
    if not value:
        raise NotConfigured(f"{name} is not set")
    return value


def app_url(path: str) -> str:
    """An absolute URL of the web app: always from NEXT_PUBLIC_APP_URL, never the request's Host."""
    return required("APP_URL").rstrip("/") + path


@dataclass(frozen=True)
class Webhook:
    """What every webhook request needs, read from the app's config once."""

    secret: str
    pro_price_ids: list[str]
    seen: SeenEvents  # this worker's processed event ids (see seen.py)


def webhook(app: Flask) -> Webhook:
    hook = app.extensions.get("stripe_webhook")
    if hook is None:
        hook = Webhook(required("STRIPE_WEBHOOK_SECRET", app.config), pro_price_ids(app.config), SeenEvents())
        hook = app.extensions.setdefault("stripe_webhook", hook)
    return hook
