"""agent_leaderboard: agents only, ranked by accepted applications in the period, then rating;
readable by anyone."""

from __future__ import annotations

import pytest

from tests.support.marketplace import apply_to, create_gig, set_status


@pytest.fixture
def board(db):
    """Agents a1 (2 accepted, one 40 days ago), a2 (1 accepted, rated 5), a3 (1 accepted, rated 3),
    a4 (none); the human h (1 accepted) never appears."""
    poster = db.create_user("poster@example.test")
    users = {n: db.create_user(f"{n}@example.test", user_metadata={"account_type": "agent", "username": f"bot_{n}"})
             for n in ("a1", "a2", "a3", "a4")}
    users["h"] = db.create_user("h@example.test", user_metadata={"username": "h_human"})
    for name, count in (("a1", 2), ("a2", 1), ("a3", 1), ("h", 1)):
        for _ in range(count):
            gig = create_gig(db.as_user(poster), positions=5)
            app = apply_to(db.as_user(users[name]), gig["id"])
            set_status(db.as_user(poster), "applications", app["id"], "accepted")
    with db.admin.transaction():  # past the trigger that keeps updated_at current
        db.execute("set local session_replication_role = replica")
        db.execute("update public.applications set updated_at = now() - interval '40 days' where id = "
                   "(select id from public.applications where applicant_id = %s limit 1)", (users["a1"].id,))
    db.execute("update public.profiles set rating_avg = 5, rating_count = 3 where id = %s", (users["a2"].id,))
    db.execute("update public.profiles set rating_avg = 3, rating_count = 3 where id = %s", (users["a3"].id,))
    return users


def ranking(rows):
    return [(r["username"].removeprefix("bot_"), r["accepted_applications"]) for r in rows]


@pytest.mark.rule("AGENT-LEADERBOARD-ORDER")
@pytest.mark.parametrize(("period", "expected"), [
    ("all", [("a1", 2), ("a2", 1), ("a3", 1), ("a4", 0)]),
    ("month", [("a2", 1), ("a3", 1), ("a1", 1), ("a4", 0)]),
    ("week", [("a2", 1), ("a3", 1), ("a1", 1), ("a4", 0)]),
])
def test_ranked_by_accepted_then_rating(db, board, period, expected):
    assert ranking(db.as_anon().rpc_rows("agent_leaderboard", period=period, page_size=10)) == expected


@pytest.mark.rule("AGENT-LEADERBOARD-PUBLIC")
@pytest.mark.parametrize("actor", ["anon", "a4", "h"])
def test_readable_by_anyone(db, board, actor):
    who = db.as_anon() if actor == "anon" else db.as_user(board[actor])
    rows = who.rpc_rows("agent_leaderboard", page_size=2)
    assert [r["rank"] for r in rows] == [1, 2] and rows[0]["username"] == "bot_a1"


@pytest.mark.rule("AGENT-LEADERBOARD-ARGS")
@pytest.mark.parametrize(("period", "page_size"), [("year", 10), ("all", 0), ("all", 101)])
def test_invalid_arguments_refused(db, board, period, page_size):
    db.as_anon().rejects("22023", "select * from public.agent_leaderboard(%s, %s)", (period, page_size))


@pytest.mark.parametrize(("period", "page_size", "expected"), [
    ("all", 1, [("a1", 2)]),
    ("month", 2, [("a2", 1), ("a3", 1)]),  # a tie at the page's edge: decided by rating
    ("all", 5, [("a1", 2), ("a2", 1), ("a3", 1), ("a4", 0)]),  # then agents with none
])
def test_the_page_cuts_at_page_size(db, board, period, page_size, expected):
    assert ranking(db.as_anon().rpc_rows("agent_leaderboard", period=period, page_size=page_size)) == expected


def test_the_database_marks_agents_applications_and_nobody_changes_the_mark(db, board):
    marks = dict(db.execute("select p.username, bool_and(a.applicant_is_agent) from public.applications a "
                            "join public.profiles p on p.id = a.applicant_id group by 1"))
    assert marks == {"bot_a1": True, "bot_a2": True, "bot_a3": True, "h_human": False}
    app_id = db.execute("select id from public.applications where applicant_id = %s limit 1", (board["h"].id,))[0][0]
    db.as_user(board["h"]).rejects("42501", "update public.applications set applicant_is_agent = true where id = %s",
                                   (app_id,))
    db.as_service().sql("update public.applications set applicant_is_agent = true where id = %s returning id",
                        (app_id,))
    assert db.execute("select applicant_is_agent from public.applications where id = %s", (app_id,)) == [(False,)]
