#!/usr/bin/env bash
# The tests start their own throwaway PostgreSQL server; make sure its binaries exist.
set -euo pipefail
for dir in "${FOOTPRINT_PG_BINDIR:-}" "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing the PostgreSQL server (apt-get install postgresql)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
else
  echo "PostgreSQL server binaries not found: install postgresql, or set FOOTPRINT_PG_BINDIR" >&2
  exit 1
fi
