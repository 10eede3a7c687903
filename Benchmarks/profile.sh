#!/usr/bin/env bash
# Where a reservesim run spends its instructions: callgrind over a release build of the CLI on the PyPI
# baseline, one thread, then a breakdown by part of the model (profile_breakdown.py) and the top functions.
#
#   Benchmarks/profile.sh [PATHS]     default 2000 paths; writes Benchmarks/profile-out/
#
# Instruction counts, not seconds: the same binary and input give the same counts on a busy machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
paths="${1:-2000}"
out="$here/profile-out"

if ! command -v valgrind > /dev/null; then
  echo "valgrind is missing: installing it (Debian)" >&2
  apt-get install -y valgrind > /dev/null || { apt-get update > /dev/null && apt-get install -y valgrind > /dev/null; }
fi

echo "Building reservesim (release, with the debug info callgrind reads) ..." >&2
# DWARF 4 for the C target: valgrind 3.19 gives up on clang's default DWARF 5 ("possibly corrupted debuginfo").
swift build -c release --product reservesim --package-path "$here" -Xcc -gdwarf-4 >&2
cli="$here/.build/release/reservesim"

mkdir -p "$out"
echo "callgrind: $paths paths, 1 thread ..." >&2
(cd "$root" && valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
  --callgrind-out-file="$out/callgrind.out" \
  "$cli" run scenarios/pypi-2020-baseline.json --paths "$paths" --threads 1 --json > /dev/null 2> "$out/valgrind.log")

callgrind_annotate "$out/callgrind.out" 2> /dev/null > "$out/annotate.txt"
(cd "$root" && python3 "$here/profile_breakdown.py" "$out/callgrind.out" "$root") | tee "$out/breakdown.md"
echo
echo "Top functions (self Ir; full listing in $out/annotate.txt):"
{ awk '/file:function/ {on = 1; getline; next} on && NF' "$out/annotate.txt" | head -15 | cut -c1-160; } || true  # head closes the pipe early
