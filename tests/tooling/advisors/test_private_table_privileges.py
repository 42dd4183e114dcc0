"""private_table_privileges: anon/authenticated/PUBLIC hold nothing in `private`."""

import pytest

from tests.support.advisors import findings

CHECK = "private_table_privileges"


@pytest.mark.rule("API-PRIVATE-TABLES")
def test_migrated_schema_grants_nothing_in_private(db):
    assert findings(db.url, CHECK) == []


@pytest.mark.parametrize("grant, expected", [
    ("grant select on private.secrets to anon", "anon has select on table private.secrets"),
    ("grant insert on private.secrets to authenticated", "authenticated has insert on table private.secrets"),
    ("grant update (note) on private.secrets to authenticated",
     "authenticated has update (note) on table private.secrets"),
    ("grant select on private.secrets to public", "public has select on table private.secrets"),
    ("grant usage on sequence private.secrets_id_seq to anon", "anon has usage on sequence private.secrets_id_seq"),
])
def test_a_client_role_privilege_in_private_is_an_error(db, grant, expected):
    db.execute("create table private.secrets (id serial primary key, note text)")
    db.execute(grant)
    assert findings(db.url, CHECK) == [("ERROR", expected)]


def test_service_role_privileges_in_private_are_fine(db):
    db.execute("create table private.secrets (id int primary key)")
    db.execute("grant all on private.secrets to service_role")
    assert findings(db.url, CHECK) == []
