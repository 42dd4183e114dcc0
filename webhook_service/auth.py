"""Supabase user JWTs, verified locally: no call to Supabase Auth per request.

Two key sources, as Supabase offers them: the project's shared HS256 secret
(`SUPABASE_JWT_SECRET`) and the asymmetric signing keys published as a JWKS
(`SUPABASE_JWKS_URL`, ES256/RS256 with a `kid`). A token must be a signed-in user's access
token: unexpired, audience `authenticated`, with a subject.

Flask views use `current_user()`; a failure raises `AuthError`, which the app's error handler
(registered by `init_app`) turns into a JSON 401; plain WSGI endpoints answer the same 401.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

import jwt
from flask import Flask, current_app, jsonify, request
from jwt.utils import base64url_decode

AUDIENCE = "authenticated"
ASYMMETRIC_ALGORITHMS = ["ES256", "RS256", "EdDSA"]
LEEWAY_SECONDS = 10  # clock skew between Supabase Auth and this service
UNAUTHORIZED_HEADERS = (("WWW-Authenticate", 'Bearer error="invalid_token"'),)  # on every 401


class AuthError(Exception):
    """The request carries no valid user token; the message says why (safe to return)."""


@dataclass(frozen=True)
class User:
    id: str
    email: str | None
    claims: Mapping[str, Any] = field(repr=False)

    @property
    def is_anonymous(self) -> bool:
        return bool(self.claims.get("is_anonymous"))


# rule: SVC-JWT
class Verifier:
    """Verifies tokens against the configured secret and/or JWKS (keys cached by PyJWKClient)."""

    def __init__(self, secret: str | None, jwks_url: str | None):
        if not secret and not jwks_url:
            raise ValueError("set SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL to verify user tokens")
        self.secret = secret
        self.jwks = jwt.PyJWKClient(jwks_url, lifespan=300, timeout=5) if jwks_url else None

    def verify(self, token: str) -> User:
        alg = token_algorithm(token)
        if alg == "HS256" and self.secret:
            key: Any = self.secret
            algorithms = ["HS256"]
        elif alg in ASYMMETRIC_ALGORITHMS and self.jwks is not None:
            try:
                key = self.jwks.get_signing_key_from_jwt(token).key
            except jwt.PyJWKClientError as exc:
                raise AuthError(f"no signing key for this token: {exc}") from None
            algorithms = [alg]
        else:
            # Never let the token pick a verification method we did not configure ("alg": "none").
            raise AuthError(f"unsupported token algorithm {alg!r}")
        try:
            claims = jwt.decode(
                token, key, algorithms=algorithms, audience=AUDIENCE, leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        return User(id=str(claims["sub"]), email=claims.get("email"), claims=claims)


def token_algorithm(token: str) -> Any:
    """The header's `alg`, read from the first segment only: only to pick the key, since
    jwt.decode checks the whole token again (get_unverified_header would parse every segment,
    a third of the verification's cost)."""
    try:
        header = json.loads(base64url_decode(token.split(".", 1)[0]))
    except (ValueError, RecursionError):  # bad base64, bad JSON or UTF-8, absurd nesting
        raise AuthError("malformed token") from None
    if not isinstance(header, dict) or token.count(".") != 2:
        raise AuthError("malformed token")
    return header.get("alg")


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer …` header, or AuthError."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("missing bearer token")
    return token.strip()


def verifier(app: Flask) -> Verifier:
    found: Verifier | None = app.extensions.get("auth_verifier")
    if found is None:
        raise RuntimeError("set SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL to verify user tokens")
    return found


def current_user() -> User:
    """The signed-in user of this request, or AuthError."""
    return verifier(current_app).verify(bearer_token(request.headers.get("Authorization", "")))


def init_app(app: Flask) -> None:
    """Build the verifier once per app when a key source is configured; map AuthError to 401."""
    if app.config.get("JWT_SECRET") or app.config.get("JWKS_URL"):
        app.extensions["auth_verifier"] = Verifier(app.config.get("JWT_SECRET"), app.config.get("JWKS_URL"))

    @app.errorhandler(AuthError)
    def _unauthorized(exc: AuthError):
        return jsonify(error="unauthorized", message=str(exc)), 401, list(UNAUTHORIZED_HEADERS)
