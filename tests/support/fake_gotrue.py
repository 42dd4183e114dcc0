"""A fake Supabase Auth (GoTrue) admin endpoint on loopback, backed by a real test database.

`POST /auth/v1/admin/users` checks the service key as GoTrue does (apikey header and bearer
token), then writes the user into the database exactly as Auth would (scripts/auth_users.py),
so the signup trigger runs. Answers with GoTrue's user JSON; an e-mail already registered is a
422 `email_exists`, as the real server answers.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator

import psycopg

from ugig_db import auth_users, keys
from tests.support import loopback

ADMIN_USERS_PATH = "/auth/v1/admin/users"


@dataclass
class GoTrueState:
    db_url: str
    service_key: str = field(default_factory=lambda: keys.api_key("service_role"))
    created: list[str] = field(default_factory=list)  # user ids, in request order
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(loopback.Handler):
    def do_POST(self) -> None:
        state: GoTrueState = self.state
        if self.path != ADMIN_USERS_PATH:
            self.send_json(404, {"code": 404, "error_code": "not_found", "msg": "not found"})
            return
        bearer = self.headers.get("Authorization", "")
        if self.headers.get("apikey") != state.service_key or bearer != f"Bearer {state.service_key}":
            self.send_json(401, {"code": 401, "error_code": "no_authorization", "msg": "invalid JWT"})
            return
        body = json.loads(self.body() or b"{}")
        try:
            with psycopg.connect(state.db_url, autocommit=True) as conn, conn.transaction():
                user = auth_users.create_user(
                    conn,
                    body.get("email"),
                    user_metadata=body.get("user_metadata") or {},
                    password=body.get("password") or auth_users.DEFAULT_PASSWORD,
                    user_id=body.get("id"),
                    confirmed=bool(body.get("email_confirm")),
                )
        except psycopg.errors.UniqueViolation:
            self.send_json(422, {"code": 422, "error_code": "email_exists",
                                 "msg": "A user with this email address has already been registered"})
            return
        with state.lock:
            state.created.append(user.id)
        now = datetime.now(timezone.utc).isoformat()
        self.send_json(200, {
            "id": user.id, "aud": "authenticated", "role": "authenticated", "email": user.email,
            "email_confirmed_at": now if body.get("email_confirm") else None, "phone": "",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": user.user_metadata, "identities": [], "created_at": now,
            "updated_at": now, "is_anonymous": False,
        })


@contextmanager
def fake_gotrue(db_url: str) -> Iterator[tuple[str, GoTrueState]]:
    """Yields (supabase_url, state); the service key is state.service_key."""
    state = GoTrueState(db_url)
    with loopback.serve(_Handler, state) as base:
        yield base, state
