"""search_gigs, record_gig_view, set_application_status and bulk_set_application_status."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support.marketplace import apply_to, create_gig, set_status

DESC = "A longer description of the work that needs doing, with enough words to be valid."


@pytest.fixture
def catalog(db, poster, stranger):
    """Five gigs of two posters, published one second apart, plus a draft and a closed gig."""
    mine, theirs = db.as_user(poster), db.as_user(stranger)
    gigs = {
        "rust": create_gig(mine, title="Rust backend for payments", skills_required=["rust"], category="web-development",
                           budget_min=1000, budget_max=5000, description=DESC + " Rust and Postgres."),
        "etl": create_gig(mine, title="Python ETL data pipeline", skills_required=["python", "sql"],
                          budget_min=200, budget_max=800, budget_type="hourly", description=DESC),
        "ml": create_gig(theirs, title="Fine-tune a language model", skills_required=["python", "pytorch"],
                         category="ai-ml", budget_min=3000, budget_max=3000, location_type="hybrid",
                         description=DESC + " Python and data."),
        "logo": create_gig(theirs, title="Design a logo for a bakery", skills_required=["figma"], category="design",
                           budget_min=None, budget_max=None, description=DESC),
        "site": create_gig(theirs, title="Static website for a rust club", skills_required=["html"],
                           budget_min=100, budget_max=300, description=DESC),
        "draft": create_gig(mine, title="Draft: rust secret project", status="draft", description=DESC),
        "closed": create_gig(theirs, title="Closed rust gig for nobody", description=DESC),
    }
    set_status(theirs, "gigs", gigs["closed"]["id"], "closed")
    order = ["rust", "etl", "ml", "logo", "site"]
    db.execute("set session_replication_role = replica")  # published_at is immutable once set
    for i, key in enumerate(order):
        db.execute("update public.gigs set published_at = now() - make_interval(secs => %s) where id = %s",
                   (100 - i, gigs[key]["id"]))
    db.execute("reset session_replication_role")
    return {k: v["id"] for k, v in gigs.items()}


def titles(rows, catalog):
    names = {v: k for k, v in catalog.items()}
    return [names[r["id"]] for r in rows]


def test_newest_first_by_default_without_query(anon, catalog):
    assert titles(anon.rpc_rows("search_gigs"), catalog) == ["site", "logo", "ml", "etl", "rust"]


@pytest.mark.rule("GIG-SEARCH")
def test_full_text_with_web_search_syntax(anon, catalog):
    assert set(titles(anon.rpc_rows("search_gigs", q="rust"), catalog)) == {"rust", "site"}
    assert titles(anon.rpc_rows("search_gigs", q="rust -club"), catalog) == ["rust"]
    assert set(titles(anon.rpc_rows("search_gigs", q="logo or pipeline"), catalog)) == {"logo", "etl"}


def test_query_of_only_stop_words_filters_nothing(anon, catalog):
    assert len(anon.rpc_rows("search_gigs", q="the a")) == len(anon.rpc_rows("search_gigs")) == 5


@pytest.mark.rule("GIG-SEARCH")
def test_relevance_ranks_title_matches_first(anon, catalog):
    rows = anon.rpc_rows("search_gigs", q="python")
    assert titles(rows, catalog)[0] == "etl"
    assert rows[0]["rank"] >= rows[-1]["rank"] > 0


@pytest.mark.rule("GIG-SEARCH")
def test_drafts_and_closed_gigs_are_not_found(db, poster, catalog):
    found = titles(db.as_user(poster).rpc_rows("search_gigs", q="rust"), catalog)
    assert "draft" not in found and "closed" not in found


@pytest.mark.rule("GIG-SEARCH")
@pytest.mark.parametrize("args, expected", [
    ({"category": "ai-ml"}, {"ml"}),
    ({"skills": ["python"]}, {"etl", "ml"}),
    ({"skills": ["figma", "html"]}, {"logo", "site"}),
    ({"budget_type": "hourly"}, {"etl"}),
    ({"budget_min": 2000}, {"rust", "ml"}),
    ({"budget_max": 250}, {"etl", "site"}),
    ({"budget_min": 500, "budget_max": 900}, {"etl"}),
    ({"location_type": "hybrid"}, {"ml"}),
    ({"q": "python", "category": "data"}, {"etl"}),
])
def test_filters(anon, catalog, args, expected):
    assert set(titles(anon.rpc_rows("search_gigs", **args), catalog)) == expected


@pytest.mark.rule("GIG-SEARCH")
def test_budget_sort_highest_first_unknown_last(anon, catalog):
    assert titles(anon.rpc_rows("search_gigs", sort="budget"), catalog) == ["rust", "ml", "etl", "site", "logo"]


@pytest.mark.rule("GIG-SEARCH")
@pytest.mark.parametrize("sort, q", [("newest", None), ("budget", None), ("relevance", "python or rust or data")])
def test_keyset_pages_cover_everything_once(anon, catalog, sort, q):
    full = anon.rpc_rows("search_gigs", sort=sort, q=q, page_size=50)
    seen, cursor = [], None
    while True:
        page = anon.rpc_rows("search_gigs", sort=sort, q=q, page_size=2, cursor=cursor)
        seen += [r["id"] for r in page]
        if len(page) < 2:
            break
        cursor = page[-1]["next_cursor"]
    assert seen == [r["id"] for r in full] and len(full) >= 3


@pytest.mark.rule("GIG-SEARCH-ARGS")
@pytest.mark.parametrize("args", [
    {"page_size": 51}, {"page_size": 0}, {"sort": "cheapest"}, {"cursor": "not-a-cursor"},
])
def test_invalid_search_arguments(anon, catalog, args):
    anon.rejects_rpc("22023", "search_gigs", **args)


@pytest.mark.rule("GIG-SEARCH-ARGS")
def test_cursor_of_another_sort_is_refused(anon, catalog):
    cursor = anon.rpc_rows("search_gigs", sort="budget", page_size=1)[0]["next_cursor"]
    anon.rejects_rpc("22023", "search_gigs", sort="newest", cursor=cursor)


@pytest.mark.rule("GIG-SEARCH")
def test_search_runs_with_the_callers_rights(db, catalog):
    assert db.execute("select prosecdef from pg_proc where oid = 'public.search_gigs'::regproc") == [(False,)]
    # The private reader only sees active gigs; each hit is re-read under the caller's policies, so a
    # rule hiding a gig from someone hides it from their search too.
    db.execute("create policy hide_etl on public.gigs as restrictive for select to anon using (title not like 'Python ETL%')")
    assert set(titles(db.as_anon().rpc_rows("search_gigs", q="python"), catalog)) == {"ml"}


def age(db, catalog, days, *keys):
    """Publish these gigs `days` ago (published_at is immutable: triggers off)."""
    db.execute("set session_replication_role = replica")
    for key in keys:
        db.execute("update public.gigs set published_at = published_at - make_interval(days => %s) where id = %s",
                   (days, catalog[key]))
    db.execute("reset session_replication_role")


def test_relevance_ranks_this_weeks_gigs_before_older_ones(db, anon, catalog):
    assert titles(anon.rpc_rows("search_gigs", q="rust"), catalog) == ["rust", "site"]
    age(db, catalog, 8, "rust")
    # The stronger match is older than a week: the fresh one comes first, then the older by rank.
    assert titles(anon.rpc_rows("search_gigs", q="rust"), catalog) == ["site", "rust"]


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_relevance_pages_run_through_both_tiers_once(db, anon, catalog, page_size):
    age(db, catalog, 10, "etl", "rust")
    q = "python or rust or data"
    full = anon.rpc_rows("search_gigs", q=q, page_size=50)
    assert set(titles(full, catalog)[:2]) == {"ml", "site"} and set(titles(full, catalog)[2:]) == {"etl", "rust"}
    seen, cursor = [], None
    while True:
        page = anon.rpc_rows("search_gigs", q=q, page_size=page_size, cursor=cursor)
        seen += [r["id"] for r in page]
        if len(page) < page_size:
            break
        cursor = page[-1]["next_cursor"]
    assert seen == [r["id"] for r in full]


@pytest.mark.rule("GIG-SEARCH-ARGS")
def test_a_relevance_cursor_without_its_tier_is_refused(anon, catalog):
    cursor = anon.rpc_rows("search_gigs", q="rust", page_size=1)[0]["next_cursor"]
    fields = json.loads(base64.b64decode(cursor))
    assert set(fields) == {"s", "k", "id", "f", "b"}
    del fields["b"]
    anon.rejects_rpc("22023", "search_gigs", q="rust", cursor=base64.b64encode(json.dumps(fields).encode()).decode())


# --- record_gig_view ----------------------------------------------------------------------

@pytest.fixture
def gig(db, poster):
    return create_gig(db.as_user(poster))


def views(db, gig):
    return db.execute("select views_count from public.gigs where id = %s", (gig["id"],))[0][0]


@pytest.mark.rule("GIG-VIEW")
def test_one_view_per_user_per_day(db, applicant, stranger, gig):
    assert db.as_user(applicant).rpc("record_gig_view", gig_id=gig["id"]) is True
    assert db.as_user(applicant).rpc("record_gig_view", gig_id=gig["id"]) is False
    assert db.as_user(stranger).rpc("record_gig_view", gig_id=gig["id"]) is True
    assert views(db, gig) == 2


@pytest.mark.rule("GIG-VIEW")
def test_a_new_day_counts_again(db, applicant, gig):
    db.as_user(applicant).rpc("record_gig_view", gig_id=gig["id"])
    db.execute("update private.gig_views set viewed_on = viewed_on - 1")
    assert db.as_user(applicant).rpc("record_gig_view", gig_id=gig["id"]) is True
    assert views(db, gig) == 2


@pytest.mark.rule("GIG-VIEW")
def test_poster_views_do_not_count(db, poster, gig):
    assert db.as_user(poster).rpc("record_gig_view", gig_id=gig["id"]) is False
    assert views(db, gig) == 0


def test_visitors_are_counted_by_client_address(db, gig):
    def visitor(ip):
        c = db.as_anon()
        c.settings["request.headers"] = '{"x-forwarded-for": "%s, 10.0.0.1"}' % ip
        return c.rpc("record_gig_view", gig_id=gig["id"])

    assert [visitor("1.2.3.4"), visitor("1.2.3.4"), visitor("5.6.7.8")] == [True, False, True]
    assert db.as_anon().rpc("record_gig_view", gig_id=gig["id"]) is False  # no address: not counted
    assert views(db, gig) == 2


@pytest.mark.rule("GIG-VIEW")
def test_view_of_invisible_gig_is_not_found(db, poster, applicant):
    draft = create_gig(db.as_user(poster), status="draft")
    db.as_user(applicant).rejects_rpc("PT404", "record_gig_view", gig_id=draft["id"])
    db.as_anon().rejects_rpc("PT404", "record_gig_view", gig_id="00000000-0000-0000-0000-000000000001")


@pytest.mark.rule("GIG-VIEW")
def test_clients_cannot_write_the_view_log(db, applicant):
    db.as_user(applicant).rejects("42501", "select * from private.gig_views")


def test_deleted_viewer_leaves_no_view_rows(db, applicant, gig):
    db.as_user(applicant).rpc("record_gig_view", gig_id=gig["id"])
    db.execute("delete from auth.users where id = %s", (applicant.id,))
    assert db.execute("select count(*) from private.gig_views") == [(0,)]


# --- set_application_status / bulk --------------------------------------------------------

@pytest.fixture
def applications(db, poster, gig):
    users = [db.create_user(f"a{i}@example.test") for i in range(3)]
    return [apply_to(db.as_user(u), gig["id"]) for u in users], users


@pytest.mark.rule("APP-STATUS-RPC")
def test_poster_sets_status(db, poster, applications):
    apps, _ = applications
    row = db.as_user(poster).rpc("set_application_status", application_id=apps[0]["id"], status="shortlisted")
    assert "shortlisted" in str(row)


@pytest.mark.rule("APP-STATUS-RPC")
def test_set_status_of_invisible_application_is_not_found(db, stranger, applications):
    apps, _ = applications
    db.as_user(stranger).rejects_rpc("PT404", "set_application_status", application_id=apps[0]["id"],
                                     status="rejected")


@pytest.mark.rule("APP-STATUS-RPC")
def test_applicant_withdraws_through_rpc_but_cannot_accept(db, applications):
    apps, users = applications
    me = db.as_user(users[0])
    me.rejects_rpc("42501", "set_application_status", application_id=apps[0]["id"], status="accepted")
    assert "withdrawn" in str(me.rpc("set_application_status", application_id=apps[0]["id"], status="withdrawn"))


@pytest.mark.rule("APP-STATUS-RPC")
def test_bulk_sets_all(db, poster, applications):
    apps, _ = applications
    rows = db.as_user(poster).rpc_rows("bulk_set_application_status",
                                       application_ids=[a["id"] for a in apps], status="reviewing")
    assert sorted(r["status"] for r in rows) == ["reviewing"] * 3


@pytest.mark.rule("APP-STATUS-RPC")
def test_bulk_is_all_or_nothing(db, poster, applications):
    apps, users = applications
    set_status(db.as_user(users[0]), "applications", apps[0]["id"], "withdrawn")
    db.as_user(poster).rejects_rpc("PT409", "bulk_set_application_status",
                                   application_ids=[a["id"] for a in apps], status="rejected")
    assert db.as_user(poster).sql("select status from public.applications where status = 'rejected'") == []


@pytest.mark.rule("APP-STATUS-RPC")
def test_bulk_with_an_unknown_id_changes_nothing(db, poster, applications):
    apps, _ = applications
    db.as_user(poster).rejects_rpc("PT404", "bulk_set_application_status",
                                   application_ids=[str(apps[0]["id"]), "00000000-0000-0000-0000-000000000001"],
                                   status="rejected")
    assert db.as_user(poster).sql("select id from public.applications where status = 'rejected'") == []


@pytest.mark.rule("APP-STATUS-RPC")
@pytest.mark.parametrize("count", [0, 51])
def test_bulk_size_is_limited(db, poster, count):
    ids = [f"00000000-0000-0000-0000-{i:012d}" for i in range(count)]
    db.as_user(poster).rejects_rpc("22023", "bulk_set_application_status", application_ids=ids, status="rejected")


@pytest.mark.rule("APP-STATUS-RPC")
def test_bulk_accept_beyond_positions_is_refused_whole(db, poster, gig, applications):
    apps, _ = applications
    db.as_user(poster).sql("update public.gigs set positions = 2 where id = %s returning id", (gig["id"],))
    db.as_user(poster).rejects_rpc("PT409", "bulk_set_application_status",
                                   application_ids=[a["id"] for a in apps], status="accepted")
    rows = db.as_user(poster).rpc_rows("bulk_set_application_status",
                                       application_ids=[a["id"] for a in apps[:2]], status="accepted")
    assert len(rows) == 2
    assert db.as_user(poster).scalar("select status from public.gigs where id = %s", (gig["id"],)) == "filled"
    assert db.as_user(poster).scalar("select status from public.applications where id = %s",
                                     (apps[2]["id"],)) == "rejected"


@pytest.mark.rule("APP-STATUS-RPC")
def test_anon_cannot_call_status_rpcs(anon):
    anon.rejects_rpc("42501", "set_application_status", application_id="00000000-0000-0000-0000-000000000001",
                     status="rejected")
