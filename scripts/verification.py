"""`ugig-db verification`: the admins' queue of verification requests and their decisions.

Decisions go through private.review_verification_request, the same function the service calls,
so the rules (pending only, the profile verified on approval, the requester notified) hold
whoever decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg


class VerificationError(RuntimeError):
    """The database refused the decision (unknown request, already decided, bad note)."""


@dataclass(frozen=True)
class PendingRequest:
    id: str
    username: str
    created_at: datetime
    evidence: str


def pending(db_url: str, limit: int) -> list[PendingRequest]:
    """The oldest pending requests first, with the requester's username."""
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            """select r.id::text, p.username, r.created_at, r.evidence
               from public.verification_requests as r
               join public.profiles as p on p.id = r.user_id
               where r.status = 'pending'
               order by r.created_at
               limit %s""",
            (limit,),
        ).fetchall()
    return [PendingRequest(*row) for row in rows]


def review(db_url: str, request_id: str, approve: bool, note: str | None) -> dict:
    """Approve or reject one pending request; returns {id, user_id, status}."""
    try:
        with psycopg.connect(db_url) as conn:
            return conn.execute(
                "select private.review_verification_request(%s::uuid, %s, %s)", (request_id, approve, note)
            ).fetchone()[0]
    except psycopg.errors.InvalidTextRepresentation:
        raise VerificationError(f"{request_id!r} is not a request id") from None
    except psycopg.Error as exc:
        if exc.sqlstate in ("PT404", "PT409", "22023"):
            raise VerificationError(exc.diag.message_primary or str(exc)) from None
        raise
