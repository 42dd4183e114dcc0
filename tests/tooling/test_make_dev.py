"""`make dev` (python -m scripts.dev): the local cluster, migrations, the demo seed and the Flask
service, up from one command and answering; a demo login works against the seeded database."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg

from scripts import seed
from scripts.paths import PROJECT_ROOT
from webhook_service import config

STARTUP_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return json.load(response)
    except OSError:
        return None


def test_make_dev_serves_a_seeded_stack(tmp_path: Path):
    port = _free_port()
    log = tmp_path / "dev.log"
    # Only what make dev sets itself: no service setting leaks in from the test process.
    env = {k: v for k, v in os.environ.items() if k not in config.ENV_KEYS}
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "scripts.dev"], cwd=PROJECT_ROOT,
                                env={**env, "PORT": str(port)}, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while (ready := _ready(port)) is None:
            assert proc.poll() is None, f"make dev exited early:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no /readyz within {STARTUP_SECONDS}s:\n{log.read_text()}"
            time.sleep(0.5)
        assert ready == {"status": "ok"}
        printed = log.read_text()
        assert "ugig local stack is up" in printed
        email, password, _who = seed.demo_logins()[0]
        assert f"{email}  {password}" in printed
        db_url = re.search(r"DB URL: (\S+)", printed).group(1)
        with psycopg.connect(db_url) as conn:
            stored = conn.execute(
                "select encrypted_password = extensions.crypt(%s, encrypted_password) from auth.users where email = %s",
                (password, email)).fetchone()
            assert stored == (True,)
            assert conn.execute("select count(*) >= 60 from public.gigs").fetchone() == (True,)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
