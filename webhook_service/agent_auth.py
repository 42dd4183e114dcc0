"""`POST /auth/token` with `Authorization: Bearer ugig_sk_…`: an API key exchanged for a
Supabase access token, so an agent talks to Supabase directly, under RLS, as its user.

The database decides (private.api_key_authenticate: key known, not revoked, not expired, user
present; it keeps last_used_at to the minute); this endpoint only signs what it answers. The
token carries the claims Supabase Auth puts in a password sign-in's access token, with
`amr` method `api_key` and `app_metadata.api_key_id`, signed HS256 with the project's JWT
secret (the key PostgREST, Storage and Realtime verify), valid at most 15 minutes and never past
the key's expiry. Every refusal is the same 401, so a caller learns nothing about a key.

Served as a plain WSGI endpoint (webhook_service/plain.py), as the other hot token endpoint is.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import psycopg
from flask import Flask

from webhook_service import auth, db, plain
from webhook_service.plain import Answer

PATH = "/auth/token"
FAILURE = "the token was not issued; retry shortly"
LIFETIME_SECONDS = 15 * 60
AUTHENTICATE_SQL = (
    "select user_id, api_key_id, key_expires_at, email, phone, user_metadata, app_metadata "
    "from private.api_key_authenticate(%s)"
)
# One answer for every refusal: missing, malformed, unknown, revoked or expired key, deleted user.
REFUSED = plain.error(401, "invalid_api_key", "the API key is not valid", auth.UNAUTHORIZED_HEADERS)


# rule: TOKEN-CLAIMS, TOKEN-LIFETIME
def claims_for(row: tuple, now: int, issuer: str | None) -> dict[str, Any]:
    """Supabase Auth's access-token claims for the key's user (see scripts/pgrest.user_claims)."""
    user_id, api_key_id, key_expires_at, email, phone, user_metadata, app_metadata = row
    expires = now + LIFETIME_SECONDS
    if key_expires_at is not None:
        expires = min(expires, int(key_expires_at.timestamp()))
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "aud": "authenticated",
        "exp": expires,
        "iat": now,
        "email": email or "",
        "phone": phone or "",
        "app_metadata": {**app_metadata, "api_key_id": str(api_key_id)},
        "user_metadata": user_metadata,
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "api_key", "timestamp": now}],
        "session_id": str(uuid.uuid4()),
        "is_anonymous": False,
    }
    if issuer:
        claims["iss"] = issuer
    return claims


# rule: TOKEN-DB-DECIDES, TOKEN-401, TOKEN-LIFETIME
class TokenEndpoint:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.secret: str = app.config["JWT_SECRET"]
        base = app.config.get("SUPABASE_URL")
        self.issuer = f"{base.rstrip('/')}/auth/v1" if base else None

    def __call__(self, wsgi_env: dict) -> Answer:
        try:
            key = auth.bearer_token(wsgi_env.get("HTTP_AUTHORIZATION", ""))
        except auth.AuthError:
            return REFUSED
        if not key.startswith("ugig_sk_") or len(key) > 100:
            return REFUSED  # not worth a database round trip
        try:
            # One statement on an autocommit connection: its own transaction, in one round trip.
            with db.pool(self.app).connection() as conn:
                row = conn.execute(AUTHENTICATE_SQL, (key,)).fetchone()
        except psycopg.OperationalError:  # connection lost, server down, pool exhausted
            return plain.error(503, "unavailable", "the database is unavailable; retry shortly")
        if row is None:
            return REFUSED
        now = int(time.time())
        claims = claims_for(row, now, self.issuer)
        if claims["exp"] <= now:
            return REFUSED  # expired between the database's decision and now
        token = jwt.encode(claims, self.secret, algorithm="HS256")
        return Answer(200, plain.encode({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": claims["exp"] - now,
            "expires_at": claims["exp"],
        }), (("Cache-Control", "no-store"),))


def install(app: Flask, endpoints: plain.PlainEndpoints) -> None:
    endpoints.add(PATH, TokenEndpoint(app), FAILURE)
