"""Outbox rows and e-mail workers for tests: workers point at a fake Resend on loopback."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from webhook_service.email.worker import Settings, Worker

APP_URL = "https://ugig.test"
SENDER = "ugig <notifications@ugig.test>"
UNSUBSCRIBE_URL = "https://api.ugig.test/email/unsubscribe"
UNSUBSCRIBE_SECRET = "unsubscribe-secret-0123456789abcdef"


def settings(db_url: str, **overrides: Any) -> Settings:
    """Fast, unthrottled defaults; tests override what they exercise."""
    base = Settings(db_url=db_url, app_url=APP_URL, sender=SENDER, unsubscribe_url=UNSUBSCRIBE_URL,
                    unsubscribe_secret=UNSUBSCRIBE_SECRET, rate_limit=0, batch_size=50,
                    concurrency=4, lease_seconds=30, retry_base_seconds=30, poll_seconds=0.05)
    return replace(base, **overrides)


def worker(db_url: str, **overrides: Any) -> Worker:
    return Worker(settings(db_url, **overrides))


def enqueue(db: Any, user_id: str, kind: str = "welcome", payload: dict[str, Any] | None = None) -> str:
    """An outbox row as the database's own triggers write it."""
    return str(db.execute("select private.enqueue_email(%s, %s, %s::jsonb)",
                          (user_id, kind, json.dumps(payload or {})))[0][0])


def outbox_row(db: Any, outbox_id: str) -> dict[str, Any]:
    cur = db.admin.execute(
        """select status, attempts, provider_message_id, last_error, claimed_by, sent_at,
                  extract(epoch from next_attempt_at - now())::float as due_in
           from private.email_outbox where id = %s""",
        (outbox_id,),
    )
    row = cur.fetchone()
    return dict(zip([c.name for c in cur.description], row)) if row else {}
