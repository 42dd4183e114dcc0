"""Realtime authorisation on realtime.messages, evaluated as Realtime does: a select (receive) or
insert (send) with `realtime.topic` set and the user's claims. Plus the publication's tables."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support.comms import start_conversation


@pytest.fixture
def topics(db):
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "bob", "eve")}
    cid = start_conversation(db, users["ada"], users["bob"])
    return {**users, "conversation": f"conversation:{cid}", "user": f"user:{users['ada'].id}"}


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


def test_publication_carries_the_four_tables(db):
    rows = db.execute("select tablename from pg_publication_tables where pubname = 'supabase_realtime' "
                      "and schemaname = 'public' order by tablename")
    assert {"conversation_participants", "messages", "notifications", "video_calls"} <= {r[0] for r in rows}
