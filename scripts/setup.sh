#!/usr/bin/env bash
# Shared set-up for run.sh (`setup.sh run`) and test.sh (`setup.sh test`): system packages (when root) and
# the Python virtualenv. Idempotent: each step checks what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# What running the workstation needs; the test suite needs the rest (real pcscd with a virtual card, CUPS
# with a PDF printer, PostgreSQL, Chromium, poppler, NSIS and 7-Zip for the installer).
RUN_PACKAGES=(
  libpcsclite-dev pcscd libpulse0 fonts-wqy-microhei gcc
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libcups2
)
TEST_PACKAGES=(
  vsmartcard-vpcd poppler-utils xvfb cups printer-driver-cups-pdf postgresql chromium chromium-driver
  nsis p7zip-full
)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Ubuntu 24.04 and Debian 13 renamed some libraries for the 64-bit time_t transition (libglib2.0-0t64):
# the old name is then only a virtual package apt will not install by itself.
real_name() {
  if apt-cache policy "$1" 2>/dev/null | grep -q "Candidate: (none)" || ! apt-cache policy "$1" 2>/dev/null | grep -q Candidate; then
    if apt-cache policy "$1t64" 2>/dev/null | grep -q "Candidate: [0-9]"; then echo "$1t64"; return; fi
  fi
  echo "$1"
}

find_python() {
  for c in python3.11 python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$c"; return 0
    fi
  done
  echo "Python 3.11 or newer is required (sudo apt-get install python3)" >&2; return 1
}

# The venv module and the headers pyscard compiles against come separately for Debian's own Python.
python_packages() {
  local python="$1" exe version
  exe="$("$python" -c 'import sys; print(sys.executable)')"
  case "$(readlink -f "$exe")" in
    /usr/bin/python3*)
      version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      echo "python3-venv python${version}-venv python${version}-dev" ;;
  esac
}

install_system_packages() {
  local missing=() p
  for p in "$@"; do
    installed "$p" || installed "${p}t64" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "缺少系统软件包 (missing system packages, install them with your package manager): ${missing[*]}" >&2
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包 (missing system packages): ${missing[*]}" >&2
    echo "Run as root once, or: sudo apt-get install ${missing[*]}" >&2
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  local names=()
  for p in "${missing[@]}"; do names+=("$(real_name "$p")"); done
  echo "Installing system packages: ${names[*]}"
  apt-get install -y -qq --no-install-recommends "${names[@]}" >/dev/null
}

install_python_packages() {
  local stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
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

MODE="${1:-test}"       # run: what the workstation needs; test: that and what the test suite needs
PYTHON="$(find_python)"
PACKAGES=("${RUN_PACKAGES[@]}")
[ "$MODE" = test ] && PACKAGES+=("${TEST_PACKAGES[@]}")
# shellcheck disable=SC2207
PACKAGES+=($(python_packages "$PYTHON"))
install_system_packages "${PACKAGES[@]}"
install_python_packages
