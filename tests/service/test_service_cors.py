"""CORS: the web app's origin may call the user-facing endpoints from a browser; nobody else's
pages may read their answers, and server-to-server endpoints carry no CORS headers."""

from __future__ import annotations

import json

import pytest

from tests.support.billing import APP_URL, billing_app
from tests.support.jitsi import bearer, call_row, self_hosted_app
from webhook_service import create_app
from webhook_service.config import ConfigError

NOWHERE = "postgresql://nobody@127.0.0.1:1/none"  # preflights and refusals never reach the database
JITSI = {"DB_URL": NOWHERE, "JWT_SECRET": "s" * 40, "JITSI_DOMAIN": "meet.ugig.test", "JITSI_APP_ID": "ugig",
         "JITSI_APP_SECRET": "a" * 40}
APP_ORIGIN = "https://app.ugig.test"


def preflight(client, path, origin=APP_ORIGIN, **headers):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "authorization,content-type", **headers})


def test_the_web_apps_origin_passes_the_preflight(capsys):
    client = create_app({**JITSI, "APP_URL": APP_ORIGIN + "/dashboard"}).test_client()  # its origin, not its path
    response = preflight(client, "/jitsi/token", **{"X-Request-Id": "req-preflight"})
    assert response.status_code == 204 and response.data == b""
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert response.headers["Vary"] == "Origin" and "Access-Control-Allow-Credentials" not in response.headers
    assert "Content-Length" not in response.headers and "Content-Type" not in response.headers
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [(l["method"], l["path"], l["status"], l["request_id"]) for l in lines if l["msg"] == "request"] == [
        ("OPTIONS", "/jitsi/token", 204, "req-preflight")]


def test_another_origin_fails_the_preflight_and_reads_nothing():
    client = create_app({**JITSI, "APP_URL": APP_ORIGIN}).test_client()
    response = preflight(client, "/jitsi/token", origin="https://evil.example")
    assert (response.status_code, response.json["error"]) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in response.headers
    refused = client.post("/jitsi/token", json={"call_id": "x"}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 401 and "Access-Control-Allow-Origin" not in refused.headers


def test_without_any_origin_configured_no_browser_page_may_call():
    client = create_app(JITSI).test_client()
    assert preflight(client, "/jitsi/token").status_code == 403


def test_answers_to_the_web_app_name_its_origin(db, people, call_id):
    client = self_hosted_app(db, APP_URL=APP_ORIGIN).test_client()
    response = client.post("/jitsi/token", json={"call_id": call_id},
                           headers={**bearer(people["ada"]), "Origin": APP_ORIGIN})
    assert response.status_code == 200, response.json
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-Id"
    assert call_row(db, call_id)[0] == "in_progress"
    unauthorised = client.post("/jitsi/token", json={"call_id": call_id}, headers={"Origin": APP_ORIGIN})
    assert unauthorised.status_code == 401  # the origin opens nothing: the token decides
    assert unauthorised.headers["Access-Control-Allow-Origin"] == APP_ORIGIN  # so the page can read why


def test_billing_endpoints_are_browser_endpoints_and_the_webhook_is_not(db):
    with billing_app(db.service_url) as app:  # APP_URL = https://app.ugig.test
        client = app.test_client()
        for path in ("/stripe/checkout", "/stripe/portal"):
            assert preflight(client, path, origin=APP_URL).status_code == 204, path
            refused = client.post(path, json={}, headers={"Origin": APP_URL})
            assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == APP_URL
        webhook = client.post("/stripe/webhook", data=b"{}", headers={"Origin": APP_URL})
        assert webhook.status_code == 400 and "Access-Control-Allow-Origin" not in webhook.headers
        assert preflight(client, "/stripe/webhook", origin=APP_URL).status_code == 405
        assert preflight(client, "/jitsi/token", origin=APP_URL).status_code == 404  # Jitsi is not served here
        assert "Access-Control-Allow-Origin" not in client.get("/healthz", headers={"Origin": APP_URL}).headers


def test_listed_origins_replace_the_app_url():
    client = create_app({**JITSI, "APP_URL": APP_ORIGIN,
                         "CORS_ORIGINS": "https://ugig.net, http://localhost:3000"}).test_client()
    for origin in ("https://ugig.net", "http://localhost:3000"):
        assert preflight(client, "/jitsi/token", origin=origin).headers["Access-Control-Allow-Origin"] == origin
    assert preflight(client, "/jitsi/token").status_code == 403


@pytest.mark.parametrize("listed", ["https://ugig.net/app", "ftp://ugig.net", "ugig.net", "https://user:pw@ugig.net"])
def test_a_malformed_origin_stops_the_start(listed):
    with pytest.raises(ConfigError, match="CORS_ALLOWED_ORIGINS"):
        create_app({**JITSI, "CORS_ORIGINS": listed})
