"""Logs are JSON lines carrying a request id, and no secret or token ever reaches them."""

from __future__ import annotations

import json
import logging

import pytest

from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support import email_worker as ew
from tests.support import stripe_events as se
from tests.support.billing import billing_app
from tests.support.fake_resend import API_KEY, Scripted, fake_resend
from tests.support.jitsi import APP_SECRET, JAAS_PEM, bearer, jaas_app, self_hosted_app
from webhook_service import logs
from webhook_service.email import resend_api


def log_lines(capsys) -> list[dict]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.rule("SVC-LOGS")
def test_every_request_line_is_json_with_the_request_id(db, capsys):
    client = self_hosted_app(db).test_client()
    client.get("/healthz", headers={"X-Request-Id": "req-123"})
    lines = log_lines(capsys)
    assert lines and all(line["request_id"] == "req-123" for line in lines)
    assert {"ts", "level", "logger", "msg"} <= set(lines[0])


@pytest.mark.rule("SVC-LOGS")
def test_no_secret_or_token_is_logged_on_token_webhook_and_email_paths(db, people, call_id, capsys):
    secrets = [LOCAL_JWT_SECRET, APP_SECRET, API_KEY]
    secrets += [line for line in JAAS_PEM.splitlines() if "PRIVATE KEY" not in line]
    for app in (self_hosted_app(db, LOG_LEVEL="DEBUG"), jaas_app(db)):
        client = app.test_client()
        for user in (people["ada"], people["eve"]):
            headers = bearer(user)
            secrets.append(headers["Authorization"].split()[1])
            response = client.post("/jitsi/token", json={"call_id": call_id}, headers=headers)
            if response.status_code == 200:
                secrets.append(response.json["jwt"])
        forged = bearer(people["ada"], secret="forged-secret-forged-secret-forged-0000")
        secrets.append(forged["Authorization"].split()[1])
        assert client.post("/jitsi/token", json={"call_id": call_id}, headers=forged).status_code == 401
        with app.test_request_context("/"):
            # Even a careless log call of a header or the config is scrubbed.
            app.logger.warning("debug %s %s", forged["Authorization"], dict(app.config))

    with billing_app(db.service_url) as app:
        secrets += [app.config["STRIPE_SECRET_KEY"], app.config["STRIPE_WEBHOOK_SECRET"]]
        client = app.test_client()
        evt = se.event("customer.subscription.created", se.subscription("cus_logtest"))
        for secret in (se.WEBHOOK_SECRET, "whsec_someone_else_entirely"):
            body, headers = se.signed(evt, secret=secret)
            secrets.append(headers["Stripe-Signature"].split("v1=")[1])
            client.post("/stripe/webhook", data=body, headers=headers)

    with fake_resend() as (url, state):
        logs.configure({"RESEND_API_KEY": API_KEY, "LOG_LEVEL": "DEBUG"})
        resend_api.configure(API_KEY, url)
        ew.enqueue(db, people["ada"].id)
        state.script = [Scripted(429, "rate_limit_exceeded", "Too many requests.", {"retry-after": "0"})]
        worker = ew.worker(db.service_url)
        try:
            worker.run_once()
            worker.run_once()
            logging.getLogger("ugig.test").error("resend said %s", f"Bearer {API_KEY}")
        finally:
            worker.close()
        assert len(state.delivered) == 2  # ada's welcome and bob's call_scheduled

    out = capsys.readouterr().out
    assert "e-mail not sent" in out and "batch" in out
    assert '"path": "/jitsi/token"' in out and '"path": "/stripe/webhook"' in out
    leaked = [s[:12] for s in secrets if s in out]
    assert leaked == []
    for line in out.splitlines():
        entry = json.loads(line)
        if entry["logger"] == "ugig.email":
            assert entry["request_id"], line  # the batch id
