"""POST /jitsi/token: the database decides who may join when; the service signs the room token."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from ugig_db.keys import api_key
from tests.support.database import database_down, retry_while_unavailable
from tests.support.fake_jwks import fake_jwks, new_key
from tests.support.jitsi import (
    APP_ID, APP_SECRET, DOMAIN, JAAS_APP_ID, JAAS_KEY, JAAS_KEY_ID, bearer, call_row, force, jaas_app, post_token,
    self_hosted_app)
from tests.support.postgrest import user_claims
from webhook_service import create_app

# Every test here runs twice: the service on its database directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")

# --- tokens, both modes ---------------------------------------------------------------------------

@pytest.mark.rule("SVC-JITSI-TOKEN")
def test_self_hosted_host_token_has_the_claims_prosody_expects(db, people, call_id):
    response = post_token(self_hosted_app(db), people["ada"], call_id)
    assert response.status_code == 200, response.json
    body = response.json
    _, ends_at, room = call_row(db, call_id)
    assert jwt.get_unverified_header(body["jwt"])["alg"] == "HS256"
    claims = jwt.decode(body["jwt"], APP_SECRET, algorithms=["HS256"], audience="jitsi", issuer=APP_ID)
    assert (claims["sub"], claims["room"]) == (DOMAIN, room)
    assert claims["exp"] == int((ends_at + timedelta(minutes=30)).timestamp())
    assert claims["nbf"] <= time.time() <= claims["exp"]
    assert claims["moderator"] is True
    user = claims["context"]["user"]
    assert user == {"id": people["ada"].id, "name": "Ada Lovelace", "moderator": "true", "affiliation": "owner"}
    assert all(isinstance(v, str) for v in user.values())
    assert body["domain"] == DOMAIN and body["room_name"] == room
    assert datetime.fromisoformat(body["expires_at"]) == datetime.fromtimestamp(claims["exp"], timezone.utc)


@pytest.mark.rule("SVC-JITSI-TOKEN")
def test_self_hosted_guest_is_not_moderator(db, people, call_id):
    body = post_token(self_hosted_app(db), people["bob"], call_id).json
    claims = jwt.decode(body["jwt"], APP_SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["moderator"] is False
    assert claims["context"]["user"] == {"id": people["bob"].id, "name": "bob", "moderator": "false",
                                         "affiliation": "member"}


def test_self_hosted_audience_is_configurable(db, people, call_id):
    body = post_token(self_hosted_app(db, JITSI_AUDIENCE="ugig"), people["ada"], call_id).json
    assert jwt.decode(body["jwt"], APP_SECRET, algorithms=["HS256"], audience="ugig")["iss"] == APP_ID


@pytest.mark.rule("SVC-JITSI-TOKEN")
def test_jaas_token_is_rs256_with_tenant_kid_and_string_features(db, people, call_id):
    response = post_token(jaas_app(db), people["ada"], call_id)
    assert response.status_code == 200, response.json
    body = response.json
    _, ends_at, room = call_row(db, call_id)
    header = jwt.get_unverified_header(body["jwt"])
    assert header["alg"] == "RS256" and header["kid"] == f"{JAAS_APP_ID}/{JAAS_KEY_ID}"
    claims = jwt.decode(body["jwt"], JAAS_KEY.public_key(), algorithms=["RS256"], audience="jitsi", issuer="chat")
    assert claims["sub"] == JAAS_APP_ID and claims["room"] == room
    assert claims["exp"] == int((ends_at + timedelta(minutes=30)).timestamp())
    context = claims["context"]
    assert context["user"]["moderator"] == "true" and context["user"]["id"] == people["ada"].id
    assert all(isinstance(v, str) for v in context["user"].values())
    assert context["features"] and all(v in ("true", "false") for v in context["features"].values())
    assert body["domain"] == "8x8.vc" and body["room_name"] == f"{JAAS_APP_ID}/{room}"


@pytest.mark.rule("SVC-JITSI-TOKEN")
def test_jaas_guest_is_not_moderator(db, people, call_id):
    body = post_token(jaas_app(db), people["bob"], call_id).json
    claims = jwt.decode(body["jwt"], JAAS_KEY.public_key(), algorithms=["RS256"], audience="jitsi")
    assert claims["context"]["user"]["moderator"] == "false"


@pytest.mark.rule("CALL-FIRST-JOIN")
def test_first_join_marks_the_call_in_progress(db, people, call_id):
    app = self_hosted_app(db)
    assert call_row(db, call_id)[0] == "scheduled"
    assert post_token(app, people["bob"], call_id).status_code == 200
    assert call_row(db, call_id)[0] == "in_progress"
    assert post_token(app, people["ada"], call_id).status_code == 200  # later joins still get tokens


@pytest.mark.rule("CALL-FIRST-JOIN")
def test_later_joins_write_nothing(db, people, call_id):
    app = self_hosted_app(db)
    assert post_token(app, people["bob"], call_id).status_code == 200
    version = db.execute("select xmin::text, started_at from public.video_calls where id = %s", (call_id,))
    for user in ("ada", "bob", "ada"):
        assert post_token(app, people[user], call_id).status_code == 200
    assert db.execute("select xmin::text, started_at from public.video_calls where id = %s", (call_id,)) == version


@pytest.mark.rule("CALL-FIRST-JOIN")
def test_concurrent_first_joins_start_the_call_once(db, people, call_id):
    app = self_hosted_app(db)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: post_token(app, people["ada" if i % 2 else "bob"], call_id).status_code,
                                 range(16)))
    assert statuses == [200] * 16
    assert db.execute("select status, started_at is not null from public.video_calls where id = %s",
                      (call_id,)) == [("in_progress", True)]


# --- the join window ----------------------------------------------------------------------------------

@pytest.mark.rule("CALL-JOIN")
@pytest.mark.parametrize(("when", "status"), [
    ("scheduled_at = now() + interval '14 minutes 50 seconds'", 200),  # just inside the 15-minute lead
    ("scheduled_at = now() + interval '15 minutes 10 seconds'", 409),  # too early
    ("scheduled_at = now() - interval '29 minutes 50 seconds'", 200),  # 10 s before the end
    ("scheduled_at = now() - interval '30 minutes 1 second'", 409),    # ended
    ("scheduled_at = now() - interval '10 minutes', status = 'in_progress'", 200),
])
def test_join_window_edges(db, people, call_id, when, status):
    force(db, call_id, when)
    response = post_token(self_hosted_app(db), people["ada"], call_id)
    assert response.status_code == status, response.json
    if status == 200:
        _, ends_at, _ = call_row(db, call_id)
        claims = jwt.decode(response.json["jwt"], APP_SECRET, algorithms=["HS256"], audience="jitsi")
        assert claims["exp"] <= (ends_at + timedelta(minutes=30)).timestamp()
    else:
        assert response.json["error"] == "call_not_joinable" and response.json["message"]


# --- refusals -----------------------------------------------------------------------------------

@pytest.mark.rule("SVC-JITSI-REQUEST")
@pytest.mark.parametrize(("who", "setup", "status", "error"), [
    ("eve", None, 404, "not_found"),                      # not a participant: the call is invisible
    ("bob", "status = 'cancelled'", 409, "call_not_joinable"),
    ("ada", "status = 'completed'", 409, "call_not_joinable"),
])
def test_refusals_have_json_errors(db, people, call_id, who, setup, status, error):
    if setup:
        force(db, call_id, setup)
    response = post_token(self_hosted_app(db), people[who], call_id)
    assert (response.status_code, response.json["error"]) == (status, error)
    assert response.json["message"]
    assert call_row(db, call_id)[0] != "in_progress"


@pytest.mark.rule("CALL-JOIN")
def test_blocked_participant_is_forbidden(db, people, call_id):
    db.execute("insert into public.user_blocks (blocker_id, blocked_id) values (%s, %s)",
               (people["bob"].id, people["ada"].id))
    response = post_token(self_hosted_app(db), people["ada"], call_id)
    assert (response.status_code, response.json["error"]) == (403, "forbidden")


@pytest.mark.rule("CALL-JOIN")
def test_unknown_call_is_not_found(db, people):
    response = post_token(self_hosted_app(db), people["ada"], "00000000-0000-0000-0000-000000000001")
    assert (response.status_code, response.json["error"]) == (404, "not_found")


@pytest.mark.rule("SVC-JITSI-REQUEST")
@pytest.mark.parametrize("body", [{}, {"call_id": "not-a-uuid"}, {"call_id": 7}, None])
def test_malformed_request_is_a_400(db, people, body):
    client = self_hosted_app(db).test_client()
    response = client.post("/jitsi/token", json=body, headers=bearer(people["ada"]))
    assert (response.status_code, response.json["error"]) == (400, "invalid_request")


@pytest.mark.rule("SVC-JITSI-REQUEST")
@pytest.mark.parametrize(("body", "content_type", "message"), [
    (b"call_id=1", "application/x-www-form-urlencoded", "the body is not JSON"),
    (b"{not json", "application/json", "the body is not JSON"),
    (b"\xff\xfe", "application/json", "the body is not JSON"),
    (b"", "application/json", "the body is not JSON"),
    (b'["00000000-0000-0000-0000-000000000001"]', "application/json", "the body must be a JSON object with a call_id"),
    (b'{"call": "00000000-0000-0000-0000-000000000001"}', "application/json",
     "the body must be a JSON object with a call_id"),
])
def test_a_body_that_is_not_a_json_object_is_a_400_that_says_so(db, people, call_id, body, content_type, message):
    client = self_hosted_app(db).test_client()
    response = client.post("/jitsi/token", data=body, content_type=content_type, headers=bearer(people["ada"]))
    assert (response.status_code, response.json["error"]) == (400, "invalid_request")
    assert response.json["message"].startswith(message)
    assert call_row(db, call_id)[0] == "scheduled"


def test_a_body_over_the_limit_is_a_413_and_changes_nothing(db, people, call_id):
    client = self_hosted_app(db).test_client()
    body = b'{"call_id": "' + call_id.encode() + b'", "padding": "' + b"x" * 5000 + b'"}'
    response = client.post("/jitsi/token", data=body, content_type="application/json", headers=bearer(people["ada"]))
    assert (response.status_code, response.json["error"]) == (413, "payload_too_large")
    assert call_row(db, call_id)[0] == "scheduled"


def now():
    return int(time.time())


@pytest.mark.rule("SVC-JITSI-REQUEST")
@pytest.mark.parametrize(("label", "headers"), [
    ("missing", lambda u: {}),
    ("expired", lambda u: bearer(u, exp=now() - 60, iat=now() - 3660)),
    ("forged", lambda u: bearer(u, secret="another-secret-that-is-long-enough-0000")),
    ("wrong audience", lambda u: bearer(u, aud="somebody-else")),
    ("anon key", lambda u: {"Authorization": "Bearer " + api_key("anon")}),
    ("alg none", lambda u: {"Authorization": "Bearer " + jwt.encode(user_claims(u.id, u.email), None, "none")}),
])
def test_bad_supabase_tokens_are_refused(db, people, call_id, label, headers):
    client = self_hosted_app(db).test_client()
    response = client.post("/jitsi/token", json={"call_id": call_id}, headers=headers(people["ada"]))
    assert response.status_code == 401, label
    assert response.json["error"] == "unauthorized"
    assert call_row(db, call_id)[0] == "scheduled"


def test_jwks_signed_supabase_token_is_accepted_and_unknown_key_refused(db, people, call_id):
    with fake_jwks() as (url, state):
        app = create_app({"DB_URL": db.service_url, "JWKS_URL": url, "JITSI_DOMAIN": DOMAIN, "JITSI_APP_ID": APP_ID,
                          "JITSI_APP_SECRET": APP_SECRET})
        client = app.test_client()
        ada = people["ada"]
        good = state.sign(user_claims(ada.id, ada.email))
        response = client.post("/jitsi/token", json={"call_id": call_id}, headers={"Authorization": f"Bearer {good}"})
        assert response.status_code == 200, response.json
        rogue = state.sign(user_claims(ada.id, ada.email), key=new_key("ES256"))
        response = client.post("/jitsi/token", json={"call_id": call_id}, headers={"Authorization": f"Bearer {rogue}"})
        assert response.status_code == 401


# --- the endpoint (plain WSGI in front of Flask) ----------------------------------------------

def test_token_endpoint_refuses_other_methods(db, people, call_id):
    response = self_hosted_app(db).test_client().get("/jitsi/token", headers=bearer(people["ada"]))
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.json["error"] == "method_not_allowed"
    assert call_row(db, call_id)[0] == "scheduled"


def test_token_answers_carry_the_request_id(db, people, call_id):
    client = self_hosted_app(db).test_client()
    headers = {**bearer(people["ada"]), "X-Request-Id": "req-jitsi-1"}
    response = client.post("/jitsi/token", json={"call_id": call_id}, headers=headers)
    assert response.status_code == 200 and response.headers["X-Request-Id"] == "req-jitsi-1"
    assert response.headers["Content-Type"] == "application/json"
    refused = client.post("/jitsi/token", json={"call_id": call_id}, headers={"X-Request-Id": "req-jitsi-2"})
    assert refused.status_code == 401 and refused.headers["X-Request-Id"] == "req-jitsi-2"
    assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_database_down_answers_503_then_the_retry_succeeds(db, people, call_id):
    client = self_hosted_app(db).test_client()
    assert post_token(client.application, people["bob"], call_id).status_code == 200  # a pooled connection
    with database_down(db):
        response = client.post("/jitsi/token", json={"call_id": call_id}, headers=bearer(people["ada"]))
        assert (response.status_code, response.json["error"]) == (503, "unavailable")
    response = retry_while_unavailable(
        lambda: client.post("/jitsi/token", json={"call_id": call_id}, headers=bearer(people["ada"])))
    assert response.status_code == 200, response.json


def test_an_unexpected_database_error_is_a_json_500_logged_with_its_request_id(db, people, call_id, capsys):
    app = self_hosted_app(db)  # created here, so its log handler writes to the captured stdout
    db.execute("alter function private.jitsi_call_access(uuid, uuid) rename to jitsi_call_access_gone")
    response = app.test_client().post("/jitsi/token", json={"call_id": call_id},
                                      headers={**bearer(people["ada"]), "X-Request-Id": "req-jitsi-500"})
    assert (response.status_code, response.json["error"]) == (500, "internal_error")
    assert response.json["message"] == "the token was not issued; retry shortly"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    failure = next(line for line in lines if line["msg"] == "request failed")
    assert failure["request_id"] == "req-jitsi-500" and failure["path"] == "/jitsi/token"
    assert "UndefinedFunction" in failure["exc"]
    assert [(line["status"], line["request_id"]) for line in lines if line["msg"] == "request"] == [
        (500, "req-jitsi-500")]
