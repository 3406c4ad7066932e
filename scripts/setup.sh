#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system packages (when root) and the Python virtualenv.
# Idempotent: each step checks what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
  libpcsclite-dev pcscd vsmartcard-vpcd libpulse0 fonts-wqy-microhei poppler-utils xvfb
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  cups printer-driver-cups-pdf gcc python3-dev postgresql chromium chromium-driver
)

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包 (missing system packages): ${missing[*]}" >&2
    echo "Run as root once, or: sudo apt-get install ${missing[*]}" >&2
    return 0
  fi
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

find_python() {
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$c"; return 0
    fi
  done
  echo "Python 3.11 or newer is required" >&2; return 1
}

install_python_packages() {
  local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -x .venv/bin/python ]; then
    "$(find_python)" -m venv .venv
  fi
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # QtPdf moved back into PySide6-Addons with the pinned PySide6; a separate wheel would clash with it.
    .venv/bin/python -m pip uninstall -q -y PySide6-Pdf 2>/dev/null || true
    .venv/bin/python -m pip install -q -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

install_system_packages
install_python_packages
