#!/usr/bin/env python3
"""Writes docs/scenario-format.md, the field reference of the scenario format, from scenarios/schema.json.

The schema is the one source: edit it, then run `python3 scripts/schema-doc.py`. scripts/check-schema.py
(run by scripts/test.sh) fails when the document and the schema differ. Needs only the standard library.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "scenarios" / "schema.json"
DOC_FILE = ROOT / "docs" / "scenario-format.md"

# Section titles for the schema's object definitions, in the order the document shows them.
SECTIONS = {
    "simulation": "Simulation settings",
    "reserve": "The reserve",
    "factors": "Random factors",
    "factor": "One factor",
    "correlation": "A correlation",
    "moneyLine": "An income or expense line",
    "sponsorTier": "A sponsor tier",
    "inKindService": "An in-kind service",
    "event": "An event",
    "agreement": "A service's dated agreement",
    "mitigation": "A lost service's cost once adapted",
    "oneOff": "A one-off item",
    "policy": "The organisation's responses",
    "cuts": "Spending cuts",
    "appeal": "An emergency appeal",
    "ruinProbabilityAssertion": "An assertion on the ruin probability",
    "requiredReserveAssertion": "An assertion on the required reserve",
    "belowMinimumAssertion": "An assertion on falling below the board's minimum",
}


def anchor(def_name):
    return "#" + SECTIONS[def_name].lower().replace(" ", "-")


def ref_name(node):
    return node["$ref"].rsplit("/", 1)[-1] if "$ref" in node else None


def describe_type(node, defs):
    """The field's type in words, with links to the sections of object types."""
    if "anyOf" in node:
        parts = [describe_type(option, defs) for option in node["anyOf"] if option.get("type") != "null"]
        return " or ".join(parts)
    name = ref_name(node)
    if name in SECTIONS:
        return f"object ([{SECTIONS[name].lower()}]({anchor(name)}))"
    if name == "assertion":
        return "object (an assertion: see below)"
    if name is not None:
        return describe_type(defs[name], defs)
    if "const" in node:
        return f'`"{node["const"]}"`'
    if "enum" in node:
        return "one of " + ", ".join(f'`"{value}"`' for value in node["enum"])
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    kinds = [kind for kind in kinds if kind != "null"]
    if kinds == ["array"]:
        return "list of " + describe_type(node["items"], defs).replace("object (", "objects (")
    words = {"integer": "whole number", "number": "number", "string": "text", "object": "object"}
    return " or ".join(words.get(kind, kind) for kind in kinds)


def number(x):
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10_000 else json.dumps(x)


def describe_range(node, defs):
    """Allowed values beyond the type: bounds, patterns, list sizes."""
    name = ref_name(node)
    if name == "name":
        return "not blank"
    if name is not None and name not in SECTIONS and name != "assertion":
        return describe_range(defs[name], defs)
    low, high = node.get("minimum"), node.get("maximum")
    open_low, open_high = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
    if low is not None and high is not None:
        parts = [f"{number(low)} to {number(high)}"]
    elif open_low is not None and open_high is not None:
        parts = [f"strictly between {number(open_low)} and {number(open_high)}"]
    else:
        bounds = [("≥ ", low), ("> ", open_low), ("≤ ", high), ("< ", open_high)]
        parts = [sign + number(bound) for sign, bound in bounds if bound is not None]
    if "pattern" in node:
        parts.append(f"matches `{node['pattern']}`")
    if node.get("minItems") is not None and node.get("minItems") == node.get("maxItems"):
        parts.append(f"exactly {node['minItems']} items")
    if node.get("uniqueItems"):
        parts.append("all different")
    return ", ".join(parts)


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def field_table(obj, defs, required, conditionally_required=()):
    rows = ["| Field | Type | Required | Default | Allowed | Unit | Meaning |", "|---|---|---|---|---|---|---|"]
    for field, node in obj["properties"].items():
        target = defs.get(ref_name(node) or "", {})
        description = node.get("description") or target.get("description", "")
        default = node.get("default", target.get("default"))
        if field in required:
            needed = "yes"
        elif field in conditionally_required:
            needed = "yes, unless `extends`"
        else:
            needed = ""
        rows.append("| " + " | ".join(cell(part) for part in [
            f"`{field}`",
            describe_type(node, defs),
            needed,
            "" if default is None else f"`{json.dumps(default)}`",
            describe_range(node, defs),
            node.get("x-unit", ""),
            description,
        ]) + " |")
    return "\n".join(rows)


def render(schema):
    defs = schema["$defs"]
    out = [
        "# The scenario file format",
        "",
        "<!-- Generated from scenarios/schema.json by scripts/schema-doc.py: do not edit by hand. -->",
        "_This reference is generated from [`scenarios/schema.json`](../scenarios/schema.json). To change it, edit the",
        "schema and run `python3 scripts/schema-doc.py`; `scripts/check-schema.py` (part of `scripts/test.sh`) fails",
        "while the two differ. What each field does in the simulation is defined in [model.md](model.md)._",
        "",
        schema["description"],
        "",
        "Every optional field may also be `null`, which means the same as leaving it out; in a file that `extends`",
        "another, `null` removes the base file's value (JSON Merge Patch, RFC 7386). Lists in a patch replace the",
        "base's list whole, so a patch that changes one service repeats the whole `inKindServices` list.",
        "",
        "Editors that understand JSON Schema (VS Code, JetBrains IDEs) complete and check a file that starts with",
        '`"$schema": "schema.json"` (the path is relative to the file). `reservesim validate FILE…` checks it the',
        "way the simulation reads it, including what the schema cannot express (marked *checked by reservesim*",
        "below).",
        "",
        "## Top level",
        "",
        field_table(schema, defs, schema.get("required", []), schema.get("else", {}).get("required", [])),
        "",
        "*Checked by reservesim:* names are unique within each list.",
        "",
    ]
    notes = {
        "correlation": "*Checked by reservesim:* each pair of factors at most once, and all pairs together form "
        "a positive definite matrix.",
        "moneyLine": "*Checked by reservesim:* `untilYear` is not before `fromYear`.",
        "ruinProbabilityAssertion": "*Checked by reservesim:* `withinYears` is at most the scenario's `years`.",
    }
    assertion = defs["assertion"]
    for def_name, title in SECTIONS.items():
        definition = defs[def_name]
        out += [f"## {title}", ""]
        if def_name == "ruinProbabilityAssertion":
            out += [assertion["description"] + " Each item of `assertions` is one of these two kinds, told apart "
                    "by `metric`.", ""]
        if definition.get("description"):
            out += [definition["description"], ""]
        out += [field_table(definition, defs, definition.get("required", [])), ""]
        if def_name in notes:
            out += [notes[def_name], ""]
    return "\n".join(out)


def main():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    DOC_FILE.parent.mkdir(exist_ok=True)
    DOC_FILE.write_text(render(schema), encoding="utf-8")
    print(f"wrote {DOC_FILE.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
