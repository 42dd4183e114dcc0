"""The webhook delivery worker against HTTPS receivers on loopback: Standard Webhooks
signatures, retries, 410, no redirects, SSRF refusals, a hanging receiver, a killed worker."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest
from standardwebhooks.webhooks import Webhook

from tests.support.webhook_receiver import ReceiverState, StubResolver, receiver, tls_files
from webhook_service.config import ConfigError
from webhook_service.webhooks import worker as webhook_worker
from webhook_service.webhooks.worker import Settings, Worker

# The worker connects as ugig_service: every test runs directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")

NAMES = {
    "hooks.example.com": ["127.0.0.1"],
    "intranet.example.com": ["10.0.0.5"],
    "mixed.example.com": ["93.184.216.34", "10.0.0.5"],
    "metadata.example.com": ["::ffff:169.254.169.254"],
}


@pytest.fixture(scope="module")
def tls():
    with tls_files() as files:
        yield files


@pytest.fixture
def state():
    return ReceiverState()


@pytest.fixture
def port(tls, state):
    with receiver(tls, state) as p:
        yield p


@pytest.fixture
def owner(db):
    return db.create_user("owner@example.test", user_metadata={"account_type": "agent"})


@pytest.fixture
def make_worker(db, tls):
    made: list[Worker] = []

    def make(**overrides) -> Worker:
        settings = Settings(db_url=db.service_url, **{"concurrency": 4, "lease_seconds": 30, "timeout_seconds": 2,
                                                      "poll_seconds": 0.05, "allow_loopback": True, **overrides})
        w = Worker(settings, resolver=StubResolver(NAMES), context=tls.client_context())
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def hook(db, owner, url):
    return db.as_user(owner).rpc("create_webhook", url=url, events=["application.received"])


def enqueue(db, owner, count=1):
    for i in range(count):
        db.execute("select private.enqueue_webhook_deliveries(%s, 'application_received', %s::jsonb)",
                   (owner.id, json.dumps({"application_id": f"a{i}"})))
    return [str(r[0]) for r in db.execute("select id from public.webhook_deliveries order by created_at")]


def delivery(db, delivery_id):
    cur = db.admin.execute("select status, attempts, last_status_code, last_error, "
                           "extract(epoch from next_attempt_at - now())::float as due_in "
                           "from public.webhook_deliveries where id = %s", (delivery_id,))
    return dict(zip([c.name for c in cur.description], cur.fetchone()))


@pytest.mark.rule("DELIVERY-SIGNATURE", "DELIVERY-SSRF")
def test_delivery_is_signed_as_standard_webhooks(db, owner, port, state, make_worker):
    secret = hook(db, owner, f"https://hooks.example.com:{port}/ok")["secret"]
    (delivery_id,) = enqueue(db, owner)
    assert make_worker().run_once() == 1
    (request,) = state.received("/ok")
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["webhook-id"] == delivery_id and headers["host"] == f"hooks.example.com:{port}"
    payload = Webhook(secret).verify(request["body"], headers)
    assert payload["type"] == "application.received" and payload["data"] == {"application_id": "a0"}
    with pytest.raises(Exception):
        Webhook("whsec_" + "A" * 43 + "=").verify(request["body"], headers)
    assert delivery(db, delivery_id)["status"] == "succeeded"


@pytest.mark.rule("DELIVERY-RETRY", "DELIVERY-SIGNATURE")
def test_a_failing_receiver_is_retried_with_backoff_then_succeeds(db, owner, port, state, make_worker):
    state.failures = 1
    hook(db, owner, f"https://hooks.example.com:{port}/flaky")
    (delivery_id,) = enqueue(db, owner)
    w = make_worker()
    w.run_once()
    first = delivery(db, delivery_id)
    assert first["status"] == "failed" and first["last_status_code"] == 500 and 20 <= first["due_in"] <= 40
    assert w.run_once() == 0  # not due yet
    db.execute("update public.webhook_deliveries set next_attempt_at = now()")
    w.run_once()
    assert delivery(db, delivery_id)["status"] == "succeeded" and delivery(db, delivery_id)["attempts"] == 2
    ids = {r["headers"]["webhook-id"] for r in state.received("/flaky")}
    assert ids == {delivery_id}  # the same webhook-id on every attempt: receivers drop repeats


@pytest.mark.rule("DELIVERY-410")
def test_410_disables_the_webhook(db, owner, port, make_worker):
    hook(db, owner, f"https://hooks.example.com:{port}/gone")
    (delivery_id,) = enqueue(db, owner)
    make_worker().run_once()
    assert delivery(db, delivery_id)["status"] == "dead"
    assert db.execute("select active, disabled_reason from public.webhooks")[0] == (
        False, "the receiver answered 410 Gone")


@pytest.mark.rule("DELIVERY-HTTP")
def test_redirects_are_not_followed(db, owner, port, state, make_worker):
    hook(db, owner, f"https://hooks.example.com:{port}/redirect")
    (delivery_id,) = enqueue(db, owner)
    make_worker().run_once()
    row = delivery(db, delivery_id)
    assert row["status"] == "failed" and row["last_status_code"] == 302
    assert state.received("/ok") == []


@pytest.mark.rule("DELIVERY-SSRF", "DELIVERY-LOOPBACK-SETTING")
@pytest.mark.parametrize(("name", "allow_loopback"), [
    ("intranet.example.com", True), ("mixed.example.com", True), ("metadata.example.com", True),
    ("hooks.example.com", False), ("unknown.example.com", True),
])
def test_names_resolving_to_non_public_addresses_are_refused(db, owner, port, state, make_worker, name,
                                                             allow_loopback):
    hook(db, owner, f"https://{name}:{port}/ok")
    (delivery_id,) = enqueue(db, owner)
    make_worker(allow_loopback=allow_loopback).run_once()
    row = delivery(db, delivery_id)
    assert row["status"] == "failed" and row["last_status_code"] is None
    assert "public address" in row["last_error"] or "cannot resolve" in row["last_error"]
    assert state.received() == []


@pytest.mark.rule("DELIVERY-ISOLATION", "DELIVERY-HTTP")
def test_a_hanging_receiver_does_not_delay_the_others(db, owner, port, state, make_worker):
    state.hang_seconds = 5
    hook(db, owner, f"https://hooks.example.com:{port}/hang")
    hook(db, owner, f"https://hooks.example.com:{port}/ok")  # same owner: every event goes to both
    ids = enqueue(db, owner, count=10)
    w = make_worker(concurrency=8, timeout_seconds=2)
    stop = threading.Event()
    started = time.monotonic()
    thread = threading.Thread(target=w.run, args=(stop,), kwargs={"drain": True})
    thread.start()
    deadline = time.monotonic() + 10
    while len(state.received("/ok")) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    healthy_done = time.monotonic() - started
    thread.join(timeout=30)
    assert len(state.received("/ok")) == 10 and healthy_done < 1.5, healthy_done
    hung = db.execute("select d.status, d.last_error from public.webhook_deliveries d "
                      "join public.webhooks w on w.id = d.webhook_id where w.url like '%%/hang'")
    assert len(ids) == 20 and hung == [("failed", "timed out after 2 s")] * 10, hung


@pytest.mark.rule("DELIVERY-CLAIM")
def test_worker_killed_mid_batch_loses_nothing(db, owner, port, state, make_worker, tls):
    hook(db, owner, f"https://hooks.example.com:{port}/slow")
    ids = enqueue(db, owner, count=12)
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.webhook_receiver", db.service_url, tls.ca_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while len(state.received("/slow")) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert state.received("/slow"), "the worker process never sent anything"
    time.sleep(3.2)  # its leases (3 s) run out
    make_worker().run(threading.Event(), drain=True)
    assert db.execute("select count(*) from public.webhook_deliveries where status = 'succeeded'")[0][0] == 12
    assert {r["headers"]["webhook-id"] for r in state.received("/slow")} == set(ids)


@pytest.mark.rule("DELIVERY-REUSE", "DELIVERY-SIGNATURE")
def test_deliveries_to_a_receiver_reuse_connections(db, owner, port, state, make_worker):
    secret = hook(db, owner, f"https://hooks.example.com:{port}/ok")["secret"]
    ids = enqueue(db, owner, count=12)
    make_worker(concurrency=4).run(threading.Event(), drain=True)
    assert db.execute("select count(*) from public.webhook_deliveries where status = 'succeeded'")[0][0] == 12
    received = state.received("/ok")
    assert {r["headers"]["webhook-id"] for r in received} == set(ids) and 1 <= state.connections <= 4
    for request in received:  # each request on a kept connection is signed on its own
        Webhook(secret).verify(request["body"], {k.lower(): v for k, v in request["headers"].items()})


@pytest.mark.rule("DELIVERY-LOOPBACK-SETTING")
def test_loopback_is_refused_in_production():
    env = {"SUPABASE_DB_URL": "postgresql://x@127.0.0.1/x", "WEBHOOK_ALLOW_LOOPBACK": "1",
           "RAILWAY_ENVIRONMENT_NAME": "production"}
    assert webhook_worker.main(["--once"], env) == 2
    with pytest.raises(ConfigError, match="refused in production"):
        Settings.from_config({"DB_URL": "x", "WEBHOOK_ALLOW_LOOPBACK": "true"},
                             {"RAILWAY_ENVIRONMENT_NAME": "Production"})
    assert Settings.from_config({"DB_URL": "x"}, {"RAILWAY_ENVIRONMENT_NAME": "production"}).allow_loopback is False


@pytest.mark.rule("DELIVERY-PURGE")
def test_purge_command(db, owner, port):
    hook(db, owner, f"https://hooks.example.com:{port}/ok")
    enqueue(db, owner, count=2)
    db.execute("update public.webhook_deliveries set created_at = now() - interval '31 days'")
    assert webhook_worker.main(["--purge"], {"SUPABASE_DB_URL": db.service_url}) == 0
    assert db.execute("select count(*) from public.webhook_deliveries")[0][0] == 0


def test_main_gives_the_signal_handlers_back(db):
    """Run in a process that carries on (this one), main() leaves SIGTERM and SIGINT as it found
    them: a handler left behind made the bench's forked load generators ignore SIGTERM and hung
    the suite."""
    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    assert webhook_worker.main(["--purge"], {"SUPABASE_DB_URL": db.service_url}) == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_the_worker_imports_neither_flask_nor_stripe():
    code = ("import sys, webhook_service.webhooks.worker; "
            "sys.exit(1 if {'flask', 'stripe'} & set(sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
