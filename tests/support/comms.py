"""Factories for communication tests: conversations, messages and calls made as users do."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from ugig_db.auth_users import AuthUser

SEND_MESSAGE = "insert into public.messages (conversation_id, body) values (%s, %s) returning *"


def start_conversation(db: Any, user: AuthUser, other: AuthUser, gig_id: str | None = None) -> str:
    return str(db.as_user(user).rpc("start_conversation", other_user_id=other.id, gig_id=gig_id))


def send_message(db: Any, user: AuthUser, conversation_id: str, body: str = "hello there") -> dict[str, Any]:
    return db.as_user(user).one(SEND_MESSAGE, (conversation_id, body))


def in_days(days: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=days)


def schedule_call(db: Any, host: AuthUser, guest: AuthUser, *, days: float = 1,
                  duration: int = 30, **columns: Any) -> dict[str, Any]:
    """Insert a call as the host would, directly through the table."""
    values = {"guest_id": guest.id, "scheduled_at": in_days(days), "duration_minutes": duration, **columns}
    names = ", ".join(values)
    marks = ", ".join(f"%({k})s" for k in values)
    return db.as_user(host).one(f"insert into public.video_calls ({names}) values ({marks}) returning *", values)


def outbox(db: Any, user: AuthUser, kind: str) -> list[tuple]:
    """The recipient's e-mail outbox rows of one kind (superuser read: the outbox is private)."""
    return db.execute(
        "select kind, notification_id, throttle_key from private.email_outbox "
        "where user_id = %s and kind = %s order by created_at", (user.id, kind))


def notifications(db: Any, user: AuthUser, type_: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "select jsonb_build_object('id', id, 'title', title, 'body', body, 'data', data) "
        "from public.notifications where user_id = %s and type = %s order by created_at", (user.id, type_))
    return [r[0] for r in rows]
