"""One webhook POST (webhook_service/webhooks/sender.py) to an HTTPS receiver on loopback: at
most 1 KiB of the answer read, a total deadline a trickling receiver cannot stretch, and the
connection made to the address the SSRF check approved."""

from __future__ import annotations

import base64

import pytest

from tests.support.webhook_receiver import ReceiverState, StubResolver, receiver, tls_files
from webhook_service.webhooks import sender

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
LOOPBACK = StubResolver({"hooks.example.com": ["127.0.0.1"]})


@pytest.fixture(scope="module")
def tls():
    with tls_files() as files:
        yield files


@pytest.fixture
def state():
    return ReceiverState(hang_seconds=6)


@pytest.fixture
def port(tls, state):
    with receiver(tls, state) as p:
        yield p


def post(tls, url, resolver=LOOPBACK, timeout=5.0):
    return sender.post(url, SECRET, "msg_1", b"{}", resolver=resolver, context=tls.client_context(),
                       timeout=timeout, allow_loopback=True)


@pytest.mark.rule("DELIVERY-HTTP")
def test_at_most_1_kib_of_the_answer_is_read(tls, port):
    # The receiver announces a megabyte and sends 4 KiB: reading it all would wait for bytes that
    # never come, until the deadline.
    assert post(tls, f"https://hooks.example.com:{port}/endless") == sender.Attempt(200, None)


@pytest.mark.rule("DELIVERY-HTTP")
def test_a_trickling_receiver_cannot_stretch_the_deadline(tls, port):
    # A byte every 0.2 s never trips the socket timeout; the receiver hangs up after 6 s.
    assert post(tls, f"https://hooks.example.com:{port}/trickle", timeout=1.0) == \
        sender.Attempt(None, "timed out after 1 s")


class Rebinding:
    """A DNS answer that changes between lookups: the receiver first, then a private address."""

    def __init__(self) -> None:
        self.lookups = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups += 1
        return ["127.0.0.1"] if self.lookups == 1 else ["10.0.0.5"]


@pytest.mark.rule("DELIVERY-SSRF")
def test_the_connection_goes_to_the_checked_address(tls, port, state):
    resolver = Rebinding()
    assert post(tls, f"https://rebind.example.com:{port}/ok", resolver) == sender.Attempt(204, None)
    assert resolver.lookups == 1
    (request,) = state.received("/ok")
    assert {k.lower(): v for k, v in request["headers"].items()}["host"] == f"rebind.example.com:{port}"
