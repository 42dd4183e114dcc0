"""Configuration is validated at start: every missing variable is named, per feature."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from webhook_service import create_app
from webhook_service.config import ConfigError
from webhook_service.logs import Redactor

DB = {"SUPABASE_DB_URL": "postgresql://nobody@127.0.0.1:1/none"}


def start_from_env(monkeypatch, env):
    for name in ("SUPABASE_DB_URL", "SUPABASE_JWT_SECRET", "SUPABASE_JWKS_URL", "NEXT_PUBLIC_JITSI_DOMAIN",
                 "JITSI_APP_ID", "JITSI_APP_SECRET", "JAAS_APP_ID", "JAAS_KEY_ID", "JAAS_PRIVATE_KEY",
                 "UGIG_FEATURES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return create_app()


@pytest.mark.rule("SVC-ENV")
def test_web_service_from_environment_names_every_missing_jitsi_variable(monkeypatch):
    with pytest.raises(ConfigError) as err:
        start_from_env(monkeypatch, DB)
    message = str(err.value)
    for name in ("NEXT_PUBLIC_JITSI_DOMAIN", "SUPABASE_JWT_SECRET or SUPABASE_JWKS_URL",
                 "JITSI_APP_SECRET or JAAS_PRIVATE_KEY"):
        assert name in message


def test_self_hosted_jitsi_secret_needs_its_app_id(monkeypatch):
    env = {**DB, "NEXT_PUBLIC_JITSI_DOMAIN": "meet.ugig.test", "SUPABASE_JWT_SECRET": "x" * 32,
           "JITSI_APP_SECRET": "s" * 32}
    with pytest.raises(ConfigError, match="JITSI_APP_ID"):
        start_from_env(monkeypatch, env)


def test_jaas_key_needs_app_id_and_key_id(monkeypatch):
    env = {**DB, "NEXT_PUBLIC_JITSI_DOMAIN": "8x8.vc", "SUPABASE_JWT_SECRET": "x" * 32, "JAAS_PRIVATE_KEY": "k"}
    with pytest.raises(ConfigError, match="JAAS_APP_ID, JAAS_KEY_ID"):
        start_from_env(monkeypatch, env)


def test_a_short_jitsi_app_secret_stops_the_start(monkeypatch):
    env = {**DB, "NEXT_PUBLIC_JITSI_DOMAIN": "meet.ugig.test", "SUPABASE_JWT_SECRET": "x" * 32,
           "JITSI_APP_ID": "ugig", "JITSI_APP_SECRET": "s" * 31, "UGIG_FEATURES": "jitsi"}
    with pytest.raises(ConfigError, match="JITSI_APP_SECRET must be at least 32 bytes"):
        start_from_env(monkeypatch, env)
    assert start_from_env(monkeypatch, {**env, "JITSI_APP_SECRET": "s" * 32})


def pem(key, password: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def jaas_env(key: str) -> dict[str, str]:
    return {**DB, "NEXT_PUBLIC_JITSI_DOMAIN": "8x8.vc", "SUPABASE_JWT_SECRET": "x" * 32, "JAAS_APP_ID": "vpaas-magic-cookie-x",
            "JAAS_KEY_ID": "k1", "JAAS_PRIVATE_KEY": key, "UGIG_FEATURES": "jitsi"}


@pytest.mark.parametrize(("key", "refusal"), [
    ("not a key", "JAAS_PRIVATE_KEY is not an unencrypted PEM private key"),
    (pem(rsa.generate_private_key(65537, 2048), b"passphrase"), "JAAS_PRIVATE_KEY is not an unencrypted PEM"),
    (pem(ec.generate_private_key(ec.SECP256R1())), "JAAS_PRIVATE_KEY must be an RSA key"),
    (pem(rsa.generate_private_key(65537, 1024)), "JAAS_PRIVATE_KEY is a 1024-bit RSA key; use at least 2048"),
])
def test_a_jaas_key_that_cannot_sign_rs256_safely_stops_the_start(monkeypatch, key, refusal):
    with pytest.raises(ConfigError, match=refusal):
        start_from_env(monkeypatch, jaas_env(key))


def test_a_jaas_key_on_one_line_with_escaped_newlines_is_accepted(monkeypatch):
    one_line = pem(rsa.generate_private_key(65537, 2048)).replace("\n", "\\n")
    assert "\n" not in one_line and "jitsi" in start_from_env(monkeypatch, jaas_env(one_line)).config["FEATURES"]


def test_features_can_be_narrowed_by_environment(monkeypatch):
    app = start_from_env(monkeypatch, {**DB, "UGIG_FEATURES": "none"})
    assert app.config["FEATURES"] == ()


def test_unknown_feature_is_refused(monkeypatch):
    with pytest.raises(ConfigError, match="unknown feature.*videochat"):
        start_from_env(monkeypatch, {**DB, "UGIG_FEATURES": "videochat"})


def test_malformed_number_is_named():
    with pytest.raises(ConfigError, match="DB_POOL_MAX must be a whole number"):
        create_app({"DB_URL": DB["SUPABASE_DB_URL"], "DB_POOL_MAX": "many"})


def test_redactor_removes_configured_secrets_and_credential_shapes():
    redact = Redactor(["my-very-secret-value"])
    line = ('{"msg": "my-very-secret-value Bearer abc.def sk_test_123 whsec_abc re_abcdefghijk '
            'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig postgresql://postgres:pw@db:5432/x"}')
    cleaned = redact(line)
    for secret in ("my-very-secret-value", "abc.def", "sk_test_123", "whsec_abc", "re_abcdefghijk",
                   "eyJhbGciOiJIUzI1NiJ9", ":pw@"):
        assert secret not in cleaned


def test_redactor_stays_small_when_configured_many_times():
    redact = Redactor()
    for _ in range(50):
        redact.add(["-----BEGIN PRIVATE KEY-----\nabc\\def\n-----END PRIVATE KEY-----", "plain-secret"])
    assert len(redact.secrets) == 3  # the PEM, its JSON-escaped form, the plain secret
