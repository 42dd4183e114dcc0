"""What PostgREST does at the start of every request, shared by the tests, the seed and the bench.

PostgREST runs each request in one transaction: `set local role` to the JWT's role, its
search_path, and `request.jwt.claims` set to the JWT's claims (which auth.uid() reads).
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
from psycopg import sql

JWT_LIFETIME = 3600


def anon_claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "supabase", "ref": "local", "role": "anon", "iat": now, "exp": now + JWT_LIFETIME}


def service_claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "supabase", "ref": "local", "role": "service_role", "iat": now, "exp": now + JWT_LIFETIME}


def user_claims(user_id: str, email: str, user_metadata: dict[str, Any] | None = None,
                *, is_anonymous: bool = False) -> dict[str, Any]:
    """The full claim set Supabase Auth puts in a user's access token."""
    now = int(time.time())
    return {
        "iss": "http://127.0.0.1:54321/auth/v1",
        "sub": user_id,
        "aud": "authenticated",
        "exp": now + JWT_LIFETIME,
        "iat": now,
        "email": email,
        "phone": "",
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": user_metadata or {},
        "role": "authenticated",
        "aal": "aal1",
        "amr": [{"method": "password", "timestamp": now}],
        "session_id": str(uuid.uuid4()),
        "is_anonymous": is_anonymous,
    }


def begin_request(conn: psycopg.Connection, role: str, claims: dict[str, Any],
                  settings: dict[str, str] | None = None) -> None:
    """Inside an open transaction: become `role` with `claims`, as PostgREST does per request."""
    conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
    conn.execute("select set_config('search_path', 'public, extensions', true)")
    conn.execute(
        "select set_config('request.jwt.claims', %s, true), set_config('request.method', 'POST', true)",
        (json.dumps(claims),),
    )
    for key, value in (settings or {}).items():
        conn.execute("select set_config(%s, %s, true)", (key, value))


@contextmanager
def acting(conn: psycopg.Connection, role: str, claims: dict[str, Any]) -> Iterator[None]:
    """One request inside a larger transaction (the seed): a savepoint as `role`, then back to
    the session's own identity. On error the savepoint's rollback undoes the change itself."""
    search_path = conn.execute("select current_setting('search_path')").fetchone()[0]
    with conn.transaction():
        begin_request(conn, role, claims)
        yield
        conn.execute("reset role")
        conn.execute(
            "select set_config('request.jwt.claims', '', true), set_config('search_path', %s, true)",
            (search_path,),
        )
