#!/usr/bin/env bash
# Sets up and runs every test: the Swift test suites, then the checks over the shipped scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product reservesim
swift test
bash scripts/check-outputs.sh
