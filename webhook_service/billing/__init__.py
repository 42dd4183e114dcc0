"""Stripe billing: the webhook, checkout and portal endpoints (blueprint `stripe`).

The views only verify and translate; what an event means is decided by SQL functions in
`private` (supabase/functions_sql/40_billing.sql).
"""

from __future__ import annotations

from webhook_service.billing.views import bp

__all__ = ["bp"]
