"""The web service as deployed: gunicorn.conf.py's gevent workers serving the Stripe webhook
and a Jitsi room token against the real database and a CORS preflight, with JSON log lines that
all carry a request id."""

from __future__ import annotations

import http.client
import json
import subprocess
import time

from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support import stripe_events as se
from tests.support.jitsi import APP_ID, APP_SECRET, DOMAIN, bearer
from tests.support.gunicorn import BIN, ROOT, free_port, gunicorn_env


def test_gunicorn_serves_webhooks_a_preflight_and_a_room_token_with_json_lines_and_request_ids(db, people, call_id):
    user = db.create_user("gunicorn@example.test")
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_gunicorn' where user_id = %s", (user.id,))
    port = free_port()
    env = gunicorn_env(
        PORT=str(port), SUPABASE_DB_URL=db.service_url, UGIG_FEATURES="stripe,jitsi", WEB_CONCURRENCY="2",
        NEXT_PUBLIC_JITSI_DOMAIN=DOMAIN, JITSI_APP_ID=APP_ID, JITSI_APP_SECRET=APP_SECRET,
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
        # A room token: the plain endpoint and psycopg's cooperative wait under gevent.
        conn.request("POST", "/jitsi/token", body=json.dumps({"call_id": call_id}),
                     headers={**bearer(people["bob"]), "Content-Type": "application/json"})
        response = conn.getresponse()
        token = (response.status, json.loads(response.read()).get("room_name"))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert answers == [(200, "applied", 32), (200, "duplicate", 32), (200, "duplicate", 32)]
    assert preflight == (204, b"", "https://app.ugig.test")
    assert healthy == (200, {"status": "ok"})
    assert token == (200, db.execute("select room_name from public.video_calls where id = %s", (call_id,))[0][0])
    assert db.execute("select plan from public.subscriptions where user_id = %s", (user.id,)) == [("pro",)]
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]  # every line is JSON
    requests = [line for line in lines if line["msg"] == "request"]
    assert [r["path"] for r in requests] == ["/healthz"] + ["/stripe/webhook"] * 3 + [
        "/stripe/checkout", "/healthz", "/jitsi/token"]
    assert all(r["request_id"] for r in requests)
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]  # it would have no id
