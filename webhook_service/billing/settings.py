"""Billing settings read from the app config (see webhook_service/config.py for the env names)."""

from __future__ import annotations

from typing import Any, Mapping

import stripe
from flask import current_app

# Pinned: objects the SDK sends and receives use this version's shapes, whatever the account's
# default. The webhook endpoint in the Stripe dashboard must be created with the same version.
API_VERSION = "2026-10-28.endive"
stripe.api_version = API_VERSION  # also for module-level SDK calls, should any code make them

WEBHOOK_TOLERANCE_SECONDS = 300


class NotConfigured(RuntimeError):
    """A billing setting is missing; the message names the environment variable."""


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
