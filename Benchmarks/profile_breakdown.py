#!/usr/bin/env python3
"""Where a reservesim run spends its instructions, by part of the model, from a callgrind profile.

Usage: profile_breakdown.py CALLGRIND_OUT REPO_ROOT

The profile must be written with --compress-strings=no --compress-pos=no (profile.sh does). Each
instruction is charged to one category, first rule that matches:

  1. libm (log, exp, sin, cos, pow): its own category, and split again by the caller's category.
  2. OpenBLAS (the dgemm that correlates the factor shocks).
  3. Swift's dynamic exclusivity checks (swift_beginAccess/endAccess and the thread-local lookups they make).
  4. Other Swift runtime work: retain/release, uniqueness checks, allocation, copies.
  5. ReserveSim code, by the source line the instruction comes from, inlining included: Philox.swift and
     RandomStreams.swift are random numbers, Distributions.swift is sponsors; in other files the enclosing
     `func` decides (rollOverSponsors: sponsors; drawCorrelatedShocks: random numbers; the rest of the kernel:
     kernel; Simulator: driver; Results/: summaries).
  6. Code inlined from the standard library into a ReserveSim function goes to that function's category.
  7. The rest (process start, Foundation, JSON decoding and encoding): startup and I/O.

Instruction counts (Ir), not seconds: repeatable for the same binary and input whatever else the
machine is doing.
"""

import bisect
import collections
import os
import re
import sys

CATEGORIES = [
    ("random", "Random numbers: Philox, uniforms, the normals' arithmetic"),
    ("libm", "log / exp / sin / cos / pow (libm)"),
    ("sponsors", "Sponsors: binomial and Poisson draws, roll-over"),
    ("kernel", "Path kernel, rest: factor levels, events, services, balances, need"),
    ("blas", "Shock correlation (OpenBLAS dgemm)"),
    ("exclusivity", "Swift exclusivity checks (swift_beginAccess/endAccess, TLS)"),
    ("runtime", "Swift runtime, other: retain/release, uniqueness, malloc, copies"),
    ("summary", "Reductions, sorting, quantiles (RunSummary, Quantiles, sort)"),
    ("driver", "Driver: Simulator.run, result arrays"),
    ("startup", "Startup, scenario loading, JSON output, other"),
]
LABEL = dict(CATEGORIES)

EXCLUSIVITY = ("swift_beginAccess", "swift_endAccess", "AccessSet", "SwiftTLSContext", "__tls_get_addr")
RUNTIME = (
    "swift_retain", "swift_release", "swift_isUniquelyReferenced", "swift_allocObject", "swift_deallocObject",
    "swift_bridgeObjectRetain", "swift_bridgeObjectRelease", "swift_initStaticObject", "swift_once",
    "malloc", "free", "calloc", "realloc", "_int_malloc", "_int_free", "memcpy", "memmove", "memset",
    "__memcpy", "__memmove", "__memset", "swift_slowAlloc", "swift_slowDealloc", "cfree",
)


class SourceIndex:
    """Maps (file, line) in ReserveSim's sources to the name of the enclosing `func`."""

    FUNC = re.compile(r"\bfunc\s+([A-Za-z_][A-Za-z0-9_]*)")
    TYPE = re.compile(r"^\s*(?:public |internal |private |fileprivate |final |@\w+ )*"
                      r"(?:struct|class|enum|extension)\s+([A-Za-z_][A-Za-z0-9_.]*)")

    def __init__(self, root):
        self.root = root
        self.cache = {}

    def enclosing(self, path, line):
        if path not in self.cache:
            self.cache[path] = self._index(path)
        starts, names = self.cache[path]
        i = bisect.bisect_right(starts, line) - 1
        return names[i] if i >= 0 else ""

    def _index(self, path):
        full = path if os.path.isabs(path) else os.path.join(self.root, path)
        starts, names = [], []
        try:
            with open(full, encoding="utf-8") as f:
                for number, text in enumerate(f, 1):
                    m = self.FUNC.search(text) or self.TYPE.search(text)
                    if m:
                        starts.append(number)
                        names.append(m.group(1))
        except OSError:
            pass
        return starts, names


def own_file(path):
    return "Sources/ReserveSim/" in path or path.startswith("Sources/ReserveSim")


def category_of_function(fn):
    """Category from a (mangled) out-of-line function name alone, or None."""
    if any(k in fn for k in EXCLUSIVITY):
        return "exclusivity"
    if any(fn.startswith(k) or fn == k for k in RUNTIME):
        return "runtime"
    # The C kernels (Sources/_ReserveSimKernels), one copy per instruction-set level: rs_<name>_<level>.
    if fn.startswith("rs_factor_normals"):
        return "random"
    if fn.startswith("rs_roll_over_sponsors") or fn.startswith("rs_alias"):
        return "sponsors"
    if fn.startswith("rs_"):
        return "kernel"
    if "rollOverSponsors" in fn or "Distributions" in fn or "SponsorTransitionTables" in fn:
        return "sponsors"
    if "drawCorrelatedShocks" in fn or "RandomStreams" in fn or "Philox" in fn:
        return "random"
    if "PathBlockKernel" in fn:
        return "kernel"
    if "RunSummary" in fn or "Quantiles" in fn or "ConfidenceIntervals" in fn or "sort" in fn.lower():
        return "summary"
    if "Simulator" in fn or "SimulationResult" in fn:
        return "driver"
    return None


def category_of_source(path, line, index):
    """Category from the ReserveSim source line an instruction comes from (inlining included), or None."""
    name = os.path.basename(path)
    if name in ("Philox.swift", "RandomStreams.swift"):
        return "random"
    if name == "Distributions.swift":
        return "sponsors"
    func = index.enclosing(path, line)
    if func == "rollOverSponsors":
        return "sponsors"
    if func == "drawCorrelatedShocks" or func == "correlate":
        return "random" if func == "drawCorrelatedShocks" else "blas"
    if name == "PathBlockKernel.swift":
        return "kernel"
    if "/Results/" in path:
        return "summary"
    if name in ("Simulator.swift", "SimulationResult.swift"):
        return "driver"
    return None


def classify(ob, path, line, fn, index):
    base = os.path.basename(ob)
    if base.startswith("libm.so") or base.startswith("libm-"):
        return "libm"
    if "openblas" in base:
        return "blas"
    by_fn = category_of_function(fn)
    if by_fn in ("exclusivity", "runtime"):
        return by_fn
    if own_file(path):
        by_source = category_of_source(path, line, index)
        if by_source:
            return by_source
    return by_fn or "startup"


def parse(profile, index):
    self_cost = collections.Counter()
    libm_by_caller = collections.Counter()  # (libm function, caller category) -> inclusive Ir
    checks_by_caller = collections.Counter()  # caller category -> inclusive Ir of exclusivity checks
    total = 0
    ob = fl = path = fn = ""
    cob = cfn = ""
    pending_call = False
    with open(profile, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit():
                fields = line.split()
                if len(fields) < 2:
                    continue
                position, cost = int(fields[0]), int(fields[1])
                if pending_call:
                    pending_call = False
                    cbase = os.path.basename(cob)
                    if (cbase.startswith("libm.so") or cbase.startswith("libm-")) and not (
                        os.path.basename(ob).startswith("libm")
                    ):
                        caller = classify(ob, path, position, fn, index)
                        name = re.sub(r"^__|(_fma|_avx2|_sse2|@@.*|@.*)$", "", cfn)
                        libm_by_caller[(name, caller)] += cost
                    elif any(k in cfn for k in EXCLUSIVITY) and not any(k in fn for k in EXCLUSIVITY):
                        checks_by_caller[classify(ob, path, position, fn, index)] += cost
                    continue
                self_cost[classify(ob, path, position, fn, index)] += cost
                total += cost
                continue
            key, _, value = line.partition("=")
            if key == "ob":
                ob = value
            elif key == "fl":
                fl = path = value
            elif key in ("fi", "fe"):
                path = value
            elif key == "fn":
                fn = value
                path = fl
            elif key == "cob":
                cob = value
            elif key == "cfn":
                cfn = value
            elif key == "calls":
                pending_call = True
            elif key in ("cfi", "cfl"):
                pass
    return total, self_cost, libm_by_caller, checks_by_caller


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    profile, root = sys.argv[1], sys.argv[2]
    total, self_cost, libm_by_caller, checks_by_caller = parse(profile, SourceIndex(root))
    if total == 0:
        sys.exit(f"{profile}: no costs found (written with --compress-strings=no --compress-pos=no?)")

    def pct(x):
        return f"{100.0 * x / total:.1f}%"

    print(f"Instructions (Ir): {total:,}\n")
    print("| Where the instructions go | Ir share |")
    print("| --- | ---: |")
    for key, label in CATEGORIES:
        print(f"| {label} | {pct(self_cost[key])} |")

    print("\nlibm by caller (inclusive Ir of calls made from ReserveSim code):\n")
    print("| libm function | called from | Ir share |")
    print("| --- | --- | ---: |")
    for (name, caller), cost in sorted(libm_by_caller.items(), key=lambda kv: -kv[1]):
        if 100.0 * cost / total >= 0.05:
            print(f"| {name} | {LABEL[caller].split(':')[0]} | {pct(cost)} |")

    print("\nExclusivity checks by caller (inclusive Ir):\n")
    print("| called from | Ir share |")
    print("| --- | ---: |")
    for caller, cost in sorted(checks_by_caller.items(), key=lambda kv: -kv[1]):
        if 100.0 * cost / total >= 0.05:
            print(f"| {LABEL[caller].split(':')[0]} | {pct(cost)} |")

    random_with_libm = self_cost["random"] + sum(
        cost for (name, caller), cost in libm_by_caller.items() if caller == "random")
    sponsors_with_libm = self_cost["sponsors"] + sum(
        cost for (name, caller), cost in libm_by_caller.items() if caller == "sponsors")
    print(f"\nRandom numbers with their libm calls (log, sin, cos): {pct(random_with_libm)}")
    print(f"Sponsors with their libm calls (exp, pow): {pct(sponsors_with_libm)}")


if __name__ == "__main__":
    main()
