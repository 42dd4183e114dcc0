"""The demo seed: realistic, complete enough to click through, and idempotent."""

from __future__ import annotations

import psycopg
import pytest

from ugig_db import auth_users, seed, seed_users
from tests.conftest import Db
from tests.support import database
from tests.support.fake_gotrue import fake_gotrue

# Every table the demo fills, so a second load can be compared row for row.
SEEDED_TABLES = [
    "auth.users", "public.profiles", "public.subscriptions", "public.notification_settings",
    "public.gigs", "private.gig_publications", "public.applications", "public.conversations",
    "public.conversation_participants", "public.messages", "public.video_calls", "public.reviews",
    "public.notifications", "private.email_outbox", "private.rate_limit_events",
]
GIG_STATUSES = {"draft", "active", "paused", "closed", "filled"}
APPLICATION_STATUSES = {"pending", "reviewing", "shortlisted", "rejected", "accepted", "withdrawn"}


def auth_user(user: seed_users.DemoUser) -> auth_users.AuthUser:
    return auth_users.AuthUser(id=user.id, email=user.email, user_metadata=user.metadata)


def snapshot(db) -> dict[str, list[tuple]]:
    return {t: db.execute(f"select to_jsonb(t)::text from {t} as t order by 1") for t in SEEDED_TABLES}


@pytest.fixture(scope="module")
def seeded(db_server, template_db):
    """One demo database for the module: the checks only read it (or reload it, which changes nothing)."""
    name = database.create_database(db_server, template=template_db)
    url = database.database_url(db_server, name)
    seed.run(url, remote_auth=None, out=lambda _line: None)
    conn = psycopg.connect(url, autocommit=True)
    try:
        yield Db(url=url, admin=conn)
    finally:
        conn.close()
        database.drop_database(db_server, name)


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


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        ("public.profiles", 32),
        ("public.gigs", 60),
        ("public.applications", 156),
        ("public.conversations", 15),
        ("public.conversation_participants", 30),
        ("public.messages", 44),
        ("public.video_calls", 6),
        ("public.reviews", 18),
    ],
)
def test_demo_row_counts(seeded, table, rows):
    assert seeded.execute(f"select count(*) from {table}") == [(rows,)]


def test_every_category_has_six_gigs_and_every_status_is_there(seeded):
    per_category = seeded.execute("select category, count(*) from public.gigs group by 1")
    assert len(per_category) == 10 and {n for _, n in per_category} == {6}
    assert {r[0] for r in seeded.execute("select distinct status from public.gigs")} == GIG_STATUSES


def test_applications_are_in_every_state(seeded):
    assert {r[0] for r in seeded.execute("select distinct status from public.applications")} == APPLICATION_STATUSES


def test_visitors_see_every_gig_but_drafts(seeded):
    visible = seeded.as_anon().scalar("select count(*) from public.gigs")
    assert visible == 60 - seeded.execute("select count(*) from public.gigs where status = 'draft'")[0][0]


def test_the_demo_has_history_not_just_now(seeded):
    span = seeded.execute("select max(published_at) - min(published_at) > interval '30 days' from public.gigs")
    assert span == [(True,)]
    calls = dict(seeded.execute(
        "select status, bool_and(scheduled_at < now()) from public.video_calls group by 1"))
    assert calls["completed"] is True and calls["scheduled"] is False and "cancelled" in calls


def test_conversations_have_messages_and_some_are_unread(seeded):
    maya = seed_users.load()[1][0]
    inbox = seeded.as_user(auth_user(maya)).sql("select * from public.my_conversations(page_size => 50)")
    assert len(inbox) == 3 and all(row["last_message"] for row in inbox)
    assert any(row["unread_count"] > 0 for row in inbox)


def test_ratings_follow_the_reviews(seeded):
    stale = seeded.execute(
        """select count(*) from public.profiles p
           where p.rating_count <> (select count(*) from public.reviews r where r.reviewee_id = p.id)""")
    assert stale == [(0,)]
    assert seeded.execute("select count(*) from public.profiles where rating_count > 0")[0][0] >= 10


def test_triggers_left_notifications_some_read_and_no_email_to_send(seeded):
    types = {r[0] for r in seeded.execute("select distinct type from public.notifications")}
    assert {"message_received", "call_scheduled"} <= types
    assert seeded.execute("select count(*) filter (where read_at is null) > 0, count(read_at) > 0 from public.notifications") == [(True, True)]
    assert seeded.execute("select count(*) from private.email_outbox where status = 'pending'") == [(0,)]


def test_loading_the_demo_twice_changes_nothing(seeded):
    before = snapshot(seeded)
    wrote = seed.run(seeded.url, remote_auth=None, out=lambda _line: None)
    assert snapshot(seeded) == before
    assert wrote == []  # and it says so: no step claims to have seeded anything


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
