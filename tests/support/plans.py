"""The plans of what a request runs, nested statements included, as auto_explain logs them."""

from __future__ import annotations

from typing import Callable

import psycopg


def nested_plans(url: str, run: Callable[[psycopg.Connection], object], *, analyze: bool = False) -> list[str]:
    """Every plan of the statements `run` executes on a fresh connection, in order (with
    `analyze`, actual rows and loops too)."""
    messages: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda diag: messages.append(diag.message_primary or ""))
        conn.execute("load 'auto_explain'")
        conn.execute("set auto_explain.log_min_duration = 0")
        conn.execute("set auto_explain.log_nested_statements = on")
        conn.execute(f"set auto_explain.log_analyze = {'on' if analyze else 'off'}")
        conn.execute("set client_min_messages = log")
        run(conn)
    return [m for m in messages if "Query Text" in m]
