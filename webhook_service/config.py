"""Configuration from environment variables, validated once at start."""

from __future__ import annotations

import os
from typing import Any, Mapping

# Environment variable -> config key. Names are those of the Supabase/Next.js seed project.
ENV_KEYS = {
    "SUPABASE_DB_URL": "DB_URL",
    "NEXT_PUBLIC_SUPABASE_URL": "SUPABASE_URL",
    "SUPABASE_SERVICE_ROLE_KEY": "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_JWT_SECRET": "JWT_SECRET",
    "SUPABASE_JWKS_URL": "JWKS_URL",
    "NEXT_PUBLIC_APP_URL": "APP_URL",
    "DB_POOL_MAX": "DB_POOL_MAX",
}

REQUIRED = ("DB_URL",)


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names it."""


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    return {key: environ[var] for var, key in ENV_KEYS.items() if environ.get(var)}


def validate(settings: Mapping[str, Any]) -> None:
    env_name = {key: var for var, key in ENV_KEYS.items()}
    missing = [env_name.get(k, k) for k in REQUIRED if not settings.get(k)]
    if missing:
        raise ConfigError(f"missing required environment variable(s): {', '.join(missing)}")
