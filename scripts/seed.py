"""`ugig-db seed`: load the demo data in seed/ (idempotent)."""

from __future__ import annotations

import psycopg

from scripts import paths, sqlfiles


def run(db_url: str) -> list[str]:
    """Apply seed/*.sql in order in one transaction; returns the files applied."""
    files = sorted(paths.SEED_DIR.glob("*.sql"))
    with psycopg.connect(db_url, autocommit=True) as conn, conn.transaction():
        for path in files:
            for stmt in sqlfiles.SqlFile(path, "seed").statements:
                conn.execute(stmt.text.encode(), prepare=False)
    return [p.name for p in files]
