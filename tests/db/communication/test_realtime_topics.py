"""Realtime authorisation on realtime.messages, evaluated as Realtime does: a select (receive) or
insert (send) with `realtime.topic` set and the user's claims. Plus the publication, which no
longer carries the tables whose changes are broadcast."""

from __future__ import annotations

import dataclasses

import pytest

from ugig_db import paths
from tests.support.comms import start_conversation


@pytest.fixture
def topics(db):
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "bob", "eve")}
    cid = start_conversation(db, users["ada"], users["bob"])
    return {**users, "conversation": f"conversation:{cid}", "user": f"user:{users['ada'].id}"}


@pytest.fixture
def blocked(db, topics):
    """ada and bob's conversation, then bob blocks ada."""
    db.as_user(topics["bob"]).one("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id",
                                  (topics["ada"].id,))
    return topics


def on_topic(db, users, actor, topic):
    base = db.as_anon() if actor == "anon" else db.as_user(users[actor])
    return dataclasses.replace(base, settings={"realtime.topic": topic})


def receives(db, users, actor, topic) -> bool:
    db.execute("insert into realtime.messages (topic, extension, event, payload, private) "
               "values (%s, 'broadcast', 'probe', '{}', true)", (topic,))
    return on_topic(db, users, actor, topic).scalar(
        "select count(*) from realtime.messages where topic = %s", (topic,)) == 1


SEND = ("insert into realtime.messages (topic, extension, event, payload, private) "
        "values (%s, 'broadcast', 'typing', '{}', true) returning id")


@pytest.mark.rule("RT-TOPICS")
@pytest.mark.parametrize(("actor", "topic", "receive", "send"), [
    ("ada", "conversation", True, True),
    ("bob", "conversation", True, True),
    ("eve", "conversation", False, False),
    ("anon", "conversation", False, False),
    ("ada", "user", True, False),
    ("bob", "user", False, False),
    ("anon", "user", False, False),
])
def test_topic_matrix(db, topics, actor, topic, receive, send):
    name = topics[topic]
    assert receives(db, topics, actor, name) is receive
    caller = on_topic(db, topics, actor, name)
    if send:
        assert len(caller.sql(SEND, (name,))) == 1
    else:
        caller.rejects("42501", SEND, (name,))


@pytest.mark.rule("RT-TOPICS")
@pytest.mark.parametrize("topic", ["conversation:not-a-uuid", "conversation:", "user:", "lobby", ""])
def test_malformed_topics_are_refused_quietly(db, topics, topic):
    assert receives(db, topics, "ada", topic) is False
    on_topic(db, topics, "ada", topic).rejects("42501", SEND, (topic,))


@pytest.mark.rule("RT-TOPICS")
def test_postgres_changes_extension_is_not_a_broadcast_channel(db, topics):
    on_topic(db, topics, "ada", topics["conversation"]).rejects(
        "42501", "insert into realtime.messages (topic, extension, payload) values (%s, 'postgres_changes', '{}') "
                 "returning id", (topics["conversation"],))


@pytest.mark.parametrize("actor", ["ada", "bob"])
def test_a_block_closes_the_conversation_topic_both_ways(db, blocked, actor):
    name = blocked["conversation"]
    assert receives(db, blocked, actor, name) is False
    on_topic(db, blocked, actor, name).rejects("42501", SEND, (name,))
    # Each still receives on their own topic.
    own = f"user:{blocked[actor].id}"
    assert receives(db, blocked, actor, own) is True


def test_unblocking_opens_the_conversation_topic_again(db, blocked):
    db.as_user(blocked["bob"]).one("delete from public.user_blocks where blocked_id = %s returning blocked_id",
                                   (blocked["ada"].id,))
    assert receives(db, blocked, "ada", blocked["conversation"]) is True


BROADCAST_TABLES = {"conversation_participants", "messages", "notifications", "video_calls"}


def published(db) -> set[str]:
    rows = db.execute("select tablename from pg_publication_tables where pubname = 'supabase_realtime' "
                      "and schemaname = 'public'")
    return {r[0] for r in rows}


@pytest.mark.rule("RT-NO-POSTGRES-CHANGES")
def test_broadcast_tables_are_not_in_the_publication(db):
    assert published(db) & BROADCAST_TABLES == set()


MIGRATION = paths.MIGRATIONS_DIR / "20261204194000_realtime_broadcast_only.sql"


@pytest.mark.rule("RT-NO-POSTGRES-CHANGES")
def test_the_publication_migration_removes_only_members_and_runs_twice(db):
    # As a project that still publishes two of the tables, and another table of its own.
    db.execute("create table public.elsewhere (id int primary key)")
    db.execute("alter publication supabase_realtime add table public.messages, public.video_calls, public.elsewhere")
    for _ in range(2):
        db.execute(MIGRATION.read_text())
        assert "elsewhere" in published(db) and not published(db) & BROADCAST_TABLES
