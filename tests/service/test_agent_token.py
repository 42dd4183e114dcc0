"""POST /auth/token: an API key exchanged for a Supabase access token that PostgREST accepts
as it accepts a password sign-in's token, under the same RLS."""

from __future__ import annotations

import datetime as dt
import time

import jwt
import pytest

from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support.comms import send_message, start_conversation
from tests.support.marketplace import apply_to, create_gig
from tests.support.postgrest import Caller
from webhook_service import create_app
from webhook_service.auth import Verifier

# The service connects as ugig_service: every test runs directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")

@pytest.fixture
def app(db):
    return create_app({"DB_URL": db.service_url, "TESTING": True, "JWT_SECRET": LOCAL_JWT_SECRET,
                       "SUPABASE_URL": "http://127.0.0.1:54321"})


@pytest.fixture
def people(db):
    return {
        "bot": db.create_user("bot@example.test", user_metadata={"account_type": "agent"}),
        "ada": db.create_user("ada@example.test"),
        "bob": db.create_user("bob@example.test"),
    }


def exchange(app, key: str | None, scheme: str = "Bearer"):
    headers = {"Authorization": f"{scheme} {key}"} if key is not None else {}
    return app.test_client().post("/auth/token", headers=headers)


def as_token(db, access_token: str) -> Caller:
    """The token as PostgREST uses it: verified, then its claims become request.jwt.claims."""
    claims = dict(Verifier(LOCAL_JWT_SECRET, None).verify(access_token).claims)
    return Caller(db.admin, claims["role"], claims)


@pytest.mark.rule("TOKEN-CLAIMS", "TOKEN-LIFETIME")
def test_exchange_answers_a_supabase_access_token(db, app, people):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    before = int(time.time())
    answer = exchange(app, key["key"])
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["token_type"] == "bearer" and 0 < body["expires_in"] <= 900
    assert before + 895 <= body["expires_at"] <= int(time.time()) + 900
    assert answer.headers["Cache-Control"] == "no-store"
    claims = jwt.decode(body["access_token"], LOCAL_JWT_SECRET, ["HS256"], audience="authenticated")
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"
    assert claims["sub"] == people["bot"].id and claims["role"] == "authenticated"
    assert claims["exp"] == body["expires_at"] and claims["iss"] == "http://127.0.0.1:54321/auth/v1"
    assert claims["amr"][0]["method"] == "api_key" and claims["app_metadata"]["api_key_id"] == key["id"]
    assert claims["is_anonymous"] is False and claims["session_id"] and claims["email"] == "bot@example.test"


@pytest.mark.rule("TOKEN-LIFETIME")
def test_token_never_outlives_its_key(db, app, people):
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
    key = db.as_user(people["bot"]).rpc("create_api_key", name="short", expires_at=expires)
    body = exchange(app, key["key"]).json
    assert body["expires_at"] == int(expires.timestamp()) and body["expires_in"] <= 300


@pytest.mark.rule("TOKEN-401")
@pytest.mark.parametrize("case", ["missing", "basic scheme", "garbage", "unknown", "revoked", "expired",
                                  "deleted user"])
def test_every_refusal_is_the_same_401(db, app, people, case):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    value, scheme = key["key"], "Bearer"
    if case == "missing":
        value = None
    elif case == "basic scheme":
        scheme = "Basic"
    elif case == "garbage":
        value = "not-a-key"
    elif case == "unknown":
        value = "ugig_sk_" + "A" * 43
    elif case == "revoked":
        db.as_user(people["bot"]).rpc("revoke_api_key", id=key["id"])
    elif case == "expired":
        db.execute("update public.api_keys set expires_at = now() - interval '1 second'")
    elif case == "deleted user":
        db.execute("delete from auth.users where id = %s", (people["bot"].id,))
    answer = exchange(app, value, scheme)
    assert answer.status_code == 401
    assert answer.json == {"error": "invalid_api_key", "message": "the API key is not valid"}
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


@pytest.mark.rule("KEY-REVOKE", "TOKEN-DB-DECIDES")
def test_a_revoked_keys_exchange_stops_at_once(db, app, people):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    assert exchange(app, key["key"]).status_code == 200
    db.as_user(people["bot"]).rpc("revoke_api_key", id=key["id"])
    assert exchange(app, key["key"]).status_code == 401


@pytest.mark.rule("TOKEN-CLAIMS", "AGENT-SECRETS-PRIVATE")
def test_agent_token_works_under_rls_like_a_sign_in(db, app, people):
    """The agent applies to a gig, reads only its own applications and not others' messages."""
    ada, bob, bot = people["ada"], people["bob"], people["bot"]
    gig = create_gig(db.as_user(ada))
    apply_to(db.as_user(bob), gig["id"])
    key = db.as_user(bot).rpc("create_api_key", name="ci")
    agent = as_token(db, exchange(app, key["key"]).json["access_token"])

    mine = apply_to(agent, gig["id"])
    assert str(mine["applicant_id"]) == bot.id
    assert [str(r["id"]) for r in agent.sql("select id from public.applications")] == [str(mine["id"])]
    assert agent.scalar("select auth.uid()::text") == bot.id

    conversation = start_conversation(db, ada, bob)
    send_message(db, ada, conversation, "private between ada and bob")
    assert agent.sql("select id from public.messages") == []
    assert agent.sql("select id from public.conversations where id = %s", (conversation,)) == []
    agent.rejects("42501", "insert into public.messages (conversation_id, body) values (%s, 'hi') returning id",
                  (conversation,))
    # Nor can it see any key material, its own included.
    agent.rejects("42501", "select key_hash from private.api_key_hashes")
    assert set(agent.one("select * from public.api_keys")) == {
        "id", "user_id", "name", "prefix", "expires_at", "last_used_at", "revoked_at", "created_at"}
