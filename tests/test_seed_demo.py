"""The demo seed: realistic, complete enough to click through, and idempotent."""

from __future__ import annotations

import pytest

from scripts import seed, seed_users
from tests.support.fake_gotrue import fake_gotrue

# Every table the demo fills, so a second load can be compared row for row.
SEEDED_TABLES = [
    "auth.users", "public.profiles", "public.subscriptions", "public.notification_settings",
]


def snapshot(db) -> dict[str, list[tuple]]:
    return {t: db.execute(f"select to_jsonb(t)::text from {t} as t order by 1") for t in SEEDED_TABLES}


@pytest.fixture
def seeded(db):
    seed.run(db.url, remote_auth=None, out=lambda _line: None)
    return db


def test_demo_has_humans_and_agents_with_complete_and_incomplete_profiles(seeded):
    rows = dict(seeded.execute(
        "select account_type || ':' || profile_completed, count(*) from public.profiles group by 1"))
    assert sum(rows.values()) >= 30
    assert rows.keys() >= {"human:true", "human:false", "agent:true", "agent:false"}


def test_demo_users_sign_in_with_the_shared_password(seeded):
    password, users = seed_users.load()
    ok = seeded.execute(
        "select count(*) from auth.users where id = any(%s::uuid[]) "
        "and encrypted_password = extensions.crypt(%s, encrypted_password)",
        ([u.id for u in users], password))
    assert ok == [(len(users),)]


def test_pro_demo_users_have_an_active_pro_subscription(seeded):
    _, users = seed_users.load()
    pro = sorted(u.id for u in users if u.pro)
    rows = seeded.execute("select user_id::text from public.subscriptions where plan = 'pro' and status = 'active' order by 1")
    assert [r[0] for r in rows] == pro and pro


def test_loading_the_demo_twice_changes_nothing(seeded):
    before = snapshot(seeded)
    seed.run(seeded.url, remote_auth=None, out=lambda _line: None)
    assert snapshot(seeded) == before


def test_against_a_hosted_project_users_are_created_through_the_auth_admin_api(db):
    with fake_gotrue(db.url) as (url, auth):
        seed.run(db.url, remote_auth=(url, auth.service_key), out=lambda _line: None)
        _, users = seed_users.load()
        assert sorted(auth.created) == sorted(u.id for u in users)
        seed.run(db.url, remote_auth=(url, auth.service_key), out=lambda _line: None)
        assert len(auth.created) == len(users)  # existing users are not created again
    filled = db.execute("select count(*) from public.profiles where id = any(%s::uuid[]) and profile_completed",
                        ([u.id for u in users],))
    assert filled[0][0] == sum(1 for u in users if u.role != "newcomer")
