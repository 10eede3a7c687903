# Shared by check-outputs.sh and export-notebooks.sh (source it): installs what the output checks need,
# each only when missing, and builds the release binary.
#   need_apt PACKAGE…   Debian packages (apt-get update once, --no-install-recommends)
#   python_env          a virtualenv with nbformat, nbclient, ipykernel, pandas, matplotlib, Pillow; sets $PY
#   build_reservesim    swift build -c release; sets $RESERVESIM

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=""

need_apt() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]} with apt-get…"
  if [ -z "$APT_UPDATED" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

python_env() {
  local venv="${RESERVESIM_VENV:-$HOME/.cache/reservesim/venv}"
  if ! python3 -m venv --help >/dev/null 2>&1; then need_apt python3-venv; fi
  # (Re)create it when missing or broken (say, after the system Python changed).
  "$venv/bin/python" -c "import sys" >/dev/null 2>&1 || python3 -m venv --clear "$venv"
  PY="$venv/bin/python"
  if ! "$PY" -c "import nbformat, nbclient, ipykernel, pandas, matplotlib, PIL" >/dev/null 2>&1; then
    echo "Installing nbformat nbclient ipykernel pandas matplotlib pillow with pip into $venv…"
    "$PY" -m pip install -q --disable-pip-version-check nbformat nbclient ipykernel pandas matplotlib pillow
  fi
  # The notebook kernel runs this environment's Python (ipykernel's own python3 kernel spec).
  export PATH="$venv/bin:$PATH"
}

build_reservesim() {
  swift build -c release --product reservesim >/dev/null
  RESERVESIM="$(swift build -c release --show-bin-path)/reservesim"
}

# The shipped scenarios: every scenarios/*.json but the schema.
shipped_scenarios() {
  for file in scenarios/*.json; do
    [ "$(basename "$file")" = "schema.json" ] || echo "$file"
  done
}
