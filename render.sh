#!/usr/bin/env bash
# The one entry point: set up what is missing, then hand over to the Python CLI.
#
#   ./render.sh            render the default lecture (preview quality) into renders/
#   ./render.sh test       run the test suite
#   ./render.sh --help     every command
#
# Set-up is idempotent: system packages are installed only when missing, the
# virtual environment (.venv) is rebuilt only when pyproject.toml changed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The folder the command was typed in: the CLI resolves relative paths (--lecture, --out) against it.
export BACKPROP_CALLER_CWD="$PWD"
cd "$here"
venv="$here/.venv"

say() { printf 'render.sh: %s\n' "$*" >&2; }

# --- system packages ------------------------------------------------------
# Debian package names for what manim needs to build (cairo, pango, pkg-config)
# and to typeset (LaTeX with standalone.cls and preview.sty, dvisvgm). The tests also need chromium
# (the lecture page's browser test); rendering does not.
apt_packages="libcairo2-dev libpango1.0-dev pkg-config texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm"
if [ "${1:-}" = test ]; then
  apt_packages="$apt_packages chromium"
  need_browser=1
fi

missing_system() {
  local missing=()
  command -v pkg-config >/dev/null 2>&1 || missing+=("pkg-config")
  if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists cairo 2>/dev/null || missing+=("cairo development files")
    pkg-config --exists pangocairo 2>/dev/null || missing+=("pango development files")
  fi
  command -v latex >/dev/null 2>&1 || missing+=("latex")
  command -v dvisvgm >/dev/null 2>&1 || missing+=("dvisvgm")
  if [ "${need_browser:-0}" = 1 ]; then
    command -v chromium >/dev/null 2>&1 || missing+=("chromium")
  fi
  if command -v kpsewhich >/dev/null 2>&1; then
    [ -n "$(kpsewhich standalone.cls 2>/dev/null)" ] || missing+=("LaTeX standalone.cls")
    [ -n "$(kpsewhich preview.sty 2>/dev/null)" ] || missing+=("LaTeX preview.sty")
  fi
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
    missing+=("Python 3.11+ with venv")
  fi
  local joined="" item
  for item in "${missing[@]}"; do joined="${joined:+$joined, }$item"; done
  echo "$joined"
}

ensure_system() {
  local missing
  missing="$(missing_system)"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing system packages (missing: $missing)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # python3-venv only matters where the system python lacks venv/ensurepip.
    local extra=""
    "${PYTHON:-python3}" -c 'import venv, ensurepip' >/dev/null 2>&1 || extra="python3-venv"
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $apt_packages $extra >&2
    missing="$(missing_system)"
    [ -z "$missing" ] && return 0
    say "still missing after apt-get install: $missing"
    exit 1
  fi
  say "missing system packages ($missing); install them with: sudo apt-get install --no-install-recommends $apt_packages python3-venv"
  exit 1
}

# --- virtual environment --------------------------------------------------
ensure_venv() {
  local stamp="$venv/.installed-pyproject"
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtual environment in .venv"
    "${PYTHON:-python3}" -m venv "$venv"
  fi
  say "installing the project into .venv (first run: a few minutes)"
  local log="$venv/install.log"
  if ! { "$venv/bin/python" -m pip install -q --upgrade pip &&
         "$venv/bin/python" -m pip install -q -e ".[test,cluster]"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    say "installing the project failed (full log: $log)"
    exit 1
  fi
  echo "$want" >"$stamp"
}

ensure_system
ensure_venv
exec "$venv/bin/python" -m studio.cli "$@"
