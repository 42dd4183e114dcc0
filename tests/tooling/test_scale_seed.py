"""The scale generator at a tiny scale: sizes proportional to N, skewed like a real
marketplace, caches consistent with the rows, and a rerun adds nothing."""

from __future__ import annotations

import io
from typing import Iterator

import psycopg
import pytest

from ugig_db import progress, scale_seed
from ugig_db.cli import main
from tests.support import database

SCALE = 0.001  # 200 users, 1,000 gigs, 5,000 applications, 1,000 conversations, 10,000 messages


@pytest.fixture(scope="module")
def scaled(db_server: str, template_db: str) -> Iterator[psycopg.Connection]:
    """One generated database shared by the module's read-only checks."""
    name = database.create_database(db_server, template=template_db)
    url = database.database_url(db_server, name)
    scale_seed.generate(url, SCALE, out=lambda _line: None)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.url = url  # type: ignore[attr-defined]
        yield conn
    database.drop_database(db_server, name)


def count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.mark.parametrize(
    ("table", "expected", "tolerance"),
    [
        ("auth.users", 200, 0),
        ("public.profiles", 200, 0),
        ("public.subscriptions", 200, 0),
        ("public.notification_settings", 200, 0),
        ("public.notifications", 2_000, 0),
        ("public.gigs", 1_000, 0),
        ("public.applications", 5_000, 0.1),  # a repeated (gig, applicant) pair is dropped
        ("public.conversations", 1_000, 0.05),  # a repeated pair is dropped
        ("public.conversation_participants", 2 * 1_000, 0.05),
        ("public.messages", 10_000, 0.15),
        ("public.saved_gigs", 1_000, 0.3),  # drafts and one's own gigs are skipped, repeats dropped
    ],
)
def test_row_counts_are_proportional_to_the_scale(scaled, table, expected, tolerance):
    assert abs(count(scaled, table) - expected) <= expected * tolerance


def test_every_user_has_what_signup_creates(scaled):
    missing = scaled.execute(
        """select count(*) from auth.users u
           where not exists (select 1 from public.profiles p where p.id = u.id)
              or not exists (select 1 from public.subscriptions s where s.user_id = u.id)
              or not exists (select 1 from public.notification_settings n where n.user_id = u.id)"""
    ).fetchone()[0]
    assert missing == 0


def test_profiles_mix_humans_agents_complete_and_incomplete(scaled):
    kinds = dict(scaled.execute(
        "select account_type || ':' || profile_completed, count(*) from public.profiles group by 1").fetchall())
    assert kinds.keys() == {"human:true", "human:false", "agent:true", "agent:false"}


def test_notifications_are_skewed_towards_active_users(scaled):
    top, median = scaled.execute(
        """select max(n), percentile_disc(0.5) within group (order by n)
           from (select count(*) as n from public.notifications group by user_id) as x"""
    ).fetchone()
    assert top >= 10 * median


def test_gigs_cover_every_category_and_status(scaled):
    categories = scaled.execute("select count(distinct category) from public.gigs").fetchone()[0]
    statuses = {r[0] for r in scaled.execute("select distinct status from public.gigs")}
    assert categories == 10 and statuses == {"draft", "active", "paused", "closed", "filled"}


def test_a_few_posters_own_a_large_share_of_the_gigs(scaled):
    top, median = scaled.execute(
        """select max(n), percentile_disc(0.5) within group (order by n)
           from (select count(*) as n from public.gigs group by poster_id) as x"""
    ).fetchone()
    assert top >= 20 * median


def test_saved_gigs_are_visible_gigs_of_others(scaled):
    bad = scaled.execute(
        """select count(*) from public.saved_gigs s join public.gigs g on g.id = s.gig_id
           where g.status = 'draft' or g.poster_id = s.user_id"""
    ).fetchone()[0]
    assert bad == 0


def test_applications_count_matches_the_applications(scaled):
    wrong = scaled.execute(
        """select count(*) from public.gigs g
           where g.applications_count <> (select count(*) from public.applications a where a.gig_id = g.id)"""
    ).fetchone()[0]
    assert wrong == 0


def test_nobody_applied_to_a_draft_or_to_their_own_gig(scaled):
    bad = scaled.execute(
        """select count(*) from public.applications a join public.gigs g on g.id = a.gig_id
           where g.status = 'draft' or g.poster_id = a.applicant_id"""
    ).fetchone()[0]
    assert bad == 0


def test_applications_are_in_every_state_and_accepted_only_where_a_gig_filled(scaled):
    states = {r[0] for r in scaled.execute("select distinct status from public.applications")}
    assert states == {"pending", "reviewing", "shortlisted", "rejected", "accepted", "withdrawn"}
    bad = scaled.execute(
        """select count(*) from public.gigs g
           where (g.status = 'filled') <> exists (select 1 from public.applications a
                                                   where a.gig_id = g.id and a.status = 'accepted')
              or (g.status = 'filled' and (
                    g.positions <> (select count(*) from public.applications a where a.gig_id = g.id and a.status = 'accepted')
                    or exists (select 1 from public.applications a where a.gig_id = g.id
                               and a.status in ('pending', 'reviewing', 'shortlisted'))))"""
    ).fetchone()[0]
    assert bad == 0


def test_published_gigs_are_counted_for_the_plan_limit(scaled):
    missing = scaled.execute(
        """select count(*) from public.gigs g where g.published_at is not null
           and not exists (select 1 from private.gig_publications p where p.gig_id = g.id)"""
    ).fetchone()[0]
    assert missing == 0


def test_every_gig_is_searchable(scaled):
    assert scaled.execute("select count(*) from public.gigs where search_vector = ''::tsvector").fetchone()[0] == 0


def test_reviews_are_between_a_poster_and_the_accepted_applicant_and_ratings_follow(scaled):
    bad = scaled.execute(
        """select count(*) from public.reviews r join public.gigs g on g.id = r.gig_id
           where not exists (select 1 from public.applications a where a.gig_id = r.gig_id and a.status = 'accepted'
                             and ((r.reviewer_id, r.reviewee_id) in ((g.poster_id, a.applicant_id), (a.applicant_id, g.poster_id))))"""
    ).fetchone()[0]
    assert bad == 0 and count(scaled, "public.reviews") > 0
    stale = scaled.execute(
        """select count(*) from public.profiles p
           left join (select reviewee_id, round(avg(rating), 2) as avg, count(*)::integer as n
                      from public.reviews group by 1) r on r.reviewee_id = p.id
           where (p.rating_avg, p.rating_count) is distinct from (r.avg, coalesce(r.n, 0))"""
    ).fetchone()[0]
    assert stale == 0


def test_some_people_have_far_more_conversations_than_most(scaled):
    top, median = scaled.execute(
        """select max(n), percentile_disc(0.5) within group (order by n)
           from (select count(*) as n from public.conversation_participants group by user_id) as x"""
    ).fetchone()
    assert top >= 5 * median  # at N=1: a couple of thousand against a median of ~8


def test_every_conversation_has_its_two_people_and_only_they_send(scaled):
    assert scaled.execute(
        """select count(*) from public.conversations c
           where (select count(*) from public.conversation_participants p where p.conversation_id = c.id) <> 2"""
    ).fetchone()[0] == 0
    assert scaled.execute(
        """select count(*) from public.messages m
           where not exists (select 1 from public.conversation_participants p
                             where p.conversation_id = m.conversation_id and p.user_id = m.sender_id)"""
    ).fetchone()[0] == 0


def test_inbox_caches_match_the_messages(scaled):
    stale = scaled.execute(
        """select count(*) from public.conversations c
           left join lateral (select max(created_at) as last_at from public.messages m
                              where m.conversation_id = c.id) m on true
           join public.conversation_participants p on p.conversation_id = c.id
           where c.last_message_at is distinct from m.last_at
              or p.last_activity_at <> coalesce(c.last_message_at, c.created_at)"""
    ).fetchone()[0]
    assert stale == 0


def test_some_conversations_have_unread_messages_and_most_are_read(scaled):
    unread, total = scaled.execute(
        """select count(*) filter (where p.last_read_at < c.last_message_at), count(*)
           from public.conversation_participants p join public.conversations c on c.id = p.conversation_id"""
    ).fetchone()
    assert 0 < unread < total / 2


def test_calls_are_between_the_two_people_of_a_conversation_past_and_upcoming(scaled):
    rows = dict(scaled.execute(
        """select v.status, count(*) from public.video_calls v
           join public.conversations c on c.id = v.conversation_id
           where (v.host_id, v.guest_id) = (c.user_low, c.user_high)
           group by 1""").fetchall())
    assert sum(rows.values()) == count(scaled, "public.video_calls") > 0
    assert {"scheduled", "completed"} <= rows.keys()


def test_a_rerun_adds_nothing_and_prints_each_stage_once(scaled, capsys):
    tables = ["auth.users", "public.profiles", "public.gigs", "public.applications", "public.notifications",
              "public.conversations", "public.messages", "public.reviews", "public.video_calls", "public.api_keys",
              "private.api_key_hashes", "public.webhooks", "private.webhook_secrets", "public.posts",
              "public.post_votes", "public.post_comments", "public.comment_votes", "private.post_tags"]
    before = {t: count(scaled, t) for t in tables}
    assert main(["seed", "--db-url", scaled.url, "--scale", str(SCALE)]) == 0
    assert {t: count(scaled, t) for t in tables} == before
    lines = capsys.readouterr().out.splitlines()
    stages = [line.split(":")[0] for line in lines]
    assert len(lines) >= len(scale_seed.STAGES) and len(stages) == len(set(stages)), lines


def test_every_index_is_back_after_the_load(scaled, db_server, template_db):
    query = "select indexdef from pg_indexes where schemaname in ('public', 'private', 'auth') order by 1"
    with psycopg.connect(database.database_url(db_server, template_db)) as template:
        expected = template.execute(query).fetchall()
    assert scaled.execute(query).fetchall() == expected


def test_sizes_scale_every_table_and_never_go_below_a_handful():
    sizes = scale_seed.Sizes(1).counts()
    assert (sizes["users"], sizes["gigs"], sizes["applications"]) == (200_000, 1_000_000, 5_000_000)
    assert (sizes["conversations"], sizes["messages"], sizes["notifications"]) == (1_000_000, 10_000_000, 2_000_000)
    assert scale_seed.Sizes(0.000001).counts()["users"] == 10


def test_chunks_cover_the_range_exactly_once():
    assert scale_seed.chunks(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert scale_seed.chunks(0, 4) == []


def test_progress_bar_draws_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        bar = progress.Bar("gigs", 4, stream=stream)
        bar.advance(2)
        assert "[###############...............]  50%" in bar.render()
        assert bar.done("4 rows") == "gigs: 4 rows"
    assert quiet.getvalue() == ""
    assert "50%" in tty.getvalue()


def test_scale_must_be_positive(db):
    with pytest.raises(ValueError):
        scale_seed.generate(db.url, 0)


def test_the_busiest_poster_applicant_and_correspondent_are_different_people(scaled):
    busiest = scaled.execute(
        """select (select poster_id from public.gigs group by 1 order by count(*) desc limit 1),
                  (select applicant_id from public.applications group by 1 order by count(*) desc limit 1),
                  (select user_id from public.conversation_participants group by 1 order by count(*) desc limit 1)"""
    ).fetchone()
    assert len(set(busiest)) == 3


def test_a_run_killed_after_dropping_indexes_is_healed_by_the_next(db_server, template_db):
    name = database.create_database(db_server, template=template_db)
    url = database.database_url(db_server, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            dropped = scale_seed._drop_secondary_indexes(conn)  # the run dies here, before any rebuild
            assert "applications_applicant_created_idx" in " ".join(dropped)
            assert conn.execute("select to_regclass('public.applications_applicant_created_idx')").fetchone() == (None,)
        scale_seed.generate(url, SCALE, out=lambda _line: None)
        query = "select indexdef from pg_indexes where schemaname in ('public', 'private', 'auth') order by 1"
        with psycopg.connect(database.database_url(db_server, template_db)) as template, psycopg.connect(url) as conn:
            assert conn.execute(query).fetchall() == template.execute(query).fetchall()
            assert conn.execute(f"select count(*) from {scale_seed.DROPPED}").fetchone() == (0,)
    finally:
        database.drop_database(db_server, name)


def test_agents_describe_themselves_and_humans_leave_agent_columns_null(scaled):
    rows = dict(scaled.execute(
        """select account_type, count(*) filter (where agent_description is not null and agent_version is not null)
           from public.profiles group by 1""").fetchall())
    agents = scaled.execute("select count(*) from public.profiles where account_type = 'agent'").fetchone()[0]
    assert rows["human"] == 0 and 0 < rows["agent"] < agents


def test_agents_hold_most_keys_and_webhooks_each_with_its_hash_or_secret(scaled):
    for table, secret_table, column in (("public.api_keys", "private.api_key_hashes", "api_key_id"),
                                        ("public.webhooks", "private.webhook_secrets", "webhook_id")):
        by_agents, total = scaled.execute(
            f"""select count(*) filter (where p.account_type = 'agent'), count(*)
                from {table} t join public.profiles p on p.id = t.user_id""").fetchone()
        assert total > 0 and by_agents > total / 2, table
        assert scaled.execute(f"select count(*) from {table} t where not exists "
                              f"(select 1 from {secret_table} s where s.{column} = t.id)").fetchone() == (0,)
    assert scaled.execute("select count(*) from public.api_keys where revoked_at is null").fetchone()[0] > 0
    assert scaled.execute(
        """select max(n) from (select count(*) as n from public.api_keys where revoked_at is null
                              group by user_id) as x""").fetchone()[0] <= 10


def test_the_agent_leaderboard_is_skewed(scaled):
    top, median = scaled.execute(
        """select max(n), percentile_disc(0.5) within group (order by n)
           from (select count(a.id) as n from public.profiles p
                 left join public.applications a on a.applicant_id = p.id and a.status = 'accepted'
                 where p.account_type = 'agent' group by p.id) as x""").fetchone()
    assert top >= 3 and top >= 3 * median


def test_applications_mark_agent_applicants_as_the_database_does(scaled):
    wrong = scaled.execute(
        """select count(*) from public.applications a join public.profiles p on p.id = a.applicant_id
           where a.applicant_is_agent <> (p.account_type = 'agent')""").fetchone()[0]
    assert wrong == 0 and scaled.execute(
        "select count(*) from public.applications where applicant_is_agent").fetchone()[0] > 0


# --- community (SPEC §7) ---

@pytest.mark.parametrize(
    ("table", "expected", "tolerance"),
    [
        ("public.follows", 2_000, 0.3),  # self-follows skipped, repeated pairs dropped
        ("public.endorsements", 1_000, 0.5),  # profiles without skills get none, repeats dropped
        ("public.gig_questions", 500, 0.2),  # drafts and the poster's own gigs are skipped
    ],
)
def test_community_row_counts_are_proportional_to_the_scale(scaled, table, expected, tolerance):
    assert abs(count(scaled, table) - expected) <= expected * tolerance


def test_follow_counts_match_the_follows_and_a_few_are_followed_by_many(scaled):
    assert scaled.execute(
        """select count(*) from public.profiles p
           where followers_count <> (select count(*) from public.follows f where f.followed_id = p.id)
              or following_count <> (select count(*) from public.follows f where f.follower_id = p.id)"""
    ).fetchone()[0] == 0
    top, median = scaled.execute(
        """select max(followers_count), percentile_cont(0.5) within group (order by followers_count)
           from public.profiles""").fetchone()
    assert top >= 10 * max(median, 1)


def test_endorsements_name_a_skill_of_the_endorsed_profile_and_nobody_endorses_themselves(scaled):
    assert scaled.execute(
        """select count(*) from public.endorsements e join public.profiles p on p.id = e.endorsed_id
           where e.endorser_id = e.endorsed_id or not (e.skill = any (p.skills))""").fetchone()[0] == 0


def test_questions_are_by_others_and_replies_by_the_poster_under_a_question_of_the_gig(scaled):
    assert scaled.execute(
        """select count(*) from public.gig_questions q join public.gigs g on g.id = q.gig_id
           left join public.gig_questions parent on parent.id = q.parent_id
           where g.status = 'draft' or q.poster_id <> g.poster_id
              or (q.parent_id is null and q.author_id = g.poster_id)
              or (q.parent_id is not null and (q.author_id <> g.poster_id or parent.gig_id <> q.gig_id
                                               or parent.parent_id is not null))""").fetchone()[0] == 0
    assert scaled.execute("select count(*) from public.gig_questions where parent_id is not null").fetchone()[0] > 0


def test_reputation_is_the_formula_over_the_rows(scaled):
    assert scaled.execute(
        """select count(*) from public.profiles p
           where reputation <> coalesce((select sum(private.reputation_points('review', r.rating))
                                         from public.reviews r where r.reviewee_id = p.id), 0)
                              + 10 * (select count(*) from public.applications a
                                      where a.applicant_id = p.id and a.status = 'accepted')
                              + 5 * (select count(*) from public.endorsements e where e.endorsed_id = p.id)
                              + coalesce((select sum(v.value) from public.post_votes v
                                          join public.posts x on x.id = v.post_id where x.author_id = p.id), 0)
                              + coalesce((select sum(v.value) from public.comment_votes v
                                          join public.post_comments c on c.id = v.comment_id
                                          where c.author_id = p.id), 0)"""
    ).fetchone()[0] == 0
    assert scaled.execute("select count(*) from public.profiles where reputation <> 0").fetchone()[0] > 0


# --- posts, votes, comments (SPEC §7) ---

@pytest.mark.parametrize(
    ("table", "expected", "tolerance"),
    [
        ("public.posts", 1_000, 0),
        ("public.post_votes", 10_000, 0.1),  # self-votes skipped, repeated pairs dropped (200 voters)
        ("public.post_comments", 3_000, 0.05),
        ("public.comment_votes", 1_000, 0.1),
        ("public.tag_follows", 200, 0.5),  # popular tags repeat
    ],
)
def test_post_row_counts_are_proportional_to_the_scale(scaled, table, expected, tolerance):
    assert abs(count(scaled, table) - expected) <= expected * tolerance


def test_post_counters_scores_and_hot_rank_are_what_the_triggers_keep(scaled):
    assert scaled.execute(
        """select count(*) from public.posts p
           left join lateral (select count(*) filter (where value = 1) as up, count(*) filter (where value = -1) as down
                              from public.post_votes v where v.post_id = p.id) v on true
           where (p.upvotes, p.downvotes, p.score) <> (v.up, v.down, v.up - v.down)
              or p.comments_count <> (select count(*) from public.post_comments c
                                      where c.post_id = p.id and c.deleted_at is null)
              or p.hot_rank <> private.hot_rank(p.score, p.created_at)"""
    ).fetchone()[0] == 0
    assert scaled.execute(
        """select count(*) from public.post_comments c
           left join lateral (select count(*) filter (where value = 1) as up, count(*) filter (where value = -1) as down
                              from public.comment_votes v where v.comment_id = c.id) v on true
           where (c.upvotes, c.downvotes, c.score) <> (v.up, v.down, v.up - v.down)"""
    ).fetchone()[0] == 0
    assert scaled.execute("select count(*) from public.posts where score <> 0").fetchone()[0] > 0
    assert scaled.execute("select count(*) from public.post_comments where score <> 0").fetchone()[0] > 0


def test_post_tags_hold_each_live_post_and_tag_with_its_keys(scaled):
    expected = """select distinct t.tag, p.id, p.created_at, p.score, p.hot_rank from public.posts p
                  cross join unnest(p.tags) as t (tag) where p.deleted_at is null"""
    actual = "select tag, post_id, created_at, score, hot_rank from private.post_tags"
    assert scaled.execute(f"select count(*) from (({expected}) except all ({actual})) x").fetchone() == (0,)
    assert scaled.execute(f"select count(*) from (({actual}) except all ({expected})) x").fetchone() == (0,)
    assert count(scaled, "private.post_tags") > 0


def test_tags_are_stored_as_the_posts_trigger_cleans_them(scaled):
    assert scaled.execute(
        "select count(*) from public.posts where tags is distinct from private.clean_post_tags(tags)"
    ).fetchone() == (0,)


def test_no_self_votes_and_votes_after_the_post(scaled):
    assert scaled.execute(
        """select count(*) from public.post_votes v join public.posts p on p.id = v.post_id
           where v.user_id = p.author_id or v.created_at < p.created_at"""
    ).fetchone() == (0,)
    assert scaled.execute(
        """select count(*) from public.comment_votes v join public.post_comments c on c.id = v.comment_id
           where v.user_id = c.author_id or c.deleted_at is not null"""
    ).fetchone() == (0,)


def test_threads_are_what_the_comment_trigger_allows(scaled):
    assert scaled.execute(
        """select count(*) from public.post_comments c
           left join public.post_comments parent on parent.id = c.parent_id
           where (c.parent_id is null and c.depth <> 0)
              or (c.parent_id is not null and (parent.id is null or parent.post_id <> c.post_id
                                               or c.depth <> parent.depth + 1
                                               or c.created_at < parent.created_at))"""
    ).fetchone() == (0,)
    assert scaled.execute("select max(depth) from public.post_comments").fetchone() == (4,)
    # Deleted comments are kept, empty, at their place; a post's comments come after it.
    assert scaled.execute(
        """select count(*) filter (where c.deleted_at is not null and c.body <> ''),
                  count(*) filter (where c.created_at < p.created_at)
           from public.post_comments c join public.posts p on p.id = c.post_id"""
    ).fetchone() == (0, 0)


def test_votes_and_threads_are_skewed_towards_a_few_posts(scaled):
    votes_top, votes_median, comments_top, comments_median = scaled.execute(
        """select max(upvotes + downvotes), percentile_disc(0.5) within group (order by upvotes + downvotes),
                  max(comments_count), percentile_disc(0.5) within group (order by comments_count)
           from public.posts"""
    ).fetchone()
    assert votes_top >= 20 * max(votes_median, 1) and comments_top >= 10 * max(comments_median, 1)
