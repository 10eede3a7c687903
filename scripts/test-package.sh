#!/usr/bin/env bash
# Tests the release tarball on a bare Debian: builds it (scripts/package.sh), unpacks it in a minimal Debian
# root made by debootstrap (same release and mirror as this machine's apt sources; no Swift, no OpenBLAS, no
# GCC runtime libraries), and runs `reservesim validate` and `reservesim run --json` there with chroot.
#
# The Debian root is made once and kept in .cache/ (git-ignored); each test unpacks into a fresh folder
# inside it and removes it afterwards. Needs root (chroot, mounting /proc): run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

tarball=$(bash scripts/package.sh | tail -n 1)
echo "Testing $tarball on a bare Debian root…" >&2

# The release and the mirror this machine's apt uses (deb822 .sources first, then sources.list).
# shellcheck source=/dev/null
. /etc/os-release
codename=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=$(awk -v suite="$codename" '
  /^URIs:/ { uris = $2 }
  /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) found = uris }
  /^$/ { uris = "" }
  END { print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk -v suite="$codename" '$1 == "deb" && $3 == suite { print $2; exit }' /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}

root=".cache/debian-$codename-minbase-$(dpkg --print-architecture)"
if [ ! -x "$root/bin/sh" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap >/dev/null
  fi
  echo "Making a minimal Debian $codename root from $mirror (once; kept in $root)…" >&2
  $SUDO rm -rf "$root.partial"
  mkdir -p .cache
  $SUDO debootstrap --variant=minbase "$codename" "$root.partial" "$mirror" >&2
  $SUDO mv "$root.partial" "$root"
fi

# A bare Debian has none of what the binary would otherwise need from this machine.
for absent in libopenblas.so.0 libgfortran.so.5 libquadmath.so.0; do
  if [ -n "$(find "$root/usr/lib" "$root/lib" -name "$absent" 2>/dev/null)" ]; then
    echo "test-package.sh: $root has $absent; remove the root to rebuild it" >&2
    exit 1
  fi
done

work=$(mktemp -d "$root/tmp/reservesim-test.XXXXXX")
inside=${work#"$root"}
cleanup() {
  if mountpoint -q "$root/proc"; then $SUDO umount "$root/proc"; fi
  $SUDO rm -rf "$work"
}
trap cleanup EXIT
mountpoint -q "$root/proc" || $SUDO mount -t proc proc "$root/proc"
tar -xzf "$tarball" -C "$work"
name=$(basename "$tarball" .tar.gz)
package="$inside/$name"

# expect CODE WHAT STDOUT_FILE COMMAND…: runs COMMAND in the root with a clean environment and fails the test
# unless it exits with CODE; its stdout goes to STDOUT_FILE, its stderr to $work/stderr.txt (shown on failure).
expect() {
  local expected=$1 what=$2 output=$3 code=0
  shift 3
  $SUDO chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@" >"$output" 2>"$work/stderr.txt" || code=$?
  if [ "$code" -ne "$expected" ]; then
    cat "$work/stderr.txt" >&2
    echo "test-package.sh: FAIL: $what exited $code, expected $expected" >&2
    exit 1
  fi
  echo "ok: $what (exit $code)" >&2
}

missing=$($SUDO chroot "$root" /usr/bin/ldd "$package/bin/reservesim" | grep 'not found' || true)
[ -z "$missing" ] || { echo "test-package.sh: FAIL: in the bare root, $missing" >&2; exit 1; }
echo "ok: every library the binary needs is in the bare root or the tarball" >&2

binary="$package/bin/reservesim"
expect 0 "reservesim --version" "$work/version.txt" "$binary" --version
version=${name#reservesim-}
version=${version%-linux-*}
grep -qF "$version" "$work/version.txt" \
  || { echo "test-package.sh: FAIL: --version printed '$(cat "$work/version.txt")', not $version" >&2; exit 1; }

scenario="$package/scenarios/pypi-2020-baseline.json"
expect 0 "reservesim validate scenarios/pypi-2020-baseline.json" /dev/null "$binary" validate "$scenario"
printf '{"name": "Bad", "years": 0}\n' >"$work/bad.json"
expect 2 "reservesim validate on a file with years 0" "$work/bad.txt" "$binary" validate "$inside/bad.json"
if [ -s "$work/bad.txt" ] || ! grep -q 'bad.json.*years' "$work/stderr.txt"; then
  echo "test-package.sh: FAIL: a bad file must give one message naming it and the field, nothing on stdout" >&2
  exit 1
fi
expect 0 "reservesim run --paths 2000 --json" "$work/run.json" "$binary" run "$scenario" --paths 2000 --json

python3 - "$work/run.json" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    summary = json.load(f)
assert summary["paths"] == 2000, summary["paths"]
assert summary["years"] == len(summary["ruinProbabilityByYear"]) == len(summary["balanceByYear"])
assert 0 <= summary["ruinProbability"]["value"] <= 1
assert summary["requiredReserve"] and all(r["value"] >= 0 for r in summary["requiredReserve"])
print(f"ok: the JSON summary parses ({summary['scenario']}, {summary['paths']} paths, "
      f"ruin {summary['ruinProbability']['value']:.1%})", file=sys.stderr)
EOF
echo "The release tarball runs on a bare Debian $codename." >&2
