"""The queries clients send most, timed the way PostgREST runs them, against generated data.

Each request is one transaction: `set local role`, `request.jwt.claims` (scripts/pgrest.py),
the query, commit; only the query's execution and fetch are timed. Every query also runs as
`postgres` with the same claims (RLS bypassed; where the client query relies on RLS alone, the
baseline states the filter RLS adds): the ratio of the medians is the RLS overhead. Plans are
taken with auto_explain (nested statements included, so function bodies are checked too): a
sequential scan on a big table fails the check. Results go to docs/benchmarks.md.

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

from scripts import localdb, migrate, pgrest, scale_seed
from scripts.bench import _report

BENCH_DB = "ugig_bench"
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "200"))
# A slow query stops early (with at least WARMUP samples) so a bad plan cannot stall the bench.
SECONDS_PER_QUERY = float(os.environ.get("BENCH_SECONDS_PER_QUERY", "20"))
WARMUP = 20
MAX_RLS_RATIO = 1.5
BIG_TABLES = {
    "auth.users", "public.profiles", "public.gigs", "public.applications", "public.conversations",
    "public.conversation_participants", "public.messages", "public.notifications",
}


@dataclass(frozen=True)
class Query:
    name: str
    target_ms: float
    role: str  # the client role: anon or authenticated
    sql: str
    # Run as postgres to choose the subject (the caller `uid` and other parameters).
    subject_sql: str | None = None
    # The same request without RLS, where the client query leaves the filter to RLS.
    baseline_sql: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


# What the applications policy adds, stated as a filter: the same rows without RLS. An RLS-only
# list is "applications I sent or received", so this (a BitmapOr of both indexes), not the
# applicant-only ordered scan, is the query it costs more than; the filtered row below shows that scan.
RLS_APPLICATIONS_BASELINE = """select * from public.applications where applicant_id = %(uid)s or poster_id = %(uid)s
                               order by created_at desc limit 20"""

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
    Query(
        "newest active gigs page (anon)", 5, "anon",
        """select id, poster_id, title, category, budget_type, budget_min, budget_max, published_at,
                  applications_count
           from public.gigs where status = 'active' order by published_at desc, id desc limit 20""",
    ),
    Query(
        "a poster's applications to one gig", 5, "authenticated",
        "select * from public.applications where gig_id = %(gig)s order by created_at desc limit 20",
        subject_sql="select poster_id as uid, id as gig from public.gigs order by applications_count desc limit 1",
    ),
    Query(
        "an applicant's own applications (RLS only), busiest applicant", 5, "authenticated",
        "select * from public.applications order by created_at desc limit 20",
        subject_sql="""select applicant_id as uid from public.applications
                       group by applicant_id order by count(*) desc limit 1""",
        baseline_sql=RLS_APPLICATIONS_BASELINE,
    ),
    Query(
        "an applicant's own applications (RLS only), applicant who posts nothing", 5, "authenticated",
        "select * from public.applications order by created_at desc limit 20",
        subject_sql="""select a.applicant_id as uid from public.applications as a
                       where not exists (select 1 from public.gigs as g where g.poster_id = a.applicant_id)
                       group by a.applicant_id order by count(*) desc limit 1""",
        baseline_sql=RLS_APPLICATIONS_BASELINE,
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
        "a page of 50 messages", 3, "authenticated",
        "select * from public.messages where conversation_id = %(conversation)s order by created_at desc limit 50",
        subject_sql="""select c.user_low as uid, c.id as conversation
                       from (select conversation_id from public.messages group by 1 order by count(*) desc limit 1) as m
                       join public.conversations as c on c.id = m.conversation_id""",
    ),
    Query(
        "unread notification count", 2, "authenticated",
        "select count(*) from public.notifications where read_at is null",
        subject_sql="""select user_id as uid from public.notifications where read_at is null
                       group by user_id order by count(*) desc limit 1""",
        baseline_sql="select count(*) from public.notifications where user_id = %(uid)s and read_at is null",
    ),
]


@dataclass
class Result:
    query: Query
    samples_ms: list[float]
    baseline_ms: list[float]
    seq_scans: list[str]

    def p(self, q: float) -> float:
        return _report.percentile(self.samples_ms, q)

    @property
    def ratio(self) -> float:
        return statistics.median(self.samples_ms) / max(statistics.median(self.baseline_ms), 1e-6)

    @property
    def verdict(self) -> str:
        missed = []
        if self.p(95) > self.query.target_ms:
            missed.append("p95")
        if self.ratio > MAX_RLS_RATIO:
            missed.append("RLS ratio")
        if self.seq_scans:
            missed.append("plan")
        return "ok" if not missed else "MISSED: " + ", ".join(missed)


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
          params: dict[str, Any]) -> list[Any]:
    """The plans of the statement and of every statement it runs (function bodies), as JSON."""
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
                            "set local auto_explain.log_level = notice"):
                conn.execute(setting)
            pgrest.begin_request(conn, role, claims)
            conn.execute(query, params, prepare=False).fetchall()
    finally:
        conn.remove_notice_handler(collect)
    return found


def measure(conn: psycopg.Connection, query: Query, iterations: int = ITERATIONS) -> Result:
    params = dict(query.params)
    if query.subject_sql:
        with conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(query.subject_sql).fetchone()
        if row is None:
            raise RuntimeError(f"{query.name}: no data to benchmark (generate some with ugig-db seed --scale)")
        params.update({k: str(v) for k, v in row.items()})
    claims = claims_for(query.role, params.get("uid"))
    baseline = query.baseline_sql or query.sql
    for _ in range(WARMUP):
        request(conn, query.role, claims, query.sql, params)
        request(conn, "postgres", claims, baseline, params)
    samples = _sample(lambda: request(conn, query.role, claims, query.sql, params), iterations)
    base = _sample(lambda: request(conn, "postgres", claims, baseline, params), len(samples))
    scans = _report.seq_scans(plans(conn, query.role, claims, query.sql, params), BIG_TABLES)
    return Result(query, samples, base, scans)


def _sample(timed: Callable[[], float], iterations: int) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + SECONDS_PER_QUERY
    while len(samples) < iterations and (len(samples) < WARMUP or time.monotonic() < deadline):
        samples.append(timed())
    return samples


def table(results: list[Result]) -> str:
    rows = [
        [r.query.name, r.query.role, str(len(r.samples_ms)), f"{r.p(50):.2f}", f"{r.p(95):.2f}", f"{r.p(99):.2f}",
         f"≤ {r.query.target_ms:g}", f"{_report.percentile(r.baseline_ms, 95):.2f}", f"{r.ratio:.2f}",
         "seq scan: " + ", ".join(r.seq_scans) if r.seq_scans else "indexes only", r.verdict]
        for r in results
    ]
    return _report.markdown_table(
        ["query", "role", "n", "p50 ms", "p95 ms", "p99 ms", "target p95", "as postgres p95", "RLS ratio",
         "plan", "verdict"],
        rows,
    )


def data_sizes(conn: psycopg.Connection) -> str:
    counts = []
    for name in ("public.profiles", "public.gigs", "public.applications", "public.conversations",
                 "public.messages", "public.notifications"):
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
    if have < scale_seed.Sizes(scale).count("users"):
        scale_seed.generate(url, scale)
    return url


def run(db_url: str | None) -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    url = db_url or prepare_local(scale)
    results: list[Result] = []
    skipped: list[str] = []
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
        f"Measured {stamp} on {where}: {sizes} rows. Up to {ITERATIONS} requests each "
        f"(fewer when a query needs more than {SECONDS_PER_QUERY:g} s for them), PostgREST-style "
        "(one transaction, `set local role`, JWT claims); times are the query's execution and fetch. "
        "RLS ratio = median as the client role / median as `postgres` with the same claims. "
        "Plan: auto_explain of the request including nested statements; a Seq Scan on a big table fails.\n\n"
        + table(results)
        + ("\n\n" + "\n".join(skipped) if skipped else "")
    ))
