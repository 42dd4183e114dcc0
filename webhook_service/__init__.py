"""ugig's integration service: Stripe, Jitsi room tokens, agents' API-key tokens and e-mail delivery.

Stateless: configuration comes from the environment, state lives in Postgres, and the business
rules live in SQL functions the views call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """The web service (`gunicorn 'webhook_service:create_app()'`); see webhook_service/app.py.

    Imported on call, not with the package: the workers import `webhook_service.<x>` and must not
    pay for Flask, Stripe and billing they never use.
    """
    from webhook_service.app import create_app as factory

    return factory(overrides)
