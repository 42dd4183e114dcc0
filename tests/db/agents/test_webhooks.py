"""Outgoing webhooks in the database: who reads and writes what, URL rules, caps, secrets,
deliveries enqueued with the notification, and the worker's claim/record/purge calls."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from tests.support.comms import send_message, start_conversation
from tests.support.marketplace import apply_to, create_gig, set_status

URL = "https://hooks.example.com/ugig"
ALL_EVENTS = ["application.received", "application.status_changed", "message.received", "question.received",
              "review.received", "call.scheduled", "call.updated", "call.cancelled"]


@pytest.fixture
def people(db):
    return {
        "bot": db.create_user("bot@example.test", user_metadata={"account_type": "agent"}),
        "ada": db.create_user("ada@example.test"),
        "eve": db.create_user("eve@example.test"),
    }


def create(db, user, url=URL, events=("application.received",), description=None):
    return db.as_user(user).rpc("create_webhook", url=url, events=list(events), description=description)


@pytest.mark.rule("HOOK-SECRET", "AGENT-SECRETS-PRIVATE")
def test_create_returns_a_standard_webhooks_secret(db, people):
    hook = create(db, people["bot"], description="  my agent  ")
    assert hook["secret"].startswith("whsec_")
    assert len(base64.b64decode(hook["secret"].removeprefix("whsec_"))) == 32
    row = db.as_user(people["bot"]).one("select * from public.webhooks")
    assert str(row["id"]) == hook["id"] and row["active"] and row["description"] == "my agent"
    assert hook["secret"] not in str(row)


@pytest.mark.rule("HOOK-SECRET")
def test_rotate_replaces_the_secret(db, people):
    hook = create(db, people["bot"])
    rotated = db.as_user(people["bot"]).rpc("rotate_webhook_secret", id=hook["id"])
    assert rotated["id"] == hook["id"] and rotated["secret"] != hook["secret"]
    assert db.execute("select secret from private.webhook_secrets")[0][0] == rotated["secret"]
    db.as_user(people["eve"]).rejects_rpc("PT404", "rotate_webhook_secret", id=hook["id"])
    db.as_anon().rejects_rpc("42501", "rotate_webhook_secret", id=hook["id"])


COMMANDS = {
    "select": "select id from public.webhooks where id = %(id)s",
    "insert": "insert into public.webhooks (user_id, url, events) values (%(uid)s, 'https://x.example.com', "
              "'{application.received}') returning id",
    "update url": "update public.webhooks set url = 'https://other.example.com/x' where id = %(id)s returning id",
    "update active": "update public.webhooks set active = false where id = %(id)s returning id",
    "update owner": "update public.webhooks set user_id = %(uid)s where id = %(id)s returning id",
    "update reason": "update public.webhooks set disabled_reason = 'x' where id = %(id)s returning id",
    "delete": "delete from public.webhooks where id = %(id)s returning id",
    "secrets": "select secret from private.webhook_secrets",
    "deliveries": "select id from public.webhook_deliveries",
    "insert delivery": "insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload) "
                       "values (%(id)s, %(uid)s, 'x', '{}') returning id",
}


@pytest.mark.rule("HOOK-OWNER", "DELIVERY-OWNER-READS", "AGENT-SECRETS-PRIVATE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"), ("anon", "update url", "42501"),
    ("anon", "delete", "42501"), ("anon", "secrets", "42501"), ("anon", "deliveries", "42501"),
    ("bot", "select", 1), ("bot", "insert", "42501"), ("bot", "update url", 1), ("bot", "update active", 1),
    ("bot", "update owner", "42501"), ("bot", "update reason", "42501"), ("bot", "delete", 1),
    ("bot", "secrets", "42501"), ("bot", "deliveries", 1), ("bot", "insert delivery", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "update url", 0), ("eve", "update active", 0),
    ("eve", "update owner", "42501"), ("eve", "delete", 0), ("eve", "secrets", "42501"), ("eve", "deliveries", 0),
    ("eve", "insert delivery", "42501"),
])
def test_webhooks_matrix(db, people, actor, command, expected):
    hook = create(db, people["bot"])
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload) "
               "values (%s, %s, 'application.received', '{}')", (hook["id"], people["bot"].id))
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    params = {"id": hook["id"], "uid": people[actor].id if actor != "anon" else people["bot"].id}
    if isinstance(expected, str):
        who.rejects(expected, COMMANDS[command], params)
    else:
        assert len(who.sql(COMMANDS[command], params)) == expected


@pytest.mark.rule("DELIVERY-OWNER-READS")
def test_owner_cannot_read_the_lease_columns(db, people):
    create(db, people["bot"])
    db.as_user(people["bot"]).rejects("42501", "select claim_token from public.webhook_deliveries")


@pytest.mark.rule("HOOK-URL")
@pytest.mark.parametrize("url", [
    "http://hooks.example.com/x", "https://user:pw@hooks.example.com/x", "https://hooks.example.com@evil.test/",
    "https://localhost/x", "https://LOCALHOST./x", "https://api.localhost/x", "https://printer.local/x",
    "https://metadata.google.internal/x", "https://10.0.0.1/x", "https://127.0.0.1:8443/x", "https://[::1]/x",
    "https://169.254.169.254/latest", "https://[::ffff:127.0.0.1]/x", "https://[::ffff:7f00:1]/x",
    "https://[fe80::1]/x", "https://[fc00::1]/x", "https://0.0.0.0/x", "https://2130706433/x",
    "https://0x7f.0.0.1/x", "https://017700000001/x", "https://100.64.0.1/x", "https://224.0.0.1/x",
    "https://[2001:db8::1]/x", "https://[64:ff9b::7f00:1]/x", "https://192.168.1.1/x", "https://172.16.5.4/x",
    "https://hooks.example.com/" + "a" * 2030, "https://", "https://exa mple.com/", "ftp://hooks.example.com/",
])
def test_non_public_or_malformed_urls_refused(db, people, url):
    db.as_user(people["bot"]).rejects_rpc("22023", "create_webhook", url=url, events=["application.received"])
    assert db.execute("select count(*) from public.webhooks")[0][0] == 0


@pytest.mark.rule("HOOK-URL")
@pytest.mark.parametrize("url", [
    "https://hooks.example.com", "https://hooks.example.com:8443/a?b=c#d", "https://93.184.216.34/hook",
    "https://[2606:4700:4700::1111]/hook", "https://HOOKS.Example.com/Path",
])
def test_public_urls_accepted(db, people, url):
    create(db, people["bot"], url=url)


@pytest.mark.rule("HOOK-URL")
def test_url_rules_hold_on_update_too(db, people):
    hook = create(db, people["bot"])
    db.as_user(people["bot"]).rejects(
        "22023", "update public.webhooks set url = 'https://169.254.169.254/' where id = %s returning id",
        (hook["id"],))


@pytest.mark.rule("HOOK-EVENTS")
@pytest.mark.parametrize("events", [[], ["gig.created"], ["application.received", "nope"]])
def test_unknown_events_refused(db, people, events):
    err = db.as_user(people["bot"]).rejects_rpc("23514", "create_webhook", url=URL, events=events)
    assert err.diag.constraint_name == "webhooks_events_valid"


@pytest.mark.rule("HOOK-CAP")
def test_eleventh_webhook_refused(db, people):
    for i in range(10):
        create(db, people["bot"], url=f"{URL}/{i}")
    db.as_user(people["bot"]).rejects_rpc("PT409", "create_webhook", url=URL, events=["application.received"],
                                          match="at most 10 webhooks")
    assert db.execute("select count(*) from public.webhooks")[0][0] == 10


@pytest.mark.rule("HOOK-OWNER")
def test_anon_cannot_create_webhooks(db):
    db.as_anon().rejects_rpc("42501", "create_webhook", url=URL, events=["application.received"])


@pytest.mark.rule("HOOK-INACTIVE")
def test_reactivation_clears_the_disabled_reason(db, people):
    hook = create(db, people["bot"])
    db.execute("update public.webhooks set active = false, disabled_reason = 'gone' where id = %s", (hook["id"],))
    row = db.as_user(people["bot"]).one(
        "update public.webhooks set active = true where id = %s returning disabled_reason", (hook["id"],))
    assert row["disabled_reason"] is None


# --- deliveries enqueued with the notification ---

def deliveries(db, user):
    return db.as_user(user).sql("select event_type, payload, status from public.webhook_deliveries "
                                "order by created_at, event_type")


@pytest.mark.rule("HOOK-ENQUEUE", "HOOK-PAYLOAD", "HOOK-INACTIVE")
def test_application_events_enqueue_deliveries(db, people):
    ada, bot = people["ada"], people["bot"]
    create(db, ada, events=ALL_EVENTS)
    create(db, ada, url=URL + "/2", events=["message.received"])  # not subscribed
    inactive = create(db, ada, url=URL + "/3", events=ALL_EVENTS)
    db.as_user(ada).sql("update public.webhooks set active = false where id = %s returning id", (inactive["id"],))
    gig = create_gig(db.as_user(ada))
    application = apply_to(db.as_user(bot), gig["id"])
    (received,) = deliveries(db, ada)
    assert received["event_type"] == "application.received" and received["status"] == "pending"
    payload = received["payload"]
    assert payload["type"] == "application.received" and dt.datetime.fromisoformat(payload["timestamp"])
    assert payload["data"]["application_id"] == str(application["id"]) and payload["data"]["gig_id"] == str(gig["id"])
    # The payload holds what the owner reads in the notification anyway.
    notification = db.as_user(ada).scalar("select data from public.notifications where type = 'application_received'")
    assert payload["data"] == notification
    create(db, bot, events=["application.status_changed"])
    set_status(db.as_user(ada), "applications", application["id"], "reviewing")
    (changed,) = deliveries(db, bot)
    assert changed["payload"]["data"]["status"] == "reviewing"
    assert changed["payload"]["data"]["previous_status"] == "pending"


@pytest.mark.rule("HOOK-PAYLOAD")
def test_message_payload_holds_no_body(db, people):
    ada, bot = people["ada"], people["bot"]
    create(db, bot, events=["message.received"])
    conversation = start_conversation(db, ada, bot)
    send_message(db, ada, conversation, "the secret plan")
    (delivery,) = deliveries(db, bot)
    assert "the secret plan" not in str(delivery["payload"])
    assert delivery["payload"]["data"]["conversation_id"] == conversation


@pytest.mark.rule("HOOK-ENQUEUE")
def test_a_rolled_back_event_enqueues_nothing(db, people):
    ada, bot = people["ada"], people["bot"]
    create(db, ada, events=ALL_EVENTS)
    gig = create_gig(db.as_user(ada))
    with pytest.raises(Exception):
        with db.admin.transaction():
            apply_to(db.as_user(bot), gig["id"])
            raise RuntimeError("the request fails after the insert")
    assert deliveries(db, ada) == []


@pytest.mark.rule("DELIVERY-REDELIVER")
def test_redeliver(db, people):
    ada, bot = people["ada"], people["bot"]
    create(db, ada, events=ALL_EVENTS)
    apply_to(db.as_user(bot), create_gig(db.as_user(ada))["id"])
    delivery_id = db.execute("select id from public.webhook_deliveries")[0][0]
    db.execute("update public.webhook_deliveries set status = 'dead', attempts = 30")
    db.as_user(people["eve"]).rejects_rpc("PT404", "redeliver_webhook_delivery", id=delivery_id)
    db.as_anon().rejects_rpc("42501", "redeliver_webhook_delivery", id=delivery_id)
    db.as_user(ada).rpc("redeliver_webhook_delivery", id=delivery_id)
    row = db.as_user(ada).one("select status, attempts, next_attempt_at <= now() as due from public.webhook_deliveries")
    assert row == {"status": "pending", "attempts": 0, "due": True}
    claimed = claim(db)
    assert len(claimed) == 1
    db.as_user(ada).rejects_rpc("PT409", "redeliver_webhook_delivery", id=delivery_id)


# --- the worker's calls (service_role here; ugig_service once it exists) ---

def claim(db, limit=10, lease="1 minute"):
    return db.as_service().sql("select * from private.claim_webhook_deliveries(%s, %s::interval, 'test')",
                               (limit, lease))


def record(db, row, status_code, error=None):
    return db.as_service().scalar("select private.record_webhook_delivery(%s, %s, %s, %s)",
                                  (row["id"], row["claim_token"], status_code, error))


@pytest.fixture
def queued(db, people):
    """ada's webhook with one delivery due."""
    hook = create(db, people["ada"], events=ALL_EVENTS)
    apply_to(db.as_user(people["bot"]), create_gig(db.as_user(people["ada"]))["id"])
    return hook


@pytest.mark.rule("AGENT-SERVICE-FUNCTIONS")
@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_clients_cannot_call_the_worker_functions(db, people, queued, role):
    who = db.as_anon() if role == "anon" else db.as_user(people["ada"])
    who.rejects("42501", "select * from private.claim_webhook_deliveries(10, '1 minute', 'x')")
    who.rejects("42501", "select private.purge_webhook_deliveries()")


@pytest.mark.rule("DELIVERY-CLAIM")
def test_claim_leases_and_hands_over_the_secret(db, queued):
    (row,) = claim(db)
    assert row["secret"] == queued["secret"] and row["url"] == URL and row["attempts"] == 1
    assert claim(db) == []  # leased
    assert record(db, row, 204) == "succeeded"
    assert db.execute("select status, delivered_at is not null, last_status_code from public.webhook_deliveries") \
        == [("succeeded", True, 204)]


@pytest.mark.rule("DELIVERY-CLAIM")
def test_an_expired_lease_is_claimed_again_and_the_old_claim_cannot_record(db, queued):
    (first,) = claim(db, lease="0 seconds")
    (second,) = claim(db)
    assert second["id"] == first["id"] and second["attempts"] == 2
    assert record(db, first, 200) is None
    assert record(db, second, 200) == "succeeded"


@pytest.mark.rule("DELIVERY-RETRY")
def test_failures_back_off_then_die_after_a_day(db, queued):
    (row,) = claim(db)
    assert record(db, row, 500, "HTTP 500") == "failed"
    wait = db.execute("select extract(epoch from next_attempt_at - now()), last_error from public.webhook_deliveries")
    assert 20 <= wait[0][0] <= 40 and wait[0][1] == "HTTP 500"
    db.execute("update public.webhook_deliveries set next_attempt_at = now(), created_at = now() - interval '23 hours 59 minutes 30 seconds'")
    (row,) = claim(db)
    assert record(db, row, None, "timed out") == "dead"


@pytest.mark.rule("DELIVERY-410")
def test_410_disables_the_webhook_and_tells_the_owner(db, people, queued):
    (row,) = claim(db)
    assert record(db, row, 410) == "dead"
    hook = db.as_user(people["ada"]).one("select active, disabled_reason from public.webhooks")
    assert hook == {"active": False, "disabled_reason": "the receiver answered 410 Gone"}
    assert db.execute("select count(*) from public.notifications where type = 'webhook_disabled'")[0][0] == 1
    assert db.execute("select count(*) from private.email_outbox where kind = 'webhook_disabled'")[0][0] == 1


@pytest.mark.rule("DELIVERY-DEAD-DISABLES")
def test_a_webhook_whose_deliveries_keep_dying_is_disabled(db, people, queued):
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload, status, created_at) "
               "select %s, %s, 'application.received', '{}', 'dead', now() - interval '2 days' "
               "from generate_series(1, 4)", (queued["id"], people["ada"].id))
    db.execute("update public.webhook_deliveries set created_at = now() - interval '1 day' where status = 'pending'")
    (row,) = claim(db)
    assert record(db, row, 503) == "dead"
    assert db.execute("select active from public.webhooks")[0][0] is False
    assert db.execute("select count(*) from public.notifications where type = 'webhook_disabled'")[0][0] == 1


@pytest.mark.rule("DELIVERY-ISOLATION")
def test_a_webhook_at_its_cap_does_not_starve_the_others(db, people, queued):
    """A hanging receiver: 4 deliveries in flight and a backlog larger than any claim's window,
    all older than another webhook's one due delivery."""
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload, created_at, "
               "next_attempt_at) select %s, %s, 'application.received', '{}', now() - interval '1 hour', "
               "now() - interval '1 hour' from generate_series(1, 300)", (queued["id"], people["ada"].id))
    assert len(claim(db, limit=4)) == 4  # in flight to the hanging receiver
    other = create(db, people["eve"], url=URL + "/eve", events=ALL_EVENTS)
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload) "
               "values (%s, %s, 'application.received', '{}')", (other["id"], people["eve"].id))
    assert [str(r["webhook_id"]) for r in claim(db, limit=10)] == [str(other["id"])]


@pytest.mark.rule("HOOK-INACTIVE")
def test_inactive_webhooks_are_not_claimed(db, people, queued):
    db.as_user(people["ada"]).one("update public.webhooks set active = false returning id")
    assert claim(db) == []


@pytest.mark.rule("DELIVERY-PURGE")
def test_purge_removes_deliveries_older_than_30_days(db, queued):
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload, created_at) "
               "select id, user_id, 'application.received', '{}', now() - interval '31 days' from public.webhooks")
    assert db.as_service().scalar("select private.purge_webhook_deliveries()") == 1
    assert db.execute("select count(*) from public.webhook_deliveries")[0][0] == 1


@pytest.mark.rule("DELIVERY-ISOLATION")
def test_at_most_4_deliveries_per_webhook_are_in_flight(db, people, queued):
    """A receiver that hangs holds at most 4 deliveries at a time; further claims go to others."""
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload) "
               "select %s, %s, 'application.received', '{}' from generate_series(1, 5)", (queued["id"], people["ada"].id))
    assert len(claim(db)) == 4  # of ada's 6 due deliveries
    other = create(db, people["eve"], url=URL + "/eve", events=ALL_EVENTS)
    db.execute("insert into public.webhook_deliveries (webhook_id, user_id, event_type, payload) "
               "values (%s, %s, 'application.received', '{}')", (other["id"], people["eve"].id))
    assert [str(r["webhook_id"]) for r in claim(db)] == [other["id"]]
