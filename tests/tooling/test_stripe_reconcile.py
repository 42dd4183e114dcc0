"""`ugig-db stripe-reconcile`: stale subscriptions re-fetched from (fake) Stripe, failed events replayed."""

from __future__ import annotations

import json
import time

import pytest

from ugig_db import cli
from tests.support import stripe_events as se
from tests.support.billing import PRO_PRICES
from tests.support.fake_stripe import fake_stripe, new_id


@pytest.fixture
def stripe_api(monkeypatch):
    with fake_stripe() as (base, state):
        for name, value in {"STRIPE_SECRET_KEY": state.api_key, "STRIPE_API_BASE": base,
                            "STRIPE_PRO_PRICE_ID": PRO_PRICES}.items():
            monkeypatch.setenv(name, value)
        yield state


def apply(db, evt):
    return db.as_service().scalar("select private.stripe_apply_event(%s::jsonb, %s)",
                                  (json.dumps(evt), [se.PRO_PRICE]))


def subscribed(db, state, *, days_ago: int):
    """A Pro user whose stored period ended `days_ago` days ago (the renewal event was lost)."""
    user = db.create_user()
    cus = new_id("cus")
    db.execute("update public.subscriptions set stripe_customer_id = %s where user_id = %s", (cus, user.id))
    start = int(time.time()) - (30 + days_ago) * se.DAY
    sub = se.subscription(cus, period_start=start, period_end=start + 30 * se.DAY)
    assert apply(db, se.event("customer.subscription.created", sub, created=start)) == "applied"
    return user, sub


def row(db, user):
    return db.execute("select plan, status, current_period_end > now(), private.has_pro(user_id)"
                      " from public.subscriptions where user_id = %s", (user.id,))[0]


def test_missed_renewal_is_fetched_and_applied(db, stripe_api, capsys):
    user, sub = subscribed(db, stripe_api, days_ago=2)
    now = int(time.time())
    stripe_api.subscriptions[sub["id"]] = {**sub, "items": se.subscription(
        sub["customer"], sub_id=sub["id"], period_start=now - se.DAY, period_end=now + 29 * se.DAY)["items"]}
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert row(db, user) == ("pro", "active", True, True)
    assert f"refreshed {sub['id']}: applied" in capsys.readouterr().out


def test_missed_cancellation_is_fetched_and_applied(db, stripe_api):
    user, sub = subscribed(db, stripe_api, days_ago=2)
    stripe_api.subscriptions[sub["id"]] = {**sub, "status": "canceled", "ended_at": int(time.time()) - se.DAY}
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert row(db, user)[:2] == ("free", "canceled") and row(db, user)[3] is False


def test_fresh_subscriptions_are_not_fetched(db, stripe_api):
    subscribed(db, stripe_api, days_ago=-10)  # period still running
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert stripe_api.requests == []


def test_subscription_unknown_to_stripe_is_reported(db, stripe_api, capsys):
    _, sub = subscribed(db, stripe_api, days_ago=2)
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert f"not found at Stripe: {sub['id']}" in capsys.readouterr().out


def test_failed_events_are_replayed(db, stripe_api):
    user = db.create_user()
    cus = new_id("cus")
    evt = se.event("invoice.paid", se.invoice(cus, "sub_r"))
    assert apply(db, evt) == "unmatched"  # its customer was not linked yet
    db.execute("update public.subscriptions set stripe_customer_id = %s where user_id = %s", (cus, user.id))
    db.execute("update private.stripe_events set received_at = now() - interval '5 minutes'")
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert db.execute("select outcome, attempts from private.stripe_events") == [("applied", 2)]
    assert db.execute("select user_id::text from public.payments") == [(user.id,)]


def test_later_webhook_still_applies_after_a_reconcile(db, stripe_api):
    user, sub = subscribed(db, stripe_api, days_ago=2)
    stripe_api.subscriptions[sub["id"]] = sub
    cli.main(["stripe-reconcile", "--db-url", db.service_url])
    older = se.event("customer.subscription.updated", {**sub, "status": "past_due"}, created=int(time.time()) - 60)
    newer = se.event("customer.subscription.updated", {**sub, "status": "past_due"}, created=int(time.time()) + 1)
    assert apply(db, older) == "stale"
    assert apply(db, newer) == "applied"


def test_missing_configuration_is_named(db, monkeypatch, capsys):
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.setenv("STRIPE_PRO_PRICE_ID", "price_x")
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 1
    assert "STRIPE_SECRET_KEY" in capsys.readouterr().err


def test_processed_events_older_than_the_retention_are_deleted_failed_ones_kept(db, stripe_api, capsys):
    user = db.create_user()
    db.execute("update public.subscriptions set stripe_customer_id = 'cus_keep' where user_id = %s", (user.id,))
    old, recent = (se.event("invoice.paid", se.invoice("cus_keep", "sub_k")) for _ in range(2))
    unmatched = se.event("invoice.paid", se.invoice("cus_nobody", "sub_n"))
    assert [apply(db, e) for e in (old, recent, unmatched)] == ["applied", "applied", "unmatched"]
    db.execute("update private.stripe_events set processed_at = now() - interval '31 days',"
               " received_at = now() - interval '31 days' where id = %s", (old["id"],))
    db.execute("update private.stripe_events set received_at = now() - interval '40 days' where id = %s",
               (unmatched["id"],))
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url]) == 0
    assert "1 old event(s) deleted" in capsys.readouterr().out
    assert {r[0] for r in db.execute("select id from private.stripe_events")} == {recent["id"], unmatched["id"]}
    assert db.execute("select count(*) from public.payments")[0][0] == 2  # effects stay
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url, "--keep-days", "3"]) == 0  # recent: still kept
    assert {r[0] for r in db.execute("select id from private.stripe_events")} == {recent["id"], unmatched["id"]}


def test_retention_shorter_than_stripes_retries_is_refused(db, stripe_api, capsys):
    assert cli.main(["stripe-reconcile", "--db-url", db.service_url, "--keep-days", "2"]) == 1
    assert "at least 3 days" in capsys.readouterr().err
