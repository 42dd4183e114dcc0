"""Shared fixtures: one migrated template database per session, a fresh clone per test, and
callers that act as PostgREST does for anon, a signed-in user, or the service role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterator

import psycopg
import pytest

from scripts import auth_users, migrate
from tests.support import database
from tests.support.postgrest import Caller, anon_claims, service_claims, user_claims

pytest_plugins = ["tests.support.jitsi"]  # the Jitsi fixtures, shared by the service's test modules


@pytest.fixture(scope="session")
def db_server() -> Iterator[str]:
    with database.server() as url:
        yield url


@pytest.fixture(scope="session")
def template_db(db_server: str) -> Iterator[str]:
    """A database migrated once, through the same code path as `ugig-db migrate`, or with
    UGIG_TEMPLATE_BUILDER=supabase by `supabase db push` (tests/tooling/test_deploy_parity.py)."""
    name = database.create_database(db_server, prefix="ugig_template")
    url = database.database_url(db_server, name)
    if os.environ.get("UGIG_TEMPLATE_BUILDER") == "supabase":
        database.supabase_push(url)
    else:
        migrate.migrate(url, out=lambda _line: None)
    yield name
    database.drop_database(db_server, name)


@dataclass
class Db:
    """A throwaway database for one test, with an admin connection and request callers."""

    url: str
    admin: psycopg.Connection  # superuser, autocommit: test setup, as a migration would

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def as_anon(self, conn: psycopg.Connection | None = None) -> Caller:
        return Caller(conn or self.admin, "anon", anon_claims())

    def as_user(self, user: auth_users.AuthUser, conn: psycopg.Connection | None = None) -> Caller:
        claims = user_claims(user.id, user.email, user.user_metadata, is_anonymous=user.is_anonymous)
        return Caller(conn or self.admin, "authenticated", claims)

    def as_service(self, conn: psycopg.Connection | None = None) -> Caller:
        return Caller(conn or self.admin, "service_role", service_claims())

    def create_user(self, email: str | None = None, *, welcome: bool = False, **kwargs: Any) -> auth_users.AuthUser:
        """A user as Auth writes one. A confirmed user gets a welcome e-mail in the outbox; tests
        start from users whose welcome is long gone (removed here) unless they ask for it."""
        with self.admin.transaction():
            user = auth_users.create_user(self.admin, email, **kwargs)
            if not welcome:
                self.admin.execute("delete from private.email_outbox where throttle_key = %s", (f"welcome:{user.id}",))
            return user

    def execute(self, query: Any, params: Any = None) -> list[tuple]:
        """Run SQL as the superuser (setup and inspection, never as a client)."""
        cur = self.admin.execute(query, params)
        return cur.fetchall() if cur.description else []


@pytest.fixture
def db(db_server: str, template_db: str) -> Iterator[Db]:
    name = database.create_database(db_server, template=template_db)
    url = database.database_url(db_server, name)
    conn = psycopg.connect(url, autocommit=True)
    try:
        yield Db(url=url, admin=conn)
    finally:
        conn.close()
        database.drop_database(db_server, name)


@pytest.fixture
def anon(db: Db) -> Caller:
    return db.as_anon()


@pytest.fixture
def service(db: Db) -> Caller:
    return db.as_service()
