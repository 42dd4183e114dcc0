"""Stripe billing: the webhook (a plain WSGI endpoint), checkout and portal (blueprint `stripe`).

The views only verify and translate; what an event means is decided by SQL functions in
`private` (supabase/functions_sql/40_stripe_subscriptions.sql to 43_billing_service.sql).
"""

from __future__ import annotations

from webhook_service.billing.views import BROWSER_PATHS, bp
from webhook_service.billing.webhook import install as install_webhook

__all__ = ["BROWSER_PATHS", "bp", "install_webhook"]
