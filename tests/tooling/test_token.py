"""`ugig-db token`: a local user's access token, shaped and signed as Supabase Auth's, that the
database (as PostgREST passes it) and the service both accept."""

from __future__ import annotations

import jwt
import pytest

from ugig_db.cli import main
from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support.jitsi import self_hosted_app
from tests.support.postgrest import Caller, user_claims


def issued(db, capsys, *args: str) -> dict:
    assert main(["token", *args, "--db-url", db.url]) == 0
    token = capsys.readouterr().out.strip()
    return jwt.decode(token, LOCAL_JWT_SECRET, algorithms=["HS256"], audience="authenticated")


@pytest.mark.parametrize("who", ["email", "username", "id"])
def test_a_user_is_found_by_email_username_or_id(db, capsys, who):
    ada = db.create_user("Ada@Example.test", user_metadata={"username": "ada_l"})
    claims = issued(db, capsys, {"email": "ADA@example.test", "username": "Ada_L", "id": ada.id}[who])
    assert (claims["sub"], claims["email"], claims["role"]) == (ada.id, "ada@example.test", "authenticated")
    assert claims["user_metadata"] == {"username": "ada_l"}
    assert claims["app_metadata"] == {"provider": "email", "providers": ["email"]}
    assert set(claims) == set(user_claims(ada.id, ada.email))  # Supabase's whole claim set
    assert claims["exp"] - claims["iat"] == 3600


def test_ttl_sets_the_lifetime(db, capsys):
    ada = db.create_user()
    claims = issued(db, capsys, ada.email, "--ttl", "60")
    assert claims["exp"] - claims["iat"] == 60


def test_the_database_takes_the_token_as_postgrest_passes_it(db, capsys):
    ada = db.create_user()
    claims = issued(db, capsys, ada.email)
    assert Caller(db.admin, "authenticated", claims).scalar("select auth.uid()::text") == ada.id


def test_the_service_takes_the_token(db, capsys, people, call_id):
    assert main(["token", "ada", "--db-url", db.url]) == 0
    token = capsys.readouterr().out.strip()
    client = self_hosted_app(db).test_client()
    response = client.post("/jitsi/token", json={"call_id": call_id}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["room_name"].startswith("ugig-")


@pytest.mark.parametrize("args, message", [
    (["nobody@example.test"], "no user 'nobody@example.test'"),
    (["nobody"], "no user 'nobody'"),
    (["00000000-0000-4000-8000-000000000000"], "no user '00000000-0000-4000-8000-000000000000'"),
    (["ada", "--ttl", "0"], "--ttl must be a positive number of seconds"),
])
def test_unknown_users_and_bad_lifetimes_are_refused(db, capsys, args, message):
    db.create_user("ada@example.test", user_metadata={"username": "ada"})
    assert main(["token", *args, "--db-url", db.url]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(f"ugig-db token: {message}")
    assert len(captured.err.strip().splitlines()) == 1


def test_a_non_local_database_is_refused_before_connecting(capsys):
    assert main(["token", "ada", "--db-url", "postgresql://postgres@db.abcdefgh.supabase.co:5432/postgres"]) == 1
    assert capsys.readouterr().err.startswith("ugig-db token: refusing a non-local database")
