"""The embedded local database: a throwaway PostgreSQL 15 cluster from the system's binaries.

The cluster lives in a git-ignored directory of the project (``.ugig/``) and listens on loopback,
on port 54322 (supabase/config.toml's) when that is free, else on a free port. PostgreSQL
refuses to run as root, so as root every server command runs as the
``postgres`` OS user; when that user cannot reach the project directory (a clone under /root),
the cluster lives in a per-project directory under the system temp dir instead.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ugig_db.paths import PROJECT_ROOT

SERVER_USER = "postgres"
DB_USER = "postgres"
DB_NAME = "postgres"

# Close to a hosted Supabase database where it matters to the schema (logical decoding for
# Realtime, UTC); durability is traded for speed because the cluster is throwaway.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "logical",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    "max_connections": "200",
    "shared_buffers": "512MB",
    "work_mem": "16MB",
    "maintenance_work_mem": "256MB",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "jit": "off",
    "shared_preload_libraries": "'pg_stat_statements'",
    "logging_collector": "off",
}


class LocalDbError(RuntimeError):
    """The local cluster could not be found, started or stopped."""


@dataclass(frozen=True)
class Cluster:
    base: Path

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def log_file(self) -> Path:
        return self.base / "postgres.log"


def _is_root() -> bool:
    return os.geteuid() == 0


def _as_server_user(cmd: list[str]) -> list[str]:
    if not _is_root():
        return cmd
    return ["runuser", "-u", SERVER_USER, "--", *cmd]


def _server_user_can_write(path: Path) -> bool:
    probe = subprocess.run(_as_server_user(["test", "-w", str(path), "-a", "-x", str(path)]))
    return probe.returncode == 0


def bin_dir() -> Path:
    """Directory of the PostgreSQL 15 server binaries: PATH first, then Debian's layout."""
    on_path = shutil.which("pg_ctl")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "postgres").exists():
            return candidate
    raise LocalDbError(
        "no PostgreSQL server binaries found (pg_ctl/initdb); install postgresql-15"
    )


def cluster() -> Cluster:
    """Where this project's cluster lives (inside the project when the server user can reach it)."""
    inside = PROJECT_ROOT / ".ugig"
    inside.mkdir(exist_ok=True)
    if _is_root():
        shutil.chown(inside, user=SERVER_USER)
        if not _server_user_can_write(inside):
            digest = hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:12]
            outside = Path(tempfile.gettempdir()) / f"ugig-db-{digest}"
            outside.mkdir(exist_ok=True)
            shutil.chown(outside, user=SERVER_USER)
            return Cluster(outside)
    return Cluster(inside)


# supabase/config.toml's [db] port, where `supabase start` serves and tools expect it.
PREFERRED_PORT = 54322


def _free_port(preferred: int = PREFERRED_PORT) -> int:
    """`preferred` when nothing listens there (another checkout's cluster may), else any free port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_ctl(c: Cluster, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = _as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(c.data_dir), *args])
    result = subprocess.run(cmd, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise LocalDbError(f"pg_ctl {' '.join(args)} failed: {result.stderr or result.stdout}")
    return result


def _running_port(c: Cluster) -> int | None:
    """Port of the running server, read from postmaster.pid (its fourth line)."""
    if not (c.data_dir / "PG_VERSION").exists():
        return None
    if _pg_ctl(c, "status", check=False).returncode != 0:
        return None
    lines = (c.data_dir / "postmaster.pid").read_text().splitlines()
    return int(lines[3])


def _initdb(c: Cluster) -> None:
    c.data_dir.mkdir(parents=True, exist_ok=True)
    c.socket_dir.mkdir(parents=True, exist_ok=True)
    if _is_root():
        for path in (c.base, c.data_dir, c.socket_dir):
            shutil.chown(path, user=SERVER_USER)
    os.chmod(c.data_dir, 0o700)
    cmd = [
        str(bin_dir() / "initdb"),
        "-D", str(c.data_dir),
        "-U", DB_USER,
        "--auth=trust",  # loopback-only throwaway cluster
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    ]
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        raise LocalDbError(f"initdb failed: {result.stderr or result.stdout}")
    conf = "\n".join(f"{k} = {v}" for k, v in SERVER_SETTINGS.items())
    with open(c.data_dir / "postgresql.conf", "a") as fh:
        fh.write(f"\n# ugig local settings\n{conf}\n")


def url_for(port: int, dbname: str = DB_NAME) -> str:
    # The cluster has no TLS: libpq's default (sslmode=prefer) falls back to plain, the Supabase
    # CLI does not, so the URL says it (it works with psql, psycopg and the CLI alike).
    return f"postgresql://{DB_USER}@127.0.0.1:{port}/{dbname}?sslmode=disable"


def start() -> str:
    """Start the cluster (initialising it on first use) and return its URL; idempotent.

    Concurrent callers (parallel test workers, two terminals) are serialised by a file lock so
    only one of them runs initdb and pg_ctl start; the others find the running cluster.
    """
    c = cluster()
    with open(c.base / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start_locked(c)


def _start_locked(c: Cluster) -> str:
    port = _running_port(c)
    if port is not None:
        return url_for(port)
    if not (c.data_dir / "PG_VERSION").exists():
        _initdb(c)
    port = _free_port()
    opts = f"-p {port} -k {c.socket_dir}"
    log = str(c.log_file)
    if _is_root() and not c.log_file.exists():
        c.log_file.touch()
        shutil.chown(c.log_file, user=SERVER_USER)
    _pg_ctl(c, "start", "-w", "-t", "60", "-l", log, "-o", opts)
    _wait_ready(port)
    return url_for(port)


def _wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise LocalDbError(f"the local cluster did not accept connections on port {port}")


def stop() -> bool:
    """Stop the cluster if it runs; True when something was stopped."""
    c = cluster()
    if _running_port(c) is None:
        return False
    _pg_ctl(c, "stop", "-m", "fast", "-w")
    return True


def destroy() -> None:
    """Stop the cluster and delete its data directory."""
    stop()
    c = cluster()
    shutil.rmtree(c.base / "data", ignore_errors=True)


def url() -> str | None:
    port = _running_port(cluster())
    return url_for(port) if port is not None else None


def is_local_url(db_url: str) -> bool:
    """True when the URL points at this machine (the only place `reset` may touch)."""
    from psycopg.conninfo import conninfo_to_dict

    host = conninfo_to_dict(db_url).get("host") or "localhost"
    return host in {"127.0.0.1", "localhost", "::1"} or host.startswith("/")
