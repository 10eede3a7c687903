"""SPEC §16's first-order indices, and SPEC §22's indices over groups, agree with SALib's on the same pairs.

Runs `reservesim sensitivity --global` on a shipped scenario with uncertain estimates, writing the paths' own
draws and outcomes (--samples) and the ranking (--csv); then SALib's RBD-FAST given-data estimator
(`SALib.analyze.rbd_fast`, M = 10) on those samples must land inside ReserveSim's 95% interval for every estimate,
for Y = the need and Y = ruined. An index ReserveSim leaves empty (null) is accepted only where docs/model.md says it
is null: Y does not vary over the paths, or fewer than 400 paths ran; any other empty index is a failure.

Then the same with the estimates drawn per group of INNER paths (SPEC §22, `--set simulation.nested.inner=INNER`,
NESTED_PATHS paths): every path of a group must carry its group's draws; SALib's `rbd_fast` on the J groups'
(θ_j, p_j) pairs, p_j the share of the group's paths that ran out, times Var(p_j)/sd_epi² (computed here from the
p_j as docs/model.md says), must land inside the interval of each entry of `run --json`'s `nested.ranking`, and
sd_epi must be the one `run` reports. Exit 1 with the disagreements listed, 0 when all agree.

Usage: python check_uncertainty.py RESERVESIM SCENARIO [PATHS [INNER [NESTED_PATHS]]]
"""

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from SALib.analyze import rbd_fast


def main() -> int:
    binary, scenario = sys.argv[1], sys.argv[2]
    paths = sys.argv[3] if len(sys.argv) > 3 else "20000"
    inner = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    nested_paths = sys.argv[5] if len(sys.argv) > 5 else "40000"
    per_path = check_per_path(binary, scenario, paths)
    per_group = check_per_group(binary, scenario, nested_paths, inner)
    return 1 if per_path or per_group else 0


def read_samples(path: Path):
    """The --samples CSV: estimate names, and per path its draws, ruined (1/0) and need."""
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    data = np.array([[float(cell) for cell in row] for row in rows[1:]])
    return rows[0][1:-2], data[:, 1:-2], data[:, -2], data[:, -1]


def check_per_group(binary: str, scenario: str, paths: str, inner: int) -> int:
    """SPEC §22: SALib on the groups' (θ_j, p_j) pairs against `run --json`'s nested ranking."""
    setting = ["--set", f"simulation.nested.inner={inner}", "--paths", paths]
    with tempfile.TemporaryDirectory() as folder:
        samples = Path(folder) / "samples.csv"
        subprocess.run([binary, "sensitivity", scenario, "--global", "--samples", str(samples), "--json"] + setting,
                       check=True, stdout=subprocess.DEVNULL)
        run = subprocess.run([binary, "run", scenario, "--json"] + setting, check=True, capture_output=True,
                             text=True)
        names, inputs, ruined, _ = read_samples(samples)
    nested = json.loads(run.stdout)["nested"]
    groups = len(ruined) // inner
    failures = []
    by_group = inputs.reshape(groups, inner, len(names))
    theta = by_group[:, 0, :]
    if not np.array_equal(by_group, np.repeat(theta[:, None, :], inner, axis=1)):
        failures.append("the paths of a group do not share their draws")
    shares = ruined.reshape(groups, inner).mean(axis=1)
    variance = shares.var(ddof=1)
    noise = np.mean(shares * (1 - shares)) / (inner - 1)
    epistemic = max(0.0, variance - noise)
    if not np.isclose(np.sqrt(epistemic), nested["ruin"]["sdEpistemic"], rtol=1e-9, atol=1e-15):
        failures.append(f"sd_epi: {np.sqrt(epistemic)} here, {nested['ruin']['sdEpistemic']} from run")
    problem = {
        "num_vars": len(names), "names": names,
        "bounds": [[theta[:, i].min(), theta[:, i].max() + 1e-12] for i in range(len(names))],
    }
    salib = rbd_fast.analyze(problem, theta, shares, M=10, seed=1)
    checked = 0
    for entry in nested["ranking"]:
        name, ours = entry["path"], entry["ruin"]
        if ours is None:
            failures.append(f"{name}: no index over {groups} groups (docs/model.md: null only below 400 groups "
                            "or when sd_epi is 0)")
            continue
        # Scaled to the spread research could remove, then clamped to [0, 1] as ReserveSim clamps every index.
        scaled = min(1.0, max(0.0, salib["S1"][names.index(name)] * variance / epistemic))
        checked += 1
        if not ours["lower"] <= scaled <= ours["upper"]:
            failures.append(f"{name}: SALib {scaled:.5f}, ReserveSim [{ours['lower']:.5f}, {ours['upper']:.5f}]")
    print(f"check_uncertainty: {checked} indices over {groups} groups of {inner} paths compared with SALib: "
          f"{'with failures' if failures else 'nothing compared' if checked == 0 else 'agree'}")
    for line in failures:
        print("  " + line)
    return 1 if failures or checked == 0 else 0


def check_per_path(binary: str, scenario: str, paths: str) -> int:
    """SPEC §16: SALib on the paths' own (θ, Y) pairs against `sensitivity --global`'s ranking."""
    with tempfile.TemporaryDirectory() as folder:
        samples, ranking = Path(folder) / "samples.csv", Path(folder) / "ranking.csv"
        subprocess.run(
            [binary, "sensitivity", scenario, "--global", "--paths", paths, "--samples", str(samples),
             "--csv", str(ranking), "--json"],
            check=True, stdout=subprocess.DEVNULL)
        names, inputs, ruined, need = read_samples(samples)
        with ranking.open(newline="") as handle:
            ours = {row["parameter"]: row for row in csv.DictReader(handle)}
    problem = {
        "num_vars": len(names), "names": names,
        "bounds": [[inputs[:, i].min(), inputs[:, i].max() + 1e-12] for i in range(len(names))],
    }
    failures = []
    checked = skipped = 0
    missing = sorted(set(names) - set(ours))
    if missing:
        failures.append(f"no ranking row for {', '.join(missing)}")
    for output, values in (("need", need), ("ruin", ruined)):
        # docs/model.md, SPEC §16: the index is null when Y does not vary, or with fewer than 400 paths.
        why_null = ("Y does not vary over the paths" if np.ptp(values) == 0 else
                    f"{len(values)} paths, fewer than 400" if len(values) < 400 else None)
        salib = rbd_fast.analyze(problem, inputs, values, M=10, seed=1)
        for i, name in enumerate(names):
            row = ours.get(name)
            if row is None:
                continue
            if row[f"{output}_index"] == "":
                if why_null is None:
                    failures.append(f"{name} ({output}): no index from ReserveSim, though Y varies over "
                                    f"{len(values)} paths (SALib {salib['S1'][i]:.5f})")
                else:
                    skipped += 1
                    print(f"  skipped {name} ({output}): null as documented ({why_null})")
                continue
            if why_null is not None:
                failures.append(f"{name} ({output}): an index where docs/model.md says null ({why_null})")
                continue
            low, high = float(row[f"{output}_lower"]), float(row[f"{output}_upper"])
            checked += 1
            # ReserveSim clamps every index and interval end to [0, 1] (a share of variance); SALib does not.
            if not low <= min(1.0, max(0.0, salib["S1"][i])) <= high:
                failures.append(f"{name} ({output}): SALib {salib['S1'][i]:.5f}, ReserveSim [{low:.5f}, {high:.5f}]")
    print(f"check_uncertainty: {checked} indices of {scenario} compared with SALib ({skipped} null as documented): "
          f"{'with failures' if failures else 'nothing compared' if checked == 0 else 'agree'}")
    for line in failures:
        print("  " + line)
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
