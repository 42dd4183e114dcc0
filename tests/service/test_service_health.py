"""The Flask factory and its probes."""

import pytest

from webhook_service import create_app, db as service_db
from webhook_service.config import ConfigError


@pytest.mark.rule("SVC-HEALTH")
def test_healthz_answers_without_database():
    app = create_app({"DB_URL": "postgresql://nobody@127.0.0.1:1/none", "TESTING": True})
    assert app.test_client().get("/healthz").json == {"status": "ok"}


@pytest.mark.rule("SVC-HEALTH")
def test_readyz_ok_when_database_answers(db):
    app = create_app({"DB_URL": db.service_url, "TESTING": True})
    response = app.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["status"] == "ok"


@pytest.mark.rule("SVC-HEALTH")
def test_readyz_unavailable_when_database_is_down():
    app = create_app({"DB_URL": "postgresql://nobody@127.0.0.1:1/none", "TESTING": True})
    assert app.test_client().get("/readyz").status_code == 503


def test_missing_database_url_is_named(monkeypatch):
    monkeypatch.delenv("SUPABASE_DB_URL", raising=False)
    with pytest.raises(ConfigError, match="SUPABASE_DB_URL"):
        create_app()


@pytest.mark.rule("SVC-LOGS")
def test_request_id_is_echoed_and_generated():
    app = create_app({"DB_URL": "postgresql://nobody@127.0.0.1:1/none"})
    client = app.test_client()
    assert client.get("/healthz", headers={"X-Request-Id": "abc"}).headers["X-Request-Id"] == "abc"
    assert len(client.get("/healthz").headers["X-Request-Id"]) == 32


@pytest.mark.rule("SVC-POOLER")
def test_pool_connections_never_prepare_statements(db):
    # psycopg prepares a query run 5 times on one connection unless prepare_threshold is None;
    # behind the transaction pooler the next transaction may land on a backend without it.
    app = create_app({"DB_URL": db.url, "TESTING": True})
    try:
        with app.app_context():
            for _ in range(8):
                with service_db.transaction() as conn:
                    conn.execute("select %s::int", (1,))
            with service_db.transaction() as conn:
                assert conn.execute("select count(*) from pg_catalog.pg_prepared_statements").fetchone() == (0,)
    finally:
        service_db.pool(app).close()
