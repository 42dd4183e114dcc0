"""Which database a command talks to."""

from __future__ import annotations

import os

from scripts import localdb


def resolve(explicit: str | None = None) -> str:
    """--db-url, else SUPABASE_DB_URL, else the local cluster (started on demand)."""
    return explicit or os.environ.get("SUPABASE_DB_URL") or localdb.start()
