"""Configuration from environment variables, validated once at start.

Each feature (the web service's blueprints, the e-mail worker) names the variables it needs, so a
process refuses to start with a message naming every missing one. `create_app()` run from the
environment alone (gunicorn) serves every web feature unless `UGIG_FEATURES` narrows them; an app
built with explicit settings (tests) serves the features those settings configure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

# Environment variable -> config key. Names are those of the Supabase/Next.js seed project.
ENV_KEYS = {
    "SUPABASE_DB_URL": "DB_URL",
    "NEXT_PUBLIC_SUPABASE_URL": "SUPABASE_URL",
    "SUPABASE_SERVICE_ROLE_KEY": "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_JWT_SECRET": "JWT_SECRET",
    "SUPABASE_JWKS_URL": "JWKS_URL",
    "NEXT_PUBLIC_APP_URL": "APP_URL",
    # Origins whose pages may call the user-facing endpoints (default: NEXT_PUBLIC_APP_URL's).
    "CORS_ALLOWED_ORIGINS": "CORS_ORIGINS",
    "DB_POOL_MAX": "DB_POOL_MAX",
    "UGIG_FEATURES": "FEATURES",
    "LOG_LEVEL": "LOG_LEVEL",
    # Jitsi: self-hosted (app id + secret) or 8x8 JaaS (app id + key id + RSA private key).
    "NEXT_PUBLIC_JITSI_DOMAIN": "JITSI_DOMAIN",
    "JITSI_APP_ID": "JITSI_APP_ID",
    "JITSI_APP_SECRET": "JITSI_APP_SECRET",
    "JITSI_AUDIENCE": "JITSI_AUDIENCE",
    "JAAS_APP_ID": "JAAS_APP_ID",
    "JAAS_KEY_ID": "JAAS_KEY_ID",
    "JAAS_PRIVATE_KEY": "JAAS_PRIVATE_KEY",
    # E-mail worker.
    "RESEND_API_KEY": "RESEND_API_KEY",
    "RESEND_API_URL": "RESEND_API_URL",
    "EMAIL_FROM": "EMAIL_FROM",
    "EMAIL_REPLY_TO": "EMAIL_REPLY_TO",
    "EMAIL_BATCH_SIZE": "EMAIL_BATCH_SIZE",
    "EMAIL_CONCURRENCY": "EMAIL_CONCURRENCY",
    "EMAIL_RATE_LIMIT": "EMAIL_RATE_LIMIT",
    "EMAIL_LEASE_SECONDS": "EMAIL_LEASE_SECONDS",
    "EMAIL_MAX_ATTEMPTS": "EMAIL_MAX_ATTEMPTS",
    "EMAIL_RETRY_BASE_SECONDS": "EMAIL_RETRY_BASE_SECONDS",
    "EMAIL_POLL_SECONDS": "EMAIL_POLL_SECONDS",
    # One-click unsubscribe: the web service's public /email/unsubscribe URL and the key that signs
    # its links (the worker signs, the web service checks: both need the same secret).
    "EMAIL_UNSUBSCRIBE_URL": "EMAIL_UNSUBSCRIBE_URL",
    "EMAIL_UNSUBSCRIBE_SECRET": "EMAIL_UNSUBSCRIBE_SECRET",
    # Webhook delivery worker (ugig-webhook-worker).
    "WEBHOOK_CONCURRENCY": "WEBHOOK_CONCURRENCY",
    "WEBHOOK_BATCH_SIZE": "WEBHOOK_BATCH_SIZE",
    "WEBHOOK_LEASE_SECONDS": "WEBHOOK_LEASE_SECONDS",
    "WEBHOOK_TIMEOUT_SECONDS": "WEBHOOK_TIMEOUT_SECONDS",
    "WEBHOOK_POLL_SECONDS": "WEBHOOK_POLL_SECONDS",
    # Lets deliveries reach loopback addresses: tests only, refused in production.
    "WEBHOOK_ALLOW_LOOPBACK": "WEBHOOK_ALLOW_LOOPBACK",
    # Stripe billing.
    "STRIPE_SECRET_KEY": "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET": "STRIPE_WEBHOOK_SECRET",
    "STRIPE_PRO_PRICE_ID": "STRIPE_PRO_PRICE_ID",  # one or more Pro price ids, comma-separated
    "STRIPE_API_BASE": "STRIPE_API_BASE",  # default https://api.stripe.com; tests point it at a fake
}

# Settings whose values must never reach a log line (see logs.Redactor).
SECRET_KEYS = (
    "DB_URL", "SUPABASE_SERVICE_ROLE_KEY", "JWT_SECRET", "JITSI_APP_SECRET", "JAAS_PRIVATE_KEY",
    "RESEND_API_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "EMAIL_UNSUBSCRIBE_SECRET",
)


@dataclass(frozen=True)
class Feature:
    """What a feature needs: every key in `all_of`, and one key of each group in `one_of`."""

    all_of: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    # Keys whose presence in explicit settings switches the feature on.
    markers: tuple[str, ...] = ()


SUPABASE_AUTH = ("JWT_SECRET", "JWKS_URL")

FEATURES: dict[str, Feature] = {
    "jitsi": Feature(
        all_of=("JITSI_DOMAIN",),
        one_of=(SUPABASE_AUTH, ("JITSI_APP_SECRET", "JAAS_PRIVATE_KEY")),
        markers=("JITSI_DOMAIN", "JITSI_APP_ID", "JITSI_APP_SECRET", "JAAS_APP_ID", "JAAS_PRIVATE_KEY"),
    ),
    "stripe": Feature(
        all_of=("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PRO_PRICE_ID", "APP_URL"),
        one_of=(SUPABASE_AUTH,),
        markers=("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PRO_PRICE_ID"),
    ),
    "email": Feature(
        all_of=("RESEND_API_KEY", "EMAIL_FROM", "APP_URL", "EMAIL_UNSUBSCRIBE_URL", "EMAIL_UNSUBSCRIBE_SECRET"),
        markers=("RESEND_API_KEY", "EMAIL_FROM"),
    ),
    # POST /auth/token signs Supabase access tokens with the project's JWT secret.
    "agents": Feature(
        all_of=("JWT_SECRET",),
        markers=("JWT_SECRET",),
    ),
    "unsubscribe": Feature(
        all_of=("EMAIL_UNSUBSCRIBE_SECRET",),
        markers=("EMAIL_UNSUBSCRIBE_SECRET",),
    ),
}
WEB_FEATURES = ("jitsi", "stripe", "agents", "unsubscribe")

# Mode-specific companions, checked once a feature is on.
JITSI_MODES = {
    "JITSI_APP_SECRET": ("JITSI_APP_ID",),
    "JAAS_PRIVATE_KEY": ("JAAS_APP_ID", "JAAS_KEY_ID"),
}


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the message names it."""


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    return {key: environ[var] for var, key in ENV_KEYS.items() if environ.get(var)}


def env_name(key: str) -> str:
    """The environment variable behind a config key (what an operator has to set)."""
    return {k: var for var, k in ENV_KEYS.items()}.get(key, key)


def enabled_features(settings: Mapping[str, Any], default: Iterable[str]) -> tuple[str, ...]:
    """`FEATURES` when given (a list, a comma-separated string, or "none"), else `default`."""
    chosen = settings.get("FEATURES")
    if chosen is None:
        return tuple(default)
    names = chosen.split(",") if isinstance(chosen, str) else list(chosen)
    names = [n.strip() for n in names if n.strip() and n.strip() != "none"]
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ConfigError(f"UGIG_FEATURES names unknown feature(s): {', '.join(unknown)}")
    return tuple(names)


def configured_features(settings: Mapping[str, Any], among: Iterable[str]) -> tuple[str, ...]:
    """Features whose marker settings are present: what an app built with explicit settings serves."""
    return tuple(name for name in among if any(settings.get(k) for k in FEATURES[name].markers))


def missing_for(feature: str, settings: Mapping[str, Any]) -> list[str]:
    spec = FEATURES.get(feature)
    if spec is None:
        return []
    missing = [env_name(k) for k in spec.all_of if not settings.get(k)]
    for group in spec.one_of:
        if not any(settings.get(k) for k in group):
            missing.append(" or ".join(env_name(k) for k in group))
    if feature == "jitsi":
        if settings.get("JITSI_APP_SECRET") and settings.get("JAAS_PRIVATE_KEY"):
            raise ConfigError("set JITSI_APP_SECRET (self-hosted Jitsi) or JAAS_PRIVATE_KEY (8x8 JaaS), not both")
        for secret, companions in JITSI_MODES.items():
            if settings.get(secret):
                missing += [env_name(k) for k in companions if not settings.get(k)]
    return missing


# rule: SVC-ENV
def validate(settings: Mapping[str, Any], features: Iterable[str] = ()) -> None:
    """Raise ConfigError naming every variable the core and the given features lack."""
    missing = [env_name("DB_URL")] if not settings.get("DB_URL") else []
    for feature in features:
        missing += [m for m in missing_for(feature, settings) if m not in missing]
    if missing:
        raise ConfigError(f"missing required environment variable(s): {', '.join(missing)}")
    for key in ("DB_POOL_MAX", "EMAIL_BATCH_SIZE", "EMAIL_CONCURRENCY", "EMAIL_MAX_ATTEMPTS"):
        value = settings.get(key)
        if value is not None and not str(value).isdigit():
            raise ConfigError(f"{env_name(key)} must be a whole number, got {value!r}")
    for key in ("EMAIL_RATE_LIMIT", "EMAIL_LEASE_SECONDS", "EMAIL_RETRY_BASE_SECONDS", "EMAIL_POLL_SECONDS"):
        value = settings.get(key)
        if value is not None:
            try:
                float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{env_name(key)} must be a number, got {value!r}") from None
