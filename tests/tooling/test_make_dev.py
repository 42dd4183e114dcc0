"""`make dev` (python -m ugig_db.dev): the local cluster, migrations, the demo seed and the Flask
service, up from one command and answering; a demo login works against the seeded database, and
the printed token and curl get a Jitsi room token from the running service."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jwt
import psycopg

from ugig_db import seed
from ugig_db.keys import LOCAL_JWT_SECRET
from ugig_db.paths import PROJECT_ROOT
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


def _post(curl: str) -> tuple[int, dict]:
    """Send what the printed curl command sends (its URL, headers and body)."""
    args = shlex.split(curl)
    url = args[args.index("-X") + 2]
    headers = dict(args[i + 1].split(": ", 1) for i, a in enumerate(args) if a == "-H")
    request = urllib.request.Request(url, data=args[args.index("-d") + 1].encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_make_dev_serves_a_seeded_stack(tmp_path: Path):
    port = _free_port()
    log = tmp_path / "dev.log"
    # Only what make dev sets itself: no service setting leaks in from the test process, except
    # a SUPABASE_DB_URL in the shell, which make dev must not use (it points nowhere here).
    env = {k: v for k, v in os.environ.items() if k not in config.ENV_KEYS}
    env["SUPABASE_DB_URL"] = "postgresql://nobody@127.0.0.1:1/elsewhere"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ugig_db.dev"], cwd=PROJECT_ROOT,
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
        assert "SUPABASE_DB_URL from your shell is ignored" in printed
        email, password, _who = seed.demo_logins()[0]
        assert f"{email}  {password}" in printed
        db_url = re.search(r"DB URL: (\S+)", printed).group(1)
        assert db_url.endswith("?sslmode=disable")
        assert f"port {psycopg.conninfo.conninfo_to_dict(db_url)['port']})" in printed
        with psycopg.connect(db_url) as conn:
            stored = conn.execute(
                "select encrypted_password = extensions.crypt(%s, encrypted_password) from auth.users where email = %s",
                (password, email)).fetchone()
            assert stored == (True,)
            assert conn.execute("select count(*) >= 60 from public.gigs").fetchone() == (True,)
            # The service is connected as ugig_service, not as the superuser that migrated.
            users = {u for (u,) in conn.execute(
                "select usename from pg_stat_activity where datname = current_database() and usename <> 'postgres'")}
            assert users == {"ugig_service"}

        token = re.search(r"token: (\S+)", printed).group(1)
        claims = jwt.decode(token, LOCAL_JWT_SECRET, algorithms=["HS256"], audience="authenticated")
        assert claims["email"] == email and claims["role"] == "authenticated"
        curl = next(line.strip() for line in printed.splitlines() if line.strip().startswith("curl "))
        status, body = _post(curl)
        assert status == 200, body
        assert body["room_name"].startswith("ugig-") and body["jwt"]
        time.sleep(0.5)  # the request's log line
        request_lines = [line for line in log.read_text().splitlines() if "/jitsi/token" in line and "curl" not in line]
        assert len(request_lines) == 1, request_lines  # one JSON line, not werkzeug's too
        assert "\x1b[" not in log.read_text() and "\\u001b" not in log.read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
