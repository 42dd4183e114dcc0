"""Agent accounts and API keys: who reads and writes what, and the key rules (SPEC §6)."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
import pytest

from tests.support.plans import nested_plans

KEY = re.compile(r"^ugig_sk_[A-Za-z0-9_-]{43}$")


@pytest.fixture
def people(db):
    """bot: an agent; ada: a human; eve: a stranger."""
    return {
        "bot": db.create_user("bot@example.test", user_metadata={"account_type": "agent", "username": "bot_one"}),
        "ada": db.create_user("ada@example.test"),
        "eve": db.create_user("eve@example.test"),
    }


def account_type(db, user) -> str:
    return db.execute("select account_type from public.profiles where id = %s", (user.id,))[0][0]


@pytest.mark.rule("AGENT-ACCOUNT-TYPE")
def test_signup_metadata_decides_account_type(db, people):
    assert account_type(db, people["bot"]) == "agent"
    assert account_type(db, people["ada"]) == "human"
    odd = db.create_user("odd@example.test", user_metadata={"account_type": "admin"})
    assert account_type(db, odd) == "human"


@pytest.mark.rule("AGENT-PROFILE-INPUT")
def test_agent_edits_agent_columns(db, people):
    row = db.as_user(people["bot"]).one(
        "update public.profiles set agent_description = '  Finds gigs.  ', agent_version = '1.2', "
        "agent_source_url = 'https://github.com/x/bot', agent_operator_url = 'https://x.example' "
        "where id = %s returning agent_description, agent_version", (people["bot"].id,))
    assert row == {"agent_description": "Finds gigs.", "agent_version": "1.2"}


@pytest.mark.rule("AGENT-PROFILE-INPUT")
@pytest.mark.parametrize(("column", "value", "constraint"), [
    ("agent_description", "x" * 2001, "profiles_agent_description_length"),
    ("agent_version", "v" * 51, "profiles_agent_version_length"),
    ("agent_source_url", "ftp://x.example", "profiles_agent_source_url_format"),
    ("agent_operator_url", "javascript:alert(1)", "profiles_agent_operator_url_format"),
])
def test_agent_columns_are_checked(db, people, column, value, constraint):
    err = db.as_user(people["bot"]).rejects(
        "23514", f"update public.profiles set {column} = %s where id = %s returning id", (value, people["bot"].id))
    assert err.diag.constraint_name == constraint


@pytest.mark.rule("AGENT-COLUMNS-NULL-FOR-HUMANS")
def test_agent_columns_stay_null_for_humans(db, people):
    err = db.as_user(people["ada"]).rejects(
        "23514", "update public.profiles set agent_version = '1' where id = %s returning id", (people["ada"].id,))
    assert err.diag.constraint_name == "profiles_agent_columns_only_for_agents"


@pytest.mark.rule("AGENT-ACCOUNT-TYPE")
@pytest.mark.parametrize("actor", ["bot", "ada"])
def test_account_type_is_not_client_writable(db, people, actor):
    db.as_user(people[actor]).rejects(
        "42501", "update public.profiles set account_type = 'human' where id = %s returning id", (people[actor].id,))


@pytest.mark.rule("ID-PROFILE-OWNER")
def test_stranger_cannot_edit_agent_columns(db, people):
    db.as_user(people["eve"]).affects_nothing(
        "update public.profiles set agent_version = '9' where id = %s returning id", (people["bot"].id,))


# --- API keys ---

@pytest.mark.rule("KEY-CREATE", "AGENT-SECRETS-PRIVATE")
def test_create_api_key_returns_the_key_once(db, people):
    bot = db.as_user(people["bot"])
    created = bot.rpc("create_api_key", name="ci")
    assert KEY.match(created["key"])
    row = bot.one("select id, name, prefix, expires_at, revoked_at from public.api_keys")
    assert str(row["id"]) == created["id"] and row["name"] == "ci" and row["expires_at"] is None
    assert created["key"].startswith(row["prefix"]) and len(row["prefix"]) == 12
    # Only the hash exists anywhere, and only in private.
    stored = db.execute("select key_hash from private.api_key_hashes where api_key_id = %s", (created["id"],))
    assert stored and created["key"].encode() not in bytes(stored[0][0])
    dump = db.execute("select to_jsonb(k)::text from public.api_keys k")[0][0]
    assert created["key"] not in dump


@pytest.mark.rule("KEY-CREATE")
def test_two_keys_differ(db, people):
    bot = db.as_user(people["bot"])
    assert bot.rpc("create_api_key", name="a")["key"] != bot.rpc("create_api_key", name="b")["key"]


@pytest.mark.rule("KEY-OWNER-READS", "AGENT-SECRETS-PRIVATE")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "select", "42501"), ("anon", "insert", "42501"), ("anon", "update", "42501"),
    ("anon", "delete", "42501"), ("anon", "hashes", "42501"),
    ("bot", "select", 1), ("bot", "insert", "42501"), ("bot", "update", "42501"),
    ("bot", "delete", "42501"), ("bot", "hashes", "42501"),
    ("eve", "select", 0), ("eve", "insert", "42501"), ("eve", "update", "42501"),
    ("eve", "delete", "42501"), ("eve", "hashes", "42501"),
])
def test_api_keys_matrix(db, people, actor, command, expected):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    commands = {
        "select": "select id from public.api_keys where id = %(id)s",
        "insert": "insert into public.api_keys (user_id, name, prefix) values (%(uid)s, 'x', 'ugig_sk_xxxx') returning id",
        "update": "update public.api_keys set revoked_at = null, expires_at = null where id = %(id)s returning id",
        "delete": "delete from public.api_keys where id = %(id)s returning id",
        "hashes": "select key_hash from private.api_key_hashes",
    }
    who = db.as_anon() if actor == "anon" else db.as_user(people[actor])
    params = {"id": key["id"], "uid": people[actor].id if actor != "anon" else people["bot"].id}
    if isinstance(expected, str):
        who.rejects(expected, commands[command], params)
    else:
        assert len(who.sql(commands[command], params)) == expected


@pytest.mark.rule("AGENT-SERVICE-FUNCTIONS")
@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_client_roles_cannot_call_authenticate(db, people, role):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")["key"]
    who = db.as_anon() if role == "anon" else db.as_user(people["eve"])
    who.rejects("42501", "select * from private.api_key_authenticate(%s)", (key,))


@pytest.mark.rule("KEY-CREATE")
def test_anon_cannot_create_keys(db):
    db.as_anon().rejects_rpc("42501", "create_api_key", name="x")


@pytest.mark.rule("KEY-NAME-UNIQUE")
def test_names_unique_among_unrevoked_keys(db, people):
    bot = db.as_user(people["bot"])
    first = bot.rpc("create_api_key", name="deploy")
    bot.rejects_rpc("23505", "create_api_key", name="  DEPLOY ", match="already have an API key")
    bot.rpc("revoke_api_key", id=first["id"])
    bot.rpc("create_api_key", name="deploy")
    db.as_user(people["ada"]).rpc("create_api_key", name="deploy")


@pytest.mark.rule("KEY-CAP")
def test_eleventh_unrevoked_key_refused(db, people):
    bot = db.as_user(people["bot"])
    ids = [bot.rpc("create_api_key", name=f"k{i}")["id"] for i in range(10)]
    bot.rejects_rpc("PT409", "create_api_key", name="k10", match="at most 10")
    assert bot.scalar("select count(*) from public.api_keys") == 10
    bot.rpc("revoke_api_key", id=ids[0])
    bot.rpc("create_api_key", name="k10")


@pytest.mark.rule("KEY-INPUT")
@pytest.mark.parametrize(("name", "expires_in"), [
    ("", None), ("n" * 101, None),
    ("past", dt.timedelta(seconds=-1)), ("too far", dt.timedelta(days=367)),
])
def test_invalid_key_input_refused(db, people, name, expires_in):
    expires = dt.datetime.now(dt.timezone.utc) + expires_in if expires_in else None
    db.as_user(people["bot"]).rejects_rpc("22023", "create_api_key", name=name, expires_at=expires)
    assert db.execute("select count(*) from public.api_keys")[0][0] == 0


@pytest.mark.rule("KEY-INPUT")
def test_key_within_a_year_accepted(db, people):
    expires = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=364)
    db.as_user(people["bot"]).rpc("create_api_key", name="yearly", expires_at=expires)


@pytest.mark.rule("KEY-REVOKE")
def test_revoke_is_owner_only_and_idempotent(db, people):
    bot = db.as_user(people["bot"])
    key = bot.rpc("create_api_key", name="ci")
    db.as_user(people["eve"]).rejects_rpc("PT404", "revoke_api_key", id=key["id"])
    db.as_anon().rejects_rpc("42501", "revoke_api_key", id=key["id"])
    bot.rpc("revoke_api_key", id=key["id"])
    first = bot.scalar("select revoked_at from public.api_keys")
    bot.rpc("revoke_api_key", id=key["id"])
    assert bot.scalar("select revoked_at from public.api_keys") == first is not None


# --- private.api_key_authenticate, as the service calls it ---

def authenticate(db, key):
    return db.as_service().sql("select * from private.api_key_authenticate(%s)", (key,))


@pytest.mark.rule("TOKEN-DB-DECIDES")
def test_authenticate_valid_key(db, people):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    (row,) = authenticate(db, key["key"])
    assert str(row["user_id"]) == people["bot"].id and str(row["api_key_id"]) == key["id"]
    assert row["email"] == "bot@example.test" and row["user_metadata"]["account_type"] == "agent"


@pytest.mark.rule("TOKEN-DB-DECIDES")
@pytest.mark.parametrize("case", ["wrong", "malformed", "revoked", "expired", "deleted user", "banned"])
def test_authenticate_refuses(db, people, case):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    value = key["key"]
    if case == "wrong":
        value = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
    elif case == "malformed":
        value = value + "'--"
    elif case == "revoked":
        db.as_user(people["bot"]).rpc("revoke_api_key", id=key["id"])
    elif case == "expired":
        db.execute("update public.api_keys set expires_at = now() - interval '1 second'")
    elif case == "deleted user":
        db.execute("delete from auth.users where id = %s", (people["bot"].id,))
    elif case == "banned":
        db.execute("update auth.users set banned_until = now() + interval '1 day' where id = %s", (people["bot"].id,))
    assert authenticate(db, value) == []


@pytest.mark.rule("KEY-LAST-USED")
def test_last_used_at_kept_to_the_minute(db, people):
    key = db.as_user(people["bot"]).rpc("create_api_key", name="ci")
    authenticate(db, key["key"])
    first = db.execute("select last_used_at from public.api_keys")[0][0]
    assert first is not None
    authenticate(db, key["key"])
    assert db.execute("select last_used_at from public.api_keys")[0][0] == first
    db.execute("update public.api_keys set last_used_at = now() - interval '61 seconds'")
    authenticate(db, key["key"])
    assert db.execute("select last_used_at > now() - interval '5 seconds' from public.api_keys")[0][0]


@pytest.mark.rule("TOKEN-DB-DECIDES")
def test_authenticate_reads_one_key_however_many_users(db):
    """Every exchange reads the key's hash, the key and its user once each, whatever the
    statistics say: the plan cached after a few calls must not loop over users or keys. (An
    earlier one, on tables not yet analyzed as after a burst of signups, started from auth.users
    and looked the hash up again for each user it read.)"""
    keys = [db.as_user(db.create_user(f"agent{i}@example.test")).rpc("create_api_key", name="k")["key"]
            for i in range(20)]
    db.execute("insert into auth.users (id, email) select gen_random_uuid(), 'filler' || g || '@example.test' "
               "from generate_series(1, 300) as g")

    def exchange_every_key(conn: psycopg.Connection) -> None:
        for key in keys:  # past plpgsql's five custom plans: the cached generic plan is used
            assert conn.execute("select user_id from private.api_key_authenticate(%s)", (key,)).fetchone()

    lookups = [p for p in nested_plans(db.url, exchange_every_key, analyze=True) if "private.api_key_hashes" in p]
    assert len(lookups) == len(keys), lookups
    for plan in lookups[-5:]:
        for table in ("api_key_hashes h", "api_keys k", "users u"):
            assert re.search(rf"Scan .*on {table} .*\(actual .* loops=1\)", plan), (table, plan)
