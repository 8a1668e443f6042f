#!/usr/bin/env python3
"""Checks docker-compose.yml without a Docker engine (none runs on the build machines or in CI).

What it checks: the file is YAML with a `services` map; every service has an image or a build whose context and
Dockerfile exist; every published port is bound to 127.0.0.1; every bind-mounted host path exists; every command
that starts with one of our executables names a product Package.swift declares, and every `--flag` it passes is one
the executable's --help lists (when the built executable is available). Exit 1 with one line per problem.
"""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    problems = []
    with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as handle:
        compose = yaml.safe_load(handle)
    services = compose.get("services") if isinstance(compose, dict) else None
    if not isinstance(services, dict) or not services:
        print("docker-compose.yml: no services map")
        return 1
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as handle:
        executables = set(re.findall(r'\.executable\(name: "([^"]+)"', handle.read()))
    named_volumes = set((compose.get("volumes") or {}).keys())

    for name, service in services.items():
        where = f"service {name}"
        if not isinstance(service, dict):
            problems.append(f"{where}: not a map")
            continue
        build = service.get("build")
        if build is None and "image" not in service:
            problems.append(f"{where}: neither image nor build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not os.path.isdir(os.path.join(ROOT, context)):
                problems.append(f"{where}: build context {context} does not exist")
            elif not os.path.isfile(os.path.join(ROOT, context, dockerfile)):
                problems.append(f"{where}: Dockerfile {dockerfile} does not exist")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{where}: port {port} is not bound to 127.0.0.1")
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith((".", "/")):
                if not os.path.exists(os.path.join(ROOT, source)):
                    problems.append(f"{where}: bind mount source {source} does not exist")
            elif source not in named_volumes:
                problems.append(f"{where}: volume {source} is not declared")
        problems += check_command(where, service.get("command"), executables)
    for problem in problems:
        print(f"docker-compose.yml: {problem}")
    if not problems:
        print(f"docker-compose.yml: {len(services)} services valid")
    return 1 if problems else 0


def check_command(where, command, executables):
    if command is None:
        return []
    if isinstance(command, str):
        command = command.split()
    if not command or command[0] not in executables:
        return []
    binary = os.path.join(ROOT, ".build", "debug", command[0])
    if not os.access(binary, os.X_OK):
        return []
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, check=False).stdout
    known = set(re.findall(r"(--[a-z0-9-]+)", help_text))
    return [f"{where}: {command[0]} has no option {arg}" for arg in command[1:]
            if arg.startswith("--") and arg not in known]


if __name__ == "__main__":
    sys.exit(main())
