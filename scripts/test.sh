#!/usr/bin/env bash
# Sets up and runs every test: the Swift test suites, then the checks over the shipped scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product reservesim
swift test
# The budget assumptions of every shipped scenario (exit 1 when one no longer holds, 2 on a bad file).
scenario_files=()
for scenario in scenarios/*.json; do
  [ "$(basename "$scenario")" = schema.json ] || scenario_files+=("$scenario")
done
.build/release/reservesim check "${scenario_files[@]}"
