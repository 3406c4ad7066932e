#!/usr/bin/env bash
# Set up everything, then run the whole test suite (Qt offscreen).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" test
cd "$ROOT"
# The district server's tests also run against PostgreSQL when one can be started here (as root).
if [ -z "${ZONGCHUANG_TEST_POSTGRES:-}" ]; then
  ZONGCHUANG_TEST_POSTGRES="$("$ROOT/scripts/postgres.sh" || true)"
  export ZONGCHUANG_TEST_POSTGRES
fi
export QT_QPA_PLATFORM=offscreen
export QT_LOGGING_RULES="qt.multimedia.*=false"
exec .venv/bin/python -m pytest "$@"
