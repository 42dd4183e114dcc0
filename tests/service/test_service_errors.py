"""Every answer of the service is JSON `{error, message}`, also those Flask gives itself."""

from __future__ import annotations

import pytest

from webhook_service import create_app

NOWHERE = "postgresql://nobody@127.0.0.1:1/none"  # these answers never reach the database


@pytest.fixture
def client():
    app = create_app({"DB_URL": NOWHERE, "TESTING": True, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail that must not reach the client")

    return app.test_client()


def test_an_unknown_path_is_a_json_404(client):
    response = client.get("/no/such/path")
    assert (response.status_code, response.mimetype) == (404, "application/json")
    assert response.json["error"] == "not_found" and response.json["message"]


def test_a_method_a_route_does_not_take_is_a_json_405_with_allow(client):
    response = client.post("/healthz")
    assert (response.status_code, response.mimetype) == (405, "application/json")
    assert response.json["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_error_is_a_json_500_without_its_detail(client):
    response = client.get("/boom")
    assert (response.status_code, response.mimetype) == (500, "application/json")
    assert response.json["error"] == "internal_server_error"
    assert "secret detail" not in response.get_data(as_text=True)
