"""SPEC §16's first-order indices agree with SALib's on the same (θ, Y) pairs.

Runs `reservesim sensitivity --global` on a shipped scenario with uncertain estimates, writing the paths' own
draws and outcomes (--samples) and the ranking (--csv); then SALib's RBD-FAST given-data estimator
(`SALib.analyze.rbd_fast`, M = 10) on those samples must land inside ReserveSim's 95% interval for every estimate,
for Y = the need and Y = ruined. Exit 1 with the disagreements listed, 0 when all agree.

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
    checked = 0
    for output, values in (("need", need), ("ruin", ruined)):
        salib = rbd_fast.analyze(problem, inputs, values, M=10, seed=1)
        for i, name in enumerate(names):
            row = ours[name]
            if row[f"{output}_index"] == "":
                continue
            low, high = float(row[f"{output}_lower"]), float(row[f"{output}_upper"])
            checked += 1
            if not low <= salib["S1"][i] <= high:
                failures.append(f"{name} ({output}): SALib {salib['S1'][i]:.5f}, ReserveSim [{low:.5f}, {high:.5f}]")
    print(f"check_uncertainty: {checked} indices of {scenario} compared with SALib {len(failures) and 'with failures' or 'agree'}")
    for line in failures:
        print("  " + line)
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
