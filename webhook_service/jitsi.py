"""`POST /jitsi/token {call_id}`: a Jitsi room token for the host or guest of a call.

The database decides in one function call (private.jitsi_call_access: participant, status, 15
minutes before start until the end), marks the first join (later joins write nothing and take no
row lock) and returns the caller's display name; this view only authenticates the user, maps
SQLSTATEs to HTTP statuses and signs the token.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import psycopg
from flask import Blueprint, Flask, current_app, jsonify, request

from webhook_service import auth, db
from webhook_service.jitsi_tokens import CallAccess, issuer_from_config

bp = Blueprint("jitsi", __name__, url_prefix="/jitsi")

# SQLSTATE raised by private.jitsi_call_access -> (HTTP status, error code).
ERRORS = {
    "42501": (403, "forbidden"),
    "PT404": (404, "not_found"),
    "PT409": (409, "call_not_joinable"),
    "22023": (400, "invalid_request"),
    "22P02": (400, "invalid_request"),
}

ACCESS_SQL = "select * from private.jitsi_call_access(%s, %s)"


def init_app(app: Flask) -> None:
    app.extensions["jitsi_issuer"] = issuer_from_config(app.config)
    app.register_blueprint(bp)


def error(status: int, code: str, message: str):
    return jsonify(error=code, message=message), status


@bp.errorhandler(psycopg.OperationalError)
def _database_unavailable(_exc: psycopg.OperationalError):
    return error(503, "unavailable", "the database is unavailable; retry shortly")


@bp.post("/token")
def token():
    user = auth.current_user()
    body = request.get_json(silent=True)
    call_id = body.get("call_id") if isinstance(body, dict) else None
    try:
        call_id = str(uuid.UUID(str(call_id)))
    except ValueError:
        return error(400, "invalid_request", "call_id must be a UUID")
    try:
        # One statement on an autocommit connection: its own transaction, in one round trip.
        with db.pool().connection() as conn:
            row = conn.execute(ACCESS_SQL, (call_id, user.id)).fetchone()
    except psycopg.Error as exc:
        mapped = ERRORS.get(exc.sqlstate or "")
        if mapped is None:
            raise
        return error(*mapped, exc.diag.message_primary or "request refused")
    if row is None:  # the function returns a row or raises; be explicit anyway
        return error(404, "not_found", "call not found")
    room_name, role, scheduled_at, ends_at, display_name, avatar_url = row
    access = CallAccess(
        call_id=call_id, room_name=room_name, role=role, scheduled_at=scheduled_at, ends_at=ends_at,
        user_id=user.id, display_name=display_name or "ugig user", avatar_url=avatar_url,
    )
    issued = current_app.extensions["jitsi_issuer"].issue(access, datetime.now(timezone.utc))
    return jsonify(
        domain=issued.domain,
        room_name=issued.room_name,
        jwt=issued.jwt,
        expires_at=issued.expires_at.isoformat().replace("+00:00", "Z"),
    )
