"""unindexed_foreign_keys: every foreign key leads some complete index."""

import pytest

from tests.support.advisors import findings

CHECK = "unindexed_foreign_keys"


@pytest.fixture
def orders(db):
    db.execute("create table public.orders (id int primary key, "
               "buyer_id uuid not null references auth.users (id), created_at timestamptz)")
    db.execute("create table public.order_items (order_id int, line int, primary key (order_id, line), "
               "foreign key (order_id) references public.orders (id))")
    return db


def test_migrated_schema_indexes_every_foreign_key(db):
    assert findings(db.url, CHECK) == []


@pytest.mark.parametrize("index, indexed", [
    # index on public.orders                                                 covers buyer_id?
    ("",                                                                       False),
    ("create index on public.orders (buyer_id)",                                True),
    ("create index on public.orders (buyer_id, created_at)",                    True),
    ("create index on public.orders (created_at, buyer_id)",                    False),
    ("create index on public.orders (buyer_id) where created_at is not null",   False),
])
def test_foreign_key_needs_an_index_leading_with_its_columns(orders, index, indexed):
    if index:
        orders.execute(index)
    found = findings(orders.url, CHECK)
    # order_items' key is the leading column of its primary key: never reported.
    expected = [] if indexed else [
        ("WARN", "foreign key orders_buyer_id_fkey on public.orders (buyer_id) has no index starting with its columns")
    ]
    assert found == expected


def test_composite_foreign_key_is_covered_by_an_index_on_its_columns_in_any_order(db):
    db.execute("create table private.pairs (a int, b int, primary key (a, b))")
    db.execute("create table private.pair_refs (id int primary key, a int, b int, "
               "foreign key (a, b) references private.pairs (a, b))")
    assert findings(db.url, CHECK) == [
        ("WARN", "foreign key pair_refs_a_b_fkey on private.pair_refs (a, b) has no index starting with its columns")
    ]
    db.execute("create index on private.pair_refs (b, a)")
    assert findings(db.url, CHECK) == []
