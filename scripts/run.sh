#!/usr/bin/env bash
# Set up everything, then open the workstation in the training profile with simulated devices.
# With no display, run the headless demo instead (output in ./demo-output).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" run
cd "$ROOT"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "没有图形显示，运行无界面演示 (no display: running the headless demo)"
  export QT_QPA_PLATFORM=offscreen
  exec .venv/bin/python -m app --profile training demo --out "${DEMO_OUT:-$ROOT/demo-output}" "$@"
fi
exec .venv/bin/python -m app --profile training "$@"
