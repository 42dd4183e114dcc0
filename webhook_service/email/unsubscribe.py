"""One-click unsubscribe (RFC 8058): `POST /email/unsubscribe?token=...` turns one e-mail kind off.

Every e-mail a setting can turn off carries `List-Unsubscribe: <EMAIL_UNSUBSCRIBE_URL?token=...>`
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`; the mailbox provider POSTs to that URL
when the user clicks "unsubscribe", without any login. The token is signed with
EMAIL_UNSUBSCRIBE_SECRET (shared by the worker, which signs, and the web service, which checks)
and names one user and one e-mail kind; the database maps the kind to its notification_settings
column (private.email_unsubscribe). A GET of the same URL (a person following the link, or a
link scanner) changes nothing: it shows a button that POSTs.
"""

from __future__ import annotations

import psycopg
from flask import Blueprint, Flask, current_app, jsonify, request
from markupsafe import escape

from webhook_service import db
from webhook_service.email.links import Tokens

bp = Blueprint("email_unsubscribe", __name__, url_prefix="/email")


def init_app(app: Flask) -> None:
    app.extensions["unsubscribe_tokens"] = Tokens(app.config["EMAIL_UNSUBSCRIBE_SECRET"])
    app.register_blueprint(bp)


@bp.errorhandler(psycopg.OperationalError)
def _database_unavailable(_exc: psycopg.OperationalError):
    return jsonify(error="unavailable", message="the database is unavailable; retry shortly"), 503


def checked_token() -> tuple[str, str] | None:
    return current_app.extensions["unsubscribe_tokens"].verify(request.args.get("token", ""))


def page(status: int, message: str, form: bool = False):
    button = ('<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">'
              '<button type="submit">Unsubscribe</button></form>') if form else ""
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ugig e-mail</title></head>'
            f"<body><p>{escape(message)}</p>{button}</body></html>")
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/unsubscribe")
def confirm():
    """What a browser opening the link sees; nothing changes until the button is pressed."""
    if checked_token() is None:
        return page(400, "This unsubscribe link is not valid.")
    return page(200, "Stop receiving this kind of e-mail from ugig?", form=True)


@bp.post("/unsubscribe")
def unsubscribe():
    checked = checked_token()
    wants_html = request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"
    if checked is None:
        if wants_html:
            return page(400, "This unsubscribe link is not valid.")
        return jsonify(error="invalid_token", message="the unsubscribe link is not valid"), 400
    user_id, kind = checked
    try:
        with db.pool().connection() as conn:
            found = conn.execute("select private.email_unsubscribe(%s, %s)", (user_id, kind)).fetchone()[0]
    except psycopg.Error as exc:
        if exc.sqlstate != "22023":
            raise
        return jsonify(error="invalid_token", message=exc.diag.message_primary or "unknown e-mail kind"), 400
    if not found:
        return jsonify(error="not_found", message="no such account"), 404
    if wants_html:
        return page(200, "Done: you will no longer receive this kind of e-mail. "
                         "Change it back any time in your notification settings.")
    return jsonify(unsubscribed=kind)
