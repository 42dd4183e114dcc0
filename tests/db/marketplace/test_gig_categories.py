"""gig_categories: a seeded list everyone reads and only the service changes."""

from __future__ import annotations

import pytest

SEEDED = ["ai-ml", "data", "design", "devops", "marketing", "mobile-development", "other", "video",
          "web-development", "writing"]


@pytest.mark.rule("GIG-CATEGORIES")
@pytest.mark.parametrize("actor", ["anon", "stranger", "owner", "service"])
def test_everyone_reads_the_seeded_categories(as_actor, actor):
    assert [r["slug"] for r in as_actor(actor).sql("select slug from public.gig_categories order by slug")] == SEEDED


@pytest.mark.rule("GIG-CATEGORIES")
@pytest.mark.parametrize("actor, outcome", [
    ("anon", "42501"), ("stranger", "42501"), ("owner", "42501"), ("service", "row"),
])
@pytest.mark.parametrize("query", [
    "insert into public.gig_categories (slug, name) values ('legal', 'Legal') returning slug",
    "update public.gig_categories set name = 'Other things' where slug = 'other' returning slug",
    "delete from public.gig_categories where slug = 'video' returning slug",
])
def test_only_the_service_writes_categories(as_actor, actor, outcome, query):
    if outcome == "row":
        assert len(as_actor(actor).sql(query)) == 1
    else:
        as_actor(actor).rejects(outcome, query)


@pytest.mark.rule("GIG-CATEGORIES")
def test_category_slug_format_is_checked(service):
    service.rejects("23514", "insert into public.gig_categories (slug, name) values ('Bad Slug', 'x') returning slug")
