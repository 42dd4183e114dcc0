"""The load generator of the benchmarks that go through the deployed web stack: the service under
gunicorn (gunicorn.conf.py, gevent workers) on loopback, fed whole pre-built HTTP/1.1 requests
over keep-alive connections by one event loop per client process.

The generator shares the cores with gunicorn and PostgreSQL, so it does as little as it can: the
requests are encoded before a phase starts, each connection sends its next request as soon as the
previous answer is complete (closed loop), and CPU per request is read from /proc for the
generator, for gunicorn (master and workers) and for the rest of the machine.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import selectors
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Mapping

from ugig_db import paths
from ugig_db.bench import _proc as proc


@dataclass(frozen=True)
class Phase:
    """One pass over the requests: wall time, client-side latencies (ms), answers, and CPU seconds
    of the load generator, of gunicorn (master and workers) and of everything else on the machine
    (PostgreSQL, and whatever else runs meanwhile)."""

    requests: int
    seconds: float
    latencies: list[float]
    answers: dict[str, int]
    client_cpu: float
    service_cpu: float
    other_cpu: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def cpu_us(self, seconds: float) -> str:
        return f"{seconds / self.requests * 1e6:,.0f}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


def response_length(buffer: bytes) -> int | None:
    """The length of the complete response at the start of `buffer`, or None while incomplete."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    match = CONTENT_LENGTH.search(buffer, 0, head_end)
    if match is None:
        raise RuntimeError(f"response without Content-Length: {buffer[:200]!r}")
    total = head_end + 4 + int(match.group(1))
    return total if len(buffer) >= total else None


def answer_of(response: bytes, pattern: re.Pattern[bytes] | None) -> str:
    """How a response is counted: a 200's `pattern` group 1 when it matches, else its status."""
    status = response[9:12].decode()
    match = pattern.search(response) if pattern is not None and status == "200" else None
    return match.group(1).decode() if match else status


# The current phase's requests, one list per client process, and how to count the answers; set
# before the pool forks, so the processes inherit them instead of receiving them pickled inside
# the timed window.
_SLICES: list[list[bytes]] = []
_PATTERN: list[re.Pattern[bytes] | None] = [None]


def _client(args: tuple[int, int, int]) -> tuple[list[float], dict[str, int]]:
    """One load-generating process: `connections` keep-alive sockets driven by one event loop."""
    port, index, connections = args
    requests = _SLICES[index]
    latencies: list[float] = []
    answers: dict[str, int] = {}
    pending = iter(requests)
    selector = selectors.DefaultSelector()
    state: dict[socket.socket, list] = {}  # socket -> [buffer, sent at]

    def send_next(sock: socket.socket) -> bool:
        request = next(pending, None)
        if request is None:
            return False
        state[sock][1] = time.perf_counter()
        sock.sendall(request)
        return True

    for _ in range(min(connections, len(requests))):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        state[sock] = [b"", 0.0]
        selector.register(sock, selectors.EVENT_READ)
        send_next(sock)
    while state:
        events = selector.select(timeout=30)
        if not events:
            raise RuntimeError("no answer from the service in 30 s")
        for key, _ in events:
            sock = key.fileobj
            entry = state[sock]
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError("the service closed a keep-alive connection")
            entry[0] += chunk
            length = response_length(entry[0])
            if length is None:
                continue
            latencies.append((time.perf_counter() - entry[1]) * 1000)
            response, entry[0] = entry[0][:length], entry[0][length:]
            answer = answer_of(response, _PATTERN[0])
            answers[answer] = answers.get(answer, 0) + 1
            if not send_next(sock):
                selector.unregister(sock)
                sock.close()
                del state[sock]
    return latencies, answers


def load(port: int, requests: list[bytes], processes: int, connections: int, service_pid: int,
         pattern: re.Pattern[bytes] | None = None) -> Phase:
    """Send every request once; returns the phase's wall time, latencies, answers and CPU use."""
    _SLICES[:] = [requests[i::processes] for i in range(processes)]
    _PATTERN[0] = pattern
    pool = multiprocessing.get_context("fork").Pool(processes)
    try:
        service = [service_pid, *proc.children(service_pid)]
        clients = [p.pid for p in pool._pool]  # type: ignore[attr-defined]
        cpu_before = (proc.cpu_seconds(clients), proc.cpu_seconds(service), proc.machine_cpu_seconds())
        started = time.perf_counter()
        results = pool.map(_client, [(port, i, connections) for i in range(processes)])
        elapsed = time.perf_counter() - started
        cpu_after = (proc.cpu_seconds(clients), proc.cpu_seconds(service), proc.machine_cpu_seconds())
    finally:
        # Workers leave on the pool's own end-of-work message, not on SIGTERM (Pool's exit): a
        # SIGTERM handler inherited from the parent would keep them, and this join, waiting forever.
        pool.close()
        pool.join()
    latencies = [x for lat, _ in results for x in lat]
    answers: dict[str, int] = {}
    for _, out in results:
        for k, v in out.items():
            answers[k] = answers.get(k, 0) + v
    client_cpu, service_cpu, machine_cpu = (after - before for after, before in zip(cpu_after, cpu_before))
    return Phase(len(requests), elapsed, latencies, answers, client_cpu, service_cpu,
                 machine_cpu - client_cpu - service_cpu)


def start_service(port: int, env: Mapping[str, str]) -> subprocess.Popen:
    """gunicorn as deployed (gunicorn.conf.py) on 127.0.0.1:`port`, once `/readyz` answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(paths.PROJECT_ROOT / "gunicorn.conf.py"),
         "-b", f"127.0.0.1:{port}", "webhook_service:create_app()"],
        env={**os.environ, **env}, cwd=paths.PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not become ready in 30 s")


def stop_service(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)
