"""Endorsements (SPEC §7): public, one per endorser, endorsed person and skill (any case), only
for a skill on the endorsed profile, never yourself nor across a block; the endorser deletes;
the endorsement_received notification and the per-skill counts."""

from __future__ import annotations

import pytest

from tests.db.community.conftest import emails, notifications

ENDORSE = "insert into public.endorsements (endorsed_id, skill) values (%s, %s) returning skill"


@pytest.fixture
def skilled(db, people):
    """ada lists three skills."""
    db.as_user(people["ada"]).one(
        "update public.profiles set skills = '{Python,SQL,dbt}' where id = %s returning id", (people["ada"].id,))
    return people


@pytest.mark.rule("ENDORSE-AS-SELF", "ENDORSE-NOT-SELF", "ENDORSE-BLOCK")
@pytest.mark.parametrize(("actor", "expected"), [
    ("anon", "42501"),
    ("owner", "42501"),     # yourself
    ("blocked", "42501"),
    ("stranger", 1),
])
def test_who_may_endorse_ada(db, skilled, as_actor, actor, expected):
    as_actor(actor).expect(expected, ENDORSE, (skilled["ada"].id, "python"))


@pytest.mark.rule("ENDORSE-AS-SELF")
def test_endorsements_are_written_as_yourself(db, skilled):
    db.as_user(skilled["eve"]).rejects(
        "42501", "insert into public.endorsements (endorser_id, endorsed_id, skill) values (%s, %s, 'SQL') returning 1",
        (skilled["bob"].id, skilled["ada"].id))


@pytest.mark.rule("ENDORSE-BLOCK")
def test_the_blocker_cannot_endorse_the_blocked_user_either(db, skilled):
    db.as_user(skilled["bob"]).one("update public.profiles set skills = '{Go}' returning 1")
    db.as_user(skilled["ada"]).rejects("42501", ENDORSE, (skilled["bob"].id, "Go"))


@pytest.mark.rule("ENDORSE-SKILL")
def test_the_skill_must_be_on_the_endorsed_profile_and_keeps_its_spelling(db, skilled):
    eve = db.as_user(skilled["eve"])
    assert eve.scalar(ENDORSE, (skilled["ada"].id, "  DBT ")) == "dbt"
    eve.rejects("22023", ENDORSE, (skilled["ada"].id, "Rust"), match="not a skill on this profile")
    eve.rejects("PT404", ENDORSE, ("00000000-0000-4000-8000-000000000000", "Python"))


@pytest.mark.rule("ENDORSE-UNIQUE")
def test_one_endorsement_per_skill_whatever_the_case(db, skilled):
    eve = db.as_user(skilled["eve"])
    eve.one(ENDORSE, (skilled["ada"].id, "Python"))
    eve.rejects("23505", ENDORSE, (skilled["ada"].id, "PYTHON"))
    eve.one(ENDORSE, (skilled["ada"].id, "SQL"))


def test_comment_is_trimmed_and_at_most_500_characters(db, skilled):
    eve = db.as_user(skilled["eve"])
    query = "insert into public.endorsements (endorsed_id, skill, comment) values (%s, %s, %s) returning comment"
    assert eve.scalar(query, (skilled["ada"].id, "SQL", "  Great at joins.  ")) == "Great at joins."
    assert eve.scalar(query, (skilled["ada"].id, "dbt", "   ")) is None
    eve.rejects("23514", query, (skilled["ada"].id, "Python", "x" * 501))


@pytest.mark.rule("ENDORSE-PUBLIC", "ENDORSE-AS-SELF")
@pytest.mark.parametrize(("actor", "read", "update", "delete"), [
    ("anon", 1, "42501", "42501"),
    ("owner", 1, "42501", 0),       # ada, the endorsed, cannot remove it
    ("blocked", 1, "42501", 0),
    ("stranger", 1, "42501", 1),    # eve, the endorser
])
def test_endorsement_matrix(db, skilled, as_actor, actor, read, update, delete):
    db.as_user(skilled["eve"]).one(ENDORSE, (skilled["ada"].id, "Python"))
    caller = as_actor(actor)
    caller.expect(read, "select id from public.endorsements where endorsed_id = %s", (skilled["ada"].id,))
    caller.expect(update, "update public.endorsements set skill = 'SQL' returning id")
    caller.expect(delete, "delete from public.endorsements returning id")


@pytest.mark.rule("ENDORSE-COUNTS")
@pytest.mark.parametrize("actor", ["anon", "stranger"])
def test_per_skill_counts_follow_the_profiles_current_skills(db, skilled, as_actor, actor):
    fans = [skilled["eve"], *(db.create_user(f"fan{i}@example.test") for i in range(2))]
    for fan in fans:
        db.as_user(fan).one(ENDORSE, (skilled["ada"].id, "python"))
    db.as_user(fans[0]).one(ENDORSE, (skilled["ada"].id, "sql"))
    counts = as_actor(actor).rpc_rows("endorsement_counts", user_id=skilled["ada"].id)
    assert [(r["skill"], r["endorsements"]) for r in counts] == [("Python", 3), ("SQL", 1), ("dbt", 0)]
    # A skill dropped from the profile stops being shown; its endorsements come back with it.
    db.as_user(skilled["ada"]).one("update public.profiles set skills = '{sql, Python}' returning 1")
    counts = as_actor(actor).rpc_rows("endorsement_counts", user_id=skilled["ada"].id)
    assert [(r["skill"], r["endorsements"]) for r in counts] == [("sql", 1), ("Python", 3)]


@pytest.mark.rule("NOTIF-ENDORSEMENT", "EMAIL-SETTING")
def test_an_endorsement_notifies_the_endorsed_and_emails_per_setting(db, skilled):
    ada, eve = skilled["ada"], skilled["eve"]
    row = db.as_user(eve).one(
        "insert into public.endorsements (endorsed_id, skill, comment) values (%s, 'sql', 'Solid.') returning id",
        (ada.id,))
    [(title, data)] = notifications(db, ada, "endorsement_received")
    assert title == "@eve endorsed your SQL"
    assert data == {"endorsement_id": str(row["id"]), "endorser_id": str(eve.id), "skill": "SQL"}
    assert emails(db, ada, "endorsement_received") == 1
    db.as_user(ada).one("update public.notification_settings set email_social = false returning 1")
    db.as_user(eve).one(ENDORSE, (ada.id, "dbt"))
    assert len(notifications(db, ada, "endorsement_received")) == 2 and emails(db, ada, "endorsement_received") == 1
