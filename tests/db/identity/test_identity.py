"""Identity base: signup, profiles, subscriptions, notification settings, notifications,
private.notify / enqueue_email, private.has_pro and private.rate_limit."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest


def profile_of(db, user):
    return db.execute("select username, full_name, account_type from public.profiles where id = %s", (user.id,))[0]


# --- signup -------------------------------------------------------------------------------

@pytest.mark.rule("ID-SIGNUP", "BILL-FREE-ROW")
def test_signup_creates_profile_free_subscription_and_settings(db):
    user = db.create_user("new.person@example.test", user_metadata={"full_name": "  New Person "})
    assert profile_of(db, user) == ("new_person", "New Person", "human")
    assert db.execute("select plan, status from public.subscriptions where user_id = %s", (user.id,)) == [("free", "active")]
    assert db.execute(
        "select email_application_received and email_billing from public.notification_settings where user_id = %s",
        (user.id,)) == [(True,)]


@pytest.mark.rule("ID-USERNAME-PICK")
@pytest.mark.parametrize(
    "requested, email, expected",
    [
        ("ada_l", "ada@example.test", "ada_l"),           # valid and free: taken as is
        ("Ada_L2", "ada@example.test", "ada_l2"),         # normalised to lower case
        ("admin", "ada@example.test", "ada"),             # reserved: derived from e-mail
        ("a!", "grace.hopper@example.test", "grace_hopper"),  # invalid: derived
        (None, "x@example.test", "userx"),                # too short local part: padded
    ],
)
def test_signup_username_rules(db, requested, email, expected):
    meta = {"username": requested} if requested else {}
    assert profile_of(db, db.create_user(email, user_metadata=meta))[0] == expected


@pytest.mark.rule("ID-USERNAME-PICK")
def test_signup_username_taken_is_made_unique(db):
    db.create_user("first@example.test", user_metadata={"username": "sameone"})
    second = profile_of(db, db.create_user("sameone@example.test", user_metadata={"username": "SameOne"}))[0]
    assert second != "sameone" and second.startswith("sameone_")


@pytest.mark.rule("ID-USERNAME-PICK")
def test_signup_derived_username_never_reserved(db):
    assert profile_of(db, db.create_user("admin@example.test"))[0].startswith("admin_")


@pytest.mark.rule("ID-SIGNUP")
@pytest.mark.parametrize(
    "meta",
    [
        {"username": 12345, "full_name": "x" * 5000, "avatar_url": "javascript:alert(1)"},
        {"username": ["a", "b"], "account_type": "robot"},
        {"full_name": None, "username": ""},
    ],
)
def test_bad_metadata_never_fails_signup(db, meta):
    user = db.create_user(user_metadata=meta)
    username, full_name, account_type = profile_of(db, user)
    assert len(username) >= 3 and account_type == "human"
    assert full_name is None or len(full_name) <= 100


@pytest.mark.rule("ID-SIGNUP", "AGENT-ACCOUNT-TYPE")
def test_signup_account_type_from_metadata(db):
    assert profile_of(db, db.create_user(user_metadata={"account_type": "agent"}))[2] == "agent"


@pytest.mark.rule("ID-USER-DELETE")
def test_deleting_user_removes_personal_rows(db):
    user = db.create_user()
    db.execute("select private.notify(%s, 'gig_filled', 't', 'b')", (user.id,))
    db.execute("delete from auth.users where id = %s", (user.id,))
    for table in ("public.profiles p where p.id", "public.subscriptions s where s.user_id",
                  "public.notification_settings n where n.user_id", "public.notifications n where n.user_id",
                  "private.email_outbox o where o.user_id"):
        assert db.execute(f"select count(*) from {table} = %s", (user.id,)) == [(0,)], table


# --- profiles -----------------------------------------------------------------------------

@pytest.fixture
def owner(db):
    return db.create_user("owner@example.test", user_metadata={"username": "owner"})


@pytest.fixture
def stranger(db):
    return db.create_user("stranger@example.test", user_metadata={"username": "stranger"})


@pytest.mark.rule("ID-PROFILE-READ")
def test_anyone_reads_profiles(db, anon, owner, stranger):
    assert anon.scalar("select count(*) from public.profiles") == 2
    assert db.as_user(stranger).one("select username from public.profiles where id = %s", (owner.id,)) == {"username": "owner"}


@pytest.mark.rule("ID-NO-EMAIL")
def test_profiles_expose_no_email(anon, owner):
    assert "email" not in anon.one("select * from public.profiles")


@pytest.mark.rule("ID-PROFILE-INPUT")
def test_owner_updates_editable_columns_trimmed(db, owner):
    row = db.as_user(owner).one(
        "update public.profiles set bio = '  I build things  ', skills = array[' python ', 'python', ''] "
        "where id = %s returning bio, skills, profile_completed", (owner.id,))
    assert row == {"bio": "I build things", "skills": ["python"], "profile_completed": False}


@pytest.mark.rule("ID-PROFILE-COMPLETED")
def test_profile_completed_is_derived(db, owner):
    row = db.as_user(owner).one(
        "update public.profiles set full_name = 'Ow Ner', bio = 'Bio', skills = '{sql}' where id = %s "
        "returning profile_completed", (owner.id,))
    assert row == {"profile_completed": True}


@pytest.mark.rule("ID-UPDATED-AT")
def test_updated_at_is_set_by_the_database(db, service, owner):
    # The service may write updated_at (clients may not: ID-PROFILE-COLUMNS); the trigger still wins.
    row = service.one(
        "update public.profiles set bio = 'Later', updated_at = '2020-01-01' where id = %s "
        "returning updated_at = now() as stamped", (owner.id,))
    assert row == {"stamped": True}


@pytest.mark.rule("ID-PROFILE-OWNER")
def test_stranger_cannot_update_profile(db, owner, stranger):
    db.as_user(stranger).affects_nothing(
        "update public.profiles set bio = 'hacked' where id = %s returning id", (owner.id,))


@pytest.mark.rule("ID-PROFILE-COLUMNS")
@pytest.mark.parametrize("column, value", [
    ("is_verified", True), ("account_type", "agent"), ("rating_avg", 5), ("rating_count", 9),
    ("id", "00000000-0000-0000-0000-000000000001"), ("created_at", "2020-01-01"),
    ("updated_at", "2020-01-01"), ("last_active_at", "2020-01-01"),
])
def test_owner_cannot_update_protected_column(db, owner, column, value):
    db.as_user(owner).rejects(
        "42501", f"update public.profiles set {column} = %s where id = %s returning id", (value, owner.id))


@pytest.mark.rule("ID-PROFILE-COMPLETED")
def test_nobody_changes_profile_completed(db, owner):
    # A generated column: Postgres refuses any value before privileges are even checked.
    db.as_user(owner).rejects("428C9", "update public.profiles set profile_completed = true returning id")


@pytest.mark.rule("ID-PROFILE-NO-INSERT-DELETE")
@pytest.mark.parametrize("caller", ["anon", "owner"])
def test_clients_cannot_insert_or_delete_profiles(db, owner, caller):
    c = db.as_anon() if caller == "anon" else db.as_user(owner)
    c.rejects("42501", "insert into public.profiles (id, username) values (%s, 'zzz') returning id", (owner.id,))
    c.rejects("42501", "delete from public.profiles where id = %s returning id", (owner.id,))


@pytest.mark.rule("ID-PROFILE-OWNER")
def test_anon_cannot_update_profiles(anon, owner):
    anon.rejects("42501", "update public.profiles set bio = 'x' returning id")


def test_public_profile_page_finds_a_profile_by_its_username(anon, owner, stranger):
    # The u/<username> page: profiles?username=eq.<name>, names stored (and looked up) in lower case.
    assert anon.sql("select id::text from public.profiles where username = %s", ("owner",)) == [{"id": owner.id}]


def test_usernames_stay_unique_case_insensitively(db, owner, stranger):
    # Any case of a taken name is the taken name, whoever writes it: it is stored in lower case,
    # where the index is unique.
    with pytest.raises(psycopg.errors.UniqueViolation) as raised:
        db.execute("update public.profiles set username = 'OwNeR' where id = %s", (stranger.id,))
    assert raised.value.diag.constraint_name == "profiles_username_key"


@pytest.mark.rule("ID-USERNAME-FORMAT", "ID-USERNAME-UNIQUE")
@pytest.mark.parametrize("username, sqlstate", [
    ("support", "22023"), ("ab", "23514"), ("has space", "23514"), ("STRANGER", "23505"),
])
def test_username_change_rules(db, owner, stranger, username, sqlstate):
    db.as_user(owner).rejects(sqlstate, "update public.profiles set username = %s where id = %s returning id",
                              (username, owner.id))


@pytest.mark.rule("ID-PROFILE-INPUT")
@pytest.mark.parametrize("column, value", [
    ("bio", "x" * 2001), ("hourly_rate", 10001), ("hourly_rate", -1), ("currency", "dollars"),
    ("skills", [f"s{i}" for i in range(21)]), ("website", "not a url"),
])
def test_profile_input_checked(db, owner, column, value):
    db.as_user(owner).rejects("23514", f"update public.profiles set {column} = %s where id = %s returning id",
                              (value, owner.id))


@pytest.mark.rule("ID-PROFILE-INPUT")
def test_overlong_skill_rejected(db, owner):
    db.as_user(owner).rejects("22023", "update public.profiles set skills = %s where id = %s returning id",
                              (["x" * 51], owner.id), match="at most 50")


# --- subscriptions and the Pro rule --------------------------------------------------------

@pytest.mark.rule("BILL-OWNER-READS")
def test_owner_reads_only_own_subscription(db, owner, stranger):
    assert db.as_user(owner).sql("select user_id::text from public.subscriptions") == [{"user_id": owner.id}]


@pytest.mark.rule("BILL-OWNER-READS")
def test_anon_cannot_read_subscriptions(anon, owner):
    anon.rejects("42501", "select * from public.subscriptions")


@pytest.mark.rule("BILL-SERVICE-WRITES")
@pytest.mark.parametrize("statement", [
    "update public.subscriptions set plan = 'pro' returning user_id",
    "delete from public.subscriptions returning user_id",
    "insert into public.subscriptions (user_id) values (gen_random_uuid()) returning user_id",
])
def test_owner_cannot_write_subscription(db, owner, statement):
    db.as_user(owner).rejects("42501", statement)


@pytest.mark.rule("BILL-SERVICE-WRITES")
def test_service_writes_subscriptions(db, service, owner):
    assert service.one("update public.subscriptions set plan = 'pro' where user_id = %s returning plan",
                       (owner.id,)) == {"plan": "pro"}


@pytest.mark.rule("BILL-PRO")
@pytest.mark.parametrize("plan, status, period_end, expected", [
    ("free", "active", None, False),
    ("pro", "active", None, True),
    ("pro", "trialing", None, True),
    ("pro", "past_due", "now() - interval '6 days'", True),
    ("pro", "past_due", "now() - interval '8 days'", False),
    ("pro", "canceled", "now() + interval '10 days'", False),
    ("pro", "unpaid", None, False),
])
def test_has_pro_follows_the_spec(db, owner, plan, status, period_end, expected):
    db.execute(f"update public.subscriptions set plan = %s, status = %s, current_period_end = {period_end or 'null'} "
               "where user_id = %s", (plan, status, owner.id))
    assert db.execute("select private.has_pro(%s)", (owner.id,)) == [(expected,)]


@pytest.mark.rule("API-PRIVATE-EXECUTE")
def test_clients_cannot_call_has_pro(db, owner):
    db.as_user(owner).rejects("42501", "select private.has_pro(%s)", (owner.id,))


# --- notification settings ----------------------------------------------------------------

@pytest.mark.rule("NOTIF-SETTINGS")
def test_owner_updates_own_settings_only(db, owner, stranger):
    assert db.as_user(owner).one(
        "update public.notification_settings set email_billing = false returning email_billing") == {"email_billing": False}
    assert db.execute("select email_billing from public.notification_settings where user_id = %s", (stranger.id,)) == [(True,)]


@pytest.mark.rule("NOTIF-SETTINGS")
def test_stranger_cannot_read_settings(db, owner, stranger):
    assert db.as_user(stranger).sql("select * from public.notification_settings where user_id = %s", (owner.id,)) == []


@pytest.mark.rule("NOTIF-SETTINGS")
def test_owner_cannot_move_settings_to_another_user(db, owner, stranger):
    db.as_user(owner).rejects("42501", "update public.notification_settings set user_id = %s returning user_id",
                              (stranger.id,))


# --- notifications and the outbox ---------------------------------------------------------

def notify(db, user, kind="application_received", **kw):
    args = ", ".join(f"{k} => %({k})s" for k in kw)
    return db.execute(
        f"select private.notify(%(u)s, %(t)s, 'Title', 'Body'{', ' + args if args else ''})",
        {"u": user.id, "t": kind, **kw})[0][0]


def outbox(db, user):
    return db.execute("select kind, notification_id from private.email_outbox where user_id = %s", (user.id,))


@pytest.mark.rule("EMAIL-ENQUEUE")
def test_notify_writes_notification_and_outbox(db, owner):
    nid = notify(db, owner)
    assert outbox(db, owner) == [("application_received", nid)]


@pytest.mark.rule("EMAIL-SETTING")
def test_notify_honours_the_setting(db, owner):
    db.execute("update public.notification_settings set email_call = false where user_id = %s", (owner.id,))
    notify(db, owner, "call_scheduled")
    notify(db, owner, "payment_failed")
    assert [k for k, _ in outbox(db, owner)] == ["payment_failed"]


@pytest.mark.rule("EMAIL-MESSAGE-THROTTLE")
def test_notify_throttle_key_sends_one_email(db, owner):
    for _ in range(3):
        notify(db, owner, "message_received", p_email_throttle_key="conv:1", p_email_throttle="1 hour")
    assert db.execute("select count(*) from public.notifications where user_id = %s", (owner.id,)) == [(3,)]
    assert len(outbox(db, owner)) == 1


@pytest.mark.rule("NOTIF-SIDE-EFFECT")
def test_notify_failure_returns_null_and_keeps_transaction(db, owner):
    with db.admin.transaction():
        db.execute("create table public.kept (x int)")
        assert db.execute("select private.notify(%s, 'not_a_type', 't', 'b')", (owner.id,)) == [(None,)]
    assert db.execute("select to_regclass('public.kept') is not null") == [(True,)]


@pytest.mark.rule("NOTIF-OWNER")
def test_recipient_reads_marks_and_deletes(db, owner, stranger):
    nid = notify(db, owner)
    me = db.as_user(owner)
    assert me.one("update public.notifications set read_at = now() where id = %s returning id::text", (nid,))["id"] == str(nid)
    me.rejects("42501", "update public.notifications set title = 'x' where id = %s returning id", (nid,))
    db.as_user(stranger).affects_nothing("delete from public.notifications where id = %s returning id", (nid,))
    assert me.one("delete from public.notifications where id = %s returning id::text", (nid,))


@pytest.mark.rule("NOTIF-DB-ONLY")
def test_clients_cannot_insert_notifications(db, owner):
    db.as_user(owner).rejects(
        "42501", "insert into public.notifications (user_id, type, title) values (%s, 'gig_filled', 'x') returning id",
        (owner.id,))


@pytest.mark.rule("API-PRIVATE-TABLES")
def test_clients_have_no_access_to_the_outbox(db, owner):
    db.as_user(owner).rejects("42501", "select * from private.email_outbox")
    db.as_anon().rejects("42501", "select * from private.email_outbox")


@pytest.mark.rule("API-PRIVATE-EXECUTE")
def test_clients_cannot_call_notify(db, owner):
    db.as_user(owner).rejects("42501", "select private.notify(%s, 'gig_filled', 't', 'b')", (owner.id,))


# --- rate limit ---------------------------------------------------------------------------

def test_rate_limit_allows_up_to_the_limit_then_says_when_to_retry(db, service, owner):
    for _ in range(3):
        service.sql("select private.rate_limit('demo', %s, 3, interval '1 hour')", (owner.id,))
    exc = service.rejects("PT429", "select private.rate_limit('demo', %s, 3, interval '1 hour')", (owner.id,),
                          match=r"retry in \d+ seconds")
    assert "retry-after" in exc.diag.message_hint


def test_rate_limit_window_slides(db, service, owner):
    db.execute("insert into private.rate_limit_events (action, subject, occurred_at) "
               "select 'demo', %s, now() - interval '61 minutes' from generate_series(1, 3)", (owner.id,))
    service.sql("select private.rate_limit('demo', %s, 3, interval '1 hour')", (owner.id,))


def test_rate_limit_is_per_subject_and_action(db, service, owner, stranger):
    service.sql("select private.rate_limit('demo', %s, 1, interval '1 hour')", (owner.id,))
    service.sql("select private.rate_limit('demo', %s, 1, interval '1 hour')", (stranger.id,))
    service.sql("select private.rate_limit('other', %s, 1, interval '1 hour')", (owner.id,))


def test_rate_limit_is_exact_under_concurrency(db, owner):
    barrier = threading.Barrier(8)

    def attempt(_):
        with db.connect() as conn:
            barrier.wait()
            try:
                conn.execute("select private.rate_limit('burst', %s, 5, interval '1 hour')", (owner.id,))
                return "ok"
            except psycopg.Error as exc:
                return exc.sqlstate

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(8)))
    assert sorted(results) == ["PT429"] * 3 + ["ok"] * 5
