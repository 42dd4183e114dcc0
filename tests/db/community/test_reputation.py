"""Reputation (SPEC §7, formula in docs/community.md): derived by triggers from reviews,
endorsements, accepted applications and votes received; never client-writable."""

from __future__ import annotations

import pytest

from ugig_db import paths

from tests.db.community.conftest import race
from tests.support.marketplace import apply_to, create_gig, insert, set_status


def reputation(db, user) -> int:
    return db.execute("select reputation from public.profiles where id = %s", (user.id,))[0][0]


@pytest.mark.rule("REP-DERIVED")
def test_accepted_applications_and_reviews_count(db, people):
    ada, eve = people["ada"], people["eve"]
    gig = create_gig(db.as_user(ada), positions=2)
    app = apply_to(db.as_user(eve), gig["id"])
    set_status(db.as_user(ada), "applications", app["id"], "shortlisted")
    assert reputation(db, eve) == 0
    set_status(db.as_user(ada), "applications", app["id"], "accepted")
    assert reputation(db, eve) == 10
    review = insert(db.as_user(ada), "reviews", {"gig_id": gig["id"], "reviewee_id": eve.id, "rating": 5})
    assert reputation(db, eve) == 20
    db.as_user(ada).one("update public.reviews set rating = 2 where id = %s returning id", (review["id"],))
    assert reputation(db, eve) == 5
    insert(db.as_user(eve), "reviews", {"gig_id": gig["id"], "reviewee_id": ada.id, "rating": 4})
    assert reputation(db, ada) == 5


@pytest.mark.rule("REP-DERIVED")
def test_endorsements_count_while_they_exist(db, people):
    ada, eve = people["ada"], people["eve"]
    db.as_user(ada).one("update public.profiles set skills = '{SQL}' returning 1")
    db.as_user(eve).one("insert into public.endorsements (endorsed_id, skill) values (%s, 'SQL') returning 1", (ada.id,))
    assert reputation(db, ada) == 5
    db.as_user(eve).one("delete from public.endorsements returning 1")
    assert reputation(db, ada) == 0


@pytest.mark.rule("REP-DERIVED")
def test_parallel_endorsements_add_up_exactly(db, people):
    ada = people["ada"]
    db.as_user(ada).one("update public.profiles set skills = '{SQL}' returning 1")
    fans = [db.create_user(f"fan{i}@example.test") for i in range(6)]
    endorse = "insert into public.endorsements (endorsed_id, skill) values (%s, 'SQL') returning 1"
    assert race(db, [(fan, endorse, (ada.id,)) for fan in fans]) == ["ok"] * 6
    assert reputation(db, ada) == 30


@pytest.mark.rule("REP-NOT-CLIENT-WRITABLE")
@pytest.mark.parametrize("actor", ["owner", "stranger"])
def test_reputation_is_not_client_writable(db, people, as_actor, actor):
    as_actor(actor).rejects(
        "42501", "update public.profiles set reputation = 1000 where id = %s returning id", (people["ada"].id,))
    as_actor(actor).rejects("42501", "select private.add_reputation(%s, 1000)", (people["ada"].id,))


@pytest.mark.rule("REP-DERIVED")
def test_backfill_matches_the_triggers(db, people):
    ada, eve = people["ada"], people["eve"]
    gig = create_gig(db.as_user(ada))
    app = apply_to(db.as_user(eve), gig["id"])
    set_status(db.as_user(ada), "applications", app["id"], "accepted")
    insert(db.as_user(ada), "reviews", {"gig_id": gig["id"], "reviewee_id": eve.id, "rating": 4})
    before = reputation(db, eve)
    db.execute("update public.profiles set reputation = 0")
    migration = next(paths.MIGRATIONS_DIR.glob("*_reputation_backfill.sql"))
    db.execute(migration.read_text())
    assert reputation(db, eve) == before == 15
