#!/usr/bin/env bash
# Builds the release tarball dist/reservesim-<version>-linux-<arch>.tar.gz, which runs on a Linux machine
# without Swift or OpenBLAS installed, and prints its path on stdout.
#
#   bin/reservesim      Swift's runtime and Foundation linked in (--static-swift-stdlib); its RPATH
#                       ($ORIGIN/../lib, DT_RPATH so it also serves the libraries' own dependencies) finds
#   lib/                OpenBLAS and the GCC runtime libraries it needs (libgfortran, libquadmath), copied
#                       from this machine; libc, libm, libstdc++ and libgcc_s come from the system
#   scenarios/, docs/   the shipped scenarios and schema, the model and the guides
#   LICENSE, licenses/  ReserveSim's licence and those of everything linked in or shipped
#   README.md           how to run it
#
# The build has its own scratch folder (.build-package/): the static runtime changes every compile, so
# sharing .build with the ordinary release build would rebuild both each time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2

version=$(sed -n 's/.*static let string = "\([^"]*\)".*/\1/p' Sources/ReserveSimExport/Version.swift)
[ -n "$version" ] || { echo "package.sh: no version in Sources/ReserveSimExport/Version.swift" >&2; exit 1; }
arch=$(uname -m)
name="reservesim-$version-linux-$arch"
scratch=.build-package

# shellcheck disable=SC2016  # $ORIGIN is for the dynamic loader, not the shell.
swift build -c release --product reservesim --scratch-path "$scratch" --static-swift-stdlib \
  -Xlinker -rpath -Xlinker '$ORIGIN/../lib' -Xlinker --disable-new-dtags >&2
binary="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/reservesim"

mkdir -p dist
stage="dist/$name"
rm -rf "$stage" "dist/$name.tar.gz"
mkdir -p "$stage/bin" "$stage/lib" "$stage/licenses" "$stage/docs"
# Debug information off (about half the size); the symbol table stays, so crash backtraces keep names.
strip --strip-debug -o "$stage/bin/reservesim" "$binary"

# Every shared library the binary loads, except those any glibc-based Linux has, goes into lib/.
system_library='^(linux-vdso|ld-linux|libc|libm|libdl|librt|libpthread|libutil|libresolv|libgcc_s|libstdc\+\+)\.so'
shipped=()
while read -r soname _ path _; do
  [[ "$soname" =~ $system_library ]] && continue
  [ -f "$path" ] || { echo "package.sh: $soname not found on this machine (ldd: $path)" >&2; exit 1; }
  cp "$(readlink -f "$path")" "$stage/lib/$soname"
  chmod 0644 "$stage/lib/$soname"
  shipped+=("$path")
done < <(ldd "$binary" | grep '=>')

# The copy must load its libraries from lib/, not from this machine.
for library in "$stage"/lib/*; do
  soname=$(basename "$library")
  resolved=$(ldd "$stage/bin/reservesim" | awk -v s="$soname" '$1 == s { print $3 }')
  [ "$(readlink -f "$resolved")" = "$(readlink -f "$library")" ] || {
    echo "package.sh: bin/reservesim loads $soname from '$resolved', not from lib/" >&2
    exit 1
  }
done

# Licences: ReserveSim's, the Swift runtime's (Apache-2.0 with the Runtime Library Exception), the
# command-line parser's, and the Debian copyright file of each shipped library with the texts it refers to.
cp LICENSE "$stage/LICENSE"
swift_root=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
cp "$swift_root/share/swift/LICENSE.txt" "$stage/licenses/swift-runtime-Apache-2.0-with-runtime-exception.txt"
cp "$scratch/checkouts/swift-argument-parser/LICENSE.txt" "$stage/licenses/swift-argument-parser-Apache-2.0.txt"
# grep reads all of nm's output (no -q): with pipefail, grep -q quitting at the first match made nm die of
# SIGPIPE (status 141), the test false, and the ICU licence silently left out.
if nm "$binary" | grep ' icudt[0-9]*_dat$' >/dev/null; then
  # Swift's Foundation carries ICU (swift-foundation-icu); its licence is ICU's, as Debian ships it.
  icu_copyright=$(find /usr/share/doc -maxdepth 2 -path '*/libicu*/copyright' | sort | head -n 1)
  if [ -n "$icu_copyright" ]; then
    cp "$icu_copyright" "$stage/licenses/ICU-Unicode-license.txt"
  else
    # Shipping ICU without its licence is not allowed: no tarball.
    echo "package.sh: no ICU licence text found in /usr/share/doc (install libicu-dev or libicu72)" >&2
    exit 1
  fi
fi
gcc_runtime=false
for path in "${shipped[@]}"; do
  package=$(dpkg -S "$(readlink -f "$path")" | head -n 1 | cut -d: -f1)
  cp "/usr/share/doc/$package/copyright" "$stage/licenses/$package.copyright.txt"
  case "$package" in libgfortran* | libquadmath* | libgomp*) gcc_runtime=true ;; esac
done
if $gcc_runtime; then
  # libgfortran: GPL-3.0 with the GCC Runtime Library Exception (both in its copyright file);
  # libquadmath: LGPL-2.1.
  cp /usr/share/common-licenses/GPL-3 "$stage/licenses/GPL-3.0.txt"
  cp /usr/share/common-licenses/LGPL-2.1 "$stage/licenses/LGPL-2.1.txt"
fi

mkdir -p "$stage/scenarios"
cp scenarios/*.json "$stage/scenarios/"
cp docs/*.md "$stage/docs/"
chmod -R u=rwX,go=rX "$stage"

symbol_versions=$(objdump -T "$stage/bin/reservesim" "$stage"/lib/*)
glibc=$(grep -o 'GLIBC_[0-9.]*' <<<"$symbol_versions" | sort -uV | tail -n 1)
glibcxx=$(grep -o 'GLIBCXX_[0-9.]*' <<<"$symbol_versions" | sort -uV | tail -n 1)
libraries=$(find "$stage/lib" -type f -printf '%f\n' | sort | paste -sd ' ' | sed 's/ /, /g')
cat >"$stage/README.md" <<EOF
# ReserveSim $version for Linux ($arch)

ReserveSim simulates a non-profit's reserve month by month over many possible futures and reports the chance
of running out, the reserve needed at each confidence level and the expected shortfall.

## Run it

\`\`\`sh
tar xzf $name.tar.gz
$name/bin/reservesim --version
$name/bin/reservesim run $name/scenarios/pypi-2020-baseline.json
$name/bin/reservesim check $name/scenarios/*.json
\`\`\`

To call it as \`reservesim\`, put its \`bin/\` on your \`PATH\` (here from the folder you unpacked it in):

\`\`\`sh
export PATH="\$PWD/$name/bin:\$PATH"
\`\`\`

A symbolic link to \`bin/reservesim\` from a folder on your \`PATH\` (such as \`~/.local/bin\`) works too.

Keep \`bin/\` and \`lib/\` side by side (move the whole folder, not the binary alone): the binary loads the
libraries in \`lib/\` ($libraries) through a path relative to itself.

Needs Linux on $arch with glibc ${glibc#GLIBC_} or newer (\`ldd --version\` shows yours) and a libstdc++
with ${glibcxx:-GLIBCXX}, as Debian 12 and Ubuntu 22.04 have, and nothing else: Swift's runtime is inside
the binary and OpenBLAS is in \`lib/\`.

## What is here

- \`bin/reservesim\`: the command line (\`reservesim --help\`, \`reservesim run --help\`, …).
- \`scenarios/\`: the shipped scenarios and \`schema.json\` (JSON Schema for editors).
- \`docs/\`: \`model.md\` (what a scenario means and what is computed), \`scenario-format.md\` (every field),
  \`ci.md\` (budget checks in CI), \`outputs.md\`, \`what-if.md\`, \`engine.md\`.
- \`LICENSE\`: ReserveSim's licence (MIT). \`licenses/\`: the licences of what is linked into the binary or
  shipped in \`lib/\`: the Swift runtime and Foundation (Apache-2.0 with the Runtime Library Exception), Swift
  Argument Parser (Apache-2.0), ICU (Unicode licence), OpenBLAS (BSD-3-Clause) and the GCC runtime libraries
  (libgfortran: GPL-3.0 with the GCC Runtime Library Exception; libquadmath: LGPL-2.1).
EOF

# A tarball that depends only on the sources: sorted names, no owners, the last commit's date.
mtime=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C dist -czf "dist/$name.tar.gz" "$name"
echo "$PWD/dist/$name.tar.gz"
