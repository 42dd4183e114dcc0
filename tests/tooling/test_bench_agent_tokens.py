"""The token-exchange bench: whole HTTP requests cycling through the keys, answers counted as
tokens only when a 200 carries one, and a tiny run through gunicorn as ugig_service."""

from __future__ import annotations

import json

from ugig_db.bench import _http_load as http_load
from ugig_db.bench import _proc
from ugig_db.bench import agent_tokens as bench


def test_token_requests_are_whole_http_requests_cycling_through_the_keys():
    keys = ["ugig_sk_" + "a" * 43, "ugig_sk_" + "b" * 43]
    requests = bench.token_requests(keys, 8080, 3)
    for request, key in zip(requests, [*keys, keys[0]]):
        head, body = request.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        fields = dict(line.split(": ", 1) for line in lines[1:])
        assert lines[0] == "POST /auth/token HTTP/1.1" and fields["Authorization"] == f"Bearer {key}"
        assert fields["Content-Length"] == "0" and body == b""
    assert requests[0] == requests[2] != requests[1]


def answer(status: str, body: dict) -> bytes:
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"HTTP/1.1 {status}\r\ncontent-length: {len(raw)}\r\n\r\n".encode() + raw


def test_only_a_200_carrying_a_token_counts_as_one():
    issued = answer("200 OK", {"access_token": "eyJh.eyJi.c2ln", "token_type": "bearer", "expires_in": 900})
    assert http_load.answer_of(issued, bench.TOKEN) == "access_token"
    assert http_load.answer_of(answer("200 OK", {"access_token": ""}), bench.TOKEN) == "200"
    assert http_load.answer_of(answer("401 Unauthorized", {"error": "invalid_api_key"}), bench.TOKEN) == "401"


def test_a_tiny_run_exchanges_every_key_through_gunicorn_as_ugig_service(db, monkeypatch):
    monkeypatch.setattr(bench, "KEYS", 3)
    keys = bench.prepare(db.url)
    assert len(set(keys)) == 3 and all(k.startswith("ugig_sk_") for k in keys)
    phase, postgres_cpu = bench.over_http(db.service_url, keys, 6, _proc.postmaster_pid(db.url))
    assert phase.answers == {"access_token": 6} and phase.rate > 0 and postgres_cpu is not None
    assert db.execute("select count(*) from public.api_keys where last_used_at is not null") == [(3,)]
