"""Supabase user JWTs verified locally: HS256 with the project secret, or keys from a JWKS."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from flask import Blueprint, jsonify

from ugig_db.keys import LOCAL_JWT_SECRET, api_key
from tests.support.fake_jwks import fake_jwks, new_key
from tests.support.postgrest import user_claims
from webhook_service import create_app
from webhook_service.auth import AuthError, Verifier, current_user

NO_DB = "postgresql://nobody@127.0.0.1:1/none"
USER_ID = str(uuid.uuid4())


def hs256(claims: dict, secret: str = LOCAL_JWT_SECRET) -> str:
    return jwt.encode(claims, secret, "HS256")


def claims(**overrides) -> dict:
    return {**user_claims(USER_ID, "ada@example.test"), **overrides}


@pytest.fixture(scope="module")
def jwks():
    with fake_jwks() as (url, state):
        yield url, state


def whoami_app(**config):
    """The real factory plus a probe route that answers with the verified user."""
    app = create_app({"DB_URL": NO_DB, "TESTING": True, **config})
    probe = Blueprint("probe", __name__)

    @probe.get("/whoami")
    def whoami():
        user = current_user()
        return jsonify(id=user.id, email=user.email)

    app.register_blueprint(probe)
    return app.test_client()


@pytest.mark.rule("SVC-JWT")
def test_hs256_user_token_is_accepted():
    user = Verifier(LOCAL_JWT_SECRET, None).verify(hs256(claims()))
    assert (user.id, user.email) == (USER_ID, "ada@example.test")


@pytest.mark.rule("SVC-JWT")
@pytest.mark.parametrize("label, token, reason", [
    ("expired", lambda: hs256(claims(exp=int(time.time()) - 60)), "expired"),
    ("wrong secret", lambda: hs256(claims(), "another-secret-of-at-least-32-characters!"), "invalid"),
    ("anon key (no audience)", lambda: api_key("anon"), "invalid"),
    ("service key (no audience)", lambda: api_key("service_role"), "invalid"),
    ("other audience", lambda: hs256(claims(aud="somebody-else")), "invalid"),
    ("no subject", lambda: hs256({k: v for k, v in claims().items() if k != "sub"}), "invalid"),
    ("no expiry", lambda: hs256({k: v for k, v in claims().items() if k != "exp"}), "invalid"),
    ("alg none", lambda: jwt.encode(claims(), None, "none"), "unsupported"),
    ("garbage", lambda: "not-a-jwt", "malformed"),
    ("header not base64", lambda: "!!!." + hs256(claims()).split(".", 1)[1], "malformed"),
    ("header not an object", lambda: "WzFd." + hs256(claims()).split(".", 1)[1], "malformed"),
    ("four segments", lambda: hs256(claims()) + ".e30", "malformed"),
])
def test_bad_tokens_are_refused(label, token, reason):
    with pytest.raises(AuthError, match=reason):
        Verifier(LOCAL_JWT_SECRET, None).verify(token())


@pytest.mark.rule("SVC-JWT")
def test_hs256_token_is_refused_when_only_jwks_is_configured(jwks):
    url, _ = jwks
    with pytest.raises(AuthError, match="unsupported"):
        Verifier(None, url).verify(hs256(claims()))


@pytest.mark.rule("SVC-JWT")
@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_jwks_signed_token_is_accepted(jwks, alg):
    url, state = jwks
    user = Verifier(None, url).verify(state.sign(claims(), alg=alg))
    assert user.id == USER_ID


def test_jwks_keys_are_cached_between_requests(jwks):
    url, state = jwks
    verifier = Verifier(None, url)
    before = state.fetches
    for _ in range(5):
        verifier.verify(state.sign(claims()))
    assert state.fetches - before == 1


@pytest.mark.rule("SVC-JWT")
def test_token_signed_by_an_unpublished_key_is_refused(jwks):
    url, state = jwks
    stranger = new_key("ES256")
    with pytest.raises(AuthError, match="no signing key"):
        Verifier(None, url).verify(state.sign(claims(), key=stranger))


@pytest.mark.rule("SVC-JWT")
def test_expired_jwks_token_is_refused(jwks):
    url, state = jwks
    with pytest.raises(AuthError, match="expired"):
        Verifier(None, url).verify(state.sign(claims(exp=int(time.time()) - 60)))


def test_rotated_key_is_fetched_after_rotation():
    with fake_jwks() as (url, state):
        verifier = Verifier(None, url)
        verifier.jwks.cooldown_duration = 0  # the test cannot wait out PyJWKClient's 30 s cooldown
        verifier.verify(state.sign(claims()))
        fresh = state.rotate()
        assert verifier.verify(state.sign(claims(), key=fresh)).id == USER_ID


def test_verifier_needs_a_key_source():
    with pytest.raises(ValueError, match="SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL"):
        Verifier(None, None)


@pytest.mark.parametrize("header, status", [
    (None, 401),
    ("Basic dXNlcjpwYXNz", 401),
    ("Bearer ", 401),
    ("Bearer not-a-jwt", 401),
    ("Bearer {valid}", 200),
    ("bearer {valid}", 200),
])
def test_endpoint_reads_the_bearer_token(header, status):
    client = whoami_app(JWT_SECRET=LOCAL_JWT_SECRET)
    headers = {"Authorization": header.format(valid=hs256(claims()))} if header else {}
    response = client.get("/whoami", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.json["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    else:
        assert response.json == {"id": USER_ID, "email": "ada@example.test"}


def test_endpoint_accepts_jwks_tokens_when_configured(jwks):
    url, state = jwks
    client = whoami_app(JWKS_URL=url)
    response = client.get("/whoami", headers={"Authorization": f"Bearer {state.sign(claims())}"})
    assert response.status_code == 200 and response.json["id"] == USER_ID
