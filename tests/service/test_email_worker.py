"""The e-mail worker drains private.email_outbox through a fake Resend speaking its wire format."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from markupsafe import escape

from tests.support import email_worker as ew
from tests.support.fake_resend import API_KEY, Scripted, fake_resend
from webhook_service.email import resend_api
from webhook_service.email.links import Tokens
from webhook_service.email.worker import main as worker_main

# Every test here runs twice: the service on its database directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")


@pytest.fixture
def resend_fake():
    with fake_resend() as (url, state):
        resend_api.configure(API_KEY, url)
        state.url = url
        yield state


@pytest.fixture
def workers(db):
    """Builds workers on this test's database and closes them afterwards."""
    made = []

    def make(**overrides):
        made.append(ew.worker(db.service_url, **overrides))
        return made[-1]

    yield make
    for w in made:
        w.close()


@pytest.fixture
def ada(db):
    return db.create_user("ada@example.test", user_metadata={"username": "ada"})


def wait_until_due(db, outbox_id, limit=5.0):
    deadline = time.monotonic() + limit
    while ew.outbox_row(db, outbox_id)["due_in"] > 0:
        assert time.monotonic() < deadline, "row never became due"
        time.sleep(0.05)


# --- sending ------------------------------------------------------------------------------------

@pytest.mark.rule("SVC-EMAIL-IDEMPOTENCY")
def test_worker_sends_with_outbox_id_as_idempotency_key_and_records_provider_id(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id, "welcome")
    assert workers().run_once() == 1
    [request] = resend_fake.requests
    assert request["idempotency_key"] == oid
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    [email] = resend_fake.delivered
    assert email["payload"]["to"] == ["ada@example.test"]
    assert email["payload"]["from"] == ew.SENDER
    row = ew.outbox_row(db, oid)
    assert row["status"] == "sent" and row["provider_message_id"] == email["id"] and row["sent_at"]
    assert row["attempts"] == 1


def test_email_has_html_and_text_settings_footer_and_list_unsubscribe(db, resend_fake, workers, ada):
    db.execute("select private.notify(%s, 'review_received', 'New review', 'Bob rated you 5 stars')", (ada.id,))
    workers().run_once()
    payload = resend_fake.delivered[0]["payload"]
    settings_url = f"{ew.APP_URL}/settings/notifications"
    assert payload["subject"] == "New review"
    assert "Bob rated you 5 stars" in payload["html"] and "Bob rated you 5 stars" in payload["text"]
    assert f'href="{settings_url}"' in payload["html"] and settings_url in payload["text"]
    # One-click unsubscribe (RFC 8058): a signed link for this user and kind, in the header and the footer.
    one_click = payload["headers"]["List-Unsubscribe"]
    assert one_click.startswith(f"<{ew.UNSUBSCRIBE_URL}?token=") and one_click.endswith(">")
    assert payload["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = parse_qs(urlsplit(one_click[1:-1]).query)["token"][0]
    assert Tokens(ew.UNSUBSCRIBE_SECRET).verify(token) == (ada.id, "review_received")
    assert escape(one_click[1:-1]) in payload["html"] and one_click[1:-1] in payload["text"]


def test_welcome_email_offers_the_settings_page_not_one_click(db, resend_fake, workers, ada):
    ew.enqueue(db, ada.id, "welcome")
    workers().run_once()
    headers = resend_fake.delivered[0]["payload"]["headers"]
    assert headers == {"List-Unsubscribe": f"<{ew.APP_URL}/settings/notifications>"}


@pytest.mark.rule("SVC-EMAIL-AT-SEND")
def test_recipient_address_is_read_at_send_time(db, resend_fake, workers, ada):
    ew.enqueue(db, ada.id)
    db.execute("update auth.users set email = 'ada.new@example.test' where id = %s", (ada.id,))
    workers().run_once()
    assert resend_fake.delivered[0]["payload"]["to"] == ["ada.new@example.test"]


@pytest.mark.rule("SVC-EMAIL-AT-SEND")
def test_deleted_user_gets_nothing(db, resend_fake, workers, ada):
    ew.enqueue(db, ada.id)
    db.execute("delete from auth.users where id = %s", (ada.id,))
    assert workers().run_once() == 0
    assert resend_fake.requests == []


def test_soft_deleted_user_gets_nothing_and_row_is_skipped(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    db.execute("update auth.users set deleted_at = now() where id = %s", (ada.id,))
    assert workers().run_once() == 0
    assert resend_fake.requests == []
    row = ew.outbox_row(db, oid)
    assert row["status"] == "skipped" and row["last_error"] == "recipient deleted"


@pytest.mark.rule("SVC-EMAIL-AT-SEND")
def test_email_turned_off_after_enqueue_is_skipped(db, resend_fake, workers, ada):
    db.execute("select private.notify(%s, 'call_scheduled', 'Call', 'Tomorrow')", (ada.id,))
    db.execute("update public.notification_settings set email_call = false where user_id = %s", (ada.id,))
    assert workers().run_once() == 0
    assert resend_fake.requests == []
    assert db.execute("select status from private.email_outbox where user_id = %s", (ada.id,)) == [("skipped",)]


@pytest.mark.rule("SVC-EMAIL-CLAIM")
def test_claim_is_committed_before_resend_is_called(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.hold = threading.Event()
    w = workers()
    sender = threading.Thread(target=w.run_once)
    sender.start()
    try:
        assert resend_fake.received.wait(10)
        row = ew.outbox_row(db, oid)  # another connection sees the lease while the send is in flight
        assert row["status"] == "sending" and row["claimed_by"] == w.name and row["due_in"] > 20
    finally:
        resend_fake.hold.set()
        sender.join(10)
    assert ew.outbox_row(db, oid)["status"] == "sent"


# --- the shared send rate -------------------------------------------------------------------------

def claim(conn, limit, rate, lease="10 seconds"):
    return conn.execute("select send_in from private.claim_emails(%s, %s, 10, 'w', %s)", (limit, lease, rate)).fetchall()


def test_the_send_rate_is_shared_by_every_worker(db, ada):
    for _ in range(12):
        ew.enqueue(db, ada.id)
    first, second = db.connect(), db.connect()  # two worker processes
    try:
        a = [r[0] for r in claim(first, 4, 10)]
        b = [r[0] for r in claim(second, 4, 10)]
    finally:
        first.close()
        second.close()
    # 10 per second for both together: the second claim's slots follow the first's, 0.1 s apart.
    assert a == pytest.approx([0.0, 0.1, 0.2, 0.3], abs=0.05)
    assert b == pytest.approx([0.4, 0.5, 0.6, 0.7], abs=0.05)


def test_a_rate_limited_claim_books_no_more_than_half_a_lease_ahead(db, ada):
    for _ in range(30):
        ew.enqueue(db, ada.id)
    conn = db.connect()
    try:
        assert len(claim(conn, 50, 4, lease="4 seconds")) == 8  # 4/s for half of 4 s
        assert claim(conn, 50, 4, lease="4 seconds") == []  # booked until then: wait for the next poll
        assert len(claim(conn, 50, 0, lease="4 seconds")) == 22  # rate off: no booking, no slots
    finally:
        conn.close()
    assert db.execute("select count(*) from private.email_outbox where status = 'sending'") == [(30,)]


def test_two_rate_limited_workers_together_send_at_the_shared_rate(db, resend_fake, workers, ada):
    for _ in range(10):
        ew.enqueue(db, ada.id)
    pair = [workers(rate_limit=10, batch_size=5, concurrency=5) for _ in range(2)]
    started = time.monotonic()
    threads = [threading.Thread(target=w.run_once) for w in pair]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # Ten e-mails at 10/s in all take at least 0.9 s (two workers limited each on their own: 0.4 s).
    assert time.monotonic() - started >= 0.85
    assert len(resend_fake.delivered) == 10


# --- retries and failures -----------------------------------------------------------------------

@pytest.mark.rule("SVC-EMAIL-RETRY")
def test_rate_limited_send_waits_for_retry_after_then_succeeds(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(429, "rate_limit_exceeded", "Too many requests.", {"retry-after": "1"})]
    w = workers()
    w.run_once()
    row = ew.outbox_row(db, oid)
    assert row["status"] == "pending" and "429 rate_limit_exceeded" in row["last_error"]
    assert 0.7 < row["due_in"] <= 1.0
    assert w.run_once() == 0  # not before retry-after
    wait_until_due(db, oid)
    assert w.run_once() == 1
    row = ew.outbox_row(db, oid)
    assert row["status"] == "sent" and row["attempts"] == 2
    assert resend_fake.keys() == {oid: 2} and len(resend_fake.delivered) == 1


@pytest.mark.rule("SVC-EMAIL-RETRY")
def test_server_errors_are_retried_with_exponential_backoff(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(500, "application_error", "Internal server error."),
                          Scripted(502, "bad_gateway", "Bad gateway."),
                          Scripted(503, "service_unavailable", "Unavailable.")]
    w = workers(retry_base_seconds=0.25)
    delays = []
    for attempt in (1, 2, 3):
        w.run_once()
        row = ew.outbox_row(db, oid)
        assert row["status"] == "pending" and row["attempts"] == attempt
        delays.append(row["due_in"])
        wait_until_due(db, oid)
    # base * 2^(attempt-1), ±20 % jitter
    for delay, expected in zip(delays, (0.25, 0.5, 1.0)):
        assert expected * 0.7 < delay <= expected * 1.2
    w.run_once()
    assert ew.outbox_row(db, oid)["status"] == "sent"
    assert resend_fake.keys() == {oid: 4} and len(resend_fake.delivered) == 1


@pytest.mark.rule("SVC-EMAIL-RETRY")
def test_network_error_is_retried(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(0, drop_connection=True)]
    w = workers(retry_base_seconds=0.1)
    w.run_once()
    row = ew.outbox_row(db, oid)
    assert row["status"] == "pending" and "HttpClientError" in row["last_error"]
    wait_until_due(db, oid)
    w.run_once()
    assert ew.outbox_row(db, oid)["status"] == "sent"


def test_keep_alive_connection_closed_by_resend_is_sent_again_at_once_with_the_same_key(db, resend_fake, workers,
                                                                                      ada):
    w = workers(concurrency=1)  # one sending thread: the second e-mail reuses the first's connection
    first = ew.enqueue(db, ada.id)
    w.run_once()
    second = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(0, drop_connection=True)]  # the server closes the idle connection
    w.run_once()
    assert ew.outbox_row(db, second)["status"] == "sent" and ew.outbox_row(db, second)["attempts"] == 1
    assert resend_fake.keys() == {first: 1, second: 2}
    assert resend_fake.delivered_keys() == {first: 1, second: 1}


@pytest.mark.rule("SVC-EMAIL-RETRY")
def test_permanent_client_error_is_recorded_and_not_retried(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(422, "validation_error", "Invalid `to` field.")]
    w = workers(retry_base_seconds=0.01)
    w.run_once()
    row = ew.outbox_row(db, oid)
    assert row["status"] == "failed"
    assert row["last_error"] == "422 validation_error: Invalid `to` field."
    time.sleep(0.05)
    assert w.run_once() == 0 and len(resend_fake.requests) == 1


@pytest.mark.rule("SVC-EMAIL-RETRY")
def test_worker_gives_up_after_max_attempts(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.script = [Scripted(500, "application_error", "Down.")] * 2
    w = workers(max_attempts=2, retry_base_seconds=0.05)
    w.run_once()
    wait_until_due(db, oid)
    w.run_once()
    row = ew.outbox_row(db, oid)
    assert row["status"] == "failed" and row["last_error"].startswith("gave up after 2 attempts: 500")


def test_unknown_kind_fails_permanently_without_calling_resend(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id, "not_a_kind")
    workers().run_once()
    row = ew.outbox_row(db, oid)
    assert row["status"] == "failed" and "no e-mail template" in row["last_error"]
    assert resend_fake.requests == []


# --- dead workers and parallel workers ----------------------------------------------------------

@pytest.mark.rule("SVC-EMAIL-CLAIM")
def test_row_claimed_by_a_dead_worker_is_sent_once_after_the_lease_expires(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    dead = db.connect()  # a worker that claimed and died before sending
    [(stale_token,)] = dead.execute("select claim_token from private.claim_emails(10, '1 second')").fetchall()
    dead.close()
    w = workers()
    assert w.run_once() == 0  # the lease still holds
    wait_until_due(db, oid)
    assert w.run_once() == 1
    assert resend_fake.keys() == {oid: 1}
    assert ew.outbox_row(db, oid)["status"] == "sent"
    # The dead worker's outcome, arriving late, changes nothing.
    late = json.dumps([{"id": oid, "outcome": "failed", "error": "late"}])
    assert db.execute("select private.complete_emails(%s, %s::jsonb)", (stale_token, late)) == [(0,)]
    assert ew.outbox_row(db, oid)["status"] == "sent"


@pytest.mark.rule("SVC-EMAIL-IDEMPOTENCY")
def test_worker_killed_mid_send_is_resent_with_same_key_and_delivered_once(db, resend_fake, workers, ada):
    oid = ew.enqueue(db, ada.id)
    resend_fake.hold = threading.Event()  # the request reaches Resend, the answer never comes back
    env = {**os.environ, "SUPABASE_DB_URL": db.service_url, "RESEND_API_KEY": API_KEY, "RESEND_API_URL": resend_fake.url,
           "EMAIL_FROM": ew.SENDER, "NEXT_PUBLIC_APP_URL": ew.APP_URL, "EMAIL_LEASE_SECONDS": "1",
           "EMAIL_RATE_LIMIT": "0", "EMAIL_UNSUBSCRIBE_URL": ew.UNSUBSCRIBE_URL,
           "EMAIL_UNSUBSCRIBE_SECRET": ew.UNSUBSCRIBE_SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "webhook_service.email.worker", "--once"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert resend_fake.received.wait(30), "the worker never called Resend"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        resend_fake.hold.set()
    assert ew.outbox_row(db, oid)["status"] == "sending"
    wait_until_due(db, oid)
    assert workers().run_once() == 1
    assert resend_fake.keys() == {oid: 2}  # sent twice over the wire...
    assert resend_fake.delivered_keys() == {oid: 1}  # ...delivered once
    row = ew.outbox_row(db, oid)
    assert row["status"] == "sent" and row["provider_message_id"] == resend_fake.delivered[0]["id"]


@pytest.mark.rule("SVC-EMAIL-CLAIM")
def test_three_workers_in_parallel_send_300_rows_exactly_once(db, resend_fake, workers):
    users = [db.create_user(f"u{i}@example.test") for i in range(10)]
    db.execute(
        "select private.enqueue_email(u, 'welcome', '{}'::jsonb) from unnest(%s::uuid[]) u, generate_series(1, 30)",
        ([u.id for u in users],),
    )
    pool = [workers(batch_size=10, concurrency=2) for _ in range(3)]
    start = threading.Barrier(3)
    stop = threading.Event()

    def drain(w):
        start.wait()
        w.run(stop, drain=True)

    threads = [threading.Thread(target=drain, args=(w,)) for w in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    rows = db.execute("select status, count(*), count(distinct claimed_by) from private.email_outbox group by 1")
    assert [(status, count) for status, count, _ in rows] == [("sent", 300)]
    assert rows[0][2] >= 2, "the work was not shared"
    keys = resend_fake.keys()
    assert len(keys) == 300 and set(keys.values()) == {1}
    assert len(resend_fake.delivered) == 300


# --- content ------------------------------------------------------------------------------------

@pytest.mark.rule("SVC-EMAIL-ESCAPE")
def test_html_injection_in_user_text_is_escaped(db, resend_fake, workers, ada):
    evil = '<img src=x onerror="alert(1)"><script>steal()</script>'
    db.execute(
        "select private.notify(%s, 'message_received', %s, %s, %s::jsonb)",
        (ada.id, f"New message from {evil}", evil,
         json.dumps({"conversation_id": '"><script>x()</script>'})),
    )
    db.execute("update public.profiles set full_name = %s where id = %s", ("Ada <b>Lovelace</b>", ada.id))
    workers().run_once()
    html = resend_fake.delivered[0]["payload"]["html"]
    assert "<script>" not in html and "<img" not in html and "<b>Lovelace" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;script&gt;steal()&lt;/script&gt;" in html
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in html
    assert "/messages/%22%3E%3Cscript%3Ex%28%29%3C%2Fscript%3E" in html


@pytest.mark.rule("SVC-EMAIL-ESCAPE")
def test_payment_failed_never_links_a_non_http_invoice_url(db, resend_fake, workers, ada):
    data = {"amount_cents": 1900, "currency": "usd", "hosted_invoice_url": "javascript:alert(1)"}
    db.execute(  # the amount formatted as the billing functions format it
        "select private.notify(%s, 'payment_failed', 'Payment failed', 'Card declined',"
        " %s::jsonb || jsonb_build_object('amount_display', private.stripe_money(1900, 'usd')))",
        (ada.id, json.dumps(data)),
    )
    workers().run_once()
    payload = resend_fake.delivered[0]["payload"]
    assert "javascript:" not in payload["html"] and "19.00 USD" in payload["html"]
    assert "Update payment method" in payload["html"]


# --- welcome ------------------------------------------------------------------------------------

@pytest.mark.rule("EMAIL-WELCOME")
def test_confirming_an_email_address_enqueues_one_welcome_email(db):
    user = db.create_user("new@example.test", confirmed=False)
    assert db.execute("select kind from private.email_outbox where user_id = %s", (user.id,)) == []
    db.execute("update auth.users set email_confirmed_at = now() where id = %s", (user.id,))
    db.execute("update auth.users set email_confirmed_at = null where id = %s", (user.id,))
    db.execute("update auth.users set email_confirmed_at = now() where id = %s", (user.id,))
    assert db.execute("select kind from private.email_outbox where user_id = %s", (user.id,)) == [("welcome",)]


def welcomes(db, user_id):
    return db.execute("select count(*) from private.email_outbox where user_id = %s and kind = 'welcome'",
                      (user_id,))[0][0]


@pytest.mark.rule("EMAIL-WELCOME")
def test_a_user_created_already_confirmed_gets_one_welcome_email(db):
    # The Auth admin API with email_confirm, OAuth sign-ins and auto-confirm insert confirmed users.
    user = db.create_user("oauth@example.test", welcome=True)
    assert welcomes(db, user.id) == 1
    db.execute("update auth.users set email_confirmed_at = null where id = %s", (user.id,))
    db.execute("update auth.users set email_confirmed_at = now() where id = %s", (user.id,))
    db.execute("update auth.users set email = 'oauth.new@example.test' where id = %s", (user.id,))
    assert welcomes(db, user.id) == 1


@pytest.mark.rule("EMAIL-MESSAGE-THROTTLE")
def test_concurrent_enqueues_with_one_throttle_key_write_one_row(db):
    user = db.create_user("race@example.test")
    key = f"race:{user.id}"
    enqueue = "select private.enqueue_email(%s, 'welcome', '{}'::jsonb, %s)"
    with psycopg.connect(db.url) as first, psycopg.connect(db.url) as second:  # each in a transaction
        enqueued = first.execute(enqueue, (user.id, key)).fetchone()[0]
        answers: list = []
        racer = threading.Thread(target=lambda: answers.append(second.execute(enqueue, (user.id, key)).fetchone()[0]))
        racer.start()
        time.sleep(0.3)
        assert racer.is_alive()  # waits for the first transaction, which has not committed yet
        first.commit()
        racer.join(10)
        second.commit()
    assert enqueued is not None and answers == [None]
    assert db.execute("select count(*) from private.email_outbox where throttle_key = %s", (key,)) == [(1,)]


def test_the_welcome_of_a_user_created_confirmed_is_sent_with_their_profile(db, resend_fake, workers):
    user = db.create_user("admin-made@example.test", user_metadata={"username": "grace"}, welcome=True)
    assert workers().run_once() == 1
    [email] = resend_fake.delivered
    assert email["payload"]["to"] == ["admin-made@example.test"] and "@grace" in email["payload"]["text"]
    assert welcomes(db, user.id) == 1


# --- privileges and configuration -----------------------------------------------------------------

@pytest.mark.rule("API-PRIVATE-EXECUTE")
@pytest.mark.parametrize("actor", ["anon", "authenticated"])
@pytest.mark.parametrize("query", [
    "select * from private.claim_emails(10, '1 minute')",
    "select private.complete_emails(gen_random_uuid(), '[]')",
])
def test_clients_cannot_claim_or_complete_emails(db, actor, query):
    caller = db.as_anon() if actor == "anon" else db.as_user(db.create_user())
    caller.rejects("42501", query)


def test_worker_refuses_to_start_naming_missing_variables(capsys):
    assert worker_main(["--once"], environ={"SUPABASE_DB_URL": "postgresql://x@127.0.0.1:1/x"}) == 2
    err = capsys.readouterr().err
    for name in ("RESEND_API_KEY", "EMAIL_FROM", "NEXT_PUBLIC_APP_URL", "EMAIL_UNSUBSCRIBE_URL",
                 "EMAIL_UNSUBSCRIBE_SECRET"):
        assert name in err
