"""The billing SQL functions, one call each. Each call is a single statement on an autocommit
connection, so it is its own transaction (safe behind a transaction-mode pooler)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Account:
    has_pro: bool
    stripe_customer_id: str | None


@dataclass(frozen=True)
class Applied:
    outcome: str  # applied | duplicate | ignored | stale | unmatched | failed
    processed: bool  # for good: a redelivery will be `duplicate` (the database's definition)


def apply_event(conn: psycopg.Connection, event_json: str | bytes, pro_price_ids: list[str]) -> Applied:
    """Record and apply one Stripe event."""
    row = conn.execute(
        """select o, private.stripe_outcome_processed(o)
           from private.stripe_apply_event(%s::jsonb, %s::text[]) as o""",
        (event_json.decode() if isinstance(event_json, bytes) else event_json, pro_price_ids),
    ).fetchone()
    return Applied(*row)


def account(conn: psycopg.Connection, user_id: str) -> Account | None:
    row = conn.execute(
        "select has_pro, stripe_customer_id from private.stripe_billing_account(%s)", (user_id,)
    ).fetchone()
    return Account(*row) if row else None


def link_customer(conn: psycopg.Connection, user_id: str, customer_id: str) -> str:
    """Store the customer unless the user has one; returns the one stored (first writer wins)."""
    return conn.execute("select private.stripe_link_customer(%s, %s)", (user_id, customer_id)).fetchone()[0]
