"""Local API keys, signed the way `supabase start` signs them."""

from __future__ import annotations

import time

import jwt

# The well-known local development secret of `supabase start`; never used against a real project.
LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"
TEN_YEARS = 10 * 365 * 24 * 3600


def api_key(role: str, secret: str = LOCAL_JWT_SECRET) -> str:
    now = int(time.time())
    return jwt.encode({"iss": "supabase-demo", "role": role, "iat": now, "exp": now + TEN_YEARS}, secret, "HS256")
