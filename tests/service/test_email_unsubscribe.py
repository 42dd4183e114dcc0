"""One-click unsubscribe (RFC 8058): the signed link in an e-mail turns that kind of e-mail off."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import email_worker as ew
from tests.support.fake_resend import API_KEY, fake_resend
from webhook_service import create_app
from webhook_service.config import ConfigError
from webhook_service.email import resend_api
from webhook_service.email.links import Tokens

# Every test here runs twice: the service on its database directly, then through the pooler.
pytestmark = pytest.mark.usefixtures("service_connection")

TOKENS = Tokens(ew.UNSUBSCRIBE_SECRET)
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def app_for(db):
    return create_app({"DB_URL": db.service_url, "TESTING": True, "EMAIL_UNSUBSCRIBE_SECRET": ew.UNSUBSCRIBE_SECRET})


def settings_of(db, user_id):
    cur = db.admin.execute("select * from public.notification_settings where user_id = %s", (user_id,))
    row = cur.fetchone()
    return {c.name: v for c, v in zip(cur.description, row) if c.name.startswith("email_")}


@pytest.fixture
def ada(db):
    return db.create_user("ada@example.test", user_metadata={"username": "ada"})


@pytest.mark.rule("SVC-UNSUBSCRIBE")
def test_one_click_post_turns_off_only_that_kind(db, ada):
    before = settings_of(db, ada.id)
    response = app_for(db).test_client().post(
        "/email/unsubscribe", query_string={"token": TOKENS.sign(ada.id, "call_updated")}, data=ONE_CLICK)
    assert response.status_code == 200 and response.json == {"unsubscribed": "call_updated"}
    assert settings_of(db, ada.id) == {**before, "email_call": False}
    again = app_for(db).test_client().post(
        "/email/unsubscribe", query_string={"token": TOKENS.sign(ada.id, "call_updated")}, data=ONE_CLICK)
    assert again.status_code == 200  # idempotent: the provider may retry


@pytest.mark.rule("SVC-UNSUBSCRIBE")
@pytest.mark.parametrize("token", [
    "",
    "not-a-token",
    Tokens("another-secret-0123456789abcdef").sign("00000000-0000-0000-0000-000000000001", "call_updated"),
])
def test_invalid_tokens_change_nothing(db, ada, token):
    before = settings_of(db, ada.id)
    response = app_for(db).test_client().post("/email/unsubscribe", query_string={"token": token}, data=ONE_CLICK)
    assert response.status_code == 400 and response.json["error"] == "invalid_token"
    assert settings_of(db, ada.id) == before


@pytest.mark.rule("SVC-UNSUBSCRIBE")
def test_a_token_for_another_user_or_kind_cannot_be_forged_from_a_real_one(db, ada):
    bob = db.create_user("bob@example.test")
    real = TOKENS.sign(ada.id, "message_received")
    signature = real.rsplit(".", 1)[1]
    forged = TOKENS.sign(bob.id, "message_received").rsplit(".", 1)[0] + "." + signature
    before = settings_of(db, bob.id)
    response = app_for(db).test_client().post("/email/unsubscribe", query_string={"token": forged}, data=ONE_CLICK)
    assert response.status_code == 400 and settings_of(db, bob.id) == before


@pytest.mark.rule("SVC-UNSUBSCRIBE")
def test_a_kind_no_setting_governs_is_refused(db, ada):
    before = settings_of(db, ada.id)
    response = app_for(db).test_client().post(
        "/email/unsubscribe", query_string={"token": TOKENS.sign(ada.id, "welcome")}, data=ONE_CLICK)
    assert response.status_code == 400 and settings_of(db, ada.id) == before


def test_a_deleted_user_is_not_found(db, ada):
    token = TOKENS.sign(ada.id, "message_received")
    db.execute("delete from auth.users where id = %s", (ada.id,))
    response = app_for(db).test_client().post("/email/unsubscribe", query_string={"token": token}, data=ONE_CLICK)
    assert response.status_code == 404 and response.json["error"] == "not_found"


def test_opening_the_link_changes_nothing_and_offers_a_button(db, ada):
    before = settings_of(db, ada.id)
    client = app_for(db).test_client()
    page = client.get("/email/unsubscribe", query_string={"token": TOKENS.sign(ada.id, "review_received")})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<form method="post">' in page.get_data(as_text=True)
    assert settings_of(db, ada.id) == before
    assert client.get("/email/unsubscribe", query_string={"token": "forged"}).status_code == 400
    pressed = client.post("/email/unsubscribe", query_string={"token": TOKENS.sign(ada.id, "review_received")},
                          data=ONE_CLICK, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert pressed.status_code == 200 and pressed.mimetype == "text/html"
    assert settings_of(db, ada.id)["email_review_received"] is False


def test_the_link_in_a_sent_email_stops_the_next_one(db, ada):
    """End to end: the worker sends, the mailbox provider POSTs the header's URL, the next e-mail
    of that kind is skipped and other kinds still go out."""
    with fake_resend() as (url, state):
        resend_api.configure(API_KEY, url)
        worker = ew.worker(db.service_url)
        try:
            db.execute("select private.notify(%s, 'review_received', 'New review', 'Five stars')", (ada.id,))
            worker.run_once()
            link = state.delivered[0]["payload"]["headers"]["List-Unsubscribe"][1:-1]
            parts = urlsplit(link)
            assert f"{parts.scheme}://{parts.netloc}{parts.path}" == ew.UNSUBSCRIBE_URL
            response = app_for(db).test_client().post(
                parts.path, query_string={"token": parse_qs(parts.query)["token"][0]}, data=ONE_CLICK)
            assert response.status_code == 200
            db.execute("select private.notify(%s, 'review_received', 'Another review', 'Four stars')", (ada.id,))
            db.execute("select private.notify(%s, 'call_scheduled', 'Call', 'Tomorrow')", (ada.id,))
            worker.run_once()
        finally:
            worker.close()
    assert [d["payload"]["subject"] for d in state.delivered] == ["New review", "Call"]


def test_the_service_refuses_to_start_without_the_signing_secret(monkeypatch):
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("UGIG_FEATURES", "unsubscribe")
    monkeypatch.delenv("EMAIL_UNSUBSCRIBE_SECRET", raising=False)
    with pytest.raises(ConfigError, match="EMAIL_UNSUBSCRIBE_SECRET"):
        create_app()
