"""Jitsi room tokens for the two deployments we support.

- Self-hosted Jitsi Meet (prosody `token` auth): HS256 with the app secret; `iss` = app id,
  `aud` = JITSI_AUDIENCE (default "jitsi"), `sub` = the Jitsi domain.
- 8x8 JaaS: RS256 with the tenant's private key, header `kid` = "<app id>/<key id>", `iss`
  "chat", `aud` "jitsi", `sub` = app id, and string feature flags.

Both carry `room`, `nbf`, `exp` (when the database says: the call's end + 30 minutes) and `context.user`
with string fields only (Jitsi's JWT plugins compare strings); the host is moderator and owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from webhook_service.config import ConfigError, env_name

MIN_RSA_BITS = 2048  # RFC 7518 §3.3; 8x8 documents 4096-bit keys for JaaS
MIN_HMAC_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as SHA-256's output
CLOCK_SKEW = timedelta(seconds=10)  # nbf a little in the past: participants' clocks differ

# JaaS features a marketplace call does not use; JaaS reads the values as strings.
JAAS_FEATURES = {
    "livestreaming": "false",
    "recording": "false",
    "transcription": "false",
    "outbound-call": "false",
    "sip-outbound-call": "false",
}


@dataclass(frozen=True)
class CallAccess:
    """What the database decided (private.jitsi_call_access) plus the caller's public profile."""

    room_name: str
    role: str  # host | guest
    expires_at: datetime  # the token's exp, decided by the database
    user_id: str
    display_name: str
    avatar_url: str | None = None


@dataclass(frozen=True)
class RoomToken:
    domain: str
    room_name: str
    jwt: str
    expires_at: datetime


def user_context(access: CallAccess) -> dict[str, str]:
    host = access.role == "host"
    user = {
        "id": access.user_id,
        "name": access.display_name,
        "moderator": "true" if host else "false",
        "affiliation": "owner" if host else "member",
    }
    if access.avatar_url:
        user["avatar"] = access.avatar_url
    return user


# rule: SVC-JITSI-TOKEN
class SelfHosted:
    def __init__(self, domain: str, app_id: str, secret: str, audience: str = "jitsi") -> None:
        self.domain, self.app_id, self.secret, self.audience = domain, app_id, secret, audience

    def issue(self, access: CallAccess, now: datetime) -> RoomToken:
        claims = {
            "iss": self.app_id,
            "aud": self.audience,
            "sub": self.domain,
            "room": access.room_name,
            "iat": int(now.timestamp()),
            "nbf": int((now - CLOCK_SKEW).timestamp()),
            "exp": int(access.expires_at.timestamp()),
            "moderator": access.role == "host",  # read by prosody's token_moderation module
            "context": {"user": user_context(access)},
        }
        token = jwt.encode(claims, self.secret, algorithm="HS256")
        return RoomToken(self.domain, access.room_name, token, datetime.fromtimestamp(claims["exp"], timezone.utc))


# rule: SVC-JITSI-TOKEN
class Jaas:
    def __init__(self, domain: str, app_id: str, key_id: str, private_key_pem: str) -> None:
        self.domain, self.app_id = domain, app_id
        # "<app id>/<key id>" unless the operator already gave the full kid.
        self.kid = key_id if key_id.startswith(f"{app_id}/") else f"{app_id}/{key_id}"
        self.key = jaas_key(private_key_pem)  # parsed once: PEM parsing costs more than signing

    def issue(self, access: CallAccess, now: datetime) -> RoomToken:
        claims = {
            "iss": "chat",
            "aud": "jitsi",
            "sub": self.app_id,
            "room": access.room_name,
            "iat": int(now.timestamp()),
            "nbf": int((now - CLOCK_SKEW).timestamp()),
            "exp": int(access.expires_at.timestamp()),
            "context": {
                "user": {**user_context(access), "hidden-from-recorder": "false"},
                "features": dict(JAAS_FEATURES),
            },
        }
        token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        # JaaS rooms live under the tenant: the client opens "<app id>/<room>".
        return RoomToken(self.domain, f"{self.app_id}/{access.room_name}", token,
                         datetime.fromtimestamp(claims["exp"], timezone.utc))


def jaas_key(private_key_pem: str) -> RSAPrivateKey:
    """The JaaS signing key, refused at start unless it is an unencrypted RSA key of at least
    MIN_RSA_BITS (JaaS verifies RS256 only; a weaker or other key would fail or be forgeable)."""
    name = env_name("JAAS_PRIVATE_KEY")
    try:
        # Railway and .env files often carry a PEM on one line with literal "\n".
        key = load_pem_private_key(private_key_pem.replace("\\n", "\n").encode(), password=None)
    except (ValueError, TypeError) as exc:  # not PEM, encrypted, or unsupported
        raise ConfigError(f"{name} is not an unencrypted PEM private key ({str(exc).split('.')[0]})") from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(f"{name} must be an RSA key: JaaS verifies RS256 signatures only")
    if key.key_size < MIN_RSA_BITS:
        raise ConfigError(f"{name} is a {key.key_size}-bit RSA key; use at least {MIN_RSA_BITS} bits")
    return key


def issuer_from_config(cfg: Mapping[str, Any]) -> SelfHosted | Jaas:
    if cfg.get("JAAS_PRIVATE_KEY"):
        return Jaas(cfg["JITSI_DOMAIN"], cfg["JAAS_APP_ID"], cfg["JAAS_KEY_ID"], cfg["JAAS_PRIVATE_KEY"])
    if len(str(cfg["JITSI_APP_SECRET"]).encode()) < MIN_HMAC_BYTES:
        raise ConfigError(f"{env_name('JITSI_APP_SECRET')} must be at least {MIN_HMAC_BYTES} bytes (RFC 7518 §3.2: "
                          "an HS256 key as long as the hash); prosody's JWT_APP_SECRET must match it")
    return SelfHosted(cfg["JITSI_DOMAIN"], cfg["JITSI_APP_ID"], cfg["JITSI_APP_SECRET"],
                      cfg.get("JITSI_AUDIENCE") or "jitsi")
