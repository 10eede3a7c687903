#!/usr/bin/env bash
# Writes scenarios/schema.json and docs/scenario-format.md from the table of fields
# (Sources/ReserveSimScenario/ScenarioFields.swift) with `reservesim schema`. Run it after changing the table;
# `swift test` (SchemaAgreementTests) fails while the committed files differ from what the table gives.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product reservesim >&2
bin="$(swift build --show-bin-path)/reservesim"
"$bin" schema >scenarios/schema.json.tmp
"$bin" schema --doc >docs/scenario-format.md.tmp
mv scenarios/schema.json.tmp scenarios/schema.json
mv docs/scenario-format.md.tmp docs/scenario-format.md
echo "wrote scenarios/schema.json and docs/scenario-format.md" >&2
