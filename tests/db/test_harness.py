"""The request helpers behave as PostgREST does: role, claims and transaction per request."""

import psycopg
import pytest


def test_anon_request_runs_as_anon_without_uid(anon):
    row = anon.one("select current_user as role, auth.uid() as uid, auth.role() as claim_role")
    assert row == {"role": "anon", "uid": None, "claim_role": "anon"}


def test_user_request_carries_full_supabase_claims(db):
    user = db.create_user("ada@example.test")
    row = db.as_user(user).one("select current_user as role, auth.uid()::text as uid, auth.jwt() as jwt")
    assert row["role"] == "authenticated"
    assert row["uid"] == user.id
    expected = {"sub", "role", "aud", "email", "aal", "session_id", "is_anonymous",
                "app_metadata", "user_metadata", "exp", "iat", "iss", "amr", "phone"}
    assert expected <= set(row["jwt"])
    assert row["jwt"]["aud"] == "authenticated" and row["jwt"]["email"] == "ada@example.test"


def test_settings_do_not_leak_between_requests(db):
    user = db.create_user()
    db.as_user(user).sql("select 1")
    assert db.execute("select current_user, current_setting('request.jwt.claims', true)") in (
        [("postgres", "")], [("postgres", None)])


def test_service_role_bypasses_rls(service):
    assert service.scalar("select rolbypassrls from pg_roles where rolname = current_user") is True


def test_rejected_request_writes_nothing(db, service):
    db.execute("create table public.probe (id int primary key)")
    db.execute("grant all on public.probe to service_role")
    service.rejects("23505", "insert into public.probe values (1), (1)")
    assert db.execute("select count(*) from public.probe") == [(0,)]


def test_rejects_fails_when_request_succeeds(anon):
    with pytest.raises(AssertionError, match="succeeded"):
        anon.rejects("42501", "select 1")


def test_rejects_checks_the_sqlstate(anon):
    anon.rejects("22012", "select 1/0", match="division by zero")
    with pytest.raises(AssertionError, match="expected SQLSTATE 42501"):
        anon.rejects("42501", "select 1/0")
    with pytest.raises(AssertionError, match="message"):
        anon.rejects("22012", "select 1/0", match="not this message")


def test_user_factory_inserts_auth_rows_like_supabase_auth(db):
    user = db.create_user("Grace@Example.test", user_metadata={"username": "grace"})
    rows = db.execute(
        "select u.aud, u.role, u.email, u.email_confirmed_at is not null, i.provider "
        "from auth.users u join auth.identities i on i.user_id = u.id where u.id = %s", (user.id,))
    assert rows == [("authenticated", "authenticated", "grace@example.test", True, "email")]


def test_each_test_gets_its_own_database(db):
    db.execute("create table public.mine (x int)")
    assert psycopg.connect(db.url).execute("select to_regclass('public.mine')").fetchone()[0]
