"""public_security_definer_functions: owner-rights functions live in `private` only."""

import pytest

from tests.support.advisors import findings

CHECK = "public_security_definer_functions"


@pytest.mark.rule("API-NO-PUBLIC-DEFINER")
def test_migrated_schema_has_no_security_definer_function_in_public(db):
    assert findings(db.url, CHECK) == []


def test_security_definer_function_in_public_is_an_error(db):
    db.execute("create function public.leak(p_id uuid) returns int language sql security definer "
               "set search_path = '' as $$ select 1 $$")
    assert findings(db.url, CHECK) == [
        ("ERROR", "function public.leak(p_id uuid) is security definer in the API schema")
    ]


def test_security_invoker_wrapper_over_a_private_definer_is_fine(db):
    db.execute("create function private.count_impl() returns int language sql security definer "
               "set search_path = '' as $$ select 1 $$")
    db.execute("create function public.count() returns int language sql security invoker "
               "set search_path = '' as $$ select private.count_impl() $$")
    assert findings(db.url, CHECK) == []
