"""`ugig-db token`: a Supabase-shaped access token for a local user, signed with the local JWT
secret, so a newcomer can act as a signed-in user without an Auth server (make dev has none).

The claims are the ones Supabase Auth issues (scripts/pgrest.user_claims) with the user's own
metadata from auth.users. Local databases only: the secret is the local one, and a token for a
hosted project's user would be a forgery of that project's Auth.
"""

from __future__ import annotations

import re

import jwt
import psycopg

from ugig_db import localdb, pgrest

DEFAULT_TTL = pgrest.JWT_LIFETIME
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class TokenError(RuntimeError):
    """No token: an unknown user, a non-local database or a bad lifetime."""


def claims_for(conn: psycopg.Connection, who: str, ttl: int) -> dict:
    """The claims of the user named by e-mail, username or id (TokenError when there is none)."""
    if UUID.match(who):
        where, param = "u.id = %s::uuid", who
    elif "@" in who:
        where, param = "lower(u.email) = lower(%s)", who
    else:
        where, param = "lower(p.username) = lower(%s)", who
    row = conn.execute(
        f"""select u.id::text, u.email, u.raw_app_meta_data, u.raw_user_meta_data, u.is_anonymous
            from auth.users as u left join public.profiles as p on p.id = u.id
            where {where}""",  # noqa: S608 (the condition is one of three constants)
        (param,),
    ).fetchone()
    if row is None:
        raise TokenError(f"no user {who!r} (looked up by e-mail, username or user id)")
    user_id, email, app_metadata, user_metadata, is_anonymous = row
    claims = pgrest.user_claims(user_id, email or "", user_metadata or {}, is_anonymous=bool(is_anonymous))
    claims["app_metadata"] = app_metadata or claims["app_metadata"]
    claims["exp"] = claims["iat"] + ttl
    return claims


def issue(db_url: str, who: str, *, secret: str, ttl: int = DEFAULT_TTL) -> str:
    if ttl <= 0:
        raise TokenError(f"--ttl must be a positive number of seconds, not {ttl}")
    if not localdb.is_local_url(db_url):
        raise TokenError("refusing a non-local database: tokens are signed with the local JWT secret "
                         "(on a hosted project, sign in through Supabase Auth)")
    with psycopg.connect(db_url) as conn:
        try:
            claims = claims_for(conn, who, ttl)
        except psycopg.errors.UndefinedTable as exc:
            raise TokenError(f"{exc.diag.message_primary}: migrate and seed the database first (make dev does)") from None
    return jwt.encode(claims, secret, "HS256")
