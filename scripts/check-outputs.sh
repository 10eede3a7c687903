#!/usr/bin/env bash
# Checks the outputs people read, with the programs they read them in (docs/outputs.md):
#   run --csv   → LibreOffice Calc converts each CSV to .xlsx and the cells are numbers
#   notebook    → valid nbformat, executes headless with nbclient (pandas + matplotlib), for every scenario
#   report      → headless Chromium renders it to a PNG (expected size, not blank) and prints it on A4
# Installs what it needs (Debian: libreoffice-calc, chromium; PyPI: nbformat nbclient ipykernel pandas
# matplotlib pillow in a virtualenv) and is safe to run again. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/output-tools.sh

need_apt libreoffice-calc chromium fonts-dejavu-core
python_env
build_reservesim

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The baseline: a complete file (others may extend it and leave "years" to their base).
first=scenarios/pypi-2020-baseline.json
years="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["years"])' "$first")"

echo "== CSV: $first, opened by LibreOffice Calc"
"$RESERVESIM" run "$first" --paths 2000 --csv "$work/csv" >/dev/null
soffice -env:UserInstallation="file://$work/libreoffice" --headless --infilter="CSV:44,34,76,1" \
  --convert-to xlsx --outdir "$work/xlsx" "$work"/csv/*.csv >"$work/soffice.log" 2>&1 \
  || { cat "$work/soffice.log"; exit 1; }
"$PY" scripts/check_outputs.py xlsx "$work/xlsx" "$years"

echo "== Notebooks: every shipped scenario, executed with nbclient"
while read -r scenario; do
  name="$(basename "$scenario" .json)"
  # 20 groups of 100 paths: the files that draw their estimates per group need whole groups (model.md §22).
  "$RESERVESIM" notebook "$scenario" -o "$work/$name.ipynb" --paths 2000 --nested 100 >/dev/null
  "$PY" scripts/check_outputs.py notebook "$work/$name.ipynb"
done < <(shipped_scenarios)

echo "== notebooks-export/: one current, executed notebook per shipped scenario"
bash scripts/check-exported-notebooks.sh

echo "== Report: $first, rendered by headless Chromium"
"$RESERVESIM" report "$first" -o "$work/report.html" --paths 2000 >/dev/null
if grep -Eiq '(src|href)[[:space:]]*=|<script|<link|@import|url\(' "$work/report.html"; then
  echo "FAIL: report.html refers to something outside itself" >&2
  exit 1
fi
echo "ok: report.html is self-contained ($(wc -c <"$work/report.html") bytes)"
chromium_flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
  --force-device-scale-factor=1 --user-data-dir="$work/chromium")
chromium "${chromium_flags[@]}" --window-size=1200,3000 --screenshot="$work/report.png" \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log"; exit 1; }
"$PY" scripts/check_outputs.py png "$work/report.png" 1200 3000
chromium "${chromium_flags[@]}" --no-pdf-header-footer --print-to-pdf="$work/report.pdf" \
  "file://$work/report.html" >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log"; exit 1; }
"$PY" scripts/check_outputs.py pdf "$work/report.pdf"
if [ -n "${KEEP_OUTPUTS:-}" ]; then
  mkdir -p "$KEEP_OUTPUTS" && cp "$work"/report.{html,png,pdf} "$KEEP_OUTPUTS"/
  echo "kept report.html, report.png and report.pdf in $KEEP_OUTPUTS"
fi
echo "All output checks passed."
