"""Claiming and completing outbox rows: thin calls to the SQL functions that own the rules."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

import psycopg
from psycopg.rows import dict_row

from webhook_service.email.render import Recipient


@dataclass(frozen=True)
class Claimed:
    id: str
    claim_token: str
    user_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    recipient: Recipient
    setting: str | None = None  # the notification setting that turns this kind off, if any
    send_in: float | None = None  # seconds from the claim until this row's slot (shared send rate)


@dataclass(frozen=True)
class Result:
    id: str
    outcome: str  # sent | retry | failed
    provider_message_id: str | None = None
    error: str | None = None
    retry_in: float | None = None


def claim(conn: psycopg.Connection, *, limit: int, lease_seconds: float, max_attempts: int,
          worker: str, rate: float = 0.0) -> list[Claimed]:
    """Claim up to `limit` due rows in one committed transaction (conn is in autocommit); with a
    `rate` (sends per second, all workers together) only as many as fit in half the lease."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select * from private.claim_emails(%s, %s, %s, %s, %s)",
            (limit, timedelta(seconds=lease_seconds), max_attempts, worker, float(rate)),
        )
        rows = cur.fetchall()
    return [
        Claimed(
            id=str(r["id"]),
            claim_token=str(r["claim_token"]),
            user_id=str(r["user_id"]),
            kind=r["kind"],
            payload=r["payload"] or {},
            attempts=r["attempts"],
            recipient=Recipient(email=r["email"], username=r["username"], full_name=r["full_name"]),
            setting=r["setting"],
            send_in=r["send_in"],
        )
        for r in rows
    ]


def complete(conn: psycopg.Connection, claim_token: str, results: Iterable[Result]) -> int:
    """Record outcomes; returns how many rows this claim still held."""
    body = [{k: v for k, v in r.__dict__.items() if v is not None} for r in results]
    if not body:
        return 0
    row = conn.execute("select private.complete_emails(%s, %s::jsonb)", (claim_token, json.dumps(body))).fetchone()
    return int(row[0]) if row else 0
