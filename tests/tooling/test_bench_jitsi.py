"""The Jitsi bench's HTTP phase: whole token requests, and answers counted as tokens only when a
200 carries a signed JWT."""

from __future__ import annotations

import json

from ugig_db.bench import _http_load as http_load
from ugig_db.bench import jitsi_tokens as bench

PAIRS = [("00000000-0000-0000-0000-00000000000a", "eyJh.eyJi.c2ln"), ("00000000-0000-0000-0000-00000000000b", "t2")]


def test_token_requests_are_whole_http_requests_cycling_through_the_participants():
    requests = bench.token_requests(PAIRS, 8080, 3)
    heads = []
    for request, (call_id, token) in zip(requests, [*PAIRS, PAIRS[0]]):
        head, body = request.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        fields = dict(line.split(": ", 1) for line in lines[1:])
        assert lines[0] == "POST /jitsi/token HTTP/1.1" and fields["Authorization"] == f"Bearer {token}"
        assert int(fields["Content-Length"]) == len(body) and json.loads(body) == {"call_id": call_id}
        heads.append(head)
    assert heads[0] == heads[2] != heads[1]


def answer(status: str, body: dict) -> bytes:
    raw = json.dumps(body, separators=(",", ":")).encode()
    return f"HTTP/1.1 {status}\r\ncontent-length: {len(raw)}\r\n\r\n".encode() + raw


def test_only_a_200_carrying_a_token_counts_as_one():
    issued = answer("200 OK", {"domain": "8x8.vc", "jwt": "eyJh.eyJi.c2ln", "room_name": "r"})
    assert http_load.answer_of(issued, bench.TOKEN) == "jwt"
    assert http_load.answer_of(answer("200 OK", {"jwt": ""}), bench.TOKEN) == "200"
    assert http_load.answer_of(answer("401 UNAUTHORIZED", {"error": "unauthorized"}), bench.TOKEN) == "401"
