"""SPEC §16's first-order indices agree with SALib's on the same (θ, Y) pairs.

Runs `reservesim sensitivity --global` on a shipped scenario with uncertain estimates, writing the paths' own
draws and outcomes (--samples) and the ranking (--csv); then SALib's RBD-FAST given-data estimator
(`SALib.analyze.rbd_fast`, M = 10) on those samples must land inside ReserveSim's 95% interval for every estimate,
for Y = the need and Y = ruined. An index ReserveSim leaves empty (null) is accepted only where docs/model.md says it
is null: Y does not vary over the paths, or fewer than 400 paths ran; any other empty index is a failure. Exit 1
with the disagreements listed, 0 when all agree.

Usage: python check_uncertainty.py RESERVESIM SCENARIO [PATHS]
"""

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from SALib.analyze import rbd_fast


def main() -> int:
    binary, scenario = sys.argv[1], sys.argv[2]
    paths = sys.argv[3] if len(sys.argv) > 3 else "20000"
    with tempfile.TemporaryDirectory() as folder:
        samples, ranking = Path(folder) / "samples.csv", Path(folder) / "ranking.csv"
        subprocess.run(
            [binary, "sensitivity", scenario, "--global", "--paths", paths, "--samples", str(samples),
             "--csv", str(ranking), "--json"],
            check=True, stdout=subprocess.DEVNULL)
        with samples.open(newline="") as handle:
            rows = list(csv.reader(handle))
        with ranking.open(newline="") as handle:
            ours = {row["parameter"]: row for row in csv.DictReader(handle)}
    names = rows[0][1:-2]
    data = np.array([[float(cell) for cell in row] for row in rows[1:]])
    inputs, ruined, need = data[:, 1:-2], data[:, -2], data[:, -1]
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
