"""Run one of our advisor checks (scripts/advisors/<name>.sql) against a test database."""

from __future__ import annotations

import psycopg

from ugig_db import advise


def findings(url: str, check: str) -> list[tuple[str, str]]:
    """(level, detail) of every finding of the check, in the check's order."""
    with psycopg.connect(url) as conn:
        return [(f.level, f.detail) for f in advise.run_check(conn, advise.ADVISORS_DIR / f"{check}.sql")]
