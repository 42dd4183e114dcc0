"""Property: paging through feed() while other users post, vote and delete between the page
requests returns, page after page, exactly the next rows of the order as it stands when each page
is read; so no post whose sort key stays put is ever repeated or skipped.

What "no repeats, no gaps" means when keys move (docs/community_posts.md): every order is a
keyset over (key, id) — created_at for new and following, score for top, hot_rank for hot — read
at the time of each request. A post whose key does not change while a reader pages appears exactly
once. A post whose key crosses the reader's position between two requests (votes on it, for top
and hot) is shown where it now stands: moved below the position it shows again, moved above it
does not. New posts rank above any position for new, following and hot and so wait for the next
first page; top's window is fixed by the first page.

One database serves every example: each example starts from no posts.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

TAGS = ["a", "b"]
WINDOWS = {"day": "1 day", "week": "7 days"}
EPOCH = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
SPEC_SQLSTATES = {"22023", "23514", "42501", "PT404", "23505", "PT409", "PT402", "PT429"}

initial_posts = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 300), st.sets(st.sampled_from(TAGS)), st.integers(-3, 6)),
    min_size=6, max_size=25,
)
mutation = st.one_of(
    # Votes twice as often as the rest: they are what moves top and hot keys.
    st.tuples(st.just("vote"), st.integers(0, 3), st.integers(0, 100), st.sampled_from([1, -1, 0])),
    st.tuples(st.just("vote"), st.integers(0, 3), st.integers(0, 100), st.sampled_from([1, -1])),
    st.tuples(st.just("post"), st.integers(0, 2), st.sets(st.sampled_from(TAGS))),
    st.tuples(st.just("delete"), st.integers(0, 100)),
)
feeds = st.one_of(
    st.tuples(st.sampled_from(["new", "hot", "following"]), st.none()),
    st.tuples(st.just("top"), st.sampled_from(["day", "week", "all"])),
)


@pytest.fixture
def cast(db):
    """Three authors, four voters and a reader who follows the first author and tag a."""
    users = {
        "authors": [db.create_user(f"author{i}@example.test") for i in range(3)],
        "voters": [db.create_user(f"voter{i}@example.test") for i in range(4)],
        "reader": db.create_user("reader@example.test"),
    }
    db.execute("insert into public.follows (follower_id, followed_id) values (%s, %s)",
               (users["reader"].id, users["authors"][0].id))
    db.execute("insert into public.tag_follows (user_id, tag) values (%s, 'a')", (users["reader"].id,))
    return users


def decode(cursor: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def key_of(sort: str, row: tuple) -> object:
    _id, _author, created_at, score, hot_rank, _tags = row
    return {"new": created_at, "following": created_at, "top": score, "hot": hot_rank}[sort]


def parse_key(sort: str, text: str) -> object:
    if sort in ("new", "following"):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return Decimal(text) if sort == "hot" else int(text)


def live_posts(db) -> list[tuple]:
    return db.execute("select id, author_id::text, created_at, score, hot_rank, tags from public.posts "
                      "where deleted_at is null")


def expected_page(sort, tag, since, after, page_size, posts, cast) -> list[uuid.UUID]:
    """The model: the next page_size posts of the order, as the posts stand now."""
    followed_author = cast["authors"][0].id

    def matches(row):
        _id, author, created_at, _score, _hot, tags = row
        return ((tag is None or tag in tags) and created_at >= since
                and (sort != "following" or author == followed_author or "a" in tags))

    keyed = [(key_of(sort, r), r[0]) for r in posts if matches(r)]
    keyed = [k for k in keyed if after is None or k < after]
    return [post_id for _key, post_id in sorted(keyed, reverse=True)[:page_size]]


def mutate(db, cast, batch, post_ids) -> None:
    """Apply one batch of changes, each from its own connection, all at once."""
    def run(change):
        with db.connect() as conn:
            try:
                if change[0] == "vote" and post_ids:
                    db.as_user(cast["voters"][change[1]], conn).rpc(
                        "vote_post", post_id=post_ids[change[2] % len(post_ids)], value=change[3])
                elif change[0] == "post":
                    db.as_user(cast["authors"][change[1]], conn).one(
                        "insert into public.posts (body, tags) values ('later', %s) returning id", (sorted(change[2]),))
                elif change[0] == "delete" and post_ids:
                    # Only the author's own delete passes RLS; the others change nothing.
                    for author in cast["authors"]:
                        db.as_user(author, conn).sql("update public.posts set deleted_at = now() where id = %s "
                                                     "returning id", (post_ids[change[1] % len(post_ids)],))
            except psycopg.Error as exc:
                assert exc.sqlstate in SPEC_SQLSTATES, exc

    if batch:
        with ThreadPoolExecutor(len(batch)) as pool:
            list(pool.map(run, batch))


@pytest.mark.rule("FEED-PAGE", "FEED-SORTS", "FEED-FOLLOWING")
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(feed=feeds, tag=st.sampled_from([None, "a", "b"]), page_size=st.integers(1, 4), posts=initial_posts,
       batches=st.lists(st.lists(mutation, min_size=1, max_size=5), min_size=2, max_size=12))
def test_pages_are_the_next_rows_of_the_order_at_each_request(db, cast, feed, tag, page_size, posts, batches):
    sort, window = feed
    db.execute("delete from public.posts")
    for author, age, tags, score in posts:
        # Ages in whole 10-minute steps make equal keys common, so ties on id are exercised; the
        # 5 minutes more keep every post clear of a window's edge while the example runs.
        db.execute("insert into public.posts (author_id, body, tags, score, upvotes, downvotes, created_at) "
                   "values (%s, 'seeded', %s, %s, greatest(%s, 0), greatest(-%s, 0), "
                   "date_trunc('minute', now()) - make_interval(mins => %s * 10 + 5))",
                   (cast["authors"][author].id, sorted(tags), score, score, score, age))
    reader = db.as_user(cast["reader"])
    first_posts = {r[0]: key_of(sort, r) for r in live_posts(db)}
    keys_seen: dict[uuid.UUID, set] = {post_id: {key} for post_id, key in first_posts.items()}
    served: list[uuid.UUID] = []
    cursor, after = None, None
    # The window's start as the first request will fix it (to the minute; exact once a cursor says).
    since = db.execute("select now() - %s::interval", (WINDOWS[window],))[0][0] if window in WINDOWS else EPOCH
    for page_number in range(60):
        rows = reader.rpc_rows("feed", sort=sort, tag=tag, cursor=cursor, page_size=page_size,
                               window=window or "week")
        posts_now = live_posts(db)
        for row in posts_now:
            keys_seen.setdefault(row[0], set()).add(key_of(sort, row))
        if rows and window in WINDOWS:
            since = dt.datetime.fromisoformat(decode(rows[0]["next_cursor"])["since"].replace("Z", "+00:00"))
        assert [r["id"] for r in rows] == expected_page(sort, tag, since, after, page_size, posts_now, cast)
        if not rows:
            break
        served += [r["id"] for r in rows]
        last = decode(rows[-1]["next_cursor"])
        after = (parse_key(sort, last["key"]), uuid.UUID(last["id"]))
        cursor = rows[-1]["next_cursor"]
        if page_number < len(batches):
            mutate(db, cast, batches[page_number], [r[0] for r in posts_now])
    else:
        pytest.fail("the feed did not end")

    # The guarantee in plain terms: a post present from the first page to the last, matching the
    # feed, whose key never moved, was served exactly once.
    live_ids = {r[0] for r in live_posts(db)}
    steady = {post_id for post_id in first_posts
              if post_id in live_ids and len(keys_seen[post_id]) == 1}
    matching = set(expected_page(sort, tag, since, None, 10 ** 6,
                                 [r for r in live_posts(db) if r[0] in steady], cast))
    for post_id in matching:
        assert served.count(post_id) == 1, post_id
    event(f"pages: {'many' if len(served) > 2 * page_size else 'few'}")
    event(f"keys moved: {any(len(k) > 1 for k in keys_seen.values())}")
    for post_id in set(served):
        if served.count(post_id) > 1:
            event("a moved post was shown again")
            assert len(keys_seen[post_id]) > 1, f"{post_id} repeated though its key never moved"
