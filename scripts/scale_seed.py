"""`ugig-db seed --scale N`: a marketplace of N x (200k users, 1M gigs, 5M applications, 1M
conversations, 10M messages, 2M notifications, 1M saved gigs, 2M follows, 1M endorsements,
500k gig questions and replies, 1M posts, 10M post votes, 3M comments, 1M comment votes, 200k
tag follows), generated set-based in SQL (seed/scale/). A tenth of the users
are agents; most agents hold API keys, some webhooks.

Bulk-loading through per-row triggers would take hours (and trip the rate limits), so the
generator runs as a superuser with `session_replication_role = replica`: triggers, including
foreign-key checks, are skipped. The stages therefore write consistent data themselves (what
the signup trigger would create, search vectors, plan-limit bookkeeping), and afterwards
recompute every counter and cache set-based (seed/scale/9x_*.sql), then VACUUM ANALYZE.
Rows have fixed ids (prefix per kind + index), so a rerun adds nothing twice.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import psycopg

from ugig_db import paths, progress, sqlfiles

SCALE_DIR = paths.SEED_DIR / "scale"
PASSWORD = "ugig-scale-2026"
# Rows per unit of scale.
BASE = {
    "users": 200_000,
    "gigs": 1_000_000,
    "applications": 5_000_000,
    "conversations": 1_000_000,
    "messages": 10_000_000,
    "notifications": 2_000_000,
    "saved_gigs": 1_000_000,
    "follows": 2_000_000,
    "endorsements": 1_000_000,
    # Slots: each asks one question, about 35% also get the poster's reply (~500k rows).
    "gig_question_slots": 370_000,
    "posts": 1_000_000,
    "post_votes": 10_000_000,
    "post_comments": 3_000_000,
    "comment_votes": 1_000_000,
    "tag_follows": 200_000,
}
POSTER_SHARE = 0.3  # posters are the first 30% of users
DRAFT_SHARE = 0.08  # applications aimed at drafts are dropped: generate that many more
# Votes dropped as self-votes, repeats or on deleted comments (measured at scale 1: 0.02%, 2%).
POST_VOTE_LOSS = 0.0002
COMMENT_VOTE_LOSS = 0.02


@dataclass(frozen=True)
class Stage:
    file: str
    table: str  # skipped while this table does not exist yet
    over: str  # the index range it covers: a key of Sizes.counts()


STAGES = [
    Stage("10_users.sql", "auth.users", "users"),
    Stage("11_identities.sql", "auth.identities", "users"),
    Stage("12_profiles.sql", "public.profiles", "users"),
    Stage("13_subscriptions.sql", "public.subscriptions", "users"),
    Stage("14_notification_settings.sql", "public.notification_settings", "users"),
    Stage("15_api_keys.sql", "public.api_keys", "users"),
    Stage("16_webhooks.sql", "public.webhooks", "users"),
    Stage("20_gigs.sql", "public.gigs", "gigs"),
    Stage("30_applications.sql", "public.applications", "application_slots"),
    Stage("40_conversations.sql", "public.conversations", "conversations"),
    Stage("41_conversation_participants.sql", "public.conversation_participants", "conversations"),
    Stage("42_messages.sql", "public.messages", "conversations"),
    Stage("50_notifications.sql", "public.notifications", "notifications"),
    Stage("51_saved_gigs.sql", "public.saved_gigs", "saved_gigs"),
    Stage("60_follows.sql", "public.follows", "follows"),
    Stage("61_endorsements.sql", "public.endorsements", "endorsements"),
    Stage("62_gig_questions.sql", "public.gig_questions", "gig_question_slots"),
    Stage("63_follows_wide.sql", "public.follows", "wide_followers"),
    Stage("70_posts.sql", "public.posts", "posts"),
    Stage("71_post_votes.sql", "public.post_votes", "post_vote_slots"),
    # One post (by popularity rank) per row of the range, with its whole thread.
    Stage("72_post_comments.sql", "public.post_comments", "posts"),
    Stage("73_comment_votes.sql", "public.comment_votes", "comment_vote_slots"),
    Stage("74_tag_follows.sql", "public.tag_follows", "tag_follows"),
]


@dataclass(frozen=True)
class Sizes:
    scale: float

    def count(self, key: str) -> int:
        return max(10, round(BASE[key] * self.scale))

    def counts(self) -> dict[str, int]:
        counts = {key: self.count(key) for key in BASE}
        counts["posters"] = max(2, round(counts["users"] * POSTER_SHARE))
        counts["application_slots"] = math.ceil(counts["applications"] / (1 - DRAFT_SHARE))
        # People who follow 500 others picked evenly (63_follows_wide.sql): at least one.
        counts["wide_followers"] = max(1, round(counts["users"] / 10_000))
        counts["post_vote_slots"] = math.ceil(counts["post_votes"] / (1 - POST_VOTE_LOSS))
        counts["comment_vote_slots"] = math.ceil(counts["comment_votes"] / (1 - COMMENT_VOTE_LOSS))
        counts["messages_per_conversation"] = counts["messages"] / counts["conversations"]
        return counts


def chunks(total: int, size: int) -> list[tuple[int, int]]:
    return [(lo, min(total, lo + size)) for lo in range(0, total, size)]


def _exists(conn: psycopg.Connection, table: str) -> bool:
    return conn.execute("select to_regclass(%s) is not null", (table,)).fetchone()[0]


def _statements(name: str) -> list[str]:
    return [s.text for s in sqlfiles.SqlFile(SCALE_DIR / name, "seed").statements]


def finishing_files() -> list[str]:
    """The recompute files (9x_*.sql), in order."""
    return sorted(p.name for p in SCALE_DIR.glob("9*.sql"))


def generate(db_url: str, scale: float, *, out: Callable[[str], None] = print,
             chunk_rows: int = 200_000) -> list[str]:
    """Generate the marketplace; returns one line per stage (rows, seconds)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    params: dict[str, object] = dict(Sizes(scale).counts())
    report: list[str] = []
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("set session_replication_role = replica")  # superuser: triggers off
        conn.execute("set synchronous_commit = off")
        conn.execute("set maintenance_work_mem = '256MB'")
        params["password_hash"] = conn.execute(
            "select extensions.crypt(%s, extensions.gen_salt('bf', 6))", (PASSWORD,)
        ).fetchone()[0]
        params["with_gigs"] = _exists(conn, "public.gigs")
        # One "now" for every stage, so times computed in different stages agree.
        params["t0"] = conn.execute("select now()").fetchone()[0]
        for stmt in _statements("00_helpers.sql"):
            conn.execute(stmt.encode(), prepare=False)
        # Building an index once is far cheaper than maintaining it row by row (GIN above all).
        # The finishing stages look applications up by gig, so those come back first; the rest
        # after the finishing stages, which rewrite many gig and profile rows.
        dropped = _drop_secondary_indexes(conn)
        early = [d for d in dropped if " ON public.applications " in d]
        try:
            try:
                for stage in STAGES:
                    report.append(_run_stage(conn, stage, params, out, chunk_rows))
            finally:
                report.append(_recreate_indexes(conn, early, out, "rebuild application indexes"))
            for name in finishing_files():
                report.append(_finish(conn, name, params, out))
        finally:
            report.append(_recreate_indexes(conn, [d for d in dropped if d not in early], out))
        conn.execute("set session_replication_role = origin")
        report.append(_vacuum(conn, out))
    return report


# Big tables whose non-unique indexes are dropped during the load and rebuilt after it (unique
# ones stay: `on conflict` needs them).
REINDEXED = [
    "public.profiles", "public.gigs", "public.applications", "public.conversations",
    "public.conversation_participants", "public.messages", "public.notifications",
    "public.follows", "public.endorsements", "public.gig_questions", "public.posts", "private.post_tags",
    "public.post_votes", "public.post_comments", "public.comment_votes", "public.tag_follows",
]


# The definitions of the indexes a run dropped, kept in the database until each is rebuilt: a run
# killed mid-load leaves them here and the next run rebuilds them (tooling state, beside the
# migration history, outside the schema that status compares).
DROPPED = "supabase_migrations.ugig_scale_dropped_indexes"


def _drop_secondary_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the non-unique indexes of REINDEXED tables; returns their definitions, plus those an
    interrupted earlier run dropped and never rebuilt."""
    conn.execute("create schema if not exists supabase_migrations")
    conn.execute(f"create table if not exists {DROPPED} (definition text primary key)")
    rows = conn.execute(
        """select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           from pg_index as i
           where i.indrelid = any(select to_regclass(t) from unnest(%s::text[]) as t)
             and not i.indisunique and not i.indisprimary and not i.indisexclusion
           order by 1""",
        (REINDEXED,),
    ).fetchall()
    for name, definition in rows:
        with conn.transaction():
            conn.execute(f"insert into {DROPPED} (definition) values (%s) on conflict do nothing", (definition,))
            conn.execute(f"drop index {name}")
    return [r[0] for r in conn.execute(f"select definition from {DROPPED} order by 1")]


def _recreate_indexes(conn: psycopg.Connection, definitions: list[str], out: Callable[[str], None],
                      label: str = "rebuild indexes") -> str:
    started = time.monotonic()
    bar = progress.Bar(label, len(definitions))
    for definition in definitions:
        with conn.transaction():
            conn.execute(definition)
            conn.execute(f"delete from {DROPPED} where definition = %s", (definition,))
        bar.advance()
    line = bar.done(f"{len(definitions)} indexes in {time.monotonic() - started:.1f}s")
    out(line)
    return line


# Everything the stages write: fresh statistics and visibility maps (index-only scans) for all.
VACUUMED = [
    "auth.users", "auth.identities", "public.profiles", "public.subscriptions",
    "public.notification_settings", "public.gigs", "private.gig_publications", "public.applications",
    "public.conversations", "public.conversation_participants", "public.messages",
    "public.notifications", "public.saved_gigs", "public.reviews", "public.video_calls",
    "public.api_keys", "private.api_key_hashes", "public.webhooks", "private.webhook_secrets",
    "public.follows", "public.endorsements", "public.gig_questions", "public.posts", "private.post_tags",
    "public.post_votes", "public.post_comments", "public.comment_votes", "public.tag_follows",
]


def _vacuum(conn: psycopg.Connection, out: Callable[[str], None]) -> str:
    started = time.monotonic()
    tables = [t for t in VACUUMED if _exists(conn, t)]
    bar = progress.Bar("vacuum analyze", len(tables))
    for table in tables:
        conn.execute(f"vacuum (analyze) {table}")
        bar.advance()
    line = bar.done(f"{len(tables)} tables in {time.monotonic() - started:.1f}s")
    out(line)
    return line


def _finish(conn: psycopg.Connection, name: str, params: dict[str, object], out: Callable[[str], None]) -> str:
    if not all(_exists(conn, t) for t in _tables_needed(name)):
        line = f"{name}: skipped (tables not present yet)"
    else:
        started = time.monotonic()
        bar = progress.Bar(name, len(_statements(name)))
        for stmt in _statements(name):
            conn.execute(stmt.encode(), params if "%(" in stmt else None, prepare=False)
            bar.advance()
        line = bar.done(f"{time.monotonic() - started:.1f}s")
    out(line)
    return line


def _run_stage(conn: psycopg.Connection, stage: Stage, params: dict[str, object],
               out: Callable[[str], None], chunk_rows: int) -> str:
    if not _exists(conn, stage.table):
        line = f"{stage.file}: skipped ({stage.table} does not exist yet)"
        out(line)
        return line
    (statement,) = _statements(stage.file)
    total = int(params[stage.over])  # type: ignore[arg-type]
    # Messages fan out ~10 rows per conversation, comments ~3 per post and thousands for the first
    # ranks: smaller chunks keep the bar moving.
    size = max(1, chunk_rows // (10 if stage.file.startswith(("42_", "72_")) else 1))
    before = _count(conn, stage.table)
    started = time.monotonic()
    bar = progress.Bar(stage.file, total)
    for lo, hi in chunks(total, size):
        conn.execute(statement.encode(), {**params, "lo": lo, "hi": hi}, prepare=False)
        bar.advance(hi - lo)
    added = _count(conn, stage.table) - before
    line = bar.done(f"{added:,} rows into {stage.table} in {time.monotonic() - started:.1f}s")
    out(line)
    return line


def _count(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608 (our names)


def _tables_needed(name: str) -> list[str]:
    """A recompute file declares the tables it needs on its first line: `-- needs: a, b`."""
    first = (SCALE_DIR / name).read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("-- needs:"):
        raise ValueError(f"{name}: the first line must be `-- needs: <tables>`")
    return [t.strip() for t in first.removeprefix("-- needs:").split(",") if t.strip()]
