#!/usr/bin/env bash
# The what-if server (docs/serve.md) as people use it: the page in headless Chromium (scripts/test-serve-browser.py),
# then concurrent clients for a while (scripts/load-serve.py; RESERVESIM_LOAD_SECONDS, 15 by default, 60 for the
# full check). Installs Debian's chromium, chromium-driver and python3-selenium when missing. The HTTP API's own
# tests are in `swift test` (Tests/ServerTests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/output-tools.sh

need_apt chromium chromium-driver python3-selenium fonts-dejavu-core
swift build --product reservesim-serve >/dev/null
server="$(swift build --show-bin-path)/reservesim-serve"

echo "== The what-if page in headless Chromium"
# Debian's Python, which python3-selenium installs into.
/usr/bin/python3 scripts/test-serve-browser.py --binary "$server"

echo "== Load: 20 clients for ${RESERVESIM_LOAD_SECONDS:-15} s"
/usr/bin/python3 scripts/load-serve.py --binary "$server" --clients 20 --duration "${RESERVESIM_LOAD_SECONDS:-15}"
