"""The queries clients send most, timed the way PostgREST runs them, against generated data.

Each request is one transaction: `set local role`, `request.jwt.claims` (scripts/pgrest.py),
the query, commit; only the query's execution and fetch are timed. Every query also runs as
`postgres` with the same claims (RLS bypassed; where the client query relies on RLS alone, the
baseline states the filter RLS adds): the ratio of the medians is the RLS overhead. Plans are
taken with auto_explain (nested statements included, so function bodies are checked too): a
sequential scan on a big table fails the check. Results go to docs/benchmarks.md.

The REST requests are the statements PostgREST generates (scripts/bench/_postgrest.py), each
sent for many subjects sampled where they cost most (the busiest users, the longest
conversations, the deepest offsets), round-robin. Their plans are checked for every subject with
EXPLAIN ANALYZE: a sort of more rows than the page (limit + offset) fails as a sequential scan does.

Without --db-url the bench prepares its own local database (`ugig_bench`), migrated and
generated at BENCH_SCALE (default 1, the issue's marketplace scale) unless it already holds that much data.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from ugig_db import localdb, migrate, pgrest, scale_seed
from ugig_db.bench import _postgrest, _report
from ugig_db.bench._postgrest import Order

BENCH_DB = "ugig_bench"
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "200"))
# A slow query stops early (with at least WARMUP samples) so a bad plan cannot stall the bench.
SECONDS_PER_QUERY = float(os.environ.get("BENCH_SECONDS_PER_QUERY", "20"))
WARMUP = 20
MAX_RLS_RATIO = 1.5
# ... or at most this much slower (medians): a ratio of two tiny times says little.
MAX_RLS_EXTRA_MS = 0.1
BIG_TABLES = {
    "auth.users", "public.profiles", "public.gigs", "public.applications", "public.conversations",
    "public.conversation_participants", "public.messages", "public.notifications",
    "public.follows", "public.endorsements", "public.gig_questions", "public.posts", "private.post_tags",
    "public.post_votes", "public.post_comments", "public.comment_votes", "public.tag_follows",
}


@dataclass(frozen=True)
class Query:
    name: str
    target_ms: float
    role: str  # the client role: anon or authenticated
    sql: str
    # Run as postgres to choose the subjects (the caller `uid` and other parameters): one row per
    # subject, requests go round-robin over them.
    subject_sql: str | None = None
    # The same request without RLS, where the client query leaves the filter to RLS.
    baseline_sql: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    # A page of `limit` rows after `offset` (subject parameters): a sort of more rows than that fails.
    paged: bool = False
    # Why the page is ranked out of a bounded set by design (a day's posts, a page per followed
    # author): its sort is reported, not failed.
    ranked: str | None = None


# What the applications policy adds, stated as a filter: the same rows without RLS. An RLS-only
# list is "applications I sent or received", so this (a BitmapOr of both indexes), not the
# applicant-only ordered scan, is the query it costs more than; the filtered row below shows that scan.
RLS_APPLICATIONS_BASELINE = _postgrest.WRAPPER.format(
    source="""select * from public.applications where applicant_id = %(uid)s or poster_id = %(uid)s
              order by created_at desc limit %(limit)s offset %(offset)s""")

# How many subjects a REST request is sampled over (the 300 longest conversations, ...).
SUBJECTS = 300
# Offsets a client pages through on a public listing (pages 1-5 of 20).
OFFSETS = "select (20 * k)::text as offset, '20' as limit from generate_series(0, 4) as k"
# The same five pages for each category.
CATEGORY_OFFSETS = f"""select c.slug as category, o.offset, o.limit from public.gig_categories as c
                      cross join ({OFFSETS}) as o"""
# The newest applications, notifications or saved gigs of someone: as PostgREST asks, the caller
# left to RLS.
MY_NEWEST = {table: _postgrest.read(table, [], [Order("created_at", descending=True)])
             for table in ("applications", "notifications", "saved_gigs")}


def _heaviest(table: str, column: str, *, filtered: bool = False) -> str:
    """The SUBJECTS users with the most rows of `table` (by `column`), with a first page; with
    `filtered`, also as the `column` filter's value (`<column>=eq.<me>`)."""
    also = f"{column}, " if filtered else ""
    return f"""select {column} as uid, {also}'20' as limit, '0' as offset from public.{table}
               group by {column} order by count(*) desc limit {SUBJECTS}"""


def _active_gigs(order: Order, *, by_category: bool) -> Query:
    filters = ["status", "category"] if by_category else ["status"]
    where = "status=eq.active" + ("&category=eq.<c>" if by_category else "")
    return Query(
        f"REST gigs?{where}&order={order.column}.{'desc' if order.descending else 'asc'}"
        f"{'.nulls' + order.nulls if order.nulls else ''}&limit=20&offset=0..80 (anon)", 5, "anon",
        _postgrest.read("gigs", filters, [order]),
        subject_sql=CATEGORY_OFFSETS if by_category else OFFSETS,
        params={"status": "active"}, paged=True,
    )


def _leaderboard(role: str, period: str) -> Query:
    """A leaderboard page as anyone reads it: anon, or signed in as some agent."""
    return Query(
        f"agent_leaderboard(period => '{period}', page_size => 20) ({role})", 20, role,
        "select * from public.agent_leaderboard(period => %(period)s, page_size => 20)",
        subject_sql=None if role == "anon" else
        "select id as uid from public.profiles where account_type = 'agent' order by id limit 1",
        params={"period": period},
    )


# Feed readers: signed-in users (their own vote is looked up on every row), the people following
# the most. Every feed is the same for them but for my_vote (the scale data has no blocks).
FEED_READERS = f"select id as uid from public.profiles order by following_count desc, id limit {SUBJECTS // 6}"
# The generator's most common tag (seed/scale/00_helpers.sql, pg_temp.post_tag).
POPULAR_TAG = "ai"
FEED_PAGE = 20
# Page 5: the cursor after row 80, taken as postgres (anon: no claims) through feed() itself.
FEED_PAGE_5 = """select (select f2.next_cursor
                         from public.feed({args}, cursor => f1.next_cursor, page_size => 30) as f2
                         offset 29 limit 1) as cursor
                 from public.feed({args}, page_size => 50) as f1 offset 49 limit 1"""
# The readers of `following`: people who follow 400-600 others, ranked by how much their
# followees post (rows of a page each): the busiest find their page among the newest posts, the
# quietest (who follow people picked evenly, seed/scale/63_follows_wide.sql) do not, and read
# every followed author's range.
FOLLOWING_READERS = """with authors as (select author_id, count(*) as n from public.posts
                                        where deleted_at is null group by author_id)
                       select f.follower_id as uid from public.follows as f
                       join public.profiles as r on r.id = f.follower_id
                       left join authors as a on a.author_id = f.followed_id
                       where r.following_count between 400 and 600
                       group by f.follower_id
                       order by sum(least(coalesce(a.n, 0), {page})) {direction}, f.follower_id limit {limit}"""
# Their page 5: the cursor of their following feed's 80th post (followed authors or tags), built
# as feed() builds it (a cursor is tied to a reader's feed only by its content).
FOLLOWING_PAGE_5 = """select private.feed_cursor_encode(jsonb_build_object(
                          'sort', 'following', 'tag', null, 'window', null, 'since', '-infinity',
                          'key', to_char(x.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                          'id', x.id)) as cursor
                      from (select p.id, p.created_at from public.posts as p
                            where p.deleted_at is null
                              and (p.author_id in (select f.followed_id from public.follows as f
                                                   where f.follower_id = rd.uid)
                                   or p.tags && array(select t.tag from public.tag_follows as t
                                                      where t.user_id = rd.uid))
                            order by p.created_at desc, p.id desc offset 79 limit 1) as x"""


def _feed(sort: str, *, window: str | None = None, tag: str | None = None, page: int = 1,
          quietest: bool = False) -> Query:
    """A feed page as a client asks for it (`GET /rpc/feed?sort=…`), page 1 or page 5 by cursor."""
    params = {"sort": sort, "page_size": str(FEED_PAGE)}
    if window:
        params["window"] = window
    if tag:
        params["tag"] = tag
    arguments = [a for a in ("sort", "window", "tag") if a in params] + (["cursor"] if page > 1 else []) + ["page_size"]
    query = "&".join(f"{a}={params.get(a, '…')}" for a in arguments)
    if sort == "following":
        readers = FOLLOWING_READERS.format(page=FEED_PAGE, direction="asc" if quietest else "desc", limit=10)
        after = FOLLOWING_PAGE_5
        who = f"the {'quietest' if quietest else 'busiest'} readers following 400-600 people"
    else:
        readers = FEED_READERS
        named = ", ".join(f"{a} => '{v}'" if a != "window" else f'"window" => \'{v}\''
                          for a, v in params.items() if a != "page_size")
        after = FEED_PAGE_5.format(args=named)
        who = f"{SUBJECTS // 6} readers"
    cursor = f" cross join lateral ({after}) as c" if page > 1 else ""
    return Query(
        f"REST rpc/feed?{query}, page {page}, {who}", 15 if sort == "following" else 10, "authenticated",
        _postgrest.call("feed", arguments),
        subject_sql=f"""select rd.uid, '{FEED_PAGE}' as limit, '0' as offset{', c.cursor' if page > 1 else ''}
                        from ({readers}) as rd{cursor}{' where c.cursor is not null' if page > 1 else ''}""",
        params=params, paged=True,
        ranked="the day's posts" if window == "day" else
        "a page per followed author, merged" if quietest else None,
    )


FEEDS = [
    _feed(sort, window=window, tag=tag, page=page)
    for sort, window in (("new", None), ("hot", None), ("top", "day"), ("top", "week"), ("top", "month"),
                         ("top", "all"))
    for tag in (None, POPULAR_TAG)
    for page in (1, 5)
] + [_feed("following", page=page, quietest=quietest) for quietest in (False, True) for page in (1, 5)]


# The public listing's sort keys (docs/queries.md): newest, recently published, highest budget.
GIG_ORDERS = [
    Order("created_at", descending=True),
    Order("published_at", descending=True),
    Order("budget_max", descending=True, nulls="last"),
]

QUERIES = [
    Query(
        "search_gigs text + filters, first page (anon)", 15, "anon",
        "select * from public.search_gigs(q => %(q)s, category => %(category)s, page_size => 20)",
        params={"q": "react dashboard", "category": "web-development"},
    ),
    Query(
        "search_gigs one common word, first page (anon)", 15, "anon",
        "select * from public.search_gigs(q => %(q)s, page_size => 20)",
        params={"q": "react"},
    ),
    *(_active_gigs(order, by_category=False) for order in GIG_ORDERS),
    *(_active_gigs(order, by_category=True) for order in GIG_ORDERS),
    Query(
        "REST profiles?username=eq.<name> (anon), the busiest users", 5, "anon",
        _postgrest.read("profiles", ["username"], [], paged=False),
        subject_sql=f"""select p.username from public.profiles as p
                        join (select user_id, count(*) as n from public.conversation_participants
                              group by user_id order by n desc limit {SUBJECTS}) as b on b.user_id = p.id""",
    ),
    Query(
        "a poster's applications to one gig", 5, "authenticated",
        "select * from public.applications where gig_id = %(gig)s order by created_at desc limit 20",
        subject_sql="select poster_id as uid, id as gig from public.gigs order by applications_count desc limit 1",
    ),
    Query(
        "REST applications?order=created_at.desc&limit=20 (RLS only), busiest applicants", 5, "authenticated",
        MY_NEWEST["applications"], subject_sql=_heaviest("applications", "applicant_id"),
        baseline_sql=RLS_APPLICATIONS_BASELINE, paged=True,
    ),
    Query(
        "REST applications?order=created_at.desc&limit=20 (RLS only), busiest posters", 5, "authenticated",
        MY_NEWEST["applications"], subject_sql=_heaviest("applications", "poster_id"),
        baseline_sql=RLS_APPLICATIONS_BASELINE, paged=True,
    ),
    Query(
        "REST applications?poster_id=eq.<me>&order=created_at.desc&limit=20, busiest posters", 5, "authenticated",
        _postgrest.read("applications", ["poster_id"], [Order("created_at", descending=True)]),
        subject_sql=_heaviest("applications", "poster_id", filtered=True),
        paged=True,
    ),
    # The request shape docs/queries.md gives clients for the "my applications" pages.
    Query(
        "REST rpc/my_applications?page_size=20 (sent and received), busiest posters", 5, "authenticated",
        _postgrest.call("my_applications", ["page_size"]),
        subject_sql=_heaviest("applications", "poster_id"), params={"page_size": "20"}, paged=True,
    ),
    Query(
        "REST rpc/my_applications?page_size=20 (sent and received), busiest applicants", 5, "authenticated",
        _postgrest.call("my_applications", ["page_size"]),
        subject_sql=_heaviest("applications", "applicant_id"), params={"page_size": "20"}, paged=True,
    ),
    Query(
        "REST rpc/my_applications?role=received&page_size=20, busiest posters", 5, "authenticated",
        _postgrest.call("my_applications", ["role", "page_size"]),
        subject_sql=_heaviest("applications", "poster_id"), params={"role": "received", "page_size": "20"},
        paged=True,
    ),
    Query(
        "REST rpc/my_applications?role=sent&page_size=20, busiest applicants", 5, "authenticated",
        _postgrest.call("my_applications", ["role", "page_size"]),
        subject_sql=_heaviest("applications", "applicant_id"), params={"role": "sent", "page_size": "20"},
        paged=True,
    ),
    Query(
        "REST rpc/my_applications?before_created_at=…&before_id=…&page_size=20, after the 1,000th, busiest posters",
        5, "authenticated",
        _postgrest.call("my_applications", ["before_created_at", "before_id", "page_size"]),
        subject_sql=f"""select b.uid, c.created_at as before_created_at, c.id as before_id, '20' as limit,
                               '0' as offset
                        from ({_heaviest("applications", "poster_id")}) as b
                        cross join lateral (select a.created_at, a.id from public.applications as a
                                            where a.poster_id = b.uid
                                            order by a.created_at desc, a.id desc
                                            -- the middle one of a poster with fewer (small scales)
                                            offset least(999, (select count(*) / 2 from public.applications as n
                                                               where n.poster_id = b.uid))
                                            limit 1) as c""",
        params={"page_size": "20"}, paged=True,
    ),
    Query(
        "REST notifications?order=created_at.desc&limit=20 (RLS only), busiest users", 5, "authenticated",
        MY_NEWEST["notifications"], subject_sql=_heaviest("notifications", "user_id"),
        baseline_sql=_postgrest.WRAPPER.format(source="""select * from public.notifications where user_id = %(uid)s
                                                         order by created_at desc limit %(limit)s offset %(offset)s"""),
        paged=True,
    ),
    Query(
        "REST saved_gigs?order=created_at.desc&limit=20 (RLS only), busiest users", 5, "authenticated",
        MY_NEWEST["saved_gigs"], subject_sql=_heaviest("saved_gigs", "user_id"),
        baseline_sql=_postgrest.WRAPPER.format(source="""select * from public.saved_gigs where user_id = %(uid)s
                                                         order by created_at desc limit %(limit)s offset %(offset)s"""),
        paged=True,
    ),
    Query(
        "an applicant's own applications, filtered by applicant_id (PostgREST applicant_id=eq.)", 5, "authenticated",
        "select * from public.applications where applicant_id = %(uid)s order by created_at desc limit 20",
        subject_sql="""select applicant_id as uid from public.applications
                       group by applicant_id order by count(*) desc limit 1""",
    ),
    Query(
        "my_conversations, user with ~200 conversations", 10, "authenticated",
        "select * from public.my_conversations(page_size => 20)",
        subject_sql="""select user_id as uid from public.conversation_participants
                       group by user_id order by abs(count(*) - 200), user_id limit 1""",
    ),
    Query(
        f"REST messages?conversation_id=eq.<id>&order=created_at.desc&limit=50, {SUBJECTS} longest conversations", 3,
        "authenticated",
        _postgrest.read("messages", ["conversation_id"], [Order("created_at", descending=True)]),
        # The reader is the busier of the two participants (the longest conversation list).
        subject_sql=f"""select m.conversation_id, '50' as limit, '0' as offset,
                               (select p.user_id from public.conversation_participants as p
                                where p.conversation_id = m.conversation_id
                                order by (select count(*) from public.conversation_participants as q
                                          where q.user_id = p.user_id) desc, p.user_id
                                limit 1) as uid
                        from (select conversation_id from public.messages group by 1
                              order by count(*) desc limit {SUBJECTS}) as m""",
        paged=True,
    ),
    Query(
        f"REST gig_questions?gig_id=eq.<id>&order=created_at&limit=50 (anon), {SUBJECTS} most-asked gigs", 5, "anon",
        _postgrest.read("gig_questions", ["gig_id"], [Order("created_at")]),
        subject_sql=f"""select gig_id, '50' as limit, '0' as offset from public.gig_questions
                        group by gig_id order by count(*) desc limit {SUBJECTS}""",
        paged=True,
    ),
    Query(
        f"endorsement_counts(user_id) (anon), {SUBJECTS} most-endorsed profiles", 5, "anon",
        "select * from public.endorsement_counts(user_id => %(profile)s)",
        subject_sql=f"""select endorsed_id as profile from public.endorsements
                        group by endorsed_id order by count(*) desc limit {SUBJECTS}""",
    ),
    # A profile's endorsers of one skill, newest first (docs/community.md), the most endorsed skills.
    Query(
        f"REST endorsements?endorsed_id=eq.<id>&skill=eq.<skill>&order=created_at.desc&limit=20 (anon), "
        f"{SUBJECTS} most-endorsed skills", 5, "anon",
        _postgrest.read("endorsements", ["endorsed_id", "skill"], [Order("created_at", descending=True)]),
        subject_sql=f"""select endorsed_id, skill, '20' as limit, '0' as offset from public.endorsements
                        group by endorsed_id, skill order by count(*) desc limit {SUBJECTS}""",
        paged=True,
    ),
    *FEEDS,
    # A post's thread as a client reads it: the first 100 comments in order, the longest threads.
    Query(
        f"REST post_comments?post_id=eq.<id>&order=created_at&limit=100 (anon), {SUBJECTS} longest threads", 5,
        "anon",
        _postgrest.read("post_comments", ["post_id"], [Order("created_at")]),
        subject_sql=f"""select id as post_id, '100' as limit, '0' as offset from public.posts
                        order by comments_count desc limit {SUBJECTS}""",
        paged=True,
    ),
    Query(
        "unread notification count", 2, "authenticated",
        "select count(*) from public.notifications where read_at is null",
        subject_sql="""select user_id as uid from public.notifications where read_at is null
                       group by user_id order by count(*) desc limit 1""",
        baseline_sql="select count(*) from public.notifications where user_id = %(uid)s and read_at is null",
    ),
    *(_leaderboard(role, period) for role in ("anon", "authenticated") for period in ("week", "month", "all")),
]


@dataclass
class Result:
    query: Query
    samples_ms: list[float]
    baseline_ms: list[float]
    seq_scans: list[str]
    # Sorts of more rows than the page: "<rows> rows (page <n>)" for the worst subject, and how
    # many subjects' plans had one.
    big_sorts: list[str] = field(default_factory=list)
    subjects: int = 1

    def p(self, q: float) -> float:
        return _report.percentile(self.samples_ms, q)

    @property
    def ratio(self) -> float:
        return statistics.median(self.samples_ms) / max(statistics.median(self.baseline_ms), 1e-6)

    @property
    def extra_ms(self) -> float:
        return statistics.median(self.samples_ms) - statistics.median(self.baseline_ms)

    @property
    def verdict(self) -> str:
        missed = []
        if self.p(95) > self.query.target_ms:
            missed.append("p95")
        if self.ratio > MAX_RLS_RATIO and self.extra_ms > MAX_RLS_EXTRA_MS:
            missed.append("RLS ratio")
        if self.seq_scans or (self.big_sorts and not self.query.ranked):
            missed.append("plan")
        return "ok" if not missed else "MISSED: " + ", ".join(missed)

    @property
    def plan_note(self) -> str:
        notes = []
        if self.seq_scans:
            notes.append("seq scan: " + ", ".join(self.seq_scans))
        if self.big_sorts:
            notes.append("sort of " + ", ".join(self.big_sorts)
                         + (f" (by design: {self.query.ranked})" if self.query.ranked else ""))
        return "; ".join(notes) or "indexes only"


def claims_for(role: str, uid: str | None) -> dict[str, Any]:
    if role == "anon" or uid is None:
        return pgrest.anon_claims()
    return pgrest.user_claims(uid, f"{uid}@bench.test")


def request(conn: psycopg.Connection, role: str, claims: dict[str, Any], query: str,
            params: dict[str, Any]) -> float:
    """One PostgREST-style request; returns the query's own time in milliseconds."""
    with conn.transaction():
        pgrest.begin_request(conn, role, claims)
        with conn.cursor() as cur:
            started = time.perf_counter()
            cur.execute(query, params)
            cur.fetchall()
            return (time.perf_counter() - started) * 1000


def plans(conn: psycopg.Connection, role: str, claims: dict[str, Any], query: str,
          params: dict[str, Any], *, analyze: bool = False) -> list[Any]:
    """The plans of the statement and of every statement it runs (function bodies), as JSON;
    with `analyze`, with the rows each node really produced (EXPLAIN ANALYZE without timing).
    A statement the connection has prepared runs prepared, so the plan is the one timed."""
    found: list[Any] = []

    def collect(diag: psycopg.errors.Diagnostic) -> None:
        text = diag.message_primary or ""
        if "plan:" in text:
            found.append(json.loads(text.split("plan:", 1)[1]))

    conn.add_notice_handler(collect)
    try:
        with conn.transaction():
            for setting in ("load 'auto_explain'", "set local auto_explain.log_min_duration = 0",
                            "set local auto_explain.log_nested_statements = on",
                            "set local auto_explain.log_format = json",
                            "set local auto_explain.log_verbose = on",
                            f"set local auto_explain.log_analyze = {'on' if analyze else 'off'}",
                            "set local auto_explain.log_timing = off",
                            "set local auto_explain.log_level = notice"):
                conn.execute(setting)
            pgrest.begin_request(conn, role, claims)
            conn.execute(query, params, prepare=None if analyze else False).fetchall()
    finally:
        conn.remove_notice_handler(collect)
    return found


def subjects(conn: psycopg.Connection, query: Query) -> list[dict[str, Any]]:
    """The parameters of each subject the request is sent for (one, without subject_sql)."""
    if not query.subject_sql:
        return [dict(query.params)]
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(query.subject_sql).fetchall()
    if not rows:
        raise RuntimeError(f"{query.name}: no data to benchmark (generate some with ugig-db seed --scale)")
    return [{**query.params, **{k: str(v) for k, v in row.items()}} for row in rows]


def measure(conn: psycopg.Connection, query: Query, iterations: int = ITERATIONS) -> Result:
    chosen = subjects(conn, query)
    claims = [claims_for(query.role, params.get("uid")) for params in chosen]
    baseline = query.baseline_sql or query.sql

    def client(i: int) -> float:
        return request(conn, query.role, claims[i % len(chosen)], query.sql, chosen[i % len(chosen)])

    def owner(i: int) -> float:
        return request(conn, "postgres", claims[i % len(chosen)], baseline, chosen[i % len(chosen)])

    # Every subject once each way first: plans cached, pages read from disk once.
    for i in range(max(WARMUP, len(chosen))):
        client(i)
        owner(i)
    samples, base = _sample(client, owner, iterations)
    scans: list[str] = []
    sorts: list[tuple[int, int]] = []  # (rows sorted, page) per subject whose plan sorts too much
    for params, subject_claims in zip(chosen, claims):
        found = plans(conn, query.role, subject_claims, query.sql, params, analyze=query.paged)
        scans += [s for s in _report.seq_scans(found, BIG_TABLES) if s not in scans]
        if query.paged:
            page = int(params["limit"]) + int(params["offset"])
            worst = max(_report.sorted_rows(found), default=0)
            if worst > page:
                sorts.append((worst, page))
    big = [f"{max(sorts)[0]:,} rows > page {max(sorts)[1]} ({len(sorts)} of {len(chosen)} subjects)"] if sorts else []
    return Result(query, samples, base, scans, big, len(chosen))


def _sample(client: Callable[[int], float], owner: Callable[[int], float],
            iterations: int) -> tuple[list[float], list[float]]:
    """Request i as the client and as the owner back to back, each first every other time: both
    find a subject's pages as cached as the other does (the busiest users' rows outgrow
    shared_buffers, so whichever ran just before would have read them for the other)."""
    samples: list[float] = []
    base: list[float] = []
    deadline = time.monotonic() + 2 * SECONDS_PER_QUERY
    while len(samples) < iterations and (len(samples) < WARMUP or time.monotonic() < deadline):
        i = len(samples)
        if i % 2:
            base.append(owner(i))
            samples.append(client(i))
        else:
            samples.append(client(i))
            base.append(owner(i))
    return samples, base


def table(results: list[Result]) -> str:
    rows = [
        [r.query.name, r.query.role, str(r.subjects), str(len(r.samples_ms)), f"{r.p(50):.2f}", f"{r.p(95):.2f}",
         f"{r.p(99):.2f}", f"≤ {r.query.target_ms:g}", f"{_report.percentile(r.baseline_ms, 95):.2f}",
         f"{r.ratio:.2f}", r.plan_note, r.verdict]
        for r in results
    ]
    return _report.markdown_table(
        ["query", "role", "subjects", "n", "p50 ms", "p95 ms", "p99 ms", "target p95", "as postgres p95",
         "RLS ratio", "plan", "verdict"],
        rows,
    )


def data_sizes(conn: psycopg.Connection) -> str:
    counts = []
    for name in ("public.profiles", "public.gigs", "public.applications", "public.conversations",
                 "public.messages", "public.notifications", "public.posts", "public.post_votes",
                 "public.post_comments"):
        row = conn.execute("select reltuples::bigint from pg_class where oid = to_regclass(%s)", (name,)).fetchone()
        if row:
            counts.append(f"{name.split('.')[1]} {max(row[0], 0):,}")
    return ", ".join(counts)


def prepare_local(scale: float) -> str:
    """The local bench database: migrated, and generated at `scale` unless already that big."""
    server = localdb.start()
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (BENCH_DB,)).fetchone():
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(BENCH_DB)))
    url = make_conninfo(server, dbname=BENCH_DB)
    migrate.migrate(url, out=lambda _line: None)
    with psycopg.connect(url) as conn:
        have = conn.execute("select count(*) from public.profiles where id::text like '5ca1e001-%'").fetchone()[0]
        # Generated before saved gigs and long threads were: a rerun adds just what is missing.
        saved = conn.execute("select exists (select from public.saved_gigs)").fetchone()[0]
    if have < scale_seed.Sizes(scale).count("users") or not saved:
        scale_seed.generate(url, scale)
    return url


def run(db_url: str | None) -> None:
    load_before = os.getloadavg()[0]
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    url = db_url or prepare_local(scale)
    results: list[Result] = []
    skipped: list[str] = []
    load_before = os.getloadavg()[0]
    with psycopg.connect(url, autocommit=True) as conn:
        sizes = data_sizes(conn)
        for query in QUERIES:
            try:
                result = measure(conn, query)
            except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedFunction) as exc:
                # A part of the schema that has not landed yet: say so rather than stop.
                print(f"{query.name:<50} skipped: {exc.diag.message_primary}", flush=True)
                skipped.append(f"- {query.name}: skipped ({exc.diag.message_primary})")
                continue
            results.append(result)
            print(f"{query.name:<50} p50 {result.p(50):7.2f}  p95 {result.p(95):7.2f}  p99 {result.p(99):7.2f} ms"
                  f"  ratio {result.ratio:4.2f}  {result.verdict}", flush=True)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    where = f"scale {scale:g} (local `{BENCH_DB}`)" if db_url is None else "the database given"
    _report.replace_section("queries", (
        "## Client queries\n\n"
        f"Measured {stamp} on {where}: {sizes} rows; the machine's load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (other work shares its cores: p95 and p99 grow with it, p50 and "
        f"the plans do not). Up to {ITERATIONS} requests each "
        f"(fewer when a query needs more than {SECONDS_PER_QUERY:g} s for them), PostgREST-style "
        "(one transaction, `set local role`, JWT claims); times are the query's execution and fetch. "
        "RLS ratio = median as the client role / median as `postgres` with the same claims (a miss when "
        f"over {MAX_RLS_RATIO:g} and over {MAX_RLS_EXTRA_MS:g} ms slower). "
        "Plan: auto_explain of the request including nested statements; a Seq Scan on a big table fails, and "
        "for a REST page (checked for every subject, with EXPLAIN ANALYZE) so does a sort of more rows than "
        "limit + offset. REST rows are the statements PostgREST generates, sent round-robin for `subjects` "
        "subjects: the busiest users, the longest conversations, pages 1-5 of each listing.\n\n"
        + table(results)
        + ("\n\n" + "\n".join(skipped) if skipped else "")
    ))
