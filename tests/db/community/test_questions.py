"""Gig Q&A (SPEC §7): who asks, replies, edits and deletes, on which gigs; blocks; the rate
limit; the notifications, their e-mail and the question.received webhook event."""

from __future__ import annotations

import pytest

from tests.db.community.conftest import emails, notifications
from tests.support.marketplace import create_gig, set_status

ASK = "insert into public.gig_questions (gig_id, body) values (%s, %s) returning id"
REPLY = "insert into public.gig_questions (gig_id, parent_id, body) values (%s, %s, %s) returning id"
QUESTION = "Is the warehouse already chosen, or is that part of the work?"


@pytest.fixture
def gig(db, people):
    """ada's active gig."""
    return create_gig(db.as_user(people["ada"]))


@pytest.fixture
def question(db, people, gig):
    """eve's question on ada's gig."""
    return db.as_user(people["eve"]).one(ASK, (gig["id"], QUESTION))["id"]


@pytest.mark.rule("QA-ASK", "QA-BLOCK")
@pytest.mark.parametrize(("actor", "expected"), [
    ("anon", "42501"),      # no grant
    ("owner", "42501"),     # the poster does not ask on their own gig
    ("blocked", "42501"),   # ada blocked bob
    ("stranger", 1),
])
def test_who_may_ask_on_an_active_gig(db, as_actor, gig, actor, expected):
    as_actor(actor).expect(expected, ASK, (gig["id"], QUESTION))


@pytest.mark.rule("QA-ASK")
@pytest.mark.parametrize(("status", "expected"), [
    ("draft", "PT404"), ("paused", "PT409"), ("closed", "PT409"), ("filled", "PT409")])
def test_questions_only_on_active_gigs(db, people, status, expected):
    gig = create_gig(db.as_user(people["ada"]), status="draft" if status == "draft" else "active")
    if status != "draft":
        set_status(db.as_user(people["ada"]), "gigs", gig["id"], status)
    db.as_user(people["eve"]).rejects(expected, ASK, (gig["id"], QUESTION))


@pytest.mark.rule("QA-ASK")
def test_questions_are_asked_as_yourself_on_a_known_gig(db, people, gig):
    eve = db.as_user(people["eve"])
    eve.rejects("PT404", ASK, ("00000000-0000-4000-8000-000000000000", QUESTION))
    eve.rejects("42501", "insert into public.gig_questions (gig_id, author_id, body) values (%s, %s, 'Hello?') "
                "returning id", (gig["id"], people["bob"].id))
    eve.rejects("42501", "insert into public.gig_questions (gig_id, body, poster_id) values (%s, 'Hi?', %s) "
                "returning id", (gig["id"], people["eve"].id))


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_body_is_1_to_2000_characters_after_trimming(db, people, gig, body):
    db.as_user(people["eve"]).rejects("23514", ASK, (gig["id"], body))


def test_body_is_trimmed(db, people, gig):
    assert db.as_user(people["eve"]).scalar(
        "insert into public.gig_questions (gig_id, body) values (%s, '  Why?  ') returning body", (gig["id"],)) == "Why?"


@pytest.mark.rule("QA-REPLY")
@pytest.mark.parametrize(("actor", "expected"), [
    ("anon", "42501"),
    ("owner", 1),           # the gig's poster answers
    ("stranger", 1),        # eve, the question's author, follows up
    ("carl", "42501"),      # anyone else
    ("blocked", "42501"),
])
def test_who_may_reply_to_a_question(db, people, as_actor, gig, question, actor, expected):
    if actor == "carl":
        people["carl"] = db.create_user("carl@example.test")
    as_actor(actor).expect(expected, REPLY, (gig["id"], question, "The warehouse is BigQuery."))


@pytest.mark.rule("QA-REPLY")
def test_replies_are_one_level_deep_within_the_same_gig(db, people, gig, question):
    ada = db.as_user(people["ada"])
    reply = ada.one(REPLY, (gig["id"], question, "BigQuery."))["id"]
    ada.rejects("22023", REPLY, (gig["id"], reply, "A reply to a reply."), match="question of the same gig")
    other = create_gig(ada)
    ada.rejects("22023", REPLY, (other["id"], question, "Wrong gig."))
    ada.rejects("22023", REPLY, (gig["id"], "00000000-0000-4000-8000-000000000000", "No parent."))


@pytest.mark.rule("QA-REPLY", "QA-SOFT-DELETE")
def test_a_deleted_question_takes_no_replies(db, people, gig, question):
    db.as_user(people["eve"]).one("update public.gig_questions set deleted_at = now() where id = %s returning id",
                                  (question,))
    db.as_user(people["ada"]).rejects("PT409", REPLY, (gig["id"], question, "Too late."))


@pytest.mark.rule("QA-BLOCK")
def test_a_block_after_the_question_stops_the_thread_both_ways(db, people, gig, question):
    db.as_user(people["ada"]).one("insert into public.user_blocks (blocked_id) values (%s) returning 1",
                                  (people["eve"].id,))
    db.as_user(people["eve"]).rejects("42501", REPLY, (gig["id"], question, "Hello again?"))
    db.as_user(people["ada"]).rejects("42501", REPLY, (gig["id"], question, "Answer."))


@pytest.mark.rule("QA-READ")
@pytest.mark.parametrize("actor", ["anon", "owner", "stranger", "blocked"])
def test_questions_are_read_wherever_the_gig_is(db, people, as_actor, gig, question, actor):
    db.as_user(people["ada"]).one(REPLY, (gig["id"], question, "BigQuery."))
    set_status(db.as_user(people["ada"]), "gigs", gig["id"], "closed")
    rows = as_actor(actor).sql("select body from public.gig_questions where gig_id = %s order by created_at",
                               (gig["id"],))
    assert [r["body"] for r in rows] == [QUESTION, "BigQuery."]


@pytest.mark.rule("QA-READ")
def test_a_deleted_gig_takes_its_questions_along(db, people, gig, question):
    db.as_user(people["ada"]).one(REPLY, (gig["id"], question, "BigQuery."))
    db.as_user(people["ada"]).one("delete from public.gigs where id = %s returning id", (gig["id"],))
    assert db.execute("select count(*) from public.gig_questions") == [(0,)]


@pytest.mark.rule("QA-EDIT-WINDOW", "QA-SOFT-DELETE")
@pytest.mark.parametrize(("actor", "edit", "soft_delete", "delete"), [
    ("anon", "42501", "42501", "42501"),
    ("stranger", 1, 1, "42501"),    # eve, the author
    ("owner", "42501", 1, "42501"), # ada, the poster: moderates, does not edit
    ("carl", 0, 0, "42501"),
    ("blocked", 0, 0, "42501"),
])
def test_question_write_matrix(db, people, as_actor, question, actor, edit, soft_delete, delete):
    if actor == "carl":
        people["carl"] = db.create_user("carl@example.test")
    caller = as_actor(actor)
    caller.expect(edit, "update public.gig_questions set body = 'Edited?' where id = %s returning id", (question,))
    caller.expect(delete, "delete from public.gig_questions where id = %s returning id", (question,))
    caller.expect(soft_delete, "update public.gig_questions set deleted_at = now() where id = %s returning id",
                  (question,))


@pytest.mark.rule("QA-SOFT-DELETE")
def test_the_poster_soft_deletes_replies_too_and_threads_stay(db, people, gig, question):
    reply = db.as_user(people["eve"]).one(REPLY, (gig["id"], question, "Also, is it remote?"))["id"]
    row = db.as_user(people["ada"]).one(
        "update public.gig_questions set deleted_at = '2000-01-01' where id = %s "
        "returning body, deleted_at > now() - interval '1 minute' as recent", (reply,))
    assert row == {"body": "", "recent": True}
    assert db.as_anon().scalar("select count(*) from public.gig_questions where gig_id = %s", (gig["id"],)) == 2


@pytest.mark.rule("QA-SOFT-DELETE")
def test_a_deleted_question_never_changes_again(db, people, question):
    eve = db.as_user(people["eve"])
    eve.one("update public.gig_questions set deleted_at = now() where id = %s returning id", (question,))
    eve.rejects("PT409", "update public.gig_questions set deleted_at = null where id = %s returning id", (question,))
    eve.rejects("PT409", "update public.gig_questions set body = 'Back' where id = %s returning id", (question,))


@pytest.mark.rule("QA-EDIT-WINDOW")
def test_the_author_edits_within_15_minutes_only(db, people, question):
    eve = db.as_user(people["eve"])
    assert eve.scalar("update public.gig_questions set body = ' Edited? ' where id = %s returning body",
                      (question,)) == "Edited?"
    with db.admin.transaction():  # back-date it, past the triggers that keep created_at fixed
        db.execute("set local session_replication_role = replica")
        db.execute("update public.gig_questions set created_at = now() - interval '16 minutes' where id = %s",
                   (question,))
    eve.rejects("PT409", "update public.gig_questions set body = 'Late' where id = %s returning id", (question,),
                match="15 minutes")
    # Deleting has no window.
    eve.one("update public.gig_questions set deleted_at = now() where id = %s returning id", (question,))


@pytest.mark.rule("QA-SOFT-DELETE")
@pytest.mark.parametrize("column", ["gig_id", "author_id", "poster_id", "parent_id", "created_at"])
def test_identity_columns_are_not_client_writable(db, people, question, column):
    db.as_user(people["eve"]).rejects(
        "42501", f"update public.gig_questions set {column} = {column} where id = %s returning id", (question,))


@pytest.mark.rule("QA-RATE-LIMIT")
def test_at_most_20_questions_and_replies_per_user_per_hour(db, people, gig, question):
    eve = db.as_user(people["eve"])
    for i in range(18):
        eve.one(ASK, (gig["id"], f"Question number {i}?"))
    eve.one(REPLY, (gig["id"], question, "And a follow-up."))
    eve.rejects("PT429", ASK, (gig["id"], "One too many?"), match="retry in")
    # Other users have their own allowance.
    db.as_user(people["ada"]).one(REPLY, (gig["id"], question, "Answer."))


@pytest.mark.rule("NOTIF-QUESTION", "EMAIL-SETTING")
def test_a_question_notifies_the_poster_and_an_answer_the_asker(db, people, gig, question):
    ada, eve = people["ada"], people["eve"]
    [(title, data)] = notifications(db, ada, "question_received")
    assert title == f"@eve asked about {gig['title']}"
    assert data == {"question_id": str(question), "gig_id": str(gig["id"]), "gig_title": gig["title"]}
    assert emails(db, ada, "question_received") == 1
    reply = db.as_user(ada).one(REPLY, (gig["id"], question, "BigQuery."))["id"]
    [(title, data)] = notifications(db, eve, "question_answered")
    assert title.startswith("@ada answered your question") and data["reply_id"] == str(reply)
    assert emails(db, eve, "question_answered") == 1
    # The asker's follow-up goes to the poster; with email_questions off, no e-mail.
    db.as_user(ada).one("update public.notification_settings set email_questions = false returning 1")
    db.as_user(eve).one(REPLY, (gig["id"], question, "Thanks! Remote is fine?"))
    assert len(notifications(db, ada, "question_received")) == 2 and emails(db, ada, "question_received") == 1
    assert notifications(db, eve, "question_received") == []


@pytest.mark.rule("NOTIF-QUESTION")
def test_a_question_reaches_the_posters_question_received_webhook(db, people, gig):
    db.as_user(people["ada"]).rpc("create_webhook", url="https://hooks.example.com/ugig",
                                  events=["question.received"], description=None)
    question = db.as_user(people["eve"]).one(ASK, (gig["id"], QUESTION))["id"]
    [(event, payload)] = db.execute("select event_type, payload from public.webhook_deliveries")
    assert event == "question.received" and payload["data"]["question_id"] == str(question)
    assert QUESTION not in str(payload)
