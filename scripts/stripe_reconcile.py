"""`ugig-db stripe-reconcile`: repair billing state that webhooks left behind.

Webhooks can go missing (endpoint down longer than Stripe retries, a secret rotated) or fail to
apply. This command (1) re-fetches from Stripe every subscription whose stored state looks stale
(still running past its period end, or stuck in incomplete/past_due/unpaid) and applies the
fetched object as a new event stamped now, through the same SQL as webhooks, so events older
than the fetch are then stale; (2) replays events recorded as failed or unmatched; (3) deletes
events that took effect more than `keep_days` ago (failed and unmatched ones stay).
Safe to run from cron and concurrently (row locks, skip locked, idempotent event ids).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import psycopg
import stripe

from webhook_service.billing import client as stripe_client
from webhook_service.billing import settings, store


@dataclass
class Report:
    refreshed: dict[str, str] = field(default_factory=dict)  # subscription id -> outcome
    missing: list[str] = field(default_factory=list)  # subscriptions Stripe does not know
    replayed: dict[str, str] = field(default_factory=dict)  # event id -> outcome
    pruned: int = 0  # processed events deleted (retention)

    def lines(self) -> list[str]:
        out = [f"refreshed {sid}: {outcome}" for sid, outcome in self.refreshed.items()]
        out += [f"not found at Stripe: {sid}" for sid in self.missing]
        out += [f"replayed {eid}: {outcome}" for eid, outcome in self.replayed.items()]
        failed = sum(o == "failed" for o in [*self.refreshed.values(), *self.replayed.values()])
        out.append(f"{len(self.refreshed)} subscription(s) refreshed, {len(self.replayed)} event(s) replayed,"
                   f" {failed} failed, {len(self.missing)} missing, {self.pruned} old event(s) deleted")
        return out


def snapshot_event(sub: Mapping[str, Any], now: int) -> dict[str, Any]:
    """The fetched subscription as an event: what Stripe says now is newer than any event before."""
    return {
        "id": f"evt_reconcile_{sub['id']}_{now}",
        "object": "event",
        "type": "customer.subscription.deleted" if sub.get("status") == "canceled" else "customer.subscription.updated",
        "created": now,
        "livemode": bool(sub.get("livemode")),
        "api_version": settings.API_VERSION,
        "data": {"object": dict(sub)},
    }


def reconcile(db_url: str, config: Mapping[str, Any], *, grace_seconds: int = 3600, replay_min_age_seconds: int = 60,
              limit: int = 500, keep_days: int = 30, out: Callable[[str], None] = print) -> Report:
    client = stripe_client.build(config)
    prices = settings.pro_price_ids(config)
    if not prices:
        raise settings.NotConfigured("STRIPE_PRO_PRICE_ID is not set")
    report = Report()
    with psycopg.connect(db_url, autocommit=True) as conn:
        stale = conn.execute(
            "select user_id, stripe_subscription_id from private.stripe_stale_subscriptions(make_interval(secs => %s), %s)",
            (grace_seconds, limit),
        ).fetchall()
        for _user_id, sub_id in stale:
            try:
                sub = client.v1.subscriptions.retrieve(sub_id)
            except stripe.InvalidRequestError as exc:
                if exc.http_status != 404:
                    raise
                report.missing.append(sub_id)
                continue
            event = snapshot_event(sub.to_dict(for_json=True), int(time.time()))
            report.refreshed[sub_id] = store.apply_event(conn, json.dumps(event), prices).outcome
        rows = conn.execute(
            "select event_id, outcome from private.stripe_replay_pending(%s, make_interval(secs => %s), %s)",
            (prices, replay_min_age_seconds, limit),
        ).fetchall()
        report.replayed = dict(rows)
        report.pruned = conn.execute(
            "select private.stripe_prune_events(make_interval(days => %s))", (keep_days,)
        ).fetchone()[0]
    for line in report.lines():
        out(line)
    return report
