"""The web service as deployed: gunicorn.conf.py's gevent workers serving the Stripe webhook
against the real database and a CORS preflight, with JSON log lines that all carry a request id."""

from __future__ import annotations

import http.client
import json
import subprocess
import time

from scripts.keys import LOCAL_JWT_SECRET
from tests.support import stripe_events as se
from tests.test_deployment import BIN, ROOT, free_port, gunicorn_env


def test_gunicorn_applies_then_deduplicates_a_webhook_and_logs_only_json_lines_with_request_ids(db):
    user = db.create_user("gunicorn@example.test")
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_gunicorn' where user_id = %s", (user.id,))
    port = free_port()
    env = gunicorn_env(
        PORT=str(port), SUPABASE_DB_URL=db.url, UGIG_FEATURES="stripe", WEB_CONCURRENCY="2",
        STRIPE_SECRET_KEY="sk_test_gunicorn", STRIPE_WEBHOOK_SECRET=se.WEBHOOK_SECRET,
        STRIPE_PRO_PRICE_ID=se.PRO_PRICE, NEXT_PUBLIC_APP_URL="https://app.ugig.test",
        SUPABASE_JWT_SECRET=LOCAL_JWT_SECRET,
    )
    proc = subprocess.Popen([str(BIN / "gunicorn"), "webhook_service:create_app()"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    evt = se.event("customer.subscription.created", se.subscription("cus_gunicorn"))
    answers = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                assert conn.getresponse().read()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "gunicorn did not come up"
                time.sleep(0.2)
        for _ in range(3):  # one keep-alive connection: the same worker answers from its memory
            body, headers = se.signed(evt)
            conn.request("POST", "/stripe/webhook", body=body, headers=headers)
            response = conn.getresponse()
            answers.append((response.status, json.loads(response.read())["outcome"],
                            len(response.getheader("X-Request-Id") or "")))
        # A CORS preflight's 204 has no body: the keep-alive connection still frames the next answer.
        conn.request("OPTIONS", "/stripe/checkout", headers={
            "Origin": "https://app.ugig.test", "Access-Control-Request-Method": "POST"})
        response = conn.getresponse()
        preflight = (response.status, response.read(), response.getheader("Access-Control-Allow-Origin"))
        conn.request("GET", "/healthz")
        after = conn.getresponse()
        healthy = (after.status, json.loads(after.read()))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert answers == [(200, "applied", 32), (200, "duplicate", 32), (200, "duplicate", 32)]
    assert preflight == (204, b"", "https://app.ugig.test")
    assert healthy == (200, {"status": "ok"})
    assert db.execute("select plan from public.subscriptions where user_id = %s", (user.id,)) == [("pro",)]
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]  # every line is JSON
    requests = [line for line in lines if line["msg"] == "request"]
    assert [r["path"] for r in requests] == ["/healthz"] + ["/stripe/webhook"] * 3 + ["/stripe/checkout", "/healthz"]
    assert all(r["request_id"] for r in requests)
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]  # it would have no id
