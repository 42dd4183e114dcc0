"""Billing in the database: who may read and write payments and subscriptions, and who may run
the Stripe functions (the service only)."""

from __future__ import annotations

import json
import threading

import pytest

from tests.support import stripe_events as se

PRO = [se.PRO_PRICE]


@pytest.fixture
def payer(db):
    user = db.create_user("payer@example.test")
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_payer' where user_id = %s", (user.id,))
    db.as_service().sql("select private.stripe_apply_event(%s::jsonb, %s)",
                        (json.dumps(se.event("invoice.paid", se.invoice("cus_payer", "sub_1"))), PRO))
    return user


@pytest.mark.rule("BILL-OWNER-READS")
def test_owner_reads_own_payment(db, payer):
    rows = db.as_user(payer).sql("select amount_cents, status from public.payments")
    assert rows == [{"amount_cents": 1900, "status": "paid"}]


@pytest.mark.rule("BILL-OWNER-READS")
def test_stranger_cannot_read_payment(db, payer):
    assert db.as_user(db.create_user()).sql("select * from public.payments") == []


@pytest.mark.rule("BILL-OWNER-READS")
def test_anon_cannot_read_payments(db, payer):
    db.as_anon().rejects("42501", "select * from public.payments")


@pytest.mark.rule("BILL-SERVICE-WRITES")
@pytest.mark.parametrize("query", [
    "insert into public.payments (user_id, stripe_invoice_id, amount_cents, currency, status)"
    " values (auth.uid(), 'in_fake', 0, 'usd', 'paid') returning id",
    "update public.payments set status = 'refunded' returning id",
    "delete from public.payments returning id",
])
def test_owner_cannot_write_payments(db, payer, query):
    db.as_user(payer).rejects("42501", query)


@pytest.mark.rule("BILL-SERVICE-WRITES")
@pytest.mark.parametrize("query", [
    "update public.subscriptions set plan = 'pro', status = 'active' returning user_id",
    "update public.subscriptions set stripe_customer_id = 'cus_mine' returning user_id",
    "update public.subscriptions set stripe_event_created = now() + interval '1 year' returning user_id",
])
def test_owner_cannot_write_subscription(db, payer, query):
    db.as_user(payer).rejects("42501", query)


@pytest.mark.rule("API-PRIVATE-EXECUTE")
@pytest.mark.parametrize("call", [
    "select private.stripe_apply_event('{}'::jsonb, '{}'::text[])",
    "select private.stripe_link_customer(auth.uid(), 'cus_x')",
    "select * from private.stripe_billing_account(auth.uid())",
    "select * from private.stripe_replay_pending('{}'::text[])",
    "select * from private.stripe_stale_subscriptions()",
    "select * from private.stripe_events",
])
@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_clients_cannot_use_the_stripe_functions(db, payer, call, role):
    caller = db.as_anon() if role == "anon" else db.as_user(payer)
    caller.rejects("42501", call)


@pytest.mark.rule("STRIPE-ONE-CUSTOMER")
def test_service_links_a_customer_once(db):
    user = db.create_user()
    service = db.as_service()
    first = service.scalar("select private.stripe_link_customer(%s, 'cus_first')", (user.id,))
    second = service.scalar("select private.stripe_link_customer(%s, 'cus_second')", (user.id,))
    assert first == second == "cus_first"


@pytest.mark.rule("STRIPE-EVENT-SHAPE")
def test_event_without_id_is_invalid(db):
    db.as_service().rejects("22023", "select private.stripe_apply_event(%s::jsonb, '{}')",
                            (json.dumps({"type": "invoice.paid", "created": 1}),), match="id, type and created")


@pytest.mark.rule("EMAIL-SETTING")
def test_payment_notification_respects_billing_email_setting(db, payer):
    db.execute("update public.notification_settings set email_billing = false where user_id = %s", (payer.id,))
    db.as_service().sql("select private.stripe_apply_event(%s::jsonb, %s)",
                        (json.dumps(se.event("invoice.paid", se.invoice("cus_payer", "sub_1"))), PRO))
    assert db.execute("select count(*) from public.notifications where user_id = %s", (payer.id,))[0][0] == 2
    assert db.execute("select count(*) from private.email_outbox where user_id = %s", (payer.id,))[0][0] == 1


@pytest.mark.rule("STRIPE-REPLAY")
def test_replay_applies_events_recorded_as_failed(db):
    user = db.create_user()
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_r' where user_id = %s", (user.id,))
    service = db.as_service()
    evt = se.event("customer.subscription.created", se.subscription("cus_r", status="bogus"))
    assert service.scalar("select private.stripe_apply_event(%s::jsonb, %s)", (json.dumps(evt), PRO)) == "failed"
    # The cause is fixed (here: the payload is corrected), then the replay applies it.
    db.execute("update private.stripe_events set payload = jsonb_set(payload, '{data,object,status}', '\"active\"')")
    rows = service.sql("select * from private.stripe_replay_pending(%s, interval '0')", (PRO,))
    assert rows == [{"event_id": evt["id"], "event_type": "customer.subscription.created", "outcome": "applied"}]
    assert db.execute("select plan, status from public.subscriptions where user_id = %s", (user.id,)) == [("pro", "active")]
    assert db.execute("select attempts, processed_at is not null from private.stripe_events") == [(2, True)]


def apply_in_thread(db, evt) -> tuple[threading.Thread, list]:
    """A second delivery of `evt` on its own connection, in a thread (it may block)."""
    out: list = []

    def run():
        with db.connect() as conn:
            out.append(conn.execute("select private.stripe_apply_event(%s::jsonb, %s)",
                                    (json.dumps(evt), PRO)).fetchone()[0])

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


@pytest.mark.rule("STRIPE-ONCE")
@pytest.mark.parametrize("first_commits", [True, False])
def test_concurrent_redelivery_waits_for_the_first_and_never_answers_duplicate_for_uncommitted_work(
        db, payer, first_commits):
    evt = se.event("invoice.paid", se.invoice("cus_payer", "sub_1"))
    with db.connect() as first:
        with first.transaction(force_rollback=not first_commits):
            assert first.execute("select private.stripe_apply_event(%s::jsonb, %s)",
                                 (json.dumps(evt), PRO)).fetchone()[0] == "applied"
            thread, out = apply_in_thread(db, evt)
            thread.join(0.5)
            assert thread.is_alive() and out == []  # waiting for the first delivery's transaction
        thread.join(10)
    # Committed: the second delivery found it processed. Rolled back: it applied the event itself.
    assert out == (["duplicate"] if first_commits else ["applied"])
    assert db.execute("select count(*) from private.stripe_events where id = %s", (evt["id"],))[0][0] == 1
    assert db.execute("select count(*) from public.notifications where data ->> 'payment_id' is not null"
                      " and user_id = %s", (payer.id,))[0][0] == 2  # the fixture's payment and this one


@pytest.mark.rule("STRIPE-ONCE")
def test_redelivery_during_a_replay_waits_for_it_and_is_not_applied_twice(db):
    user = db.create_user()
    evt = se.event("customer.subscription.created", se.subscription("cus_late"))
    service = db.as_service()
    assert service.scalar("select private.stripe_apply_event(%s::jsonb, %s)", (json.dumps(evt), PRO)) == "unmatched"
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_late' where user_id = %s", (user.id,))
    with db.connect() as replayer:
        with replayer.transaction():
            rows = replayer.execute("select * from private.stripe_replay_pending(%s, interval '0')", (PRO,)).fetchall()
            assert [r[2] for r in rows] == ["applied"]
            thread, out = apply_in_thread(db, evt)
            thread.join(0.5)
            assert thread.is_alive()  # the replay holds the event's row
        thread.join(10)
    assert out == ["duplicate"]
    assert db.execute("select attempts, outcome from private.stripe_events") == [(2, "applied")]
    assert db.execute("select count(*) from public.notifications where type = 'subscription_changed'")[0][0] == 1
