"""Shared fixtures: one migrated template database per session, a fresh clone per test, and
callers that act as PostgREST does for anon, a signed-in user, or the service role."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterator

import psycopg
import pytest

from ugig_db import auth_users, migrate, service_role
from tests.support import database, pgbouncer
from tests.support.postgrest import Caller, anon_claims, service_claims, user_claims

pytest_plugins = ["tests.support.jitsi"]  # the Jitsi fixtures, shared by the service's test modules

# The password the tests give ugig_service (the migrations create it without one).
SERVICE_PASSWORD = "ugig-service-test-password"


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
    service_role.set_password(db_server, SERVICE_PASSWORD)
    yield name
    database.drop_database(db_server, name)


@dataclass
class Db:
    """A throwaway database for one test, with an admin connection and request callers."""

    url: str
    admin: psycopg.Connection  # superuser, autocommit: test setup, as a migration would
    # What the service and its workers connect with: ugig_service, directly or (fixture
    # `service_connection`) through the transaction pooler. Default: directly.
    service_url: str = ""

    def __post_init__(self) -> None:
        self.service_url = self.service_url or service_role.url(self.url, SERVICE_PASSWORD)

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
        yield Db(url=url, admin=conn, service_url=service_role.url(url, SERVICE_PASSWORD))
    finally:
        conn.close()
        database.drop_database(db_server, name)


@pytest.fixture
def anon(db: Db) -> Caller:
    return db.as_anon()


@pytest.fixture
def service(db: Db) -> Caller:
    return db.as_service()


@pytest.fixture(scope="session")
def pooler(db_server: str) -> Iterator[int]:
    """Port of a PgBouncer in transaction mode in front of the test server (as Supabase's 6543)."""
    with pgbouncer.pgbouncer(db_server, {service_role.ROLE: SERVICE_PASSWORD}) as port:
        yield port


@pytest.fixture(params=["direct", "pooled"])
def service_connection(request: pytest.FixtureRequest, db: Db) -> str:
    """Runs a test twice: the service connects to its database directly, then through the
    pooler. Modules opt in with `pytestmark = pytest.mark.usefixtures("service_connection")`,
    which sets this up before the test's own fixtures build the service from `db.service_url`."""
    if request.param == "pooled":
        db.service_url = pgbouncer.pooled_url(db.service_url, request.getfixturevalue("pooler"))
    return db.service_url
