"""The local bootstrap's stand-ins for Realtime's broadcast functions store what Realtime's own
store: one `broadcast` row of realtime.messages per call, private by default, the payload's id
being the row's unless the caller gave one, `realtime.topic` set for the rest of the transaction."""

from __future__ import annotations

import psycopg
import pytest


def stored(db) -> list[tuple]:
    return db.execute("select topic, extension, event, payload, private, id::text from realtime.messages "
                      "order by inserted_at")


def test_send_stores_one_private_broadcast_whose_payload_id_is_the_rows(db):
    with db.admin.transaction():
        db.execute("select realtime.send('{\"n\": 1}', 'ping', 'user:someone')")
        assert db.execute("select current_setting('realtime.topic')") == [("user:someone",)]
    [(topic, extension, event, payload, private, row_id)] = stored(db)
    assert (topic, extension, event, private) == ("user:someone", "broadcast", "ping", True)
    assert payload == {"n": 1, "id": row_id}


def test_send_keeps_a_payload_id_and_a_public_flag(db):
    db.execute("select realtime.send('{\"id\": \"mine\"}', 'ping', 'lobby', false)")
    [(_topic, _ext, _event, payload, private, row_id)] = stored(db)
    assert payload == {"id": "mine"} and row_id != "mine" and private is False


def test_send_turns_its_failure_into_a_warning(db):
    notices: list[str] = []
    db.admin.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
    db.execute("alter table realtime.messages add constraint no_pings check (event <> 'ping')")
    with db.admin.transaction():
        db.execute("select realtime.send('{}', 'ping', 'user:someone')")
        # The failed insert's subtransaction took its topic setting with it.
        assert db.execute("select current_setting('realtime.topic', true)") in ([(None,)], [("",)])
    assert stored(db) == []
    assert any(n.startswith("ErrorSendingBroadcastMessage: ") for n in notices)


def test_broadcast_changes_sends_the_row_before_and_after(db):
    db.execute("create table public.things (id int primary key, name text)")
    db.execute("create function public.things_changed() returns trigger language plpgsql as $$ begin "
               "perform realtime.broadcast_changes('things', tg_op, tg_op, tg_table_name, tg_table_schema, new, old); "
               "return null; end $$")
    db.execute("create trigger changed after insert or update or delete on public.things "
               "for each row execute function public.things_changed()")
    db.execute("insert into public.things values (1, 'a')")
    db.execute("update public.things set name = 'b'")
    db.execute("delete from public.things")
    rows = stored(db)
    assert [r[2] for r in rows] == ["INSERT", "UPDATE", "DELETE"]
    payloads = [{k: v for k, v in r[3].items() if k != "id"} for r in rows]
    base = {"table": "things", "schema": "public"}
    assert payloads == [
        {**base, "operation": "INSERT", "record": {"id": 1, "name": "a"}, "old_record": None},
        {**base, "operation": "UPDATE", "record": {"id": 1, "name": "b"}, "old_record": {"id": 1, "name": "a"}},
        {**base, "operation": "DELETE", "record": None, "old_record": {"id": 1, "name": "b"}},
    ]
    assert all(r[1] == "broadcast" and r[4] is True and r[3]["id"] == r[5] for r in rows)


@pytest.mark.parametrize(("operation", "level", "message"), [
    ("TRUNCATE", "ROW", "Unexpected operation type"),
    ("INSERT", "STATEMENT", "only be triggered for each row"),
])
def test_broadcast_changes_raises_on_what_it_cannot_send(db, operation, level, message):
    with pytest.raises(psycopg.errors.RaiseException, match=message):
        db.execute("select realtime.broadcast_changes('t', 'e', %s, 'x', 'public', null::record, null::record, %s)",
                   (operation, level))
    assert stored(db) == []


def test_messages_is_partitioned_with_realtimes_index(db):
    assert db.execute("select c.relkind from pg_class as c where c.oid = 'realtime.messages'::regclass") == [("p",)]
    assert db.execute("select pg_get_partkeydef('realtime.messages'::regclass)") == [("RANGE (inserted_at)",)]
    [(definition,)] = db.execute("select indexdef from pg_indexes where schemaname = 'realtime' "
                                 "and indexname = 'messages_inserted_at_topic_index'")
    assert "(inserted_at DESC, topic)" in definition and "private IS TRUE" in definition
