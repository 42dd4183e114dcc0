"""Files generated from the repository stay current: client types and Supabase's seed file."""

from __future__ import annotations

import psycopg

from ugig_db import dbtypes, migrate, seed, seedsql
from ugig_db.scratchdb import scratch_database
from tests.support import database

DEMO_COUNTS = """select (select count(*) from public.profiles), (select count(*) from public.gigs),
                        (select count(*) from public.applications), (select count(*) from public.messages),
                        (select count(*) from public.video_calls), (select count(*) from public.reviews),
                        (select count(*) from public.notifications),
                        (select count(*) from public.subscriptions where plan = 'pro')"""


def test_database_types_match_the_migrations(db_server):
    assert dbtypes.TYPES_FILE.read_text(encoding="utf-8") == dbtypes.render(db_server), (
        "supabase/database.types.ts is stale: run `make types`")


def test_seed_sql_matches_what_ugig_db_seed_loads(db_server):
    assert seedsql.SEED_SQL.read_text(encoding="utf-8") == seedsql.render(db_server), (
        "supabase/seed.sql is stale: run `make seed-sql`")


def test_supabase_db_push_with_seed_builds_the_same_demo_as_ugig_db_seed(db_server):
    with scratch_database(db_server, prefix="ugig_pushed") as pushed, \
            scratch_database(db_server, prefix="ugig_seeded") as seeded:
        database.supabase_push(pushed, include_seed=True)
        migrate.migrate(seeded, out=lambda _: None)
        seed.run(seeded, remote_auth=None, out=lambda _: None)
        with psycopg.connect(pushed) as a, psycopg.connect(seeded) as b:
            counts = a.execute(DEMO_COUNTS).fetchone()
            assert counts == b.execute(DEMO_COUNTS).fetchone()
            assert counts[1] == 60 and counts[2] == 156 and counts[3] == 44
