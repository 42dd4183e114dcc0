"""Random sequences of sends, edits, deletes, blocks and unblocks by two participants keep the
message invariants, and every request's outcome matches a simple model of the rules."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.comms import SEND_MESSAGE, start_conversation

WHO = st.sampled_from(["a", "b"])
BODY = st.text(alphabet="ab ", max_size=6)
OPS = st.one_of(
    st.tuples(st.just("send"), WHO, BODY),
    st.tuples(st.just("edit"), WHO, st.integers(0, 20), BODY),
    st.tuples(st.just("delete"), WHO, st.integers(0, 20)),
    st.tuples(st.just("block"), WHO),
    st.tuples(st.just("unblock"), WHO),
)


@dataclass
class Model:
    messages: list[dict] = field(default_factory=list)  # id, sender, body, deleted, edited
    blocks: set[str] = field(default_factory=set)  # who blocked the other


def outcome(run) -> str | list:
    try:
        return run()
    except psycopg.Error as exc:
        return exc.sqlstate


def apply(db, users, cid, model: Model, op: tuple) -> None:
    kind, who = op[0], op[1]
    me = db.as_user(users[who])
    other = users["b" if who == "a" else "a"]
    if kind == "send":
        got = outcome(lambda: me.sql(SEND_MESSAGE, (cid, op[2])))
        expected = "42501" if model.blocks else ("23514" if not op[2].strip() else None)
        if expected is None:
            assert not isinstance(got, str), got
            model.messages.append({"id": got[0]["id"], "sender": who, "body": op[2].strip(),
                                   "deleted": False, "edited": False})
        else:
            assert got == expected
    elif kind in ("edit", "delete") and model.messages:
        target = model.messages[op[2] % len(model.messages)]
        if kind == "edit":
            query, params = "update public.messages set body = %s where id = %s returning id", (op[3], target["id"])
        else:
            query, params = "update public.messages set deleted_at = now() where id = %s returning id", (target["id"],)
        got = outcome(lambda: me.sql(query, params))
        if target["sender"] != who:
            assert got == "42501"
        elif target["deleted"]:
            assert got == "PT409"
        elif kind == "delete":
            assert len(got) == 1
            target.update(deleted=True, body="")
        elif not op[3].strip():
            assert got == "23514"
        else:
            assert len(got) == 1
            if op[3].strip() != target["body"]:
                target.update(body=op[3].strip(), edited=True)
    elif kind == "block":
        got = outcome(lambda: me.sql("insert into public.user_blocks (blocked_id) values (%s) returning blocked_id",
                                     (other.id,)))
        assert got == "23505" if who in model.blocks else len(got) == 1
        model.blocks.add(who)
    elif kind == "unblock":
        got = me.sql("delete from public.user_blocks where blocked_id = %s returning blocked_id", (other.id,))
        assert len(got) == (1 if who in model.blocks else 0)
        model.blocks.discard(who)


def check_invariants(db, users, cid, model: Model) -> None:
    rows = db.execute(
        "select id, sender_id::text, body, deleted_at is not null, edited_at is not null, attachments "
        "from public.messages where conversation_id = %s order by created_at, id", (cid,))
    by_id = {r[0]: r for r in rows}
    assert len(rows) == len(model.messages)
    ids = {users["a"].id: "a", users["b"].id: "b"}
    for m in model.messages:
        _, sender, body, deleted, edited, attachments = by_id[m["id"]]
        assert (ids[sender], body, deleted, edited) == (m["sender"], m["body"], m["deleted"], m["edited"])
        assert (deleted and body == "" and attachments == []) or (not deleted and 1 <= len(body) <= 5000)
    for who, other in (("a", "b"), ("b", "a")):
        sent_by_other = sum(1 for m in model.messages if m["sender"] == other)
        assert db.execute("select count(*) from public.notifications where user_id = %s",
                          (users[who].id,)) == [(sent_by_other,)]
        assert db.execute("select count(*) from private.email_outbox where user_id = %s",
                          (users[who].id,)) == [(min(sent_by_other, 1),)]
    assert db.execute("select last_message_at is not distinct from (select max(created_at) from public.messages "
                      "where conversation_id = %s) from public.conversations where id = %s", (cid, cid)) == [(True,)]


@pytest.mark.rule("MSG-SOFT-DELETE")
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, max_size=14))
def test_random_message_sequences_keep_the_invariants(db, ops):
    users = {"a": db.create_user(), "b": db.create_user()}
    cid = start_conversation(db, users["a"], users["b"])
    model = Model()
    for op in ops:
        apply(db, users, cid, model, op)
    check_invariants(db, users, cid, model)
