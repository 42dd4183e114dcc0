#!/usr/bin/env bash
# Installs the system PostgreSQL 15 server when it is missing (Debian; needs root).
set -euo pipefail
if ls /usr/lib/postgresql/15/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL 15 server binaries are missing; install postgresql-15 (needs root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null
