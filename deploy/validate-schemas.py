#!/usr/bin/env python3
"""Validates JSON against the contract's schemas in docs/schemas/ (JSON Schema draft 2020-12, PyPI jsonschema).

  deploy/validate-schemas.py                    the examples in README.md and docs/*.md
  deploy/validate-schemas.py --events FILE...   JSON lines files of published events (one event body per line,
                                                as the end-to-end tests write them with SMPP_BRIDGE_TEST_EVENTS_DIR)

Which schema: a document with "type" submit_result, delivery_receipt or mo is that event; a document without
"type" is a send request. The schemas themselves are checked against the draft 2020-12 metaschema first.

How examples are found: every fenced code block whose info string is `json` (```json … ```) in README.md and
docs/*.md is an example. Its text is one JSON document, or several written one per line (JSON lines); each must
parse and validate. Inline code spans (`{"code":…}`) are fragments, not examples, and are not checked; nor are
blocks fenced as anything else (```sh, ```yaml). So: write a complete request or event in a ```json block, and it
is checked. At least one example of each of the four kinds must exist.

Event files: every line must parse and validate; an empty file (or no files) is a failure, because it means the
tests published nothing that was captured. Exit 1 with one line per problem.
"""
import glob
import json
import os
import re
import sys

from jsonschema import Draft202012Validator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = {
    "send_request": "send-request.schema.json",
    "submit_result": "submit-result.schema.json",
    "delivery_receipt": "delivery-receipt.schema.json",
    "mo": "mo.schema.json",
}
FENCE = re.compile(r"^```json[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def load_validators():
    validators = {}
    for kind, name in SCHEMAS.items():
        with open(os.path.join(ROOT, "docs", "schemas", name), encoding="utf-8") as handle:
            schema = json.load(handle)
        Draft202012Validator.check_schema(schema)
        validators[kind] = Draft202012Validator(schema)
    return validators


def kind_of(document):
    if isinstance(document, dict) and "type" in document:
        return document["type"] if document["type"] in SCHEMAS and document["type"] != "send_request" else None
    return "send_request"


def check(validators, document, where):
    kind = kind_of(document)
    if kind is None:
        return None, [f"{where}: unknown event type {document.get('type')!r}"]
    errors = sorted(validators[kind].iter_errors(document), key=lambda e: list(e.absolute_path))
    return kind, [f"{where}: {kind}: /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def documents_in(block):
    """One JSON document, or JSON lines."""
    try:
        return [json.loads(block)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in block.splitlines() if line.strip()]


def check_examples(validators):
    problems, counts = [], {kind: 0 for kind in SCHEMAS}
    paths = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{os.path.relpath(path, ROOT)}:{line}"
            try:
                documents = documents_in(match.group(1))
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON: {error}")
                continue
            for document in documents:
                kind, found = check(validators, document, where)
                problems += found
                if kind:
                    counts[kind] += 1
    for kind, count in counts.items():
        if count == 0:
            problems.append(f"no example of a {kind} in README.md or docs/*.md")
    return problems, f"{sum(counts.values())} examples ({', '.join(f'{k} {v}' for k, v in counts.items())})"


def check_events(validators, files):
    problems, counts = [], {kind: 0 for kind in SCHEMAS}
    for path in files:
        if not os.path.isfile(path):
            problems.append(f"{path}: no such file")
            continue
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    document = json.loads(line)
                except json.JSONDecodeError as error:
                    problems.append(f"{where}: not JSON: {error}")
                    continue
                if not isinstance(document, dict) or "type" not in document:
                    problems.append(f"{where}: not an event (no type)")
                    continue
                kind, found = check(validators, document, where)
                problems += found[:5]
                if kind:
                    counts[kind] += 1
    if sum(counts.values()) == 0:
        problems.append(f"no events in {', '.join(files) or '(no files)'}: the tests captured nothing")
    return problems, f"{sum(counts.values())} events ({', '.join(f'{k} {v}' for k, v in counts.items() if k != 'send_request')})"


def main(arguments) -> int:
    validators = load_validators()
    if arguments[:1] == ["--events"]:
        problems, summary = check_events(validators, arguments[1:])
    else:
        problems, summary = check_examples(validators)
    for problem in problems[:200]:
        print(f"validate-schemas: {problem}")
    if len(problems) > 200:
        print(f"validate-schemas: … and {len(problems) - 200} more")
    if not problems:
        print(f"validate-schemas: {summary} valid against docs/schemas/")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
