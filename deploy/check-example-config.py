#!/usr/bin/env python3
"""Checks deploy/config/bridge.example.yaml against the bridge itself.

1. `smpp-bridge check-config --config deploy/config/bridge.example.yaml` succeeds (with only the secrets given,
   through the environment, and an empty secrets directory).
2. Every key the bridge reads appears in the file, set or commented out (`# smpp.tls.ca_file: …`). The keys come
   from the code, never from a list kept here: the `key = value` lines check-config prints, plus the keys the
   session and broker layers read through their StrictConfigReader (Sources/*/…+ConfigReader.swift with
   `prefix: "…"`), which check-config does not print all of.
3. Every key in the file is one the bridge reads (a typo would otherwise be silently ignored).
4. Every value the file sets is the default: check-config on the file prints exactly what check-config prints with
   only the lines marked REQUIRED or EXAMPLE given as environment variables.
Usage: deploy/check-example-config.py [path to smpp-bridge] (default .build/debug/smpp-bridge). Exit 1 on problems.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "deploy", "config", "bridge.example.yaml")
SECRETS = {"SMPP_PASSWORD": "demo1234", "AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/"}
KEY_LINE = re.compile(r"^(#\s*)?([a-z_]+(?:\.[a-z_]+)+):(.*)$")


def check_config(binary, environment, config_file):
    arguments = [binary, "check-config"]
    if config_file:
        arguments += ["--config", config_file]
    with tempfile.TemporaryDirectory() as secrets_dir:
        arguments += ["--secrets-dir", secrets_dir]
        env = {"PATH": "/usr/bin:/bin", **environment}
        result = subprocess.run(arguments, capture_output=True, text=True, env=env, check=False)
    return result


def printed_keys(output):
    pairs = {}
    for line in output.splitlines():
        key, separator, value = line.partition(" = ")
        if separator:
            pairs[key] = value
    return pairs


def source_keys():
    """Keys read through StrictConfigReader(prefix: "…") in the session and broker layers' config readers."""
    keys = set()
    for path in glob.glob(os.path.join(ROOT, "Sources", "*", "*+ConfigReader.swift")):
        text = open(path, encoding="utf-8").read()
        prefix = re.search(r'StrictConfigReader\([^)]*prefix: "([a-z_]+)"', text)
        if not prefix:
            continue
        for key in re.findall(r'(?:keys\.[a-zA-Z]+|duration)\("([a-z_.]+)"', text):
            keys.add(f"{prefix.group(1)}.{key}")
    return keys


def main() -> int:
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "smpp-bridge")
    if not os.access(binary, os.X_OK):
        print(f"check-example-config: {binary} is not built")
        return 1
    problems = []
    file_keys, required = {}, {}
    for line in open(EXAMPLE, encoding="utf-8"):
        match = KEY_LINE.match(line.rstrip("\n"))
        if not match:
            continue
        commented, key, rest = match.groups()
        value, _, comment = rest.partition(" #")
        if key in file_keys:
            problems.append(f"{key} appears twice")
        file_keys[key] = commented is None
        if commented is None and ("REQUIRED" in comment or "EXAMPLE" in comment):
            required[key] = value.strip().strip('"')

    with_file = check_config(binary, SECRETS, EXAMPLE)
    effective = printed_keys(with_file.stdout)
    if with_file.returncode != 0 or not effective:
        # Everything below compares check-config's output: without it, only this problem is worth reporting.
        print(f"bridge.example.yaml: check-config refuses the file: {with_file.stderr.strip() or 'no output'}")
        return 1

    known = set(effective) | source_keys()
    for key in sorted(known - set(file_keys)):
        problems.append(f"{key}: the bridge reads it but the example does not mention it")
    for key in sorted(set(file_keys) - known):
        problems.append(f"{key}: in the example but not a key the bridge reads")

    environment = dict(SECRETS)
    for key, value in required.items():
        environment[re.sub(r"[^A-Za-z0-9]", "_", key).upper()] = value
    defaults = check_config(binary, environment, None)
    if defaults.returncode != 0:
        problems.append(f"check-config without the file fails: {defaults.stderr.strip()}")
    else:
        for key, value in printed_keys(defaults.stdout).items():
            if effective.get(key) != value:
                problems.append(f"{key}: the example sets {effective.get(key)!r}, the default is {value!r}")

    for problem in problems:
        print(f"bridge.example.yaml: {problem}")
    if not problems:
        set_count = sum(1 for active in file_keys.values() if active)
        print(f"bridge.example.yaml: valid; {len(known)} keys known to the bridge, all present "
              f"({set_count} set to their defaults or marked REQUIRED/EXAMPLE, the rest commented out)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
