#!/usr/bin/env bash
# Installs what the project needs from Debian when it is missing (needs root): the PostgreSQL 15
# server, and PgBouncer (the tests put a transaction-mode pooler in front of it, as Supabase does).
set -euo pipefail
missing=()
if ! { ls /usr/lib/postgresql/15/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }; then
  missing+=(postgresql-15 postgresql-contrib)
fi
if ! { command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; }; then
  missing+=(pgbouncer)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${missing[*]} (install them, or run this as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
