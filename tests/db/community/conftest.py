"""Actors of the community suites: ada (the profile or gig owner), eve (a stranger), bob (whom
ada blocked), plus anon and the service role; and helpers to read what the database sent."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import psycopg
import pytest

from tests.support.postgrest import Caller


@pytest.fixture
def people(db):
    ada = db.create_user("ada@example.test", user_metadata={"username": "ada"})
    bob = db.create_user("bob@example.test", user_metadata={"username": "bob"})
    eve = db.create_user("eve@example.test", user_metadata={"username": "eve"})
    db.as_user(ada).one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id", (bob.id,))
    return {"ada": ada, "bob": bob, "eve": eve}


@pytest.fixture
def as_actor(db, people) -> Callable[[str], Caller]:
    """anon, service, or one of the people (owner = ada, stranger = eve, blocked = bob)."""
    aliases = {"owner": "ada", "stranger": "eve", "blocked": "bob"}

    def caller(actor: str) -> Caller:
        if actor == "anon":
            return db.as_anon()
        if actor == "service":
            return db.as_service()
        return db.as_user(people[aliases.get(actor, actor)])

    return caller


def notifications(db, user, kind: str) -> list[tuple[Any, ...]]:
    return db.execute(
        "select title, data from public.notifications where user_id = %s and type = %s order by created_at",
        (user.id, kind))


def emails(db, user, kind: str) -> int:
    return db.execute("select count(*) from private.email_outbox where user_id = %s and kind = %s",
                      (user.id, kind))[0][0]


def race(db, jobs: list[tuple[Any, str, Any]]) -> list[str]:
    """Run each (user, query, params) as that user on its own connection, released together;
    the sorted outcomes ("ok" or the SQLSTATE)."""
    barrier = threading.Barrier(len(jobs))

    def attempt(job: tuple[Any, str, Any]) -> str:
        user, query, params = job
        with db.connect() as conn:
            caller = db.as_user(user, conn)
            barrier.wait()
            try:
                caller.sql(query, params)
                return "ok"
            except psycopg.Error as exc:
                return exc.sqlstate or "?"

    with ThreadPoolExecutor(len(jobs)) as pool:
        return sorted(pool.map(attempt, jobs))
