#!/usr/bin/env python3
"""Validates every JSON stdout the tests saw against schema/*.schema.json.

usage: validate_json_log.py SCHEMA_DIR LOG [--reset]

LOG is the JSON-lines file tests/support/process.cpp appends to (METER_SYNC_JSON_LOG): one
record per `meter-sync ... --json` invocation, {"command", "args", "exit_code", "stdout"}.
Each stdout must be exactly one JSON object on one line, valid against the schema of its
command (status, run; failure when no command was recognised). --reset empties LOG instead.
Exit 0 all valid, 1 some invalid, 125 (skipped) nothing to validate.
"""
import json
import pathlib
import sys
import warnings

import jsonschema

SCHEMAS = {"status": "status", "run": "run", "": "failure"}
KILLED = 128 + 9  # SIGKILL: the process had no chance to print


def validators(schema_dir):
    schemas = {}
    for path in sorted(pathlib.Path(schema_dir).glob("*.schema.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["$id"]] = schema
    out = {}
    for command, name in SCHEMAS.items():
        schema = schemas["urn:meter-sync:schema:" + name]
        try:  # jsonschema >= 4.18
            from referencing import Registry, Resource
            registry = Registry().with_resources(
                (uri, Resource.from_contents(s)) for uri, s in schemas.items())
            out[command] = jsonschema.Draft202012Validator(schema, registry=registry)
        except ImportError:  # Debian 12's 4.10
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                resolver = jsonschema.RefResolver.from_schema(schema, store=schemas)
            out[command] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    return out


def problems(record, checkers):
    text = record["stdout"]
    if record["exit_code"] == KILLED:
        return []
    if not text.endswith("\n") or text.count("\n") != 1:
        return [f"stdout is not exactly one line: {text!r}"]
    try:
        doc = json.loads(text)
    except ValueError as e:
        return [f"stdout is not JSON ({e}): {text!r}"]
    if not isinstance(doc, dict):
        return [f"stdout is not a JSON object: {text!r}"]
    found = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
             for e in checkers[record["command"]].iter_errors(doc)]
    if doc.get("success") is False and record["exit_code"] == 0:
        found.append("success false with exit status 0")
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    schema_dir, log = sys.argv[1], pathlib.Path(sys.argv[2])
    if "--reset" in sys.argv[3:]:
        log.write_text("")
        return 0
    checkers = validators(schema_dir)
    # split on "\n" only: str.splitlines() also splits at U+2028, U+0085 and friends, which a
    # JSON string may hold unescaped (the property tests generate them)
    lines = [l for l in log.read_text(errors="replace").split("\n") if l] if log.exists() else []
    if not lines:
        print(f"json-schema: {log} holds no --json output: run the integration, property or "
              "reliability tests first (ctest adds this test after them)")
        return 125
    bad, per_command = 0, {}
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        per_command[record["command"] or "(none)"] = per_command.get(record["command"] or "(none)", 0) + 1
        for problem in problems(record, checkers):
            bad += 1
            print(f"{log}:{number}: meter-sync {' '.join(record['args'])} (exit {record['exit_code']}): "
                  f"{problem}")
    summary = ", ".join(f"{n} {c}" for c, n in sorted(per_command.items()))
    print(f"json-schema: {len(lines)} outputs ({summary}) checked against {schema_dir}: "
          f"{'all valid' if not bad else f'{bad} problems'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
