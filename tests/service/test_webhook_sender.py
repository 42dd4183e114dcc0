"""One webhook POST (webhook_service/webhooks/sender.py) to an HTTPS receiver on loopback: at
most 1 KiB of the answer read, a total deadline a trickling receiver cannot stretch, the
connection made to the address the SSRF check approved, and kept for the next delivery only when
that is safe."""

from __future__ import annotations

import base64
import ssl

import pytest

from tests.support.webhook_receiver import ReceiverState, StubResolver, receiver, tls_files
from webhook_service.webhooks import sender
from webhook_service.webhooks.connections import Connections

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


@pytest.fixture
def connections():
    pool = Connections()
    yield pool
    pool.close()


CONTEXTS: dict[str, ssl.SSLContext] = {}  # one per CA, as one per worker: TLS sessions belong to it


def post(tls, url, resolver=LOOPBACK, timeout=5.0, connections=None):
    context = CONTEXTS.setdefault(tls.ca_file, tls.client_context())
    return sender.post(url, SECRET, "msg_1", b"{}", resolver=resolver, context=context,
                       connections=connections or Connections(), timeout=timeout, allow_loopback=True)


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


@pytest.mark.rule("DELIVERY-SSRF", "DELIVERY-REUSE")
def test_a_reused_connection_keeps_the_checked_address_and_a_new_one_is_checked_again(tls, port, state,
                                                                                   connections):
    # The name now resolves to a private address: the open connection still goes where the
    # check sent it, and the first new connection looks the name up again and is refused.
    resolver = Rebinding()
    sent = [post(tls, f"https://rebind.example.com:{port}{path}", resolver, connections=connections)
            for path in ("/ok", "/ok", "/close", "/ok")]
    assert sent[:3] == [sender.Attempt(204, None)] * 3 and state.connections == 1
    assert sent[3] == sender.Attempt(None, "rebind.example.com resolves to 10.0.0.5, which is not a public address")
    assert resolver.lookups == 2 and len(state.received()) == 3


@pytest.mark.rule("DELIVERY-REUSE")
def test_deliveries_to_a_receiver_share_a_connection(tls, port, state, connections):
    results = [post(tls, f"https://hooks.example.com:{port}/ok", connections=connections) for _ in range(5)]
    assert results == [sender.Attempt(204, None)] * 5
    assert len(state.received("/ok")) == 5 and state.connections == 1


@pytest.mark.rule("DELIVERY-REUSE")
@pytest.mark.parametrize("path", ["/close", "/drop"])
def test_a_connection_the_server_closes_is_not_reused(tls, port, state, connections, path):
    # /close says so (Connection: close); /drop just closes after answering, as an idle timeout does.
    results = [post(tls, f"https://hooks.example.com:{port}{path}", connections=connections) for _ in range(3)]
    assert results == [sender.Attempt(204, None)] * 3
    assert len(state.received(path)) == 3 and state.connections == 3
    assert state.resumed == 2  # each new connection resumes the last TLS session


@pytest.mark.rule("DELIVERY-REUSE", "DELIVERY-HTTP")
def test_an_answer_over_1_kib_closes_the_connection(tls, port, state, connections):
    # What is left unread would be taken for the next answer: the connection is not kept.
    results = [post(tls, f"https://hooks.example.com:{port}/big", connections=connections) for _ in range(3)]
    assert results == [sender.Attempt(200, None)] * 3 and state.connections == 3


@pytest.mark.rule("DELIVERY-REUSE", "DELIVERY-HTTP")
def test_the_deadline_covers_a_reused_connection(tls, port, state, connections):
    assert post(tls, f"https://hooks.example.com:{port}/ok", connections=connections) == sender.Attempt(204, None)
    assert post(tls, f"https://hooks.example.com:{port}/hang", timeout=1.0, connections=connections) == \
        sender.Attempt(None, "timed out after 1 s")
    assert state.connections == 1  # the hanging request went over the kept connection
    assert post(tls, f"https://hooks.example.com:{port}/ok", connections=connections) == sender.Attempt(204, None)
    assert state.connections == 2  # ... which was closed, not kept
