#!/usr/bin/env bash
# Sets up, builds in release mode and runs the PyPI 2020 baseline scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product reservesim >&2
.build/release/reservesim run scenarios/pypi-2020-baseline.json "$@"
