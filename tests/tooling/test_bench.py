"""The benchmark harness: percentiles, plan checks, the docs section it rewrites, and a small
run of a real query the PostgREST way."""

from __future__ import annotations

import psycopg
import pytest

from ugig_db import localdb, pgrest, scale_seed
from ugig_db.bench import __main__ as bench_main
from ugig_db.bench import _proc, _report, client_queries
from tests.support import database


@pytest.mark.parametrize(
    ("samples", "p", "expected"),
    [
        ([5.0], 50, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 95, 4.0),
        (list(map(float, range(1, 101))), 95, 95.0),
        (list(map(float, range(100, 0, -1))), 99, 99.0),
    ],
)
def test_percentile_is_nearest_rank(samples, p, expected):
    assert _report.percentile(samples, p) == expected


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        _report.percentile([], 50)


PLAN = {"Plan": {"Node Type": "Limit", "Plans": [
    {"Node Type": "Nested Loop", "Plans": [
        {"Node Type": "Seq Scan", "Schema": "public", "Relation Name": "gig_categories"},
        {"Node Type": "Seq Scan", "Schema": "public", "Relation Name": "messages"},
        {"Node Type": "Index Scan", "Schema": "public", "Relation Name": "gigs"},
    ]},
]}}


def test_plan_check_flags_seq_scans_on_big_tables_only():
    assert _report.seq_scans([PLAN], {"public.messages", "public.gigs"}) == ["public.messages"]
    assert _report.seq_scans([PLAN], {"public.gigs"}) == []


def test_sort_check_counts_the_rows_each_sort_read():
    plan = {"Plan": {"Node Type": "Limit", "Plans": [
        {"Node Type": "Sort", "Actual Rows": 50, "Actual Loops": 1, "Plans": [
            {"Node Type": "Bitmap Heap Scan", "Actual Rows": 3412, "Actual Loops": 1},
        ]},
        {"Node Type": "Index Scan", "Actual Rows": 50, "Actual Loops": 1},
    ]}}
    assert _report.sorted_rows([plan]) == [3412]
    assert _report.sorted_rows([PLAN]) == []


def test_report_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n<!-- bench:queries -->\nold\n<!-- /bench:queries -->\n\nafter\n")
    _report.replace_section("queries", "new table", doc)
    _report.replace_section("migrate", "migration line", doc)
    text = doc.read_text()
    assert "old" not in text and "<!-- bench:queries -->\nnew table\n<!-- /bench:queries -->" in text
    assert text.index("intro") < text.index("new table") < text.index("after") < text.index("migration line")
    _report.replace_section("queries", "newer", doc)
    assert doc.read_text().count("bench:queries -->") == 2


def test_bench_runs_every_module_and_refuses_unknown_ones():
    assert {"client_queries", "migration"} <= set(bench_main.modules())
    with pytest.raises(SystemExit):
        bench_main.main(["no_such_bench"])


def test_server_cpu_counts_backends_that_ended():
    url = localdb.start()  # the server the benchmarks use unless told otherwise
    postmaster = _proc.postmaster_pid(url)
    assert postmaster is not None
    before = _proc.server_cpu_seconds(postmaster)
    with psycopg.connect(url) as conn:
        conn.execute("select count(*) from generate_series(1, 5000000)")  # a few hundred ms of CPU
    # The backend has ended (its CPU is in the postmaster's reaped children's) or is ending.
    assert _proc.server_cpu_seconds(postmaster) - before >= 0.1


@pytest.fixture(scope="module")
def small_marketplace(db_server, template_db):
    """A tiny generated marketplace shared by the module (the runs only read it)."""
    name = database.create_database(db_server, template=template_db)
    url = database.database_url(db_server, name)
    scale_seed.generate(url, 0.0005, out=lambda _line: None)
    yield url
    database.drop_database(db_server, name)


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


def test_a_small_run_times_the_request_as_the_client_and_as_postgres(small_marketplace):
    query = next(q for q in client_queries.QUERIES if q.name == "unread notification count")
    with connect(small_marketplace) as conn:
        result = client_queries.measure(conn, query, iterations=5)
    assert len(result.samples_ms) == len(result.baseline_ms) == 5
    assert result.seq_scans == [] and result.ratio > 0
    assert "| unread notification count | authenticated | 1 | 5 |" in client_queries.table([result])


def test_plans_include_a_seq_scan_where_no_index_helps(small_marketplace):
    with connect(small_marketplace) as conn:
        found = client_queries.plans(conn, "anon", pgrest.anon_claims(),
                                     "select count(*) from public.profiles where bio like %(p)s", {"p": "%AI%"})
    assert _report.seq_scans(found, client_queries.BIG_TABLES) == ["public.profiles"]


def test_the_client_query_sees_only_the_callers_rows(small_marketplace):
    query = next(q for q in client_queries.QUERIES if q.name == "unread notification count")
    with connect(small_marketplace) as conn:
        uid = str(conn.execute(query.subject_sql).fetchone()[0])
        claims = client_queries.claims_for("authenticated", uid)
        with conn.transaction():
            pgrest.begin_request(conn, "authenticated", claims)
            mine = conn.execute(query.sql).fetchone()[0]
        everyone = conn.execute("select count(*) from public.notifications where read_at is null").fetchone()[0]
    assert 0 < mine < everyone


def test_a_rest_page_is_sent_for_each_subject(small_marketplace):
    query = next(q for q in client_queries.QUERIES if q.name.startswith("REST messages?conversation_id"))
    with connect(small_marketplace) as conn:
        result = client_queries.measure(conn, query, iterations=5)
    # The small marketplace has more conversations than that; plans are checked at scale, not here.
    assert result.subjects == client_queries.SUBJECTS and len(result.samples_ms) == 5


def test_the_rest_messages_page_is_the_participants_conversation_newest_first(small_marketplace):
    query = next(q for q in client_queries.QUERIES if q.name.startswith("REST messages?conversation_id"))
    with connect(small_marketplace) as conn:
        subject = client_queries.subjects(conn, query)[0]
        expected = [str(r[0]) for r in conn.execute(
            "select id from public.messages where conversation_id = %s order by created_at desc limit 50",
            (subject["conversation_id"],))]
        stranger = conn.execute(
            """select id::text from public.profiles where id not in
               (select user_id from public.conversation_participants where conversation_id = %s) limit 1""",
            (subject["conversation_id"],)).fetchone()[0]

        def page(uid: str) -> list[str]:
            with conn.transaction():
                pgrest.begin_request(conn, "authenticated", client_queries.claims_for("authenticated", uid))
                body = conn.execute(query.sql, subject).fetchone()[2]
            return [m["id"] for m in body]

        assert expected and page(subject["uid"]) == expected
        assert page(stranger) == []


@pytest.mark.parametrize("name", [
    "REST rpc/my_applications?page_size=20 (sent and received), busiest posters",
    "REST rpc/my_applications?before_created_at=…&before_id=…&page_size=20, after the 1,000th, busiest posters",
])
def test_the_my_applications_page_is_the_rls_only_list_page(small_marketplace, name):
    # The RPC the docs send clients to returns what the RLS-only read of the table returns.
    query = next(q for q in client_queries.QUERIES if q.name == name)
    with connect(small_marketplace) as conn:
        subject = client_queries.subjects(conn, query)[0]
        with conn.transaction():
            pgrest.begin_request(conn, "authenticated", client_queries.claims_for("authenticated", subject["uid"]))
            page = [r["id"] for r in conn.execute(query.sql, subject).fetchone()[2]]
            expected = [str(r[0]) for r in conn.execute(
                """select id from public.applications
                   where (created_at, id) < (coalesce(%(before_created_at)s::timestamptz, 'infinity'),
                                             coalesce(%(before_id)s::uuid, gen_random_uuid()))
                   order by created_at desc, id desc limit 20""",
                {"before_created_at": None, "before_id": None, **subject})]
    assert len(page) == 20 and page == expected
