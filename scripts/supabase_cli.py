"""The Supabase CLI pinned in package.json (node_modules/.bin/supabase), run against a URL."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from psycopg.conninfo import conninfo_to_dict

from ugig_db import localdb, paths

BINARY = paths.PROJECT_ROOT / "node_modules" / ".bin" / "supabase"


class SupabaseCliError(RuntimeError):
    """The CLI is missing or failed."""


def cli_url(conninfo: str) -> str:
    """A percent-encoded postgresql:// URL, as the CLI wants, from any libpq connection string.

    The CLI tries TLS by default; the local cluster has none, so local URLs get sslmode=disable.
    """
    params = conninfo_to_dict(conninfo)
    user = quote(str(params.pop("user", "postgres")), safe="")
    password = params.pop("password", None)
    host = str(params.pop("host", "localhost"))
    port = params.pop("port", "5432")
    dbname = quote(str(params.pop("dbname", "postgres")), safe="")
    if "sslmode" not in params and localdb.is_local_url(conninfo):
        params["sslmode"] = "disable"
    auth = f"{user}:{quote(str(password), safe='')}" if password else user
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{auth}@{host}:{port}/{dbname}{query}"


def run_json(args: list[str], db_url: str, *, workdir: Path = paths.PROJECT_ROOT) -> Any:
    """Run `supabase <args> --db-url <url>` and return its JSON output."""
    if not BINARY.exists():
        raise SupabaseCliError(f"{BINARY} is missing: run `npm ci` (or `make install`)")
    cmd = [str(BINARY), *args, "--db-url", cli_url(db_url), "--workdir", str(workdir),
           "--output-format", "json"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    try:
        payload = json.loads(result.stdout)
    except json.JSONDecodeError:
        payload = None
    if result.returncode != 0 or payload is None or payload.get("_tag") == "Error":
        detail = (payload or {}).get("error", {}).get("message") if isinstance(payload, dict) else None
        raise SupabaseCliError(
            f"supabase {' '.join(args)} failed: {detail or result.stderr.strip() or result.stdout.strip()}"
        )
    return payload


def db_push(db_url: str, *, workdir: Path = paths.PROJECT_ROOT, include_seed: bool = False) -> str:
    """`supabase db push --db-url <url> --yes`: the pending migrations of `workdir` (and with
    `include_seed` the seed files of its config.toml), as the CLI deploys them. Returns its output."""
    if not BINARY.exists():
        raise SupabaseCliError(f"{BINARY} is missing: run `npm ci` (or `make install`)")
    cmd = [str(BINARY), "db", "push", "--db-url", cli_url(db_url), "--workdir", str(workdir), "--yes",
           *(["--include-seed"] if include_seed else [])]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise SupabaseCliError(f"supabase db push failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
