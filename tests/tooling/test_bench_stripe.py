"""The HTTP benches' load generator: the Stripe bench's pre-signed requests verify with the SDK,
and responses on keep-alive connections are read however the bytes arrive."""

from __future__ import annotations

import pytest
import stripe

from ugig_db.bench import _http_load as http_load
from ugig_db.bench import stripe_webhooks as bench

RESPONSE = (b"HTTP/1.1 200 OK\r\nServer: gunicorn\r\nContent-Type: application/json\r\ncontent-length: 39\r\n\r\n"
            b'{"outcome":"duplicate","received":true}')


def test_pre_signed_requests_are_whole_http_requests_that_verify():
    body = bench._events(["00000000-0000-0000-0000-000000000001"], 1)[0]
    request = bench._signed_requests([body], 8080)[0]
    head, raw = request.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /stripe/webhook HTTP/1.1"
    fields = dict(line.split(": ", 1) for line in lines[1:])
    assert int(fields["Content-Length"]) == len(raw) and raw.decode() == body
    stripe.WebhookSignature.verify_header(raw.decode(), fields["Stripe-Signature"], bench.SECRET, 300)


@pytest.mark.parametrize("cut", [0, 10, len(RESPONSE) - 40, len(RESPONSE) - 1])
def test_a_response_is_complete_only_with_its_whole_body(cut):
    assert http_load.response_length(RESPONSE[:cut]) is None
    assert http_load.response_length(RESPONSE) == len(RESPONSE)
    assert http_load.response_length(RESPONSE + RESPONSE[:cut]) == len(RESPONSE)  # the next one waits


def test_answers_count_by_their_pattern_or_their_status():
    assert http_load.answer_of(RESPONSE, bench.OUTCOME) == "duplicate"
    assert http_load.answer_of(RESPONSE, None) == "200"
    refused = b"HTTP/1.1 401 UNAUTHORIZED\r\ncontent-length: 2\r\n\r\n{}"
    assert http_load.answer_of(refused, bench.OUTCOME) == "401"
