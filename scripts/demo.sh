#!/usr/bin/env bash
# Sets up, builds in release mode and runs PyPI today with its reserve policy (the file a board would look at).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product reservesim >&2
.build/release/reservesim run scenarios/pypi-today-policy.json "$@"
