"""POST /stripe/webhook: signature checks, idempotency, ordering, failures and the lifecycle."""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest

from tests.support import stripe_events as se
from tests.support.billing import billing_app
from tests.support.database import database_down, retry_while_unavailable
from tests.support.fake_stripe import new_id
from tests.support.marketplace import create_gig

# Every test here runs twice: the service on its database directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")


@pytest.fixture
def app(db):
    with billing_app(db.service_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def customer(db):
    """A user whose Stripe customer is known (as after /stripe/checkout created it)."""
    user = db.create_user("payer@example.test")
    cus = new_id("cus")
    db.execute("update public.subscriptions set stripe_customer_id = %s where user_id = %s", (cus, user.id))
    return user, cus


def deliver(client, evt, **sign):
    body, headers = se.signed(evt, **sign)
    return client.post("/stripe/webhook", data=body, headers=headers)


def sub_row(db, user):
    return db.execute(
        "select plan, status, stripe_subscription_id, price_id, cancel_at_period_end, private.has_pro(user_id)"
        " from public.subscriptions where user_id = %s", (user.id,))[0]


def event_count(db):
    return db.execute("select count(*) from private.stripe_events")[0][0]


def notifications(db, user, type_=None):
    return db.execute("select type, title from public.notifications where user_id = %s"
                      " and (%s::text is null or type = %s) order by created_at", (user.id, type_, type_))


# --- signatures -----------------------------------------------------------------------------

@pytest.mark.rule("SVC-STRIPE-SIGNATURE")
def test_valid_signature_is_applied(client, db, customer):
    user, cus = customer
    response = deliver(client, se.event("customer.subscription.created", se.subscription(cus)))
    assert response.status_code == 200 and response.json["outcome"] == "applied"
    assert sub_row(db, user)[:2] == ("pro", "active")


@pytest.mark.rule("SVC-STRIPE-SIGNATURE")
@pytest.mark.parametrize("case", ["tampered", "wrong secret", "stale timestamp", "missing header",
                                  "garbage header", "other scheme"])
def test_bad_signature_is_refused_and_nothing_is_written(client, db, customer, case):
    user, cus = customer
    evt = se.event("customer.subscription.created", se.subscription(cus))
    body, headers = se.signed(evt)
    if case == "tampered":
        body = body.replace('"status": "active"', '"status": "trialing"')
    elif case == "wrong secret":
        body, headers = se.signed(evt, secret="whsec_someone_else")
    elif case == "stale timestamp":
        body, headers = se.signed(evt, timestamp=int(time.time()) - 301)
    elif case == "missing header":
        headers.pop("Stripe-Signature")
    elif case == "garbage header":
        headers["Stripe-Signature"] = "nonsense"
    elif case == "other scheme":
        headers["Stripe-Signature"] = headers["Stripe-Signature"].replace("v1=", "v0=")
    response = client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status_code == 400
    assert event_count(db) == 0
    assert sub_row(db, user)[:2] == ("free", "active")


@pytest.mark.rule("SVC-STRIPE-SIGNATURE")
def test_signature_within_tolerance_is_accepted(client, customer):
    _, cus = customer
    evt = se.event("customer.subscription.created", se.subscription(cus))
    assert deliver(client, evt, timestamp=int(time.time()) - 290).status_code == 200


@pytest.mark.rule("STRIPE-EVENT-SHAPE")
def test_signed_body_that_is_not_an_event_is_refused(client, db):
    response = deliver(client, json.dumps({"hello": "world"}))
    assert response.status_code == 400 and event_count(db) == 0


# --- idempotency ----------------------------------------------------------------------------

@pytest.mark.rule("STRIPE-ONCE")
def test_same_event_twenty_times_takes_effect_once(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    inv = se.event("invoice.paid", se.invoice(cus, sub["id"]))
    deliver(client, se.event("customer.subscription.created", sub))
    outcomes = [deliver(client, inv).json["outcome"] for _ in range(20)]
    assert outcomes == ["applied"] + ["duplicate"] * 19
    assert db.execute("select count(*) from public.payments")[0][0] == 1
    assert len(notifications(db, user, "payment_succeeded")) == 1
    assert db.execute("select attempts from private.stripe_events where id = %s", (inv["id"],))[0][0] == 1


@pytest.mark.rule("STRIPE-ONCE")
def test_same_event_from_eight_threads_takes_effect_once(app, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    app.test_client().post("/stripe/webhook", **dict(zip(("data", "headers"),
                                                         se.signed(se.event("customer.subscription.created", sub)))))
    evt = se.event("invoice.paid", se.invoice(cus, sub["id"]))
    barrier = threading.Barrier(8)
    results: list[tuple[int, str]] = []

    def send():
        client = app.test_client()
        body, headers = se.signed(evt)
        barrier.wait()
        response = client.post("/stripe/webhook", data=body, headers=headers)
        results.append((response.status_code, response.json["outcome"]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [(200, "applied")] + [(200, "duplicate")] * 7
    assert db.execute("select count(*) from public.payments")[0][0] == 1
    assert len(notifications(db, user, "payment_succeeded")) == 1


# --- ordering -------------------------------------------------------------------------------

@pytest.mark.rule("STRIPE-NO-STALE")
def test_older_update_does_not_overwrite_newer_state(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    t = int(time.time())
    newer = se.event("customer.subscription.updated", {**sub, "status": "past_due"}, created=t)
    older = se.event("customer.subscription.updated", {**sub, "status": "active"}, created=t - 5)
    assert deliver(client, newer).json["outcome"] == "applied"
    assert deliver(client, older).json["outcome"] == "stale"
    assert sub_row(db, user)[1] == "past_due"


@pytest.mark.rule("STRIPE-NO-STALE")
def test_late_update_after_delete_stays_deleted(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    t = int(time.time())
    deliver(client, se.event("customer.subscription.created", sub, created=t - 60))
    deliver(client, se.event("customer.subscription.deleted", {**sub, "status": "canceled"}, created=t))
    # An update created in the same second as the deletion, delivered after it.
    assert deliver(client, se.event("customer.subscription.updated", sub, created=t)).json["outcome"] == "stale"
    # Even one stamped later (clock skew between Stripe's servers) cannot revive it.
    assert deliver(client, se.event("customer.subscription.updated", sub, created=t + 5)).json["outcome"] == "stale"
    assert sub_row(db, user)[:2] == ("free", "canceled")
    assert sub_row(db, user)[5] is False


@pytest.mark.rule("STRIPE-NO-STALE")
def test_created_delivered_after_updated_of_the_same_second_is_stale(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    t = int(time.time())
    deliver(client, se.event("customer.subscription.updated", {**sub, "status": "active"}, created=t))
    late = se.event("customer.subscription.created", {**sub, "status": "incomplete"}, created=t)
    assert deliver(client, late).json["outcome"] == "stale"
    assert sub_row(db, user)[1] == "active"


def test_equal_second_updates_apply_in_delivery_order(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    t = int(time.time())
    deliver(client, se.event("customer.subscription.updated", {**sub, "cancel_at_period_end": False}, created=t))
    deliver(client, se.event("customer.subscription.updated", {**sub, "cancel_at_period_end": True}, created=t))
    assert sub_row(db, user)[4] is True


@pytest.mark.rule("STRIPE-REPLAY")
def test_subscription_event_before_checkout_completion_is_not_lost(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus, metadata={"user_id": user.id})
    t = int(time.time())
    deliver(client, se.event("customer.subscription.created", sub, created=t))
    deliver(client, se.event("invoice.paid", se.invoice(cus, sub["id"]), created=t))
    deliver(client, se.event("checkout.session.completed", se.checkout_session(cus, user.id, sub["id"]), created=t))
    assert sub_row(db, user)[:3] == ("pro", "active", sub["id"])
    assert db.execute("select count(*) from public.payments where user_id = %s", (user.id,))[0][0] == 1


@pytest.mark.rule("STRIPE-REPLAY")
def test_events_for_an_unknown_customer_are_replayed_when_checkout_links_it(client, db):
    user = db.create_user("late@example.test")
    cus = new_id("cus")  # no mapping yet, and no metadata on the subscription
    sub = se.subscription(cus)
    t = int(time.time())
    assert deliver(client, se.event("customer.subscription.created", sub, created=t)).json["outcome"] == "unmatched"
    assert deliver(client, se.event("invoice.paid", se.invoice(cus, sub["id"]), created=t)).json["outcome"] == "unmatched"
    assert sub_row(db, user)[0] == "free"
    checkout = se.event("checkout.session.completed", se.checkout_session(cus, user.id, sub["id"]), created=t)
    assert deliver(client, checkout).json["outcome"] == "applied"
    assert sub_row(db, user)[:3] == ("pro", "active", sub["id"])
    assert db.execute("select count(*) from public.payments where user_id = %s", (user.id,))[0][0] == 1
    assert db.execute("select count(*) from private.stripe_events where processed_at is null")[0][0] == 0


@pytest.mark.rule("STRIPE-NO-STALE")
def test_late_failure_does_not_undo_a_payment(client, db, customer):
    user, cus = customer
    sub = se.subscription(cus)
    inv = se.invoice(cus, sub["id"])
    t = int(time.time())
    deliver(client, se.event("invoice.paid", inv, created=t))
    deliver(client, se.event("invoice.payment_failed", {**inv, "status": "open", "amount_paid": 0}, created=t - 10))
    assert db.execute("select status from public.payments where stripe_invoice_id = %s", (inv["id"],)) == [("paid",)]
    assert notifications(db, user, "payment_failed") == []


@pytest.mark.rule("STRIPE-NO-STALE")
def test_old_subscription_updated_late_does_not_replace_the_new_one(client, db, customer):
    user, cus = customer
    old, new = se.subscription(cus), se.subscription(cus)
    t = int(time.time())
    deliver(client, se.event("customer.subscription.created", old, created=t - 100))
    deliver(client, se.event("customer.subscription.deleted", {**old, "status": "canceled"}, created=t - 50))
    deliver(client, se.event("customer.subscription.created", new, created=t))
    assert deliver(client, se.event("customer.subscription.updated", old, created=t - 60)).json["outcome"] == "stale"
    assert sub_row(db, user)[1:3] == ("active", new["id"])


# --- shapes and prices ----------------------------------------------------------------------

@pytest.mark.parametrize("legacy", [False, True], ids=["current shape", "legacy shape"])
def test_period_dates_are_read_from_either_shape(client, db, customer, legacy):
    user, cus = customer
    start = int(time.time()) - 86400
    deliver(client, se.event("customer.subscription.created",
                             se.subscription(cus, period_start=start, period_end=start + 30 * se.DAY, legacy=legacy)))
    got = db.execute("select extract(epoch from current_period_start)::bigint, extract(epoch from current_period_end)::bigint"
                     " from public.subscriptions where user_id = %s", (user.id,))[0]
    assert got == (start, start + 30 * se.DAY)


@pytest.mark.parametrize("legacy", [False, True], ids=["current shape", "legacy shape"])
def test_invoice_subscription_is_read_from_either_shape(client, db, customer, legacy):
    _, cus = customer
    inv = se.invoice(cus, "sub_shape_test", legacy=legacy)
    assert deliver(client, se.event("invoice.paid", inv)).json["outcome"] == "applied"
    assert db.execute("select stripe_subscription_id, amount_cents, currency, status from public.payments") == [
        ("sub_shape_test", 1900, "usd", "paid")]


@pytest.mark.rule("STRIPE-PRO-PRICES")
@pytest.mark.parametrize("price, plan", [
    (se.PRO_PRICE, "pro"),
    ("price_ugig_pro_yearly", "pro"),
    (se.OTHER_PRICE, "free"),
])
def test_plan_is_pro_only_for_configured_pro_prices(client, db, customer, price, plan):
    user, cus = customer
    deliver(client, se.event("customer.subscription.created", se.subscription(cus, price=price)))
    assert sub_row(db, user)[0] == plan
    assert sub_row(db, user)[3] == price


@pytest.mark.rule("STRIPE-UNKNOWN-TYPE")
def test_unknown_event_type_is_recorded_and_ignored(client, db):
    response = deliver(client, se.event("customer.created", se.fixture("customer")))
    assert response.status_code == 200 and response.json["outcome"] == "ignored"
    assert db.execute("select type, outcome, processed_at is not null from private.stripe_events") == [
        ("customer.created", "ignored", True)]


def test_refund_marks_the_payment_refunded(client, db, customer):
    _, cus = customer
    inv = se.invoice(cus, "sub_x", amount=1900)
    pi = inv["payments"]["data"][0]["payment"]["payment_intent"]
    deliver(client, se.event("invoice.paid", inv))
    deliver(client, se.event("charge.refunded", se.charge(cus, pi, refunded=500)))
    assert db.execute("select status, amount_refunded_cents from public.payments") == [("partially_refunded", 500)]
    deliver(client, se.event("charge.refunded", se.charge(cus, pi, refunded=1900)))
    assert db.execute("select status, amount_refunded_cents from public.payments") == [("refunded", 1900)]


@pytest.mark.parametrize("currency, amount, shown", [
    ("usd", 1900, "19.00 USD"),
    ("jpy", 1900, "1900 JPY"),  # zero-decimal: the amount is in yen
    ("krw", 25000, "25000 KRW"),
    ("bhd", 1900, "1.900 BHD"),  # three-decimal: the amount is in fils
])
def test_payment_amounts_are_read_in_the_currencys_minor_unit(client, db, customer, currency, amount, shown):
    user, cus = customer
    deliver(client, se.event("invoice.paid", se.invoice(cus, "sub_1", amount=amount, currency=currency)))
    failed = se.invoice(cus, "sub_1", amount=amount, currency=currency, paid=False)
    deliver(client, se.event("invoice.payment_failed", failed))
    assert db.execute("select amount_cents, currency from public.payments where stripe_invoice_id <> %s",
                      (failed["id"],)) == [(amount, currency)]
    rows = db.execute("select type, body, data ->> 'amount_display' from public.notifications"
                      " where user_id = %s order by created_at", (user.id,))
    assert [(t, d) for t, _, d in rows] == [("payment_succeeded", shown), ("payment_failed", shown)]
    assert all(f"payment of {shown}" in body for _, body, _ in rows)


# --- failures -------------------------------------------------------------------------------

@pytest.mark.rule("SVC-STRIPE-RETRYABLE")
def test_database_down_answers_503_then_the_retry_succeeds(client, db, customer):
    user, cus = customer
    evt = se.event("customer.subscription.created", se.subscription(cus))
    with database_down(db):
        assert deliver(client, evt).status_code == 503
    response = retry_while_unavailable(lambda: deliver(client, evt))
    assert response.status_code == 200 and response.json["outcome"] == "applied"
    assert sub_row(db, user)[0] == "pro"


def test_redelivery_of_a_processed_event_is_answered_from_memory(client, db, customer):
    _, cus = customer
    evt = se.event("customer.subscription.created", se.subscription(cus))
    assert deliver(client, evt).json["outcome"] == "applied"
    with database_down(db):
        response = deliver(client, evt)
        assert response.status_code == 200 and response.json["outcome"] == "duplicate"
        assert deliver(client, evt, secret="whsec_forged").status_code == 400  # still verified first


@pytest.mark.rule("STRIPE-REPLAY")
def test_event_that_fails_to_apply_is_kept_for_replay(client, db, customer):
    user, cus = customer
    broken = se.event("customer.subscription.updated", se.subscription(cus, status="no_such_status"))
    response = deliver(client, broken)
    assert response.status_code == 500
    row = db.execute("select outcome, processed_at, last_error from private.stripe_events where id = %s", (broken["id"],))[0]
    assert row[0] == "failed" and row[1] is None and row[2].startswith("23514")
    assert sub_row(db, user)[:2] == ("free", "active")
    # Once the cause is fixed (here: the stored payload), Stripe's next retry applies it.
    db.execute("update private.stripe_events set payload = jsonb_set(payload, '{data,object,status}', '\"active\"')")
    assert deliver(client, broken).json["outcome"] == "applied"
    assert sub_row(db, user)[:2] == ("pro", "active")


# --- lifecycle ------------------------------------------------------------------------------

def can_publish_another_gig(db, user) -> bool:
    """Whether the marketplace's plan limit lets the user publish one more gig right now."""
    try:
        create_gig(db.as_user(user))
        return True
    except psycopg.Error as exc:
        assert exc.sqlstate == "PT402", exc
        return False


def test_lifecycle_checkout_active_past_due_active_canceled(client, db, customer):
    user, cus = customer
    for _ in range(10):  # the free plan's monthly allowance, used up
        create_gig(db.as_user(user))
    assert not can_publish_another_gig(db, user)
    sub = se.subscription(cus, status="incomplete", metadata={"user_id": user.id})
    t = int(time.time()) - 1000

    def step(type_, obj, dt):
        response = deliver(client, se.event(type_, obj, created=t + dt))
        assert response.status_code == 200, response.json
        row = sub_row(db, user)
        assert can_publish_another_gig(db, user) is row[5]  # the plan limit follows has_pro
        return row

    assert step("customer.subscription.created", sub, 0)[:2] == ("pro", "incomplete")
    assert step("checkout.session.completed", se.checkout_session(cus, user.id, sub["id"]), 1)[5] is False
    assert step("invoice.paid", se.invoice(cus, sub["id"]), 2)[5] is False
    assert step("customer.subscription.updated", {**sub, "status": "active"}, 2)[5] is True
    inv2 = se.invoice(cus, sub["id"], paid=False)
    step("invoice.payment_failed", inv2, 10)
    assert step("customer.subscription.updated", {**sub, "status": "past_due"}, 10)[:2] == ("pro", "past_due")
    assert sub_row(db, user)[5] is True  # grace: within 7 days of the period end
    step("invoice.paid", {**inv2, "status": "paid", "amount_paid": 1900}, 20)
    assert step("customer.subscription.updated", {**sub, "status": "active"}, 20)[5] is True
    assert step("customer.subscription.updated", {**sub, "status": "active", "cancel_at_period_end": True}, 30)[4] is True
    final = step("customer.subscription.deleted", {**sub, "status": "canceled"}, 40)
    assert final[:2] == ("free", "canceled") and final[5] is False
    assert notifications(db, user) == [
        ("payment_succeeded", "Payment received"),
        ("subscription_changed", "Welcome to Pro"),
        ("payment_failed", "Payment failed"),
        ("subscription_changed", "Payment needed to keep Pro"),
        ("payment_succeeded", "Payment received"),
        ("subscription_changed", "Your Pro subscription is active again"),
        ("subscription_changed", "Your Pro subscription will end"),
        ("subscription_changed", "Your Pro subscription has ended"),
    ]
    assert db.execute("select kind from private.email_outbox where user_id = %s order by created_at", (user.id,)) \
        == [(k,) for k, _ in notifications(db, user)]


def test_benchmark_events_are_applied_then_duplicates(db):
    """The bench (scripts/bench/stripe_webhooks.py) measures real work: its events apply."""
    from ugig_db.bench import stripe_webhooks as bench

    users = [db.create_user() for _ in range(2)]
    for user in users:
        db.execute("update public.subscriptions set stripe_customer_id = 'cus_bench_' || user_id where user_id = %s",
                   (user.id,))
    with billing_app(db.service_url, STRIPE_WEBHOOK_SECRET=bench.SECRET, STRIPE_PRO_PRICE_ID=bench.PRO_PRICE) as app:
        client = app.test_client()
        bodies = bench._events([u.id for u in users], 4)
        for expected in ("applied", "duplicate"):
            for body in bodies:
                response = deliver(client, body, secret=bench.SECRET)
                assert response.json["outcome"] == expected
    assert db.execute("select count(*) from public.payments")[0][0] == 2
    assert db.execute("select count(*) from public.subscriptions where plan = 'pro'")[0][0] == 2


# --- the endpoint (plain WSGI in front of Flask) ----------------------------------------------

def test_webhook_answers_carry_the_request_id_and_log_one_line_with_it(db, customer, capsys):
    _, cus = customer
    with billing_app(db.service_url) as app:  # created here, so its log handler writes to the captured stdout
        client = app.test_client()
        body, headers = se.signed(se.event("customer.subscription.created", se.subscription(cus)))
        response = client.post("/stripe/webhook", data=body, headers={**headers, "X-Request-Id": "req-stripe-1"})
        assert response.status_code == 200 and response.headers["X-Request-Id"] == "req-stripe-1"
        assert response.headers["Content-Type"] == "application/json"
        generated = deliver(client, se.event("invoice.paid", se.invoice(cus, "sub_1"))).headers["X-Request-Id"]
    assert len(generated) == 32
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    requests = [line for line in lines if line["msg"] == "request"]
    assert [(r["request_id"], r["method"], r["path"], r["status"]) for r in requests] == [
        ("req-stripe-1", "POST", "/stripe/webhook", 200), (generated, "POST", "/stripe/webhook", 200)]
    assert all(line["request_id"] for line in lines)


def test_webhook_refuses_other_methods_and_other_paths_reach_flask(client, db):
    response = client.get("/stripe/webhook")
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert response.json["error"] == "method_not_allowed" and event_count(db) == 0
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.post("/stripe/webhooks").status_code == 404


def test_webhook_refuses_a_body_over_its_limit_before_reading_it(client, db, customer):
    evt = se.event("customer.subscription.created", se.subscription(customer[1]))
    evt["data"]["object"]["metadata"] = {"padding": "x" * 4 * 1024 * 1024}  # signed, but absurdly large
    response = deliver(client, evt)
    assert (response.status_code, response.json["error"]) == (413, "payload_too_large")
    assert event_count(db) == 0


def test_webhook_without_a_secret_configured_answers_500_naming_it(db, customer):
    with billing_app(db.service_url) as app:
        app.config["STRIPE_WEBHOOK_SECRET"] = ""
        response = deliver(app.test_client(), se.event("invoice.paid", se.invoice(customer[1], "sub_1")))
    assert response.status_code == 500 and "STRIPE_WEBHOOK_SECRET" in response.json["message"]
    assert event_count(db) == 0
