#!/usr/bin/env bash
# Build the dashboard (web/ → src/zgpu/web/dist) when its sources changed since the last build.
# Needs Node.js 20+ and npm; installs the locked packages with `npm ci` (first time only).
# Usage: scripts/build-web.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/web"
DIST="$ROOT/src/zgpu/web/dist"
STAMP="$DIST/.source.sha256"

if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the dashboard is not built (the API works without it). Install Node.js 20+." >&2
  exit 0
fi
WANT="$(cd "$WEB" && find src index.html package.json package-lock.json tsconfig.json vite.config.ts \
  -type f -not -name '*.test.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" != "--force" ] && [ -f "$DIST/index.html" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]; then
  exit 0
fi
cd "$WEB"
LOCK_SUM="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.zgpu-lock.sha256 2>/dev/null)" != "$LOCK_SUM" ]; then
  echo "Installing the dashboard's packages (npm ci) ..." >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.zgpu-lock.sha256
fi
echo "Building the dashboard ..." >&2
npm run --silent build >&2
echo "$WANT" > "$STAMP"
