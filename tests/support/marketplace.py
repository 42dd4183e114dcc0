"""Factories for marketplace rows, created through the API as their owners would create them."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from tests.support.postgrest import Caller

GIG_DEFAULTS: dict[str, Any] = {
    "title": "Build a data pipeline for our shop",
    "description": "We need an engineer to build an ingestion pipeline from our shop into a warehouse.",
    "category": "data",
    "skills_required": ["python", "sql"],
    "budget_type": "fixed",
    "budget_min": 500,
    "budget_max": 1500,
    "status": "active",
}

COVER_LETTER = "I have built many pipelines like this one and can start right away, happily."


def insert(caller: Caller, table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """One `insert ... returning *` request; returns the written row."""
    query = sql.SQL("insert into public.{} ({}) values ({}) returning *").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, fields)),
        sql.SQL(", ").join(sql.Placeholder(k) for k in fields),
    )
    return caller.one(query, fields)


def create_gig(caller: Caller, **fields: Any) -> dict[str, Any]:
    return insert(caller, "gigs", {**GIG_DEFAULTS, **fields})


def apply_to(caller: Caller, gig_id: Any, **fields: Any) -> dict[str, Any]:
    return insert(caller, "applications", {"gig_id": gig_id, "cover_letter": COVER_LETTER, **fields})


def set_status(caller: Caller, table: str, row_id: Any, status: str) -> dict[str, Any]:
    query = sql.SQL("update public.{} set status = %s where id = %s returning *").format(sql.Identifier(table))
    return caller.one(query, (status, row_id))
