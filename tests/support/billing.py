"""The Flask service configured for billing tests: a test database, the fake Stripe API,
the test webhook secret and Pro prices, and a local JWT secret for user tokens."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import jwt
from flask import Flask

from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support.postgrest import user_claims
from tests.support.stripe_events import PRO_PRICE, WEBHOOK_SECRET
from webhook_service import create_app

APP_URL = "https://app.ugig.test"
PRO_PRICES = f"{PRO_PRICE}, price_ugig_pro_yearly"


@contextmanager
def billing_app(db_url: str, stripe_base: str = "http://127.0.0.1:9", **overrides: Any) -> Iterator[Flask]:
    app = create_app({
        "DB_URL": db_url, "TESTING": True, "APP_URL": APP_URL, "JWT_SECRET": LOCAL_JWT_SECRET,
        "STRIPE_SECRET_KEY": "sk_test_ugig_fake", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_PRO_PRICE_ID": PRO_PRICES, "STRIPE_API_BASE": stripe_base, **overrides,
    })
    try:
        yield app
    finally:
        app.extensions["db_pool"].close()


def bearer(user: Any, **claims: Any) -> dict[str, str]:
    """Authorization header with the user's Supabase access token (HS256, local secret)."""
    token = jwt.encode({**user_claims(user.id, user.email), **claims}, LOCAL_JWT_SECRET, "HS256")
    return {"Authorization": f"Bearer {token}"}
