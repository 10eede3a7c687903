#!/usr/bin/env bash
# Prints the path of a Python with the given PyPI packages installed, in a project virtual environment
# (.venv, git-ignored), so that neither a pyenv nor Debian's externally managed Python is modified.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >&2
    rm -rf .venv
    python3 -m venv .venv >&2
  fi
fi
if [ $# -gt 0 ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check "$@" >&2
fi
echo "$PWD/.venv/bin/python"
