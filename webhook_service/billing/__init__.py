"""Stripe billing: the webhook (WSGI, in front of Flask), checkout and portal (blueprint `stripe`).

The views only verify and translate; what an event means is decided by SQL functions in
`private` (supabase/functions_sql/40_billing.sql).
"""

from __future__ import annotations

from webhook_service.billing.views import bp
from webhook_service.billing.webhook import WebhookEndpoint

__all__ = ["WebhookEndpoint", "bp"]
