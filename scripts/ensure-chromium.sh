#!/usr/bin/env bash
# The report's browser tests drive a real headless Chromium; make sure Debian's package is there.
set -euo pipefail
for candidate in "${FOOTPRINT_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium not found: install Debian's chromium package, or set FOOTPRINT_CHROMIUM" >&2
  exit 1
fi
