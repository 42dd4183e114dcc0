"""Every outbox kind the database can produce has an HTML and a text template, with the footer."""

from __future__ import annotations

import re

import pytest

from webhook_service.email.render import KINDS, Recipient, Renderer

APP_URL = "https://ugig.test"
PAYLOAD = {
    "title": "Something happened",
    "body": "Details of what happened.",
    "data": {"gig_id": "g1", "application_id": "a1", "conversation_id": "c1", "call_id": "k1",
             "scheduled_at": "2026-12-01T15:30:00+00:00", "duration_minutes": 45, "amount_cents": 1900,
             "currency": "usd", "hosted_invoice_url": "https://invoice.stripe.com/i/acct/inv"},
}


@pytest.mark.rule("NOTIF-TYPES")
def test_every_notification_type_the_database_allows_has_a_template(db):
    [(definition,)] = db.execute(
        """select pg_get_constraintdef(c.oid) from pg_constraint c
           where c.conrelid = 'public.notifications'::regclass and c.contype = 'c'
             and pg_get_constraintdef(c.oid) like '%%type%%'""")
    types = set(re.findall(r"'([a-z_]+)'", definition))
    assert len(types) >= 11 and types <= set(KINDS)
    assert "welcome" in KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_renders_html_and_text_with_settings_footer(kind):
    message = Renderer(APP_URL + "/").render(kind, PAYLOAD, Recipient("ada@example.test", "ada", "Ada"))
    settings = f"{APP_URL}/settings/notifications"
    assert message.subject and "\n" not in message.subject
    assert message.html.startswith("<!doctype html>") and f'href="{settings}"' in message.html
    assert settings in message.text and "Hi Ada," in message.text
    assert message.headers == {"List-Unsubscribe": f"<{settings}>"}
    assert "{{" not in message.html + message.text  # nothing left unrendered


@pytest.mark.parametrize(("kind", "link"), [
    ("message_received", "/messages/c1"),
    ("call_scheduled", "/calls/k1"),
    ("application_received", "/gigs/g1/applications"),
    ("payment_failed", "/settings/billing"),
    ("welcome", "/dashboard"),
    ("question_received", "/gigs/g1"),
    ("question_answered", "/gigs/g1"),
    ("new_follower", "/profile"),
])
def test_call_to_action_links_into_the_app(kind, link):
    message = Renderer(APP_URL).render(kind, PAYLOAD, Recipient("ada@example.test"))
    assert f'href="{APP_URL}{link}"' in message.html and f"{APP_URL}{link}" in message.text


@pytest.mark.rule("SVC-EMAIL-ESCAPE")
def test_subject_cannot_carry_header_injection():
    payload = {**PAYLOAD, "title": "Hi\r\nBcc: victim@example.test"}
    message = Renderer(APP_URL).render("review_received", payload, Recipient("ada@example.test"))
    assert message.subject == "Hi Bcc: victim@example.test"


@pytest.mark.parametrize(("currency", "display"), [("jpy", "1900 JPY"), ("bhd", "1.900 BHD"), ("usd", "19.00 USD")])
def test_payment_amounts_use_the_currencys_minor_unit(db, currency, display):
    # The database formats the amount (private.stripe_money); the e-mail shows that, not cents / 100.
    [(formatted,)] = db.execute("select private.stripe_money(1900, %s)", (currency,))
    assert formatted == display
    data = {**PAYLOAD["data"], "currency": currency, "amount_display": formatted}
    for kind in ("payment_succeeded", "payment_failed"):
        message = Renderer(APP_URL).render(kind, {**PAYLOAD, "data": data}, Recipient("ada@example.test"))
        assert display in message.text and display in message.html


def test_a_payment_without_a_formatted_amount_shows_none_rather_than_a_guess():
    # Rows written before private.stripe_money existed carry cents only: / 100 would be wrong for
    # JPY or BHD, so the e-mail leaves the amount out.
    data = {**PAYLOAD["data"], "amount_cents": 1900, "currency": "jpy"}
    for kind in ("payment_succeeded", "payment_failed"):
        message = Renderer(APP_URL).render(kind, {**PAYLOAD, "data": data}, Recipient("ada@example.test"))
        assert "19.00" not in message.text + message.html and "Amount" not in message.text
