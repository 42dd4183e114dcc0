"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, jsonify

from webhook_service import db

bp = Blueprint("health", __name__)


# rule: SVC-HEALTH
@bp.get("/healthz")
def healthz():
    """The process answers."""
    return jsonify(status="ok")


# rule: SVC-HEALTH
@bp.get("/readyz")
def readyz():
    """The database answers: Railway routes traffic only to ready instances."""
    try:
        with db.transaction() as conn:
            conn.execute("select 1")
    except Exception as exc:  # any failure to reach the database means not ready
        return jsonify(status="unavailable", error=type(exc).__name__), 503
    return jsonify(status="ok")
