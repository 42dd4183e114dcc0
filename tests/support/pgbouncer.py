"""A real PgBouncer in transaction mode in front of a test server: what Supabase's pooler
(Supavisor, port 6543) does to the service's connections. A server connection serves one
transaction at a time and goes back to the pool, so nothing a session sets survives and
PgBouncer 1.18 (Debian's) keeps no prepared statement: code that relies on either fails here.

PgBouncer refuses to run as root; as root it runs as the `postgres` OS user, as the local
cluster does (scripts/localdb.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from ugig_db import localdb

START_SECONDS = 15.0


class PgBouncerError(RuntimeError):
    """PgBouncer is missing or did not start."""


def binary() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None)
    if not found:
        raise PgBouncerError("pgbouncer is not installed (make install installs Debian's package)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(server_url: str, port: int, directory: Path) -> str:
    server = conninfo_to_dict(server_url)
    host = server.get("host") or "127.0.0.1"
    return "\n".join([
        "[databases]",
        # Any database name: each test's own database gets its own pool on first use.
        f"* = host={host} port={server.get('port') or 5432}",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        "pool_mode = transaction",
        # Clients authenticate with SCRAM against the passwords of auth_file, which PgBouncer
        # also uses to log in to the server (as Supavisor does for the project's roles).
        "auth_type = scram-sha-256",
        f"auth_file = {directory / 'userlist.txt'}",
        "max_client_conn = 1000",
        "default_pool_size = 40",
        "max_db_connections = 60",
        # After a failed server login PgBouncer refuses clients for this long (default 15 s);
        # tests that take the database away and bring it back expect it back within seconds.
        "server_login_retry = 0",
        # A client waiting for a server connection gets an error after 5 s (default 120 s), like
        # the service's own pool timeout: a database that went away answers 503, not a hang.
        "query_wait_timeout = 5",
        f"logfile = {directory / 'pgbouncer.log'}",
        f"pidfile = {directory / 'pgbouncer.pid'}",
        "",
    ])


@contextmanager
def pgbouncer(server_url: str, users: Mapping[str, str]) -> Iterator[int]:
    """Run PgBouncer in front of `server_url` for `users` (name → password); yields its port."""
    exe = binary()
    directory = Path(tempfile.mkdtemp(prefix="ugig-pgbouncer-"))
    port = _free_port()
    (directory / "pgbouncer.ini").write_text(_config(server_url, port, directory))
    (directory / "userlist.txt").write_text("".join(f'"{name}" "{password}"\n' for name, password in users.items()))
    as_root = os.geteuid() == 0
    if as_root:
        for path in [directory, *directory.iterdir()]:
            shutil.chown(path, user=localdb.SERVER_USER)
    proc = subprocess.Popen(
        [exe, "-q", str(directory / "pgbouncer.ini")],
        user=localdb.SERVER_USER if as_root else None,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        _wait_listening(proc, port, directory)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_listening(proc: subprocess.Popen, port: int, directory: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (directory / "pgbouncer.log").read_text() if (directory / "pgbouncer.log").exists() else ""
            raise PgBouncerError(f"pgbouncer exited ({proc.returncode}): {proc.stderr.read().decode()}{log}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise PgBouncerError(f"pgbouncer did not listen on 127.0.0.1:{port} within {START_SECONDS:.0f}s")


def pooled_url(url: str, port: int) -> str:
    """The same database, user and password as `url`, through the pooler on `port`."""
    return make_conninfo(url, host="127.0.0.1", port=str(port))
