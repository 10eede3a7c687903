#!/usr/bin/env bash
# The permission tests skip as root, who reads and writes every file. Run as root (a CI container, say), this
# runs them again as an unprivileged user, reservesim-test (created when missing), from a copy of the built test
# bundle and reservesim binary, and fails unless every one of them ran and passed: a skip is a failure here.
# As any other user there is nothing to do: `swift test` already ran them unprivileged.
#   bash scripts/test-unprivileged.sh      (after swift test; builds the tests when they are not built)
set -euo pipefail
cd "$(dirname "$0")/.."
tests=(
  EndToEndTests.InputSafetyEndToEndTests/testAnUnreadableBaseSaysPermissionDenied
  EndToEndTests.OutputFilesTests/testAFolderWithoutWritePermissionNamesTheReason
)
if [ "$(id -u)" -ne 0 ]; then
  echo "test-unprivileged: running as $(id -un), not root: swift test ran the ${#tests[@]} permission tests already"
  exit 0
fi

user=reservesim-test
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
fi
products="$(swift build --show-bin-path)"
bundle="$products/ReserveSimPackageTests.xctest"
[ -x "$bundle" ] && [ -x "$products/reservesim" ] || swift build --build-tests >&2

# A copy the user can run (the build folder may sit under a home it cannot enter), with its own temporary folder.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
cp "$bundle" "$products/reservesim" "$work/"
mkdir "$work/tmp"
chown "$user:$user" "$work/tmp"
as_user=(setpriv --reuid="$user" --regid="$user" --clear-groups --
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent TMPDIR="$work/tmp" LANG=C.UTF-8)

# The tests read scenarios/ from the repository (the path compiled into them), so the user must be able to.
scenario="$PWD/scenarios/pypi-2020-baseline.json"
if ! "${as_user[@]}" test -r "$scenario"; then
  echo "test-unprivileged: $user cannot read $scenario (a folder above it is closed to other users);" \
    "check out the repository where others can read it" >&2
  exit 1
fi

status=0
for test in "${tests[@]}"; do
  name="${test#*.}"
  name="${name/\//.}"  # XCTest prints Class.method
  log="$work/$name.log"
  if ! "${as_user[@]}" "$work/ReserveSimPackageTests.xctest" "$test" >"$log" 2>&1; then
    cat "$log" >&2
    echo "FAIL: $test failed as $user" >&2
    status=1
  elif ! grep -q "Test Case '$name' passed" "$log" || grep -q "skipped" "$log"; then
    cat "$log" >&2
    echo "FAIL: $test did not run and pass as $user (skipped, or not found)" >&2
    status=1
  else
    echo "ok: $test ran and passed as $user ($(grep -m1 -o "Executed 1 test, with 0 failures" "$log"))"
  fi
done
exit "$status"
