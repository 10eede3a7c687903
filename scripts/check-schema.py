#!/usr/bin/env python3
"""Checks scenarios/schema.json against the shipped scenarios and the bad fixtures.

- Every shipped scenario (scenarios/*.json and examples/**/*.json) validates against the schema: a file that
  `extends` another is validated as written (the patch) and composed (RFC 7386 merge onto its base, as
  ReserveSim's loader does). Shipped files also name the schema in "$schema", carry a description, sources
  and assertions, and keep simulation.paths at 100,000 or fewer so CI stays fast.
- Every file in Tests/Fixtures/bad-scenarios/ is rejected by the schema at the JSON path the decoder must name
  (the `badFixtures` table of SchemaAgreementTests.swift, the one list of them), except the few that only the
  decoder can catch (listed in DECODER_ONLY with the reason); those must pass the schema, so the list stays
  honest. A rejection elsewhere in the file does not count. An error about a missing or an unknown key is placed
  at that key (JSON Schema reports it at the object holding it).

The schema and docs/scenario-format.md are generated from the table of fields
(Sources/ReserveSimScenario/ScenarioFields.swift, `bash scripts/generate-format.sh`); the Swift side of the
agreement, including that the committed files are what the table generates, is
Tests/ReserveSimTests/Scenario/SchemaAgreementTests.swift.
Needs the `jsonschema` package (the caller installs it: python3 -m pip install jsonschema).
Exits 0 when everything agrees, 1 otherwise.
"""

import json
import re
import sys
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "schema.json"
BAD_FIXTURES = ROOT / "Tests" / "Fixtures" / "bad-scenarios"
MAX_SHIPPED_PATHS = 100_000

# Bad fixtures that a JSON Schema cannot reject; the decoder (ScenarioLoader) does.
DECODER_ONLY = {
    "non-pd-correlations.json": "whether the correlations form a positive definite matrix is linear algebra, "
    "not something JSON Schema can express",
    "duplicate-names.json": "uniqueItems compares whole list items; names must be unique even when the "
    "other fields differ",
    "duplicate-correlation-pair.json": "the same pair in either order with different rho; uniqueItems "
    "compares whole items",
    "until-before-from.json": "untilYear must not be before fromYear: JSON Schema cannot compare two fields",
    "restore-below-trigger.json": "restoreMonths must be at least belowMonths: JSON Schema cannot compare two "
    "fields",
    "one-off-past-horizon.json": "a one-off's month must be within 12 × years: JSON Schema cannot compare a "
    "field with another object's field",
    "agreement-ends-before-start.json": "a \"YYYY-MM\" month must not be before the file's start: JSON Schema "
    "cannot compare two fields",
    "calendar-month-without-start.json": "a \"YYYY-MM\" month needs the file's start: JSON Schema cannot make "
    "one field's form depend on another's presence here",
    "below-minimum-without-minimum.json": "a belowMinimum assertion needs policy.minimumMonths: JSON Schema cannot "
    "make one object's field required by another's value here",
    "reserve-for-minimum-without-minimum.json": "a requiredReserveForMinimum assertion needs policy.minimumMonths: "
    "JSON Schema cannot make one object's field required by another's value here",
    "cuts-unknown-line.json": "cuts.lines must name expense lines of the same file: JSON Schema cannot compare "
    "values across objects",
    "within-years-beyond-horizon.json": "withinYears must not exceed the top-level years: JSON Schema cannot "
    "compare a field with another object's field",
    "extends-missing-base.json": "whether the base file exists is for the loader; the patch itself is valid",
}


def expected_fixture_paths():
    """{fixture: JSON path} from `static let badFixtures` in SchemaAgreementTests.swift (wherever the test
    folders put it): the paths the decoder must name, which the schema must name too."""
    found = sorted((ROOT / "Tests").glob("**/SchemaAgreementTests.swift"))
    if len(found) != 1:
        raise SystemExit(f"check-schema: expected one SchemaAgreementTests.swift under Tests/, found {found}")
    text = found[0].read_text(encoding="utf-8")
    table = re.search(r"static let badFixtures[^=]*=\s*\[(.*?)\n\s*\]", text, re.S)
    if not table:
        raise SystemExit(f"check-schema: no `static let badFixtures` table in {found[0]}")
    paths = dict(re.findall(r'"([^"]+\.json)"\s*:\s*"([^"]*)"', table.group(1)))
    if not paths:
        raise SystemExit(f"check-schema: the badFixtures table in {found[0]} is empty")
    return paths


def member(path, key):
    """`path.key`, or `path['key']` for a key that is not a plain name (jsonschema's own spelling)."""
    return f"{path}.{key}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f"{path}[{key!r}]"


def error_locations(error):
    """The JSON paths an error is about: its own, or for `required` and `dependentRequired` the missing keys and for
    `additionalProperties` / `unevaluatedProperties` the keys not allowed (the schema reports both at the
    object; the decoder names the key)."""
    instance = error.instance
    if error.validator == "required" and isinstance(instance, dict):
        return [member(error.json_path, key) for key in error.validator_value if key not in instance]
    if error.validator == "dependentRequired" and isinstance(instance, dict):
        # Reported at the object; the decoder names the missing key (renewalYears with renewalProbability).
        missing = [key for given, needed in error.validator_value.items() if given in instance
                   for key in needed if key not in instance]
        if missing:
            return [member(error.json_path, key) for key in missing]
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = set((error.schema.get("properties") or {}).keys())
        patterns = list((error.schema.get("patternProperties") or {}).keys())
        extra = [key for key in instance if key not in known and not any(re.search(p, key) for p in patterns)]
        if extra:
            return [member(error.json_path, key) for key in extra]
    return [error.json_path]


class CompositionError(Exception):
    pass


def merge_patch(patch, target):
    """JSON Merge Patch (RFC 7386), as Sources/ReserveSimScenario/MergePatch.swift applies it."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(value, result.get(key))
    return result


def compose(path, chain=()):
    """The document ScenarioLoader validates: the file merged onto its `extends` chain, without `extends`."""
    canonical = path.resolve()
    if canonical in chain:
        raise CompositionError("files extend each other in a cycle: " + " -> ".join(p.name for p in chain + (canonical,)))
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("extends"), str):
        return document
    base = path.parent / document["extends"]
    if not base.is_file():
        raise CompositionError(f'base file "{document["extends"]}" not found')
    patch = {key: value for key, value in document.items() if key != "extends"}
    return merge_patch(patch, compose(base, chain + (canonical,)))


def schema_errors(validator, path, located=None):
    """Messages for everything the schema rejects in the file as written and, if it extends another, composed;
    with a list `located`, each error's JSON paths (error_locations) are appended to it."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    documents = [("as written", raw)]
    if isinstance(raw, dict) and isinstance(raw.get("extends"), str):
        try:
            documents.append(("composed", compose(path)))
        except CompositionError as error:
            return [f"as written: {e.json_path}: {e.message}" for e in validator.iter_errors(raw)], str(error)
    messages = []
    for how, document in documents:
        for e in validator.iter_errors(document):
            messages.append(f"{how}: {e.json_path}: {e.message}")
            if located is not None:
                located += error_locations(e)
    return messages, None


def shipped_files():
    scenarios = sorted(p for p in (ROOT / "scenarios").glob("*.json") if p != SCHEMA_FILE)
    examples = sorted((ROOT / "examples").glob("**/*.json"))
    return scenarios + examples


def check_shipped(validator, problems):
    files = shipped_files()
    if not files:
        problems.append("no shipped scenarios found in scenarios/")
    for path in files:
        name = path.relative_to(ROOT)
        errors, composition_error = schema_errors(validator, path)
        if composition_error:
            problems.append(f"{name}: {composition_error}")
            continue
        problems += [f"{name}: {message}" for message in errors]
        raw = json.loads(path.read_text(encoding="utf-8"))
        named = raw.get("$schema")
        if not isinstance(named, str) or (path.parent / named).resolve() != SCHEMA_FILE:
            problems.append(f'{name}: "$schema" should name scenarios/schema.json relative to the file, found {named!r}')
        composed = compose(path)
        for field in ("description", "sources", "assertions"):
            if not composed.get(field):
                problems.append(f"{name}: a shipped scenario needs a non-empty {field}")
        paths = (composed.get("simulation") or {}).get("paths") or 10_000
        if paths > MAX_SHIPPED_PATHS:
            problems.append(f"{name}: simulation.paths is {paths}; keep shipped files at {MAX_SHIPPED_PATHS} or fewer")
        if not errors:
            print(f"ok        {name}")


def check_bad_fixtures(validator, problems):
    fixtures = sorted(BAD_FIXTURES.glob("*.json"))
    expected_paths = expected_fixture_paths()
    if not fixtures:
        problems.append(f"no bad fixtures found in {BAD_FIXTURES.relative_to(ROOT)}")
    for missing in sorted(set(DECODER_ONLY) - {p.name for p in fixtures}):
        problems.append(f"DECODER_ONLY names {missing}, which is not in {BAD_FIXTURES.relative_to(ROOT)}")
    for unlisted in sorted({p.name for p in fixtures} ^ set(expected_paths)):
        problems.append(f"{unlisted}: in only one of {BAD_FIXTURES.relative_to(ROOT)} and SchemaAgreementTests' "
                        "badFixtures (each bad fixture needs its expected JSON path there)")
    for path in fixtures:
        name = path.relative_to(ROOT)
        located = []
        errors, _ = schema_errors(validator, path, located)
        if path.name in DECODER_ONLY:
            if errors:
                problems.append(
                    f"{name}: listed as decoder-only, but the schema now rejects it ({errors[0]}); "
                    "remove it from DECODER_ONLY")
            else:
                print(f"decoder   {name}: only the decoder rejects it ({DECODER_ONLY[path.name]})")
        elif errors and expected_paths.get(path.name) in located:
            print(f"rejected  {name} at {expected_paths[path.name]}: {errors[0]}")
        elif errors:
            problems.append(
                f"{name}: the schema rejects it at {sorted(set(located))}, not at {expected_paths.get(path.name)} "
                f"as the decoder does ({errors[0]})")
        else:
            problems.append(f"{name}: the schema accepts this bad file; it should reject it")


def main():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    problems = []
    check_shipped(validator, problems)
    check_bad_fixtures(validator, problems)
    if problems:
        print("\n".join(["", "check-schema: problems found:"] + ["  " + p for p in problems]), file=sys.stderr)
        return 1
    print("check-schema: the schema, the shipped scenarios and the bad fixtures agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
