#!/usr/bin/env python3
"""Load check of `reservesim-serve`: concurrent clients posting runs for a while, on loopback only.

Starts the server on a free port (127.0.0.1), then CLIENTS threads each post `POST /api/run` (and every third
request `POST /api/view`) with its own client id and a random edit, for DURATION seconds. Passes when every
answer is 200 or a documented 4xx (409 replaced, 413, 422), the server still answers afterwards, and its resident
memory comes back near what it was after warming up (within max(64 MiB, 50%) once idle for a few seconds).

Usage: python3 scripts/load-serve.py [--binary .build/debug/reservesim-serve] [--clients 20] [--duration 60]
"""
import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCUMENTED = {200, 409, 413, 422}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(base, path, body, client, timeout=300):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-ReserveSim-Client": client})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def client_loop(base, index, deadline, counts, failures, lock):
    rng = random.Random(index)
    client = f"load-{index}"
    n = 0
    while time.monotonic() < deadline:
        n += 1
        body = {"scenario": rng.choice(["pypi-2020-baseline", "pypi-2020-uncertain"]), "paths": rng.choice([500, 2000, 5000]),
                "set": {"reserve.floor": rng.randrange(0, 200_000, 10_000)}}
        path = "/api/view" if n % 3 == 0 else "/api/run"
        try:
            status = post(base, path, body, client)
        except Exception as error:  # a dropped connection or a time-out is a failure
            status = f"{type(error).__name__}: {error}"
        with lock:
            counts[status] += 1
            if status not in DOCUMENTED:
                failures.append((path, body, status))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "reservesim-serve"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    args = parser.parse_args()
    port = free_port()
    files = [os.path.join(ROOT, "scenarios", name) for name in ("pypi-2020-baseline.json", "pypi-2020-uncertain.json")]
    server = subprocess.Popen([args.binary, *files, "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        if "Serving" not in line:
            print("reservesim-serve did not start: " + line, file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port}"
        for _ in range(3):  # warm up: the first runs allocate the simulator's pools
            post(base, "/api/view", {"scenario": "pypi-2020-uncertain", "paths": 5000}, "warm-up")
        idle_before = rss_mib(server.pid)
        counts, failures, lock = Counter(), [], threading.Lock()
        deadline = time.monotonic() + args.duration
        threads = [threading.Thread(target=client_loop, args=(base, i, deadline, counts, failures, lock))
                   for i in range(args.clients)]
        peak = idle_before
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            peak = max(peak, rss_mib(server.pid))
            time.sleep(0.2)
        elapsed = time.monotonic() - started
        time.sleep(3)
        idle_after = rss_mib(server.pid)
        still = post(base, "/api/run", {"scenario": "pypi-2020-baseline", "paths": 100}, "after")
        total = sum(counts.values())
        print(f"{args.clients} clients for {elapsed:.0f} s: {total} requests ({total / elapsed:.1f}/s), "
              f"statuses {dict(counts)}")
        print(f"resident memory: {idle_before:.0f} MiB idle before, {peak:.0f} MiB peak, "
              f"{idle_after:.0f} MiB idle after")
        ok = True
        if failures:
            ok = False
            print(f"FAIL: {len(failures)} answers outside {sorted(DOCUMENTED)}, e.g. {failures[:3]}", file=sys.stderr)
        if counts[200] == 0:
            ok = False
            print("FAIL: no request succeeded", file=sys.stderr)
        if still != 200:
            ok = False
            print(f"FAIL: the server answered {still} after the load", file=sys.stderr)
        if idle_after > idle_before + max(64, 0.5 * idle_before):
            ok = False
            print("FAIL: memory did not come back near idle", file=sys.stderr)
        print(f"load check: {1 if ok else 0} passed, {0 if ok else 1} failed")
        return 0 if ok else 1
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
