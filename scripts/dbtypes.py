"""supabase/database.types.ts: TypeScript types of the API schema for client apps.

`supabase gen types typescript --db-url` runs Supabase's postgres-meta generator in a Docker
container; here it runs the same generator from its npm package (pinned in package.json beside
the CLI), on a scratch database migrated from supabase/migrations, so no Docker is needed and
the output is what the CLI would print. Regenerate after changing the API: `make types`
(`python -m ugig_db.dbtypes`); `--check` exits 1 when the committed file is stale.
"""

from __future__ import annotations

import os
import subprocess
import sys

from psycopg.conninfo import conninfo_to_dict

from ugig_db import generated, migrate, paths
from ugig_db.scratchdb import scratch_database

TYPES_FILE = paths.SUPABASE_DIR / "database.types.ts"
GENERATOR = paths.PROJECT_ROOT / "node_modules" / "@supabase" / "postgres-meta" / "dist" / "server" / "server.js"
SCHEMAS = ["public"]  # what PostgREST exposes (supabase/config.toml [api] schemas)


class TypesError(RuntimeError):
    """The generator is missing or failed."""


def _pg_meta_url(conninfo: str) -> str:
    params = conninfo_to_dict(conninfo)
    password = f":{params['password']}" if params.get("password") else ""
    return (f"postgresql://{params.get('user', 'postgres')}{password}@{params.get('host', '127.0.0.1')}:"
            f"{params.get('port', 5432)}/{params['dbname']}")


def render(server_url: str) -> str:
    if not GENERATOR.exists():
        raise TypesError(f"{GENERATOR} is missing: run `npm ci` (or `make install`)")
    with scratch_database(server_url, prefix="ugig_types") as url:
        migrate.migrate(url, out=lambda _line: None)
        env = {
            **os.environ,
            "PG_META_DB_URL": _pg_meta_url(url),
            "PG_META_GENERATE_TYPES": "typescript",
            "PG_META_GENERATE_TYPES_INCLUDED_SCHEMAS": ",".join(SCHEMAS),
            "PG_META_GENERATE_TYPES_DETECT_ONE_TO_ONE_RELATIONSHIPS": "true",
        }
        result = subprocess.run(["node", str(GENERATOR)], env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or "export type Database" not in result.stdout:
        raise TypesError(f"the type generator failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def main(argv: list[str] | None = None) -> int:
    return generated.main(TYPES_FILE, render, prog="python -m ugig_db.dbtypes", remedy="make types",
                          description=__doc__, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
