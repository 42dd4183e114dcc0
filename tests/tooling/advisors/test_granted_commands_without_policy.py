"""granted_commands_without_policy: each command granted to anon/authenticated has a policy."""

import pytest

from tests.support.advisors import findings

CHECK = "granted_commands_without_policy"


@pytest.fixture
def notes(db):
    db.execute("create table public.notes (id int primary key, owner_id uuid, body text)")
    db.execute("alter table public.notes enable row level security")
    return db


@pytest.mark.rule("API-GRANT-HAS-POLICY")
def test_migrated_schema_has_a_policy_for_every_granted_command(db):
    assert findings(db.url, CHECK) == []


@pytest.mark.parametrize("grant, policy, expected", [
    # grant                                               policy (none: "")                                     finding
    ("grant select on public.notes to anon",               "",                                                    "anon may select"),
    ("grant select on public.notes to anon",               "for select to anon using (true)",                     None),
    ("grant select on public.notes to anon",               "for select to public using (true)",                   None),
    ("grant select on public.notes to anon",               "for all to anon using (true)",                        None),
    ("grant select on public.notes to anon",               "for select to authenticated using (true)",            "anon may select"),
    ("grant update (body) on public.notes to authenticated", "",                                                  "authenticated may update"),
    ("grant update (body) on public.notes to authenticated", "for update to authenticated using (true)",          None),
    ("grant delete on public.notes to authenticated",      "for select to authenticated using (true)",            "authenticated may delete"),
    ("grant insert on public.notes to authenticated",      "as restrictive for insert to authenticated with check (true)", "authenticated may insert"),
])
def test_granted_command_needs_a_permissive_policy_for_that_role(notes, grant, policy, expected):
    notes.execute(grant)
    if policy:
        notes.execute(f"create policy p on public.notes {policy}")
    found = findings(notes.url, CHECK)
    if expected is None:
        assert found == []
    else:
        assert [level for level, _ in found] == ["WARN"]
        assert found[0][1].startswith(f"{expected} on public.notes, but no permissive policy allows it")
