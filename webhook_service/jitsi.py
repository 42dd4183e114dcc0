"""`POST /jitsi/token {call_id}`: a Jitsi room token for the host or guest of a call.

Served as a plain WSGI endpoint (webhook_service/plain.py): every participant asks for a token
as a call starts, and Flask's request machinery cost as much as verifying, deciding and signing
together. The database decides in one function call (private.jitsi_call_access: participant,
status, 15 minutes before start until the end), marks the first join (later joins write nothing
and take no row lock) and returns when the token expires and the caller's display name; this
endpoint only authenticates the user, maps SQLSTATEs to HTTP statuses and signs the token.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import psycopg
from flask import Flask

from webhook_service import auth, db, plain
from webhook_service.jitsi_tokens import CallAccess, issuer_from_config
from webhook_service.plain import Answer

PATH = "/jitsi/token"
FAILURE = "the token was not issued; retry shortly"
MAX_BODY = 4096  # bytes: the body is {"call_id": "<uuid>"}

# SQLSTATE raised by private.jitsi_call_access -> (HTTP status, error code).
ERRORS = {
    "42501": (403, "forbidden"),
    "PT404": (404, "not_found"),
    "PT409": (409, "call_not_joinable"),
    "22023": (400, "invalid_request"),
    "22P02": (400, "invalid_request"),
}

ACCESS_SQL = "select * from private.jitsi_call_access(%s, %s)"


# rule: SVC-JITSI-REQUEST
class TokenEndpoint:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.verifier = auth.verifier(app)
        self.issuer = issuer_from_config(app.config)

    def __call__(self, wsgi_env: dict) -> Answer:
        try:
            user = self.verifier.verify(auth.bearer_token(wsgi_env.get("HTTP_AUTHORIZATION", "")))
        except auth.AuthError as exc:
            return plain.error(401, "unauthorized", str(exc), auth.UNAUTHORIZED_HEADERS)
        try:
            call_id = requested_call(plain.body(wsgi_env, MAX_BODY))
        except BadRequest as exc:
            return plain.error(400, "invalid_request", str(exc))
        try:
            # One statement on an autocommit connection: its own transaction, in one round trip.
            with db.pool(self.app).connection() as conn:
                row = conn.execute(ACCESS_SQL, (call_id, user.id)).fetchone()
        except psycopg.OperationalError:  # connection lost, server down, pool exhausted
            return plain.error(503, "unavailable", "the database is unavailable; retry shortly")
        except psycopg.Error as exc:
            mapped = ERRORS.get(exc.sqlstate or "")
            if mapped is None:
                raise
            return plain.error(*mapped, exc.diag.message_primary or "request refused")
        if row is None:  # the function returns a row or raises; be explicit anyway
            return plain.error(404, "not_found", "call not found")
        room_name, role, expires_at, display_name, avatar_url = row
        access = CallAccess(room_name=room_name, role=role, expires_at=expires_at, user_id=user.id,
                            display_name=display_name or "ugig user", avatar_url=avatar_url)
        issued = self.issuer.issue(access, datetime.now(timezone.utc))
        return Answer(200, plain.encode({
            "domain": issued.domain,
            "room_name": issued.room_name,
            "jwt": issued.jwt,
            "expires_at": issued.expires_at.isoformat().replace("+00:00", "Z"),
        }))


class BadRequest(ValueError):
    """The body is not {"call_id": <uuid>}; the message says what it is instead."""


def requested_call(body: bytes) -> str:
    """The body's `call_id` in canonical form."""
    try:
        request = json.loads(body)
    except ValueError:  # UnicodeDecodeError included
        raise BadRequest('the body is not JSON: send {"call_id": "<uuid>"}') from None
    if not isinstance(request, dict) or "call_id" not in request:
        raise BadRequest('the body must be a JSON object with a call_id: {"call_id": "<uuid>"}')
    try:
        return str(uuid.UUID(request["call_id"]))
    except (ValueError, TypeError, AttributeError):  # not a string, not a UUID
        raise BadRequest("call_id must be a UUID") from None


def install(app: Flask, endpoints: plain.PlainEndpoints) -> None:
    endpoints.add(PATH, TokenEndpoint(app), FAILURE)
