#!/usr/bin/env bash
# Regenerates notebooks-export/: one executed notebook per shipped scenario (scenarios/*.json but the
# schema), 20,000 paths from the file's own seed, charts included. Notebooks of removed scenarios go.
#   bash scripts/export-notebooks.sh            (PATHS=N to change the path count)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/output-tools.sh

python_env
build_reservesim
mkdir -p notebooks-export
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

kept=()
while read -r scenario; do
  name="$(basename "$scenario" .json)"
  "$RESERVESIM" notebook "$scenario" -o "$work/$name.ipynb" --paths "${PATHS:-20000}" >/dev/null
  "$PY" scripts/check_outputs.py notebook "$work/$name.ipynb" --write "notebooks-export/$name.ipynb"
  echo "wrote notebooks-export/$name.ipynb ($(( $(wc -c <"notebooks-export/$name.ipynb") / 1024 )) KiB)"
  kept+=("$name.ipynb")
done < <(shipped_scenarios)

for notebook in notebooks-export/*.ipynb; do
  [ -e "$notebook" ] || continue
  [[ " ${kept[*]} " == *" $(basename "$notebook") "* ]] || { rm "$notebook"; echo "removed $notebook (no scenario)"; }
done
