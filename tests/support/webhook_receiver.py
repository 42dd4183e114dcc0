"""Webhook receivers for tests: HTTPS servers on loopback with a throwaway CA, and a resolver
stub that maps names to addresses (the worker takes a resolver, so no /etc/hosts is touched).

Each receiver answers by path: `/ok` 204, `/slow` 204 after 0.3 s, `/flaky` 500 until `state.failures` runs out then 200,
`/hang` holds the connection, `/gone` 410, `/redirect` 302 to `/ok`, `/endless` 200 announcing a megabyte
and sending 4 KiB of it, `/trickle` one header byte every 0.2 s, never finishing, `/big` 200 with 4 KiB, `/close` 204 with
`Connection: close`, `/drop` 204 and then closes the connection without saying so. `/hang`, `/endless`
and `/trickle` hold the connection for `state.hang_seconds`. Every request and every connection
(`state.connections`) is counted: connections are kept alive between requests (HTTP/1.1).
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.loopback import Handler

NAMES = ["*.example.com"]  # receivers' certificate: any https://<name>.example.com


@dataclass
class ReceiverState:
    failures: int = 0  # how many /flaky requests fail before it succeeds
    hang_seconds: float = 30.0
    connections: int = 0  # TLS connections accepted
    resumed: int = 0  # of which resumed an earlier TLS session
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, path: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if path is None or r["path"] == path]


class ReceiverHandler(Handler):
    def setup(self) -> None:
        super().setup()
        with self.state.lock:
            self.state.connections += 1
            self.state.resumed += self.connection.session_reused

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.body()
        with self.state.lock:
            self.state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                        "at": time.monotonic()})
        if self.path == "/hang":
            time.sleep(self.state.hang_seconds)
            return
        if self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Length", str(1024 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 4096)
            time.sleep(self.state.hang_seconds)
            return
        if self.path == "/trickle":
            self.trickle()
            return
        if self.path == "/slow":
            time.sleep(0.3)
        if self.path == "/flaky":
            with self.state.lock:
                failing = self.state.failures > 0
                self.state.failures -= 1
            status = 500 if failing else 200
        else:
            status = {"/ok": 204, "/slow": 204, "/close": 204, "/drop": 204, "/big": 200, "/gone": 410,
                      "/redirect": 302}.get(self.path, 404)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        if self.path == "/close":
            self.send_header("Connection", "close")  # http.server then closes after this answer
        if self.path == "/drop":
            self.close_connection = True  # closes after this answer, as a keep-alive timeout would
        if status == 204:
            self.end_headers()
            return
        payload = b"x" * 4096  # more than the worker reads
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def trickle(self) -> None:
        """A status line, then a header that never ends: each byte comes well within a socket
        timeout, so only a total deadline stops the sender before the receiver hangs up."""
        self.close_connection = True
        until = time.monotonic() + self.state.hang_seconds
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Trickle: ")
            while time.monotonic() < until:
                time.sleep(0.2)
                self.wfile.write(b"x")
        except OSError:  # the sender gave up and closed the connection
            pass


@dataclass(frozen=True)
class Tls:
    ca_file: str
    cert_file: str
    key_file: str

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


def make_tls(directory: Path) -> Tls:
    """A CA and a server certificate for NAMES, signed by it."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ugig test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAMES[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in NAMES]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = Tls(str(directory / "ca.pem"), str(directory / "cert.pem"), str(directory / "key.pem"))
    Path(paths.ca_file).write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    Path(paths.cert_file).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(paths.key_file).write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return paths


class ReceiverServer(ThreadingHTTPServer):
    request_queue_size = 256  # socketserver's 5 drops connections when many workers send at once


@contextmanager
def receiver(tls: Tls, state: ReceiverState) -> Iterator[int]:
    """An HTTPS receiver on 127.0.0.1; yields its port."""
    server = ReceiverServer(("127.0.0.1", 0), ReceiverHandler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.cert_file, tls.key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class StubResolver:
    """Resolves the names it is given and nothing else (an unknown name fails as DNS would)."""

    def __init__(self, addresses: dict[str, list[str]]) -> None:
        self.addresses = addresses

    def __call__(self, host: str, port: int) -> list[str]:
        try:
            return self.addresses[host]
        except KeyError:
            raise OSError(f"[Errno -2] Name or service not known: {host}") from None


@contextmanager
def tls_files() -> Iterator[Tls]:
    with tempfile.TemporaryDirectory(prefix="ugig-webhook-tls-") as d:
        yield make_tls(Path(d))


def main(db_url: str, ca_file: str) -> None:
    """A worker process for the kill test: every *.example.com name resolves to loopback."""
    from webhook_service.webhooks.worker import Settings, Worker

    class Loopback(StubResolver):
        def __call__(self, host: str, port: int) -> list[str]:
            return ["127.0.0.1"]

    settings = Settings(db_url=db_url, concurrency=4, batch_size=4, lease_seconds=3, timeout_seconds=2,
                        poll_seconds=0.05, allow_loopback=True)
    Worker(settings, resolver=Loopback({}), context=ssl.create_default_context(cafile=ca_file)).run(threading.Event())


if __name__ == "__main__":
    import sys

    main(sys.argv[1], sys.argv[2])
