#!/usr/bin/env bash
# Checks notebooks-export/ (part of scripts/check-outputs.sh): exactly one notebook per shipped scenario, each
# what scripts/export-notebooks.sh writes now (same cells as `reservesim notebook` at its recorded paths, seed
# and version) and executed. A missing, extra or stale notebook fails: run scripts/export-notebooks.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/output-tools.sh

build_reservesim
python=$(bash scripts/python-env.sh nbformat)
status=0
expected=()
while read -r scenario; do
  name="$(basename "$scenario" .json)"
  expected+=("$name.ipynb")
  if [ ! -f "notebooks-export/$name.ipynb" ]; then
    echo "FAIL: notebooks-export/$name.ipynb is missing: run scripts/export-notebooks.sh" >&2
    status=1
    continue
  fi
  "$python" scripts/check_outputs.py exported "$RESERVESIM" "$scenario" "notebooks-export/$name.ipynb" || status=1
done < <(shipped_scenarios)
for notebook in notebooks-export/*.ipynb; do
  [ -e "$notebook" ] || continue
  if [[ " ${expected[*]} " != *" $(basename "$notebook") "* ]]; then
    echo "FAIL: $notebook has no scenario in scenarios/: run scripts/export-notebooks.sh (it removes it)" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "notebooks-export/ is current: ${#expected[@]} notebooks"
exit "$status"
