"""Outbox rows -> e-mail messages: Jinja2 templates, HTML autoescaped, plus a plain-text part.

Each outbox kind has `<kind>.html` and `<kind>.txt` under templates/; the text template's
`subject` block is the subject line. Everything a user wrote (gig titles, message bodies, names)
reaches the HTML only through autoescaping, and links only through `safe_url`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import quote, urlsplit

import jinja2

TEMPLATES = Path(__file__).with_name("templates")

# Every kind the database enqueues: SPEC's notification types, plus the e-mail-only welcome.
KINDS = (
    "application_received", "application_status_changed", "message_received",
    "call_scheduled", "call_updated", "call_cancelled", "review_received", "gig_filled",
    "subscription_changed", "payment_succeeded", "payment_failed", "webhook_disabled", "welcome",
    "question_received", "question_answered", "new_follower", "endorsement_received",
    "verification_decided",
)

SETTINGS_PATH = "/settings/notifications"

# Where each kind's call to action leads in the web app: (path template, data key it needs).
CTA_PATHS: dict[str, tuple[str, str | None]] = {
    "application_received": ("/gigs/{}/applications", "gig_id"),
    "application_status_changed": ("/applications/{}", "application_id"),
    "message_received": ("/messages/{}", "conversation_id"),
    "call_scheduled": ("/calls/{}", "call_id"),
    "call_updated": ("/calls/{}", "call_id"),
    "call_cancelled": ("/calls/{}", "call_id"),
    "review_received": ("/profile", None),
    "gig_filled": ("/gigs/{}", "gig_id"),
    "subscription_changed": ("/settings/billing", None),
    "payment_succeeded": ("/settings/billing", None),
    "payment_failed": ("/settings/billing", None),
    "webhook_disabled": ("/settings/webhooks", None),
    "welcome": ("/dashboard", None),
    "question_received": ("/gigs/{}", "gig_id"),
    "question_answered": ("/gigs/{}", "gig_id"),
    "new_follower": ("/profile", None),
    "endorsement_received": ("/profile", None),
    "verification_decided": ("/profile", None),
}


class UnknownKind(LookupError):
    """No template for this outbox kind: a permanent failure for that row."""


@dataclass(frozen=True)
class Recipient:
    email: str
    username: str | None = None
    full_name: str | None = None

    @property
    def name(self) -> str:
        return self.full_name or self.username or "there"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    html: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def safe_url(value: Any) -> str:
    """Only absolute http(s) links survive; anything else (javascript:, data:) becomes empty."""
    text = str(value or "").strip()
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else ""


def datetime_utc(value: Any) -> str:
    """An ISO timestamp from the payload as a readable UTC time; unparseable values pass through."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%A %d %B %Y, %H:%M UTC")


# rule: SVC-EMAIL-ESCAPE
class Renderer:
    def __init__(self, app_url: str) -> None:
        self.app_url = app_url.rstrip("/")
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
            undefined=jinja2.ChainableUndefined,  # optional payload fields may be absent
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates ship with the code: no stat() of every parent per render
        )
        self.env.filters.update(safe_url=safe_url, datetime_utc=datetime_utc)
        # Templates are parsed once per process, not once per e-mail.
        self.templates = {
            kind: (self.env.get_template(f"{kind}.html"), self.env.get_template(f"{kind}.txt"))
            for kind in KINDS
        }

    def cta_url(self, kind: str, data: Mapping[str, Any]) -> str:
        path, key = CTA_PATHS[kind]
        if key is None:
            return self.app_url + path
        value = data.get(key)
        return self.app_url + (path.format(quote(str(value), safe="")) if value else "/notifications")

    def render(self, kind: str, payload: Mapping[str, Any], recipient: Recipient,
               unsubscribe_url: str | None = None) -> Message:
        """`unsubscribe_url`: the signed one-click link (RFC 8058) when a setting turns this kind off."""
        if kind not in self.templates:
            raise UnknownKind(f"no e-mail template for kind {kind!r}")
        html_t, text_t = self.templates[kind]
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        settings_url = self.app_url + SETTINGS_PATH
        context = {
            "kind": kind,
            "title": payload.get("title") or "",
            "body": payload.get("body") or "",
            "data": data,
            "payload": payload,
            "recipient": recipient,
            "app_url": self.app_url,
            "cta_url": self.cta_url(kind, data),
            "settings_url": settings_url,
            "unsubscribe_url": unsubscribe_url,
        }
        subject = "".join(text_t.blocks["subject"](text_t.new_context(context)))
        return Message(
            to=recipient.email,
            subject=" ".join(subject.split())[:200],  # one line: no header injection
            html=html_t.render(context),
            text=text_t.render(context),
            headers=unsubscribe_headers(settings_url, unsubscribe_url),
        )


def unsubscribe_headers(settings_url: str, one_click_url: str | None) -> dict[str, str]:
    """One-click (RFC 8058) where a setting turns the kind off; else the settings page."""
    if one_click_url is None:
        return {"List-Unsubscribe": f"<{settings_url}>"}
    return {"List-Unsubscribe": f"<{one_click_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
