"""public_tables_without_rls: every table in `public` has row level security on."""

import pytest

from tests.support.advisors import findings

CHECK = "public_tables_without_rls"


@pytest.mark.rule("API-RLS-EVERYWHERE")
def test_migrated_schema_has_rls_on_every_public_table(db):
    assert findings(db.url, CHECK) == []


def test_public_table_without_rls_is_an_error(db):
    db.execute("create table public.open_book (id int primary key)")
    assert findings(db.url, CHECK) == [("ERROR", "table public.open_book has row level security disabled")]


def test_public_table_with_rls_is_fine_and_private_tables_are_not_checked(db):
    db.execute("create table public.closed_book (id int primary key)")
    db.execute("alter table public.closed_book enable row level security")
    db.execute("create table private.internal (id int primary key)")
    assert findings(db.url, CHECK) == []
