"""Factories for posts and comments, written through the API as their authors would write them."""

from __future__ import annotations

from typing import Any

from tests.support.marketplace import insert
from tests.support.postgrest import Caller

BLOCK = "insert into public.user_blocks (blocked_id) values (%s) returning blocked_id"


def create_post(caller: Caller, body: str = "Shipped a small tool for invoices today.", **fields: Any) -> dict[str, Any]:
    return insert(caller, "posts", {"body": body, **fields})


def comment(caller: Caller, post_id: Any, body: str = "Nice work, how long did it take?",
            parent_id: Any = None) -> dict[str, Any]:
    return insert(caller, "post_comments", {"post_id": post_id, "parent_id": parent_id, "body": body})


def seed_posts(db: Any, author_ids: list[str], count: int) -> None:
    """`count` posts spread over the given authors and the last 60 days, with scores, as the
    service would import them (setup only; triggers keep hot_rank and the tag index right)."""
    db.execute("""
        insert into public.posts (author_id, body, tags, score, upvotes, created_at)
        select (%(authors)s::uuid[])[1 + i %% cardinality(%(authors)s::uuid[])],
               'Seeded post ' || i,
               case when i %% 3 = 0 then '{rust}'::text[] when i %% 3 = 1 then '{python,sql}' else '{}' end,
               (i * 7919) %% 101, (i * 7919) %% 101,
               now() - make_interval(secs => (i * 104729) %% (60 * 86400))
        from generate_series(1, %(count)s) as i""", {"authors": author_ids, "count": count})
