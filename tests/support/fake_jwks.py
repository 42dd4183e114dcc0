"""A fake Supabase Auth JWKS endpoint on loopback, and a signer for tokens it vouches for.

Serves `GET /auth/v1/.well-known/jwks.json` like Supabase does for projects with asymmetric
signing keys (ES256 by default, RS256 too), and counts fetches so tests can check caching.
Keys can be rotated: the new key is published and the old one withdrawn.
"""

from __future__ import annotations

import json
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.support import loopback

JWKS_PATH = "/auth/v1/.well-known/jwks.json"


@dataclass
class SigningKey:
    kid: str
    alg: str
    private: Any

    def public_jwk(self) -> dict[str, Any]:
        algorithm = ECAlgorithm if self.alg == "ES256" else RSAAlgorithm
        jwk = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig", "key_ops": ["verify"]}


def new_key(alg: str = "ES256") -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1()) if alg == "ES256" else rsa.generate_private_key(65537, 2048)
    return SigningKey(kid=str(uuid.uuid4()), alg=alg, private=private)


@dataclass
class JwksState:
    keys: list[SigningKey] = field(default_factory=lambda: [new_key("ES256"), new_key("RS256")])
    fetches: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rotate(self) -> SigningKey:
        """Publish a fresh ES256 key in place of all others; returns it."""
        key = new_key("ES256")
        with self.lock:
            self.keys = [key]
        return key

    def sign(self, claims: dict[str, Any], *, alg: str = "ES256", key: SigningKey | None = None) -> str:
        key = key or next(k for k in self.keys if k.alg == alg)
        return jwt.encode(claims, key.private, algorithm=key.alg, headers={"kid": key.kid})


class _Handler(loopback.Handler):
    def do_GET(self) -> None:
        if self.path != JWKS_PATH:
            self.send_json(404, {"error": "not found"})
            return
        state: JwksState = self.state
        with state.lock:
            state.fetches += 1
            keys = [k.public_jwk() for k in state.keys]
        self.send_json(200, {"keys": keys}, {"Cache-Control": "public, max-age=600"})


@contextmanager
def fake_jwks() -> Iterator[tuple[str, JwksState]]:
    """Yields (jwks_url, state)."""
    state = JwksState()
    with loopback.serve(_Handler, state) as base:
        yield base + JWKS_PATH, state

