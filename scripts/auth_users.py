"""Create users the way Supabase Auth (GoTrue) writes them, for local databases and tests.

Against a hosted project users are created through the Auth admin API instead; locally there is
no Auth server, so this inserts the same `auth.users` and `auth.identities` rows it would. The
signup trigger on `auth.users` does the rest (profile, subscription, settings).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import psycopg

INSTANCE_ID = "00000000-0000-0000-0000-000000000000"
DEFAULT_PASSWORD = "password123"


@dataclass(frozen=True)
class AuthUser:
    id: str
    email: str
    user_metadata: dict[str, Any] = field(default_factory=dict)
    is_anonymous: bool = False


def create_user(
    conn: psycopg.Connection,
    email: str | None = None,
    *,
    user_metadata: dict[str, Any] | None = None,
    password: str = DEFAULT_PASSWORD,
    user_id: str | None = None,
    confirmed: bool = True,
) -> AuthUser:
    """Insert one confirmed e-mail user and its identity, in the caller's transaction."""
    uid = user_id or str(uuid.uuid4())
    email = (email or f"user-{uid[:8]}@example.test").lower()
    meta = dict(user_metadata or {})
    app_meta = {"provider": "email", "providers": ["email"]}
    conn.execute(
        """
        insert into auth.users (
            instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
            raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
            confirmation_token, recovery_token, email_change_token_new, email_change,
            is_super_admin, is_anonymous
        ) values (
            %(instance)s, %(id)s, 'authenticated', 'authenticated', %(email)s,
            extensions.crypt(%(password)s, extensions.gen_salt('bf', 4)),
            case when %(confirmed)s then now() end,
            %(app_meta)s, %(meta)s, now(), now(), '', '', '', '', false, false
        )
        """,
        {
            "instance": INSTANCE_ID,
            "id": uid,
            "email": email,
            "password": password,
            "confirmed": confirmed,
            "app_meta": json.dumps(app_meta),
            "meta": json.dumps(meta),
        },
    )
    conn.execute(
        """
        insert into auth.identities (provider_id, user_id, identity_data, provider,
                                     last_sign_in_at, created_at, updated_at)
        values (%(id)s::text, %(id)s::uuid, %(data)s, 'email', now(), now(), now())
        """,
        {"id": uid, "data": json.dumps({"sub": uid, "email": email, "email_verified": confirmed})},
    )
    return AuthUser(id=uid, email=email, user_metadata=meta)
