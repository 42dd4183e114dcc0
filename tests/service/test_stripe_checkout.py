"""POST /stripe/checkout and /stripe/portal against the fake Stripe API, with the real SDK."""

from __future__ import annotations

import threading
from urllib.parse import urlparse

import pytest

from tests.support import stripe_events as se
from tests.support.billing import APP_URL, bearer, billing_app
from tests.support.fake_stripe import fake_stripe, fixture, new_id
from webhook_service.billing import views
from webhook_service.billing.settings import API_VERSION

# Every test here runs twice: the service on its database directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")


@pytest.fixture
def stripe_api():
    with fake_stripe() as (base, state):
        yield base, state


@pytest.fixture
def app(db, stripe_api):
    with billing_app(db.service_url, stripe_api[0]) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


def customer_of(db, user):
    return db.execute("select stripe_customer_id from public.subscriptions where user_id = %s", (user.id,))[0][0]


def make_pro(db, state, user, status="active"):
    """The user subscribed earlier: their customer exists at Stripe and Pro is in `status`."""
    cus = new_id("cus")
    state.customers[cus] = {**fixture("customer"), "id": cus, "metadata": {"user_id": user.id}}
    db.execute("update public.subscriptions set plan = 'pro', status = %s, stripe_customer_id = %s,"
               " current_period_end = now() + interval '20 days' where user_id = %s", (status, cus, user.id))


def test_checkout_creates_customer_and_session(client, db, stripe_api):
    _, state = stripe_api
    user = db.create_user("buyer@example.test")
    response = client.post("/stripe/checkout", headers=bearer(user))
    assert response.status_code == 200, response.json
    assert response.json["url"].startswith("https://checkout.stripe.com/")
    cus = customer_of(db, user)
    assert state.customers[cus]["metadata"] == {"user_id": user.id}
    assert state.customers[cus]["email"] == "buyer@example.test"
    session = state.checkout_sessions[response.json["id"]]
    assert session["customer"] == cus and session["mode"] == "subscription"
    assert session["client_reference_id"] == user.id
    assert session["_line_items"] == [{"price": se.PRO_PRICE, "quantity": "1"}]
    assert session["_subscription_data"] == {"metadata": {"user_id": user.id}}


@pytest.mark.rule("SVC-CHECKOUT")
def test_checkout_urls_come_from_configuration_not_the_host_header(client, db, stripe_api):
    _, state = stripe_api
    user = db.create_user()
    response = client.post("/stripe/checkout", headers={**bearer(user), "Host": "evil.example",
                                                         "X-Forwarded-Host": "evil.example"})
    session = state.checkout_sessions[response.json["id"]]
    for url in (session["success_url"], session["cancel_url"]):
        assert urlparse(url).netloc == urlparse(APP_URL).netloc


@pytest.mark.rule("STRIPE-ONE-CUSTOMER")
def test_second_checkout_reuses_the_customer_and_a_double_click_the_session(client, db, stripe_api):
    _, state = stripe_api
    user = db.create_user()
    first = client.post("/stripe/checkout", headers=bearer(user)).json
    second = client.post("/stripe/checkout", headers=bearer(user)).json
    assert len(state.customers) == 1 and len(state.calls("POST", "/v1/customers")) == 1
    assert first == second and len(state.checkout_sessions) == 1
    keys = [key for _, _, key, _ in state.calls("POST", "/v1/checkout/sessions")]
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith(f"ugig-checkout-{user.id}-")


def test_checkout_key_changes_with_the_window_customer_and_price():
    key = views.checkout_key("u1", "cus_1", "price_1", 1_000_000.0)
    window = views.CHECKOUT_WINDOW_SECONDS
    start = 1_000_000.0 // window * window
    assert views.checkout_key("u1", "cus_1", "price_1", start + window - 1) == key
    assert len({key, views.checkout_key("u1", "cus_1", "price_1", start + window),
                views.checkout_key("u1", "cus_2", "price_1", start), views.checkout_key("u1", "cus_1", "price_2", start),
                views.checkout_key("u2", "cus_1", "price_1", start)}) == 5


@pytest.mark.rule("STRIPE-ONE-CUSTOMER")
def test_concurrent_first_checkouts_create_one_customer(app, db, stripe_api):
    _, state = stripe_api
    state.create_delay = 0.3  # the first customer create is still running when the others arrive
    user = db.create_user()
    barrier = threading.Barrier(4)
    results = []

    def click():
        client = app.test_client()
        barrier.wait()
        results.append(client.post("/stripe/checkout", headers=bearer(user)).status_code)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 4
    assert len(state.customers) == 1
    assert list(state.customers) == [customer_of(db, user)]
    keys = {key for _, _, key, _ in state.calls("POST", "/v1/customers")}
    assert keys == {f"ugig-customer-{user.id}"}
    assert len(state.checkout_sessions) == 1  # the clicks share one session too


@pytest.mark.rule("SVC-CHECKOUT")
@pytest.mark.parametrize("status, expected", [
    ("active", 409),
    ("trialing", 409),
    ("past_due", 409),  # still Pro during the grace period
    ("canceled", 200),
    ("unpaid", 200),
])
def test_checkout_refuses_users_who_have_pro(client, db, stripe_api, status, expected):
    user = db.create_user()
    make_pro(db, stripe_api[1], user, status)
    assert client.post("/stripe/checkout", headers=bearer(user)).status_code == expected


@pytest.mark.rule("SVC-CHECKOUT")
def test_checkout_needs_a_valid_token(client, db, stripe_api):
    _, state = stripe_api
    assert client.post("/stripe/checkout").status_code == 401
    assert client.post("/stripe/checkout", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert state.requests == []


@pytest.mark.rule("SVC-CHECKOUT")
def test_anonymous_users_cannot_subscribe(client, db):
    user = db.create_user()
    assert client.post("/stripe/checkout", headers=bearer(user, is_anonymous=True)).status_code == 403


def test_checkout_reports_stripe_outage_as_502(client, db, stripe_api):
    _, state = stripe_api
    state.fail_next = [500, 500, 500]  # the SDK retries twice, then gives up
    user = db.create_user()
    response = client.post("/stripe/checkout", headers=bearer(user))
    assert response.status_code == 502 and response.json["error"] == "stripe_error"
    assert customer_of(db, user) is None


@pytest.mark.rule("SVC-CHECKOUT")
def test_portal_without_customer_is_404(client, db):
    user = db.create_user()
    response = client.post("/stripe/portal", headers=bearer(user))
    assert response.status_code == 404 and response.json["error"] == "no_customer"


def test_portal_returns_a_session_for_the_users_customer(client, db, stripe_api):
    _, state = stripe_api
    user = db.create_user()
    client.post("/stripe/checkout", headers=bearer(user))
    response = client.post("/stripe/portal", headers={**bearer(user), "Host": "evil.example"})
    assert response.status_code == 200 and response.json["url"].startswith("https://billing.stripe.com/")
    (session,) = state.portal_sessions.values()
    assert session["customer"] == customer_of(db, user)
    assert session["return_url"] == f"{APP_URL}/settings/billing"


@pytest.mark.rule("SVC-CHECKOUT")
def test_portal_needs_a_valid_token(client):
    assert client.post("/stripe/portal").status_code == 401


@pytest.mark.rule("SVC-STRIPE-API-VERSION")
def test_requests_carry_the_pinned_api_version(client, db, stripe_api):
    _, state = stripe_api
    user = db.create_user()
    client.post("/stripe/checkout", headers=bearer(user))
    client.post("/stripe/portal", headers=bearer(user))
    assert len(state.versions) == 3 and set(state.versions) == {API_VERSION}
