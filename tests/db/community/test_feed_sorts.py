"""feed() (SPEC §7): what each sort returns, its refusals, and that each order is one index range."""

from __future__ import annotations

import base64
import json

import psycopg
import pytest

from tests.support.community_posts import BLOCK, create_post, seed_posts
from tests.support.plans import nested_plans


@pytest.fixture
def people(db):
    """ada and tom write posts; eve reads; bob is blocked by ada."""
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "tom", "eve", "bob")}
    db.as_user(users["ada"]).one(BLOCK, (users["bob"].id,))
    return users


def feed(caller, **args):
    return caller.rpc_rows("feed", **args)


def ids(rows):
    return [r["id"] for r in rows]


def backdate(db, post, hours):
    db.execute("update public.posts set created_at = now() - make_interval(hours => %s) where id = %s",
               (hours, post["id"]))


@pytest.mark.rule("FEED-SORTS")
def test_new_top_and_hot_orders(db, people):
    ada, tom = db.as_user(people["ada"]), db.as_user(people["tom"])
    old = create_post(ada, "old but loved")
    mid = create_post(tom, "middle")
    new = create_post(ada, "fresh")
    backdate(db, old, 25)
    backdate(db, mid, 20)
    voters = [db.create_user(f"v{i}@example.test") for i in range(12)]
    for v in voters:
        db.as_user(v).rpc("vote_post", post_id=old["id"], value=1)
    db.as_user(voters[0]).rpc("vote_post", post_id=mid["id"], value=-1)
    anon = db.as_anon()
    assert ids(feed(anon, sort="new")) == [new["id"], mid["id"], old["id"]]
    assert ids(feed(anon, sort="top", window="all")) == [old["id"], new["id"], mid["id"]]
    assert ids(feed(anon, sort="top", window="day")) == [new["id"], mid["id"]]
    # 12 points make up for log10(12) * 12.5 h ≈ 13.5 h of age: old (25 h) ranks as 11.5 h, above mid (20 h).
    assert ids(feed(anon, sort="hot")) == [new["id"], old["id"], mid["id"]]
    ranks = db.execute("select id from public.posts order by hot_rank desc, id desc")
    assert [r[0] for r in ranks] == ids(feed(anon, sort="hot"))


@pytest.mark.rule("FEED-SORTS")
def test_feed_rows_carry_author_and_my_vote(db, people):
    post = create_post(db.as_user(people["ada"]), tags=["rust"])
    eve = db.as_user(people["eve"])
    eve.rpc("vote_post", post_id=post["id"], value=-1)
    row = feed(eve, sort="new")[0]
    assert row["my_vote"] == -1 and row["score"] == -1 and row["tags"] == ["rust"]
    assert row["author"]["id"] == people["ada"].id and "username" in row["author"]
    assert feed(db.as_anon(), sort="new")[0]["my_vote"] is None


@pytest.mark.rule("FEED-SORTS")
def test_deleted_posts_never_appear(db, people):
    ada = db.as_user(people["ada"])
    post = create_post(ada, tags=["rust"])
    ada.one("update public.posts set deleted_at = now() where id = %s returning id", (post["id"],))
    for sort in ("new", "top", "hot"):
        assert feed(ada, sort=sort) == [] and feed(ada, sort=sort, tag="rust") == []


@pytest.mark.rule("FEED-TAG")
@pytest.mark.parametrize("sort", ["new", "top", "hot"])
def test_tag_filter_is_case_insensitive(db, people, sort):
    ada = db.as_user(people["ada"])
    rust = create_post(ada, tags=["Rust", "cli"])
    create_post(ada, tags=["python"])
    create_post(ada)
    assert ids(feed(db.as_anon(), sort=sort, tag=" RUST ")) == [rust["id"]]


@pytest.mark.rule("FEED-BLOCKS")
@pytest.mark.parametrize("sort", ["new", "top", "hot"])
def test_blocked_authors_are_left_out_both_ways(db, people, sort):
    by_ada = create_post(db.as_user(people["ada"]), tags=["rust"])
    by_bob = create_post(db.as_user(people["bob"]), tags=["rust"])
    by_tom = create_post(db.as_user(people["tom"]), tags=["rust"])
    assert set(ids(feed(db.as_user(people["bob"]), sort=sort))) == {by_bob["id"], by_tom["id"]}
    assert set(ids(feed(db.as_user(people["ada"]), sort=sort, tag="rust"))) == {by_ada["id"], by_tom["id"]}
    assert len(feed(db.as_anon(), sort=sort)) == 3


@pytest.mark.rule("FEED-FOLLOWING")
def test_following_is_followed_authors_and_tags(db, people):
    ada, tom, bob = (db.as_user(people[n]) for n in ("ada", "tom", "bob"))
    a1 = create_post(ada, "by ada", tags=["rust"])
    t1 = create_post(tom, "by tom about go", tags=["go"])
    t2 = create_post(tom, "by tom about cooking", tags=["cooking"])
    b1 = create_post(bob, "by bob about go", tags=["go"])
    eve = db.as_user(people["eve"])
    eve.one("insert into public.follows (followed_id) values (%s) returning followed_id", (people["ada"].id,))
    eve.one("insert into public.tag_follows (tag) values ('Go') returning tag")
    assert ids(feed(eve, sort="following")) == [b1["id"], t1["id"], a1["id"]]
    assert ids(feed(eve, sort="following", tag="go")) == [b1["id"], t1["id"]]
    # A post by a followed author that also has a followed tag appears once.
    a2 = create_post(ada, "ada on go", tags=["go"])
    assert ids(feed(eve, sort="following")) == [a2["id"], b1["id"], t1["id"], a1["id"]]
    assert t2["id"] not in ids(feed(eve, sort="following"))
    # Blocks: ada's posts leave bob's following feed even through a followed tag.
    bob.one("insert into public.tag_follows (tag) values ('go') returning tag")
    assert ids(feed(bob, sort="following")) == [b1["id"], t1["id"]]
    assert feed(db.as_user(people["tom"]), sort="following") == []


@pytest.mark.rule("FEED-FOLLOWING")
def test_following_needs_a_signed_in_caller(db):
    db.as_anon().rejects("42501", "select * from public.feed(sort => 'following')")


@pytest.mark.rule("FEED-PAGE")
@pytest.mark.parametrize(("args", "match"), [
    ({"sort": "best"}, "sort"),
    ({"sort": None}, "sort"),
    ({"sort": "new", "page_size": 0}, "page_size"),
    ({"sort": "new", "page_size": 51}, "page_size"),
    ({"sort": "top", "window": "year"}, "window"),
    ({"sort": "new", "cursor": "not a cursor!"}, "cursor"),
    ({"sort": "new", "cursor": base64.urlsafe_b64encode(b'{"sort": "new"}').decode()}, "cursor"),
])
def test_feed_refuses_bad_arguments(db, people, args, match):
    db.as_user(people["eve"]).rejects("22023", "select * from public.feed(sort => %(sort)s, cursor => %(cursor)s, "
                                      "page_size => %(page_size)s, \"window\" => %(window)s)",
                                      {"cursor": None, "page_size": 20, "window": "week", **args}, match=match)


@pytest.mark.rule("FEED-PAGE")
@pytest.mark.parametrize(("first", "second"), [
    ({"sort": "new"}, {"sort": "hot"}),
    ({"sort": "new"}, {"sort": "new", "tag": "rust"}),
    ({"sort": "top", "window": "day"}, {"sort": "top", "window": "week"}),
])
def test_a_cursor_belongs_to_its_feed(db, people, first, second):
    for _ in range(3):
        create_post(db.as_user(people["ada"]), tags=["rust"])
    anon = db.as_anon()
    cursor = feed(anon, page_size=1, **first)[0]["next_cursor"]
    json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))  # opaque, but JSON inside
    anon.rejects("22023", "select * from public.feed(sort => %(sort)s, tag => %(tag)s, cursor => %(cursor)s, "
                 "\"window\" => %(window)s)", {"tag": None, "window": "week", **second, "cursor": cursor},
                 match="cursor")


@pytest.mark.rule("FEED-PAGE")
def test_fifty_per_page_at_most(db, people):
    seed_posts(db, [people["ada"].id], 60)
    page = feed(db.as_anon(), sort="new", page_size=50)
    assert len(page) == 50
    rest = feed(db.as_anon(), sort="new", page_size=50, cursor=page[-1]["next_cursor"])
    assert len(rest) == 10 and not set(ids(page)) & set(ids(rest))


def plans(db, caller_claims: dict, args: dict, statement: str = ") as page join") -> list[str]:
    """The plans of the statements feed() runs that hold `statement` (by default the page
    statement: its outer query joins the page as "page")."""

    def request(conn: psycopg.Connection) -> None:
        conn.execute("select set_config('request.jwt.claims', %s, false)", (json.dumps(caller_claims),))
        conn.execute("select * from public.feed(sort => %(sort)s, tag => %(tag)s, cursor => %(cursor)s, "
                     "page_size => 20, \"window\" => %(window)s)",
                     {"tag": None, "cursor": None, "window": "week", **args})

    return [p for p in nested_plans(db.url, request) if statement in p.replace("\n", " ")]


@pytest.mark.rule("FEED-SORTS", "FEED-TAG", "FEED-FOLLOWING")
def test_every_order_is_served_by_an_index(db, people):
    """On a few thousand posts every page is a range of one index: no sequential scan of posts or
    post_tags, and no sort but following's top-N of at most a page per followed author or tag."""
    authors = [db.create_user(f"author{i}@example.test").id for i in range(40)]
    seed_posts(db, authors, 4000)
    eve = people["eve"]
    db.execute("insert into public.follows (follower_id, followed_id) select %s, unnest(%s::uuid[])",
               (eve.id, authors[:10]))
    db.execute("insert into public.tag_follows (user_id, tag) values (%s, 'rust')", (eve.id,))
    db.execute("analyze public.posts; analyze private.post_tags; analyze public.follows")
    claims = {"sub": eve.id, "role": "authenticated"}
    cases = [{"sort": s} for s in ("new", "hot")] + [{"sort": "top", "window": w} for w in ("day", "all")]
    cases += [{**c, "tag": "rust"} for c in cases] + [{"sort": "following"}]
    expected = {"new": "new", "hot": "hot", "top": "top", "following": "new"}
    for args in cases:
        found = plans(db, claims, args)
        assert len(found) == 1, (args, found)
        plan = found[0]
        # The big tables only: the planner rightly reads a handful of follows or blocks in one go.
        assert not any(f"Seq Scan on {t} " in plan for t in ("posts", "post_tags", "post_votes")), (args, plan)
        index = ("post_tags_" if args.get("tag") else "posts_") + expected[args["sort"]] + "_idx"
        if args["sort"] == "following":
            # eve follows a quarter of the authors: the newest posts hold her page, read once,
            # index-only from the newest-first index and never sorted; the page then fetches those
            # posts by primary key.
            (window,) = plans(db, claims, args, statement="select array(  select w.id from (")
            assert "Index Only Scan using posts_new_idx" in window and "Sort" not in window, window
            assert "Seq Scan" not in window, window
            assert "Index Scan using posts_pkey on posts p " in plan, plan
        elif args.get("window") == "day":
            # A day's posts are found through the newest-first index and ranked: the window's rows,
            # never the whole table.
            index = index.replace("top", "new")
            assert index in plan, (args, plan)
        else:
            assert index in plan and "Sort" not in plan, (args, plan)


@pytest.mark.rule("FEED-FOLLOWING")
def test_following_quiet_authors_reads_their_ranges(db, people):
    """A reader whose followed authors and tags posted nothing among the newest 50 pages gets
    their posts all the same: per followed author and tag at most a page, merged."""
    others = [db.create_user(f"busy{i}@example.test").id for i in range(5)]
    seed_posts(db, others, 4000)
    ada, tom, eve = db.as_user(people["ada"]), db.as_user(people["tom"]), db.as_user(people["eve"])
    quiet = [create_post(ada, f"quiet {i}") for i in range(3)] + [create_post(tom, "tagged", tags=["quiet"])]
    for hours, post in zip((100 * 24, 101 * 24, 102 * 24, 99 * 24), quiet):
        backdate(db, post, hours)  # older than every seeded post (the last 60 days)
    eve.one("insert into public.follows (followed_id) values (%s) returning followed_id", (people["ada"].id,))
    eve.one("insert into public.tag_follows (tag) values ('quiet') returning tag")
    expected = [quiet[3]["id"], quiet[0]["id"], quiet[1]["id"], quiet[2]["id"]]
    for page_size in (1, 3, 20):
        seen, cursor = [], None
        while page := feed(eve, sort="following", page_size=page_size, cursor=cursor):
            seen += ids(page)
            cursor = page[-1]["next_cursor"]
        assert seen == expected, page_size
    # Posts inside the window and beyond it, in one page.
    near = create_post(ada, "recent")
    assert ids(feed(eve, sort="following", page_size=3)) == [near["id"], *expected[:2]]
    db.execute("analyze public.posts; analyze private.post_tags; analyze public.follows")
    (plan,) = plans(db, {"sub": people["eve"].id, "role": "authenticated"}, {"sort": "following"})
    assert "posts_author_created_idx" in plan and "post_tags_new_idx" in plan, plan
    assert not any(f"Seq Scan on {t} " in plan for t in ("posts", "post_tags", "post_votes")), plan


@pytest.mark.rule("FEED-FOLLOWING")
def test_a_post_with_two_followed_tags_appears_once(db, people):
    tom = db.as_user(people["tom"])
    both = create_post(tom, "go and cooking", tags=["go", "cooking"])
    only = create_post(tom, "cooking only", tags=["cooking"])
    eve = db.as_user(people["eve"])
    for tag in ("go", "cooking"):
        eve.one("insert into public.tag_follows (tag) values (%s) returning tag", (tag,))
    assert ids(feed(eve, sort="following")) == [only["id"], both["id"]]
    # Following the author as well changes nothing: still once each.
    eve.one("insert into public.follows (followed_id) values (%s) returning followed_id", (people["tom"].id,))
    assert ids(feed(eve, sort="following")) == [only["id"], both["id"]]
    assert ids(feed(eve, sort="following", tag="go")) == [both["id"]]
