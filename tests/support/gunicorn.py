"""The web service under gunicorn, as deployed: where the binaries are, a free port, and an
environment stripped of every service setting the test does not give."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from webhook_service import config

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in config.ENV_KEYS}
    return {**env, "UGIG_FEATURES": "none", "WEB_CONCURRENCY": "1", **extra}
