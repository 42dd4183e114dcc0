"""ugig_service_privileges: the service's role holds execute in `private` and nothing more."""

import pytest

from ugig_db import advise
from tests.support.advisors import findings

CHECK = "ugig_service_privileges"


@pytest.mark.rule("API-SERVICE-ROLE")
def test_migrated_schema_gives_the_service_role_nothing_more(db):
    assert findings(db.url, CHECK) == []


@pytest.mark.rule("API-SERVICE-ROLE")
@pytest.mark.parametrize("grant, expected", [
    ("grant select on private.secrets to ugig_service", "ugig_service has select on table private.secrets"),
    ("grant update (note) on private.secrets to ugig_service",
     "ugig_service has update (note) on table private.secrets"),
    ("grant usage on sequence private.secrets_id_seq to ugig_service",
     "ugig_service has usage on sequence private.secrets_id_seq"),
    ("grant select on public.gigs to ugig_service", "ugig_service has select on table public.gigs"),
    ("grant execute on function public.search_gigs to ugig_service",
     "ugig_service may execute public.search_gigs(text, text, text[], text, numeric, numeric, text, text, "
     "text, integer) outside schema private"),
    ("grant create on schema private to ugig_service", "ugig_service has create on schema private"),
    ("grant usage on schema storage to ugig_service", "ugig_service has usage on schema storage"),
    ("alter default privileges in schema private grant execute on functions to ugig_service",
     "ugig_service gets execute on new functions in schema private by default"),
])
def test_a_privilege_beyond_private_functions_is_an_error(db, grant, expected):
    db.execute("create table private.secrets (id serial primary key, note text)")
    db.execute(grant)
    assert findings(db.url, CHECK) == [("ERROR", expected)]


@pytest.mark.rule("API-SERVICE-ROLE")
@pytest.mark.parametrize("change, expected", [
    ("alter role ugig_service bypassrls", "ugig_service has the bypassrls attribute"),
    ("alter role ugig_service createdb", "ugig_service has the createdb attribute"),
    ("grant service_role to ugig_service", "ugig_service is a member of service_role"),
    ("grant postgres to ugig_service", "ugig_service is a member of postgres"),
])
def test_role_attributes_and_memberships_are_errors(db, change, expected):
    # Roles are cluster-wide: the change is seen only inside this transaction, then rolled back.
    with db.admin.transaction(force_rollback=True):
        db.execute(change)
        found = advise.run_check(db.admin, advise.ADVISORS_DIR / f"{CHECK}.sql")
    assert [(f.level, f.detail) for f in found] == [("ERROR", expected)]


def test_execute_on_a_private_function_is_fine(db):
    db.execute("create function private.service_helper() returns int language sql as 'select 1'")
    db.execute("grant execute on function private.service_helper() to ugig_service")
    assert findings(db.url, CHECK) == []
