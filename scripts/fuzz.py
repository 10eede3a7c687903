#!/usr/bin/env python3
"""The command line's own fuzz test: mutated scenarios, random command lines and output targets, one contract.

Every case takes a shipped scenario (scenarios/*.json), applies one kind of mutation (see KINDS), picks a
command, its options and an output target, runs the release binary in a sandbox folder, and checks:

- the exit code is 0, 1 or 2 (never a crash, a signal or a hang);
- on exit 2: nothing on stdout, exactly one line on stderr starting "reservesim: ", without control
  characters; the sandbox is exactly as before (no file created, changed or removed, no temporary left);
- on exit 0 or 1: no staging folder or temporary file left, a new output file exists, and any `--json`
  output is one JSON document whose numbers are finite (no NaN, Infinity, or null; the documented nulls are
  expectedShortfall in search mode, next to expectedShortfallOmitted, an uncertain estimate's index for an
  output that does not vary, `uncertainty[i].ruin` or `.need`, a runway percentile the curve never reaches and
  the curve to a minimum the file does not set, and the nested spread and indices SPEC §22 leaves null).

Case N is the same on every machine for a given --seed (its own random generator, seeded "SEED:N"), so a
failure is reproduced with `--case N`. Usage:

    python3 scripts/fuzz.py [--binary PATH] [--seed S] [--cases N] [--case N] [--skip-known] [--jobs J]

--skip-known leaves out the mutation kinds in KNOWN: failures already reported and being fixed elsewhere.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Mutation kinds, applied in turn (case N has kind KINDS[N % len(KINDS)]).
KINDS = [
    "delete-key",  # a key removed from an object
    "change-type",  # a value replaced by one of another JSON type
    "extreme-number",  # a number replaced by an extreme one (1e400, 5e-324, 2^64, -0, ...)
    "control-string",  # a string value replaced by one with control, format or astral characters
    "unicode-key",  # a key renamed, or a key added, with control or unusual characters
    "truncate",  # the file cut short at a random byte
    "duplicate-key",  # an object written with one of its keys twice
    "trailing-comma",  # a comma before a closing } or ] (also what random bytes make when that is all they break)
    "random-bytes",  # bytes overwritten, inserted or deleted (invalid UTF-8 included)
    "set-override",  # an unchanged file, a random --set PATH=VALUE
    "command-line",  # an unchanged file, random option values and stray arguments
    "output-target",  # an unchanged file, an awkward output path (folder, device, link, control characters)
]

# Kinds that fail today only because of bugs being fixed elsewhere; --skip-known leaves them out. Enable each
# (delete it here) once its fix is merged. Empty: every kind is checked.
KNOWN: dict[str, str] = {}

COMMANDS = ["run", "validate", "check", "report", "notebook", "compare", "sensitivity", "sweep", "drivers"]
PATHS = "64"
TIMEOUT_SECONDS = 60


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPOSITORY, ".build/release/reservesim"))
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument("--cases", type=int, default=660)
    parser.add_argument("--case", type=int, action="append", help="run only this case (repeatable)")
    parser.add_argument("--skip-known", action="store_true", help="leave out the kinds listed in KNOWN")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    if not os.access(args.binary, os.X_OK):
        sys.exit(f"fuzz.py: {args.binary} is not built (swift build -c release --product reservesim)")
    scenarios = shipped_scenarios()
    numbers = args.case or range(args.cases)
    cases = [c for c in (make_case(args.seed, n, scenarios) for n in numbers)
             if not (args.skip_known and c["kind"] in KNOWN)]
    started = time.time()
    work = tempfile.mkdtemp(prefix="reservesim-fuzz-")
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda c: run_case(c, args.binary, work), cases))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    failures = [(c, r) for c, r in zip(cases, results) if r["problems"]]
    for device in ("/dev/null", "/dev/full"):
        if not stat.S_ISCHR(os.stat(device).st_mode):
            print(f"fuzz: {device} is no longer a character device: the binary replaced it; restore it now")
            sys.exit(1)
    by_kind = {}
    for case, result in zip(cases, results):
        counts = by_kind.setdefault(case["kind"], {"cases": 0, "failed": 0, 0: 0, 1: 0, 2: 0})
        counts["cases"] += 1
        counts["failed"] += bool(result["problems"])
        if result["status"] in (0, 1, 2):
            counts[result["status"]] += 1
    print(f"fuzz: {len(cases)} cases, seed {args.seed}, {time.time() - started:.1f}s")
    for kind in KINDS:
        if kind in by_kind:
            k = by_kind[kind]
            note = f"  (known: {KNOWN[kind]})" if kind in KNOWN else ""
            print(f"  {kind:15} {k['cases']:4} cases  exit 0/1/2: {k[0]}/{k[1]}/{k[2]}  failed: {k['failed']}{note}")
        elif kind in KNOWN and args.skip_known:
            print(f"  {kind:15} skipped (known: {KNOWN[kind]})")
    for case, result in failures[:20] if not args.verbose else failures:
        print(f"\nFAILED case {case['number']} ({case['kind']}: {case['description']})")
        print("  reservesim " + " ".join(repr(a) if needs_quotes(a) else a for a in case["arguments"]))
        print(f"  exit {result['status']}")
        for problem in result["problems"]:
            print(f"  - {problem}")
        if result["stderr"]:
            print(f"  stderr: {result['stderr'][:400]!r}")
    if failures:
        print(f"\nfuzz: {len(failures)} of {len(cases)} cases broke the contract; "
              f"rerun one with: python3 scripts/fuzz.py --seed {args.seed} --case N")
        sys.exit(1)


def needs_quotes(text):
    return not text or any(not (ch.isalnum() or ch in "-_./=:[]@%") for ch in text)


def shipped_scenarios():
    folder = os.path.join(REPOSITORY, "scenarios")
    files = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as f:
                files[name] = f.read()
    return files


# --- Cases ---------------------------------------------------------------------------------------------------

class Raw(str):
    """Number text to write as is (1e400, -0), which Python's json module would not produce."""


def make_case(seed, number, scenarios):
    rng = random.Random(f"{seed}:{number}")
    kind = KINDS[number % len(KINDS)]
    names = [n for n in scenarios if n != "schema.json"]
    base = rng.choice(names)
    text = scenarios[base]
    document = json.loads(text)
    description = base
    extra = []  # extra arguments (--set, options)
    added_key = added_value = None
    if kind in ("delete-key", "change-type", "extreme-number", "control-string", "unicode-key"):
        document, what = mutate_document(rng, kind, document)
        if isinstance(what, tuple):
            what, added_key, added_value = what
        text = serialize(rng, document)
        description += ": " + what
    elif kind == "truncate":
        cut = rng.randrange(len(text))
        text = text[:cut]
        description += f": cut at byte {cut}"
    elif kind == "duplicate-key":
        text, what = duplicate_key(rng, document)
        description += ": " + what
    elif kind == "trailing-comma":
        closings = [i for i, byte in enumerate(text) if byte in b"}]"]
        where = rng.choice(closings)
        text = text[:where] + b"," + text[where:]
        description += f": comma inserted at byte {where}"
    elif kind == "random-bytes":
        text, what = random_bytes(rng, text)
        description += ": " + what
        if not strict_json(text) and strict_json(re.sub(rb",(\s*[}\]])", rb"\1", text)):
            kind = "trailing-comma"  # the bytes broke nothing but that: count it where it belongs
            description += " (random bytes that make a trailing comma)"
    elif kind == "set-override":
        for _ in range(rng.randint(1, 2)):
            extra += ["--set", random_override(rng, document)]
        description += ": " + " ".join(extra)
    elif kind == "command-line":
        extra = random_options(rng)
        description += ": " + " ".join(extra)

    # Mutations that must be refused whatever the command: text that is not strict JSON, a key given twice, a
    # field the format does not have. (Other kinds may give a valid scenario: 7 where 0.5 was, a key deleted.)
    expect_bad_input = kind in ("duplicate-key", "trailing-comma") or (
        kind in ("truncate", "random-bytes") and not strict_json(text))
    if kind == "unicode-key" and description.split(": ", 1)[1].startswith("added"):
        expect_bad_input = added_value is not None and added_key != "extends"

    command = rng.choice(COMMANDS)
    target_kind = random_target_kind(rng) if kind == "output-target" else rng.choice(
        ["new-file", "new-file", "existing-file", "none"])
    arguments, output = command_line(rng, command, target_kind)
    if kind == "output-target":
        description += f": {command} to {target_kind}"
        if target_kind == "the-scenario" and command != "validate":
            expect_bad_input = True  # no output may overwrite the scenario the command reads
    # Stray arguments go after the command's own, where they are parsed as options of the subcommand.
    # A command line cannot hold NUL: U+0001 stands in for it there.
    arguments = [a.replace("\u0000", "\u0001") for a in arguments + extra]
    return {"number": number, "kind": kind, "expect_bad_input": expect_bad_input, "description": description, "scenario": base,
            "text": text, "arguments": arguments, "output": output, "json": "--json" in arguments,
            "files": scenarios}


def strict_json(data):
    """Whether `data` is UTF-8 text holding exactly one JSON document (RFC 8259: no NaN or Infinity)."""
    def refuse(constant):
        raise ValueError(constant)

    try:
        json.loads(data.decode("utf-8"), parse_constant=refuse)
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def json_paths(value, prefix=()):
    """Every path (tuple of keys and indices) in a document, the root excluded."""
    paths = []
    if isinstance(value, dict):
        for key, item in value.items():
            paths.append(prefix + (key,))
            paths += json_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths.append(prefix + (index,))
            paths += json_paths(item, prefix + (index,))
    return paths


def get(document, path):
    for step in path:
        document = document[step]
    return document


def put(document, path, value):
    get(document, path[:-1])[path[-1]] = value


EXTREME_NUMBERS = ["1e400", "-1e400", "1e308", "-1.7976931348623157e308", "5e-324", "-5e-324", "1e-400", "-0",
                   "-0.0", "0", "9007199254740993", "18446744073709551616", "-9223372036854775809",
                   "123456789012345678901234567890", "2147483648", "4294967296", "0.1e1", "1E3", "1e6", "-1",
                   # at or near the format's largest values, which validate and then must simulate to finite numbers
                   "1e15", "1e12", "1000000", "1000", "100", "10", "1", "0.999999", "1e-9"]

STRANGE_STRINGS = ["", " ", "\u0000", "a\nb", "\r", "\t", "\u001b[31mred\u001b[0m", "\u007f", "\u0085", "\u2028",
                   "\u2029", "\u202egnp.exe", "\ufeff", "é", "e\u0301", "\U0001F600", "\ud800", "\udfff",
                   "x" * 5000, "$", "..", "CDN (Fastly)", "[0]", "a.b", "null", "1e3"]

STRANGE_KEYS = ["", " ", "\u0000", "na\nme", "\u001b[2J", "$ref", "__proto__", "extends", "name ", "Name", "é",
                "\u2028", "\U0001F600", "\ud800", "years\u0000"]


def mutate_document(rng, kind, document):
    paths = json_paths(document)
    if kind == "delete-key":
        keyed = [p for p in paths if isinstance(p[-1], str)]
        path = rng.choice(keyed)
        del get(document, path[:-1])[path[-1]]
        return document, f"deleted {show(path)}"
    if kind == "change-type":
        path = rng.choice(paths)
        old = get(document, path)
        choices = ["text", 7, 0.5, True, None, [], {}, [1, "a"], {"x": 1}]
        choices = [c for c in choices if type(c) is not type(old)]
        value = rng.choice(choices)
        put(document, path, value)
        return document, f"{show(path)} = {json.dumps(value)}"
    if kind == "extreme-number":
        numeric = [p for p in paths if isinstance(get(document, p), (int, float))
                   and not isinstance(get(document, p), bool)]
        path = rng.choice(numeric or paths)
        value = Raw(rng.choice(EXTREME_NUMBERS))
        put(document, path, value)
        return document, f"{show(path)} = {value}"
    if kind == "control-string":
        strings = [p for p in paths if isinstance(get(document, p), str)]
        path = rng.choice(strings or paths)
        value = rng.choice(STRANGE_STRINGS)
        if rng.random() < 0.5 and isinstance(get(document, path), str):
            value = get(document, path) + value  # keep the reference or name recognisable
        put(document, path, value)
        return document, f"{show(path)} = {value[:40]!r}"
    # unicode-key
    objects = [()] + [p for p in paths if isinstance(get(document, p), dict)]
    path = rng.choice(objects)
    target = get(document, path)
    key = rng.choice(STRANGE_KEYS)
    if target and rng.random() < 0.5:
        old = rng.choice(list(target))
        key = old + key if rng.random() < 0.5 else key
        target[key] = target.pop(old)
        return document, f"renamed {show(path + (old,))} to {key!r}"
    value = rng.choice([1, "x", None, {}])
    target[key] = value
    # null deletes a key in a file that extends another (RFC 7386 merge patch), so an added null is valid.
    return document, (f"added {show(path + (key,))} = {json.dumps(value)}", key, value)


def show(path):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p!r}" for p in path)


def serialize(rng, document, duplicate=None):
    """JSON text of `document`; Raw strings are written as bare number text; `duplicate` is (object path, key,
    second value) to write that object's key twice."""
    ascii_only = rng.random() < 0.5

    def text(value, path):
        if isinstance(value, Raw):
            return str(value)
        if isinstance(value, dict):
            items = [f"{string(k)}: {text(v, path + (k,))}" for k, v in value.items()]
            if duplicate and duplicate[0] == path:
                items.append(f"{string(duplicate[1])}: {text(duplicate[2], path + (duplicate[1],))}")
            return "{" + ", ".join(items) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(text(v, path + (i,)) for i, v in enumerate(value)) + "]"
        return json.dumps(value, ensure_ascii=ascii_only)

    def string(key):
        return json.dumps(key, ensure_ascii=ascii_only)

    result = text(document, ())
    try:
        return result.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate written raw: no UTF-8 for it, so escape it
        return result.encode("utf-8", "backslashreplace")


def duplicate_key(rng, document):
    objects = [()] + [p for p in json_paths(document) if isinstance(get(document, p), dict)]
    objects = [p for p in objects if get(document, p)]
    path = rng.choice(objects)
    key = rng.choice(list(get(document, path)))
    value = rng.choice([get(document, path)[key], 1, "other", None])
    return serialize(rng, document, duplicate=(path, key, value)), f"{show(path + (key,))} twice"


def random_bytes(rng, text):
    data = bytearray(text)
    edits = []
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data))
        action = rng.choice(["overwrite", "insert", "delete"])
        if action == "overwrite":
            data[where] = rng.randrange(256)
        elif action == "insert":
            data[where:where] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        else:
            del data[where]
        edits.append(f"{action}@{where}")
    return bytes(data), ", ".join(edits)


def random_override(rng, document):
    paths = [p for p in json_paths(document) if not any(isinstance(s, str) and s.startswith("$") for s in p)]
    if rng.random() < 0.8 and paths:
        path = rng.choice(paths)
        text = ""
        for step in path:
            if isinstance(step, int):
                text += f"[{step}]"
            else:
                text += ("." if text else "") + step
    else:
        text = rng.choice(["", ".", "a..b", "reserve.", "income[", "income[99]", "income[-1].annual", "x" * 300,
                           "na\nme", "reserve.initial.deeper", "[0]", "inKindServices[\u0000].noticeMonths"])
    value = rng.choice(["1", "-1", "0", "1e400", "5e-324", "\"text\"", "text", "null", "true", "[]", "{}",
                        "{\"a\": 1}", "\"\u001b[31m\"", "\"a\nb\"", "", "1:2:3", "0:1e6:3", "1e308", "18446744073709551616"])
    return text + rng.choice(["=", "=", "", "=="]) + value


def random_options(rng):
    options = []
    for _ in range(rng.randint(1, 3)):
        choice = rng.randrange(8)
        if choice == 0:
            options += ["--paths", rng.choice(["0", "-1", "1", "2", "abc", "1e3", "18446744073709551616", ""])]
        elif choice == 1:
            options += ["--seed", rng.choice(["-1", "0", "18446744073709551615", "18446744073709551616", "x"])]
        elif choice == 2:
            options += ["--threads", rng.choice(["0", "1", "3", "-2", "many"])]
        elif choice == 3:
            options += [rng.choice(["--bogus", "-x", "--json=1", "--", "-", "--paths"])]
        elif choice == 4:
            options += ["--set"]
        elif choice == 5:
            options += ["--assert", rng.choice(["ruin<=0.05", "ruin<=5%@3y", "reserve@95%<=2M", "nonsense", "",
                                                "ruin<=2", "reserve@150%<=1"])]
        elif choice == 6:
            options += [rng.choice(["--swing", "--max-paths", "--metric"]), rng.choice(["0", "2", "x", "-1"])]
        else:
            options += ["extra-argument\u001b[0m"]
    return options


TARGET_KINDS = ["new-file", "existing-file", "existing-folder", "under-a-file", "nested-missing",
                "link-to-file", "dangling-link", "dev-null", "dev-full", "control-name", "long-name", "unicode-name",
                "empty", "same-twice", "csv-member-folder", "read-only-fs", "the-scenario"]


def random_target_kind(rng):
    return rng.choice(TARGET_KINDS)


def target_path(kind):
    """A target as a path relative to the sandbox (or absolute), by kind."""
    return {
        "new-file": "out/new-output",
        "existing-file": "existing.txt",
        "existing-folder": "a-folder",
        "under-a-file": "existing.txt/inner",
        "nested-missing": "deep/er/still/out",
        "link-to-file": "link-to-existing",
        "dangling-link": "dangling-link",
        "dev-null": "null-device",  # copies made in the sandbox (see prepare_sandbox), never the system's
        "dev-full": "full-device",
        "control-name": "out/na\nme\u001b[31m",
        "long-name": "out/" + "n" * 300,
        "unicode-name": "out/r\u00e9sum\u00e9 \U0001F600",
        "empty": "",
        "same-twice": "out/same",
        "csv-member-folder": "csv-with-folder",
        "read-only-fs": "/proc/reservesim-fuzz-output",
        "the-scenario": "scenario.json",
    }[kind]


def command_line(rng, command, target_kind):
    """The arguments for `command` (scenario file "scenario.json"), and the output path (or None)."""
    target = None if target_kind == "none" else target_path(target_kind)
    json_flag = ["--json"] if rng.random() < 0.5 else []
    paths = ["--paths", PATHS, "--threads", rng.choice(["1", "2"])]
    if command == "validate":
        return ["validate", "scenario.json"], None
    if command == "run":
        out = ["--csv", target] if target is not None else []
        return ["run", "scenario.json"] + paths + json_flag + out, target
    if command == "check":
        out = ["--junit", target] if target is not None else []
        return ["check", "scenario.json"] + paths + json_flag + out, target
    if command in ("report", "notebook"):
        target = target if target is not None else "out/new-output"
        return [command, "scenario.json", "-o", target] + paths, target
    out = []
    if target is not None:
        out = ["--csv", target]
        if command == "sensitivity" and (target_kind == "same-twice" or rng.random() < 0.3):
            out += ["--svg", target if target_kind == "same-twice" else "out/tornado.svg"]
    if command == "compare":
        return ["compare", "original.json", "scenario.json"] + paths + json_flag + out, target
    if command == "sweep":
        return ["sweep", "scenario.json", "--set", "reserve.initial=0:1e6:3"] + paths + json_flag + out, target
    if command == "sensitivity":
        return ["sensitivity", "scenario.json", "--param", "reserve.initial"] + paths + json_flag + out, target
    return ["drivers", "scenario.json"] + paths + json_flag + out, target


# --- Running and checking -----------------------------------------------------------------------------------

def prepare_sandbox(case, root):
    sandbox = os.path.join(root, f"case-{case['number']}")
    os.makedirs(sandbox)
    for name, data in case["files"].items():  # the others, for "extends"
        with open(os.path.join(sandbox, name), "wb") as f:
            f.write(data)
    with open(os.path.join(sandbox, "original.json"), "wb") as f:
        f.write(case["files"][case["scenario"]])
    with open(os.path.join(sandbox, "scenario.json"), "wb") as f:
        f.write(case["text"])
    with open(os.path.join(sandbox, "existing.txt"), "w") as f:
        f.write("an earlier output\n")
    os.makedirs(os.path.join(sandbox, "a-folder"))
    with open(os.path.join(sandbox, "a-folder", "inside.txt"), "w") as f:
        f.write("keep\n")
    os.makedirs(os.path.join(sandbox, "csv-with-folder", "reserve.csv"))
    with open(os.path.join(sandbox, "csv-with-folder", "yearly.csv"), "w") as f:
        f.write("an earlier yearly.csv\n")
    # Devices to write to: copies of /dev/null and /dev/full where mknod is allowed (as the superuser, who could
    # otherwise see a broken build replace the system's own), else links to them (which nobody else can replace).
    for copy, device in (("null-device", "/dev/null"), ("full-device", "/dev/full")):
        status = os.stat(device)
        if not stat.S_ISCHR(status.st_mode):
            raise SystemExit(f"fuzz.py: {device} is not a character device; restore it (mknod -m 666 ...)")
        try:
            os.mknod(os.path.join(sandbox, copy), stat.S_IFCHR | 0o666, status.st_rdev)
        except PermissionError:
            if os.geteuid() == 0:
                raise
            os.symlink(device, os.path.join(sandbox, copy))
    os.symlink("existing.txt", os.path.join(sandbox, "link-to-existing"))
    os.symlink("missing.txt", os.path.join(sandbox, "dangling-link"))
    return sandbox


def snapshot(folder):
    """Every entry under `folder`: its kind, and a file's contents hash or a link's target."""
    entries = {}
    for directory, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(directory, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                entries[os.path.relpath(path, folder)] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                with open(path, "rb") as f:
                    entries[os.path.relpath(path, folder)] = ("file", hashlib.sha256(f.read()).hexdigest())
            else:
                entries[os.path.relpath(path, folder)] = ("other", stat.S_IFMT(mode))
    return entries


CONTROL = {chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)} | {"\u2028", "\u2029"}


def run_case(case, binary, root):
    sandbox = prepare_sandbox(case, root)
    before = snapshot(sandbox)
    problems = []
    try:
        process = subprocess.run([binary] + case["arguments"], cwd=sandbox, stdin=subprocess.DEVNULL,
                                 capture_output=True, timeout=TIMEOUT_SECONDS,
                                 env={**os.environ, "GITHUB_ACTIONS": "", "RESERVESIM_TEST_FAULT": ""})
    except subprocess.TimeoutExpired:
        shutil.rmtree(sandbox, ignore_errors=True)
        return {"status": None, "stderr": "", "problems": [f"no answer within {TIMEOUT_SECONDS}s"]}
    status = process.returncode
    stdout = process.stdout.decode("utf-8", "replace")
    stderr = process.stderr.decode("utf-8", "replace")
    after = snapshot(sandbox)

    if status not in (0, 1, 2):
        problems.append(f"exit code {status}" + (" (killed by a signal)" if status < 0 else ""))
    if case["expect_bad_input"] and status != 2:
        problems.append(f"exit {status} for input that is not a valid scenario (expected 2)")
    if status == 2:
        if stdout:
            problems.append(f"stdout is not empty: {stdout[:200]!r}")
        lines = stderr.split("\n")
        # check and validate take several files and give a line for each bad one; every other command one line.
        several = case["arguments"][0] in ("check", "validate")
        if lines[-1] != "" or len(lines) < 2 or (len(lines) != 2 and not several):
            problems.append(f"stderr is {len(lines) - 1} lines, not one")
        if not all(line.startswith("reservesim: ") for line in lines[:-1]):
            problems.append("a line on stderr does not start with 'reservesim: '")
        if any(ch in CONTROL for line in lines for ch in line):
            problems.append("stderr holds control characters (unescaped)")
        try:
            process.stderr.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("stderr is not UTF-8")
        if after != before:
            changed = sorted(set(before.items()) ^ set(after.items()))
            problems.append(f"files touched on error: {sorted({path for path, _ in changed})[:6]}")
    replaced = [p for p, entry in before.items() if entry[0] != "file" and after.get(p, ("gone",))[0] != entry[0]]
    if replaced:
        problems.append(f"a device or link was replaced or removed: {replaced}")
    if status in (0, 1):
        leftovers = [p for p in after if ".reservesim-" in p or p.endswith(".tmp")]
        if leftovers:
            problems.append(f"temporary files left: {leftovers[:4]}")
        output = case["output"]
        if output and output.startswith("out/") and case["arguments"][0] in ("report", "notebook", "run"):
            if output not in after:
                problems.append(f"{output} was not written")
        if case["json"] and case["arguments"][0] != "validate":
            problems += json_problems(stdout)
    shutil.rmtree(sandbox, ignore_errors=True)
    return {"status": status, "stderr": stderr, "problems": problems}


def json_problems(text):
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    try:
        document = json.loads(text, parse_constant=refuse)
    except ValueError as error:
        return [f"--json output is not one finite JSON document: {error}"]
    problems = []

    # The one documented null: expectedShortfall when the required reserve is searched for (a policy with cuts or
    # an appeal), with expectedShortfallOmitted saying why.
    explained = {"$.expectedShortfall"} if isinstance(document, dict) and "expectedShortfallOmitted" in document else set()
    # SPEC §16: an index is null when its output (ruin or need) does not vary over the paths.
    index_of_constant_output = re.compile(r"^\$\.uncertainty\[\d+\]\.(ruin|need)$")
    # SPEC §21: a percentile where the Kaplan–Meier curve stays above it ("more than h months"), and the curve to the
    # minimum of a file without one. SPEC §22: an index over groups when sd_epi is 0 or there are under 400 groups,
    # and the spread below the minimum of a file without one.
    documented_null = re.compile(
        r"^\$\.runwayAfterLoss\[\d+\]\.(toMinimumMonths|(runwayMonths|toMinimumMonths)\.(p10|p50))$"
        r"|^\$\.nested\.(below|ranking\[\d+\]\.ruin)$")

    def walk(value, path):
        if (value is None and path not in explained and not index_of_constant_output.match(path)
                and not documented_null.match(path)):
            problems.append(f"--json output has null at {path}")
        elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            problems.append(f"--json output has a non-finite number at {path}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(document, "$")
    return problems[:3]


if __name__ == "__main__":
    main()
