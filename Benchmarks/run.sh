#!/usr/bin/env bash
# ReserveSim's benchmarks, one command (see README.md beside this file).
#
#   Benchmarks/run.sh            run every package-benchmark suite (release build) and print the tables
#   Benchmarks/run.sh check      run them and compare with the stored thresholds (Thresholds/):
#                                exit 0 when within tolerance or only better, 2 on a regression
#   Benchmarks/run.sh update     run them and store their p90s as the new thresholds
#   Benchmarks/run.sh figures    the README's figures: the reservesim CLI from 10k to 10M paths,
#                                1 vs 2 threads, peak memory (markdown on stdout, runs on stderr)
#   Benchmarks/run.sh profile    the README's profile (same as Benchmarks/profile.sh)
#
# Any further arguments go to `swift package benchmark`, e.g. `run.sh run --target RandomNumbers`
# or `run.sh run --filter "PyPI-100k.*"`.
#
# figures reads: SIZES (default "10000 100000 1000000 10000000"), THREAD_SIZES (1 vs 2 threads, default
# "100000 1000000"), RUNS (runs per size, default 5; 3 at 1M, 1 at 10M), QUIET_WAIT (seconds to wait for
# an idle machine before each run, default 60; 0 not to wait), RETRIES (repeats of a run that other
# processes disturbed, default 3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$here"

mode="${1:-run}"
[[ $# -gt 0 ]] && shift

# Share of the machine's CPU busy over one second (0–100), from /proc/stat: what else is running.
busy_percent() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  local idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $(((100 * (total - idle)) / (total > 0 ? total : 1)))
}

# Waits (up to QUIET_WAIT seconds) until the machine is nearly idle, so that timings are our own.
wait_for_quiet() {
  local limit="${QUIET_WAIT:-60}" waited=0 busy
  busy="$(busy_percent)"
  while ((busy > 10 && waited < limit)); do
    sleep 4
    waited=$((waited + 5))
    busy="$(busy_percent)"
  done
  echo "$busy"
}

# "2 cores (AMD EPYC), 23 GiB, 2026-11-24, Swift 6.3.1": nproc, lscpu's model name, memory, date, toolchain.
machine_line() {
  local model memory swift_version
  model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  memory="$(free -g | awk '/^Mem:/ { print $2 }')"
  swift_version="$(swift --version 2> /dev/null | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1)"
  echo "$(nproc) cores ($model), $memory GiB, $(date -u +%Y-%m-%d), Swift $swift_version"
}

# Busy CPU time of the whole machine so far, in clock ticks (/proc/stat: user nice system irq softirq steal).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# CPU time of shell PID's finished children, in clock ticks (/proc/PID/stat: cutime + cstime).
children_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }

# Runs `swift package ARGS`, then says how much CPU other processes took meanwhile: with more than a
# little, wall clock and rates are theirs as much as ours (CPU time, memory and mallocs stay ours).
benchmark() {
  swift build -c release >&2  # first, so that the quiet wait below is not spent compiling
  echo "machine: $(machine_line); CPU busy before start: $(wait_for_quiet)%" >&2
  local machine_before ours_before start status=0 shell=$BASHPID  # this (sub)shell reaps swift package
  machine_before="$(busy_ticks)"
  ours_before="$(children_ticks "$shell")"
  start="$(date +%s)"
  swift package "$@" || status=$?
  local seconds=$(($(date +%s) - start)) theirs others
  theirs=$(($(busy_ticks) - machine_before - ($(children_ticks "$shell") - ours_before)))
  others=$((theirs * 100 / ($(getconf CLK_TCK) * (seconds > 0 ? seconds : 1))))
  ((others < 0)) && others=0
  echo -n "Other processes used ${others}% of one core on average during the run" >&2
  if ((others > 15)); then
    echo ": wall clock and rates are unreliable, compare CPU time or re-run." >&2
  else
    echo "." >&2
  fi
  return "$status"
}

run_figures() {
  if [[ ! -x /usr/bin/time ]] || ! command -v bc > /dev/null; then
    echo "figures needs GNU time and bc: apt-get install -y time bc" >&2
    exit 1
  fi
  echo "Building reservesim (release) ..." >&2
  swift build -c release --product reservesim >&2
  local cli="$here/.build/release/reservesim" scenario="$root/scenarios/pypi-2020-baseline.json"
  local sizes="${SIZES:-10000 100000 1000000 10000000}"

  # measure PATHS THREADS(all|N) RUNS → "median_wall median_cpu max_rss_kb" (each run logged on stderr).
  # A run during which other processes used more than a quarter of a core on average is repeated (at most
  # RETRIES times, default 3; the last attempt counts), so that the medians are this program's own.
  measure() {
    local paths="$1" threads="$2" runs="$3" r attempt busy line before after others
    local walls=() cpus=() rss=0 hz
    hz="$(getconf CLK_TCK)"
    local args=(run "$scenario" --paths "$paths" --json)
    [[ "$threads" != all ]] && args+=(--threads "$threads")
    for ((r = 1; r <= runs; r++)); do
      for ((attempt = 0; attempt <= ${RETRIES:-3}; attempt++)); do
        busy="$(wait_for_quiet)"
        before="$(busy_ticks)"
        line="$(/usr/bin/time -f '%e %U %S %M' "$cli" "${args[@]}" 2>&1 > /dev/null | tail -1)"
        after="$(busy_ticks)"
        read -r wall user sys kb <<< "$line"
        # Others' share of one core during the run: machine busy time minus this run's CPU time, per second.
        others="$(echo "(($after - $before) / $hz - $user - $sys) / ($wall + 0.01)" | bc -l |
          awk '{ printf "%.0f", 100 * ($1 < 0 ? 0 : $1) }')"
        echo "  paths=$paths threads=$threads run $r/$runs: wall ${wall}s user ${user}s sys ${sys}s" \
          "maxrss ${kb} KB (others: ${busy}% busy before, ${others}% of a core during)" >&2
        ((others <= 25)) && break
      done
      walls+=("$wall")
      cpus+=("$(echo "$user + $sys" | bc -l)")
      ((kb > rss)) && rss="$kb"
    done
    echo "$(median "${walls[@]}") $(median "${cpus[@]}") $rss"
  }
  median() {
    printf '%s\n' "$@" | sort -g |
      awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
  }
  runs_for() {
    local paths="$1"
    if [[ -n "${RUNS:-}" ]]; then echo "$RUNS"
    elif ((paths >= 10000000)); then echo 1
    elif ((paths >= 1000000)); then echo 3
    else echo 5; fi
  }
  label() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n/1e6; else printf "%gk", n/1e3 }'; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
  cell() { # paths wall cpu → "µs/path (wall s; CPU µs/path)"
    awk -v n="$1" -v w="$2" -v c="$3" 'BEGIN { printf "%.1f µs (%.2f s; CPU %.1f µs)", 1e6*w/n, w, 1e6*c/n }'
  }

  local out=() peak=() p m
  echo "machine: $(machine_line)" >&2
  for p in $sizes; do
    m="$(measure "$p" all "$(runs_for "$p")")"
    read -r w c kb <<< "$m"
    out+=("| $(label "$p") paths, all cores | $(cell "$p" "$w" "$c") |")
    peak+=("| $(label "$p") paths | $(awk -v k="$kb" 'BEGIN { printf "%.0f MiB", k/1024 }') |")
  done
  local threads_rows=()
  for p in ${THREAD_SIZES-100000 1000000}; do
    local w1 w2 c1 c2 k
    read -r w1 c1 k <<< "$(measure "$p" 1 "$(runs_for "$p")")"
    read -r w2 c2 k <<< "$(measure "$p" 2 "$(runs_for "$p")")"
    threads_rows+=("| $(label "$p") paths, 1 thread | $(cell "$p" "$w1" "$c1") |")
    threads_rows+=("| $(label "$p") paths, 2 threads | $(cell "$p" "$w2" "$c2") |")
    threads_rows+=("| $(label "$p") paths, speed-up 1 → 2 threads | $(ratio "$w1" "$w2") |")
  done

  echo "Machine: $(machine_line). Median of runs;" \
    "cell = wall time per path (wall time of the run; CPU time per path)."
  echo
  echo "| Paths (reservesim run --json) | this run |"
  echo "| --- | ---: |"
  printf '%s\n' "${out[@]}" "${threads_rows[@]}"
  echo
  echo "| Peak memory (max RSS) | this run |"
  echo "| --- | ---: |"
  printf '%s\n' "${peak[@]}"
}

case "$mode" in
  run) benchmark benchmark run --no-progress "$@" ;;
  check)
    # `swift package` turns the tool's exit codes (2 regression, 4 improvements only) into 1: read its words.
    log="$(mktemp)"
    set +e
    benchmark benchmark thresholds check --no-progress "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    if ((status == 0)); then
      echo "Within the stored thresholds."
    elif grep -q benchmarkThresholdImprovement "$log" && ! grep -q benchmarkThresholdRegression "$log"; then
      echo "Better than the stored thresholds beyond tolerance: record them with 'Benchmarks/run.sh update'."
    else
      echo "Regression against the stored thresholds, or a failed run (exit $status)." >&2
      rm -f "$log"
      exit 2
    fi
    rm -f "$log"
    ;;
  update)
    benchmark --allow-writing-to-package-directory benchmark thresholds update --no-progress "$@"
    # package-benchmark 1.38.1 stores the 90th percentile of every metric, but checks a larger-is-better
    # metric at its 10th (its worse tail), so a stored rate would fail runs as steady as the one that stored
    # it. The rates are paths (or calls) over the wall clock, which is checked; keep them out of the files.
    python3 - Thresholds/*.p90.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    with open(path) as f:
        thresholds = json.load(f)
    kept = {k: v for k, v in thresholds.items() if not k.endswith("/s")}
    with open(path, "w") as f:
        json.dump(kept, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")
PY
    echo "Thresholds written to $here/Thresholds (rates left out: see run.sh)."
    ;;
  figures) run_figures ;;
  profile) exec "$here/profile.sh" "$@" ;;
  -h | --help | help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
  *) echo "unknown mode '$mode' (run, check, update, figures, profile, help)" >&2; exit 64 ;;
esac
