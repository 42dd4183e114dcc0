"""The demo users of seed/users.json: created in Auth, then their profiles filled in.

Locally there is no Auth server, so users go straight into `auth.users` (scripts/auth_users.py
writes the rows GoTrue would). Against a hosted project they are created through the Auth admin
API with the official SDK, so Auth owns its tables; either way the signup trigger creates the
profile, the free subscription and the notification settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import psycopg

from ugig_db import auth_users, paths, pgrest

USERS_FILE = paths.SEED_DIR / "users.json"
# Columns a user may edit on their own profile (the client path); the rest is the service's.
EDITABLE = ("full_name", "headline", "bio", "location", "timezone", "website", "github_url",
            "skills", "ai_tools", "hourly_rate", "is_available")


@dataclass(frozen=True)
class DemoUser:
    id: str
    email: str
    username: str
    full_name: str | None
    account_type: str
    role: str  # poster | freelancer | newcomer: what the demo has them do
    pro: bool
    verified: bool
    profile: dict[str, Any] = field(default_factory=dict)

    @property
    def metadata(self) -> dict[str, Any]:
        """What a sign-up form sends as user metadata."""
        meta = {"username": self.username, "account_type": self.account_type}
        if self.full_name:
            meta["full_name"] = self.full_name
        return meta


def load() -> tuple[str, list[DemoUser]]:
    """The shared demo password and the users."""
    doc = json.loads(USERS_FILE.read_text(encoding="utf-8"))
    return doc["password"], [DemoUser(**u) for u in doc["users"]]


def missing(conn: psycopg.Connection, users: list[DemoUser]) -> list[DemoUser]:
    present = {
        str(row[0])
        for row in conn.execute("select id from auth.users where id = any(%s::uuid[])", ([u.id for u in users],))
    }
    return [u for u in users if u.id not in present]


def create_local(conn: psycopg.Connection, users: list[DemoUser], password: str) -> None:
    for user in users:
        auth_users.create_user(conn, user.email, user_metadata=user.metadata, password=password, user_id=user.id)


def create_remote(supabase_url: str, service_key: str, users: list[DemoUser], password: str) -> None:
    """Through GoTrue's admin endpoint, as a hosted project requires (Auth owns auth.users)."""
    from supabase import create_client

    admin = create_client(supabase_url, service_key).auth.admin
    for user in users:
        admin.create_user({
            "id": user.id,
            "email": user.email,
            "password": password,
            "email_confirm": True,
            "user_metadata": user.metadata,
        })


def fill_profiles(conn: psycopg.Connection, users: list[DemoUser]) -> None:
    """Each user edits their own profile as a client would; the service sets plan and badge.

    Updates only rows that differ, so a second run changes nothing (not even updated_at).
    """
    for user in users:
        values = {k: v for k, v in {"full_name": user.full_name, **user.profile}.items() if k in EDITABLE}
        if values:
            cols = ", ".join(values)
            params = ", ".join(f"%({k})s" for k in values)
            claims = pgrest.user_claims(user.id, user.email, user.metadata)
            with pgrest.acting(conn, "authenticated", claims):
                conn.execute(
                    f"update public.profiles set ({cols}) = row({params}) "
                    f"where id = auth.uid() and ({cols}) is distinct from ({params})",
                    values,
                )
    with pgrest.acting(conn, "service_role", pgrest.service_claims()):
        conn.execute(
            "update public.profiles set is_verified = true where id = any(%s::uuid[]) and not is_verified",
            ([u.id for u in users if u.verified],),
        )
        # What the Stripe webhook leaves behind for a paying customer.
        conn.execute(
            """update public.subscriptions
               set plan = 'pro', status = 'active', price_id = 'price_demo_pro',
                   stripe_customer_id = 'cus_demo_' || right(replace(user_id::text, '-', ''), 12),
                   current_period_start = date_trunc('month', now()),
                   current_period_end = date_trunc('month', now()) + interval '1 month'
               where user_id = any(%s::uuid[]) and plan <> 'pro'""",
            ([u.id for u in users if u.pro],),
        )
