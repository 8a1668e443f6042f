#!/usr/bin/env python3
"""Checks docker-compose.yml and docker-compose.live.yml without a Docker engine (none runs on the build machines
or in CI).

What it checks, per file: the file is YAML with a `services` map; every service has an image or a build whose
context, Dockerfile and target stage exist; every published port is bound to 127.0.0.1; every bind-mounted host
path and secret file exists (in docker-compose.yml; the live file's ./bridge.yaml, ./certs and ./secrets are the
operator's and only have to be relative paths); every named volume, secret and depends_on service is declared;
every command that starts with one of our executables names a product Package.swift declares, and every `--flag`
it passes is one the executable's --help lists (when the built executable is available). For a service running
`smpp-bridge`: every environment variable is the variable of a configuration key the bridge reads (from
`smpp-bridge check-config`'s output, with the built executable), and every compose secret is named as the bridge
looks for it in /run/secrets (a secret key with `.` as `_`: smpp_password, amqp_url); in docker-compose.yml,
`smpp-bridge check-config` must accept the service's configuration as the container sees it (its environment, the
mounted --config file, its secrets as a secrets directory). docker-compose.yml must have a healthy-broker
dependency for the bridge, a `monitoring` profile and a `cluster` profile (postgres and at least two bridges with
distinct CLUSTER_INSTANCE_ID and ports, the store_url secret, each waiting for a healthy postgres).
The `rabbitmq` and `postgres` images must be of the release series the scripts install from Debian and the tests
run against (when that package is installed here): the compose demo runs what was tested.
Then, when `docker-compose` (Debian package) is installed, `docker-compose -f FILE config` must accept each file
(without a profile, with monitoring, with cluster); it needs no engine. Exit 1 with one line per problem.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# file -> host paths must exist here
FILES = {"docker-compose.yml": True, "docker-compose.live.yml": False, "docker-compose.rabbitmq-cluster.yml": True}
BRIDGE = os.path.join(ROOT, ".build", "debug", "smpp-bridge")
SECRET_KEYS = ["smpp.password", "amqp.url", "amqp.tls.key_password", "store.url"]


def env_name(key):
    return re.sub(r"[^A-Za-z0-9]", "_", key).upper()


def bridge_keys():
    """Configuration keys from check-config's output (None when the executable is not built)."""
    if not os.access(BRIDGE, os.X_OK):
        return None
    environment = {"PATH": "/usr/bin:/bin", "SMPP_HOST": "h", "SMPP_SYSTEM_ID": "s", "SMPP_PASSWORD": "p",
                   "AMQP_URL": "amqp://guest:guest@127.0.0.1:5672/"}
    with tempfile.TemporaryDirectory() as empty:
        output = subprocess.run([BRIDGE, "check-config", "--secrets-dir", empty], capture_output=True, text=True,
                                env=environment, check=False).stdout
    keys = {line.split(" = ", 1)[0] for line in output.splitlines() if " = " in line}
    return keys or None


# image name -> the Debian package whose release series its tag must name
TESTED_PACKAGES = {"rabbitmq": ("rabbitmq-server", 2), "postgres": ("postgresql", 1)}


def installed_series(package, parts):
    """'3.10' for rabbitmq-server 3.10.8-1.1, '15' for postgresql 15+248; None when not installed."""
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", package], capture_output=True,
                            text=True, check=False) if shutil.which("dpkg-query") else None
    if result is None or result.returncode != 0 or "install ok installed" not in result.stdout:
        return None
    version = re.split(r"[-+~]", result.stdout.split()[-1])[0]
    return ".".join(version.split(".")[:parts])


def check_image_series(where, image):
    name, _, tag = str(image).partition(":")
    if name not in TESTED_PACKAGES:
        return []
    package, parts = TESTED_PACKAGES[name]
    series = installed_series(package, parts)
    if series is None or re.match(re.escape(series) + r"(?![0-9.])", tag) or re.match(re.escape(series) + r"\.[0-9]", tag):
        return []
    return [f"{where}: image {image} is not of the {series} series the scripts install ({package}) and the tests use"]


def dockerfile_stages(path):
    with open(path, encoding="utf-8") as handle:
        return set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", handle.read(), re.MULTILINE | re.IGNORECASE))


def check_file(name, paths_must_exist, executables, keys):
    problems = []
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        compose = yaml.safe_load(handle)
    services = compose.get("services") if isinstance(compose, dict) else None
    if not isinstance(services, dict) or not services:
        return [f"{name}: no services map"], 0
    named_volumes = set((compose.get("volumes") or {}).keys())
    secrets = compose.get("secrets") or {}

    for secret, spec in secrets.items():
        source = (spec or {}).get("file")
        if not source:
            problems.append(f"secret {secret}: no file")
        elif paths_must_exist and not os.path.isfile(os.path.join(ROOT, source)):
            problems.append(f"secret {secret}: file {source} does not exist")
        elif not paths_must_exist and os.path.isabs(source):
            problems.append(f"secret {secret}: file {source} should be relative to the compose file")

    for service_name, service in services.items():
        where = f"service {service_name}"
        if not isinstance(service, dict):
            problems.append(f"{where}: not a map")
            continue
        build = service.get("build")
        if build is None and "image" not in service:
            problems.append(f"{where}: neither image nor build")
        if build is None and "image" in service:
            problems += check_image_series(where, service["image"])
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            path = os.path.join(ROOT, context, dockerfile)
            if not os.path.isdir(os.path.join(ROOT, context)):
                problems.append(f"{where}: build context {context} does not exist")
            elif not os.path.isfile(path):
                problems.append(f"{where}: Dockerfile {dockerfile} does not exist")
            elif isinstance(build, dict) and build.get("target") and build["target"] not in dockerfile_stages(path):
                problems.append(f"{where}: Dockerfile {dockerfile} has no stage {build['target']}")
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{where}: port {port} is not bound to 127.0.0.1")
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith((".", "/")):
                if paths_must_exist and not os.path.exists(os.path.join(ROOT, source)):
                    problems.append(f"{where}: bind mount source {source} does not exist")
            elif source not in named_volumes:
                problems.append(f"{where}: volume {source} is not declared")
        for secret in service.get("secrets", []):
            secret_name = secret if isinstance(secret, str) else secret.get("source")
            if secret_name not in secrets:
                problems.append(f"{where}: secret {secret_name} is not declared")
        depends = service.get("depends_on") or []
        for dependency in (depends if isinstance(depends, list) else depends.keys()):
            if dependency not in services:
                problems.append(f"{where}: depends on {dependency}, which is not a service")
        command = service.get("command")
        problems += check_command(where, command, executables)
        if isinstance(command, list) and command[:1] == ["smpp-bridge"]:
            problems += check_bridge_service(where, service, keys)
            if paths_must_exist:
                problems += check_bridge_configuration(where, service, command, secrets)
    if name == "docker-compose.rabbitmq-cluster.yml":
        problems += check_rabbitmq_cluster(services, secrets)
    elif paths_must_exist:
        bridge = services.get("bridge") or {}
        if (bridge.get("depends_on") or {}).get("rabbitmq", {}).get("condition") != "service_healthy":
            problems.append("service bridge: does not wait for a healthy rabbitmq")
        if not any("monitoring" in (s.get("profiles") or []) for s in services.values() if isinstance(s, dict)):
            problems.append("no service in the monitoring profile")
        problems += check_cluster_profile(services)
    return [f"{name}: {problem}" for problem in problems], len(services)


def check_rabbitmq_cluster(services, secrets):
    """The three-node file: nodes rabbitmq-1..3 with their own host name, the cluster configuration mounted and one
    cookie; the later nodes wait for the first; the bridge waits for all three and its amqp_url lists all three."""
    problems = []
    nodes = [f"rabbitmq-{n}" for n in (1, 2, 3)]
    cookies = set()
    for node in nodes:
        service = services.get(node)
        if not isinstance(service, dict):
            problems.append(f"no service {node}")
            continue
        if service.get("hostname") != node:
            problems.append(f"service {node}: hostname is not {node} (the cluster configuration names rabbit@{node})")
        if not any(str(v).endswith(":/etc/rabbitmq/conf.d/20-cluster.conf:ro") for v in service.get("volumes", [])):
            problems.append(f"service {node}: the cluster configuration is not mounted")
        cookies.add((service.get("environment") or {}).get("RABBITMQ_ERLANG_COOKIE"))
        if node != "rabbitmq-1" and (service.get("depends_on") or {}).get("rabbitmq-1", {}).get("condition") != "service_healthy":
            problems.append(f"service {node}: does not wait for a healthy rabbitmq-1 to join")
    if len(cookies) != 1 or None in cookies:
        problems.append("the rabbitmq nodes do not share one RABBITMQ_ERLANG_COOKIE")
    with open(os.path.join(ROOT, "deploy/config/rabbitmq-cluster.conf"), encoding="utf-8") as handle:
        conf = handle.read()
    for node in nodes:
        if f"= rabbit@{node}" not in conf:
            problems.append(f"deploy/config/rabbitmq-cluster.conf does not list rabbit@{node}")
    depends = (services.get("bridge") or {}).get("depends_on") or {}
    for node in nodes:
        if (depends.get(node) or {}).get("condition") != "service_healthy":
            problems.append(f"service bridge: does not wait for a healthy {node}")
    source = (secrets.get("amqp_url") or {}).get("file")
    if source:
        with open(os.path.join(ROOT, source), encoding="utf-8") as handle:
            urls = handle.read().strip().split(",")
        hosts = [re.sub(r"^amqps?://([^@/]*@)?([^:/]+).*$", r"\2", url.strip()) for url in urls]
        if sorted(hosts) != nodes:
            problems.append(f"secret amqp_url: lists {hosts}, not the three nodes")
    return problems


def check_cluster_profile(services):
    """The `cluster` profile: PostgreSQL and two bridges on the shared store, with distinct instance ids and
    ports, the store URL as a secret, each waiting for a healthy postgres."""
    problems = []
    cluster = {name: s for name, s in services.items()
               if isinstance(s, dict) and "cluster" in (s.get("profiles") or [])}
    if "postgres" not in cluster:
        problems.append("no postgres service in the cluster profile")
    bridges = {name: s for name, s in cluster.items() if (s.get("command") or [None])[:1] == ["smpp-bridge"]}
    if len(bridges) < 2:
        problems.append("the cluster profile has fewer than two bridge services")
    instance_ids, ports = set(), set()
    for name, bridge in bridges.items():
        environment = bridge.get("environment") or {}
        instance = environment.get("CLUSTER_INSTANCE_ID")
        if not instance:
            problems.append(f"service {name}: no CLUSTER_INSTANCE_ID")
        elif instance in instance_ids:
            problems.append(f"service {name}: CLUSTER_INSTANCE_ID {instance} is not distinct")
        instance_ids.add(instance)
        for port in bridge.get("ports", []):
            if str(port) in ports:
                problems.append(f"service {name}: port {port} published twice")
            ports.add(str(port))
        names = [s if isinstance(s, str) else s.get("target", s.get("source")) for s in bridge.get("secrets", [])]
        if "store_url" not in names:
            problems.append(f"service {name}: no store_url secret (the shared store)")
        if (bridge.get("depends_on") or {}).get("postgres", {}).get("condition") != "service_healthy":
            problems.append(f"service {name}: does not wait for a healthy postgres")
    return problems


def check_bridge_service(where, service, keys):
    problems = []
    environment = service.get("environment") or {}
    names = environment.keys() if isinstance(environment, dict) else [e.split("=", 1)[0] for e in environment]
    if keys is not None:
        known = {env_name(key) for key in keys}
        for variable in names:
            if variable not in known:
                problems.append(f"{where}: environment variable {variable} is not a configuration key's variable")
    allowed = {env_name(key).lower() for key in SECRET_KEYS}
    for secret in service.get("secrets", []):
        secret_name = secret if isinstance(secret, str) else secret.get("target", secret.get("source"))
        if secret_name not in allowed:
            problems.append(f"{where}: secret {secret_name} is not a name the bridge reads in /run/secrets")
    for variable in names:
        if variable in {env_name(key) for key in SECRET_KEYS}:
            problems.append(f"{where}: secret {variable} given as a plain environment variable; use a compose secret")
    return problems


def check_bridge_configuration(where, service, command, secrets):
    """`smpp-bridge check-config` with the service's configuration as the container would see it: its environment,
    the mounted --config file (read from its host path) and its compose secrets as a secrets directory."""
    if not os.access(BRIDGE, os.X_OK):
        return []
    mounts = {}
    for volume in service.get("volumes", []):
        parts = str(volume).split(":")
        if len(parts) >= 2 and parts[0].startswith((".", "/")):
            mounts[parts[1]] = os.path.join(ROOT, parts[0])
    # The TLS files are the container's (a volume filled at run time): not checked here.
    arguments = [BRIDGE, "check-config", "--skip-files"]
    if "--config" in command:
        container_path = command[command.index("--config") + 1]
        if container_path not in mounts:
            return [f"{where}: --config {container_path} is not a mounted file"]
        arguments += ["--config", mounts[container_path]]
    environment = service.get("environment") or {}
    if not isinstance(environment, dict):
        environment = dict(e.split("=", 1) for e in environment)
    with tempfile.TemporaryDirectory() as secrets_dir:
        for secret in service.get("secrets", []):
            name = secret if isinstance(secret, str) else secret.get("source")
            source = (secrets.get(name) or {}).get("file")
            if source:
                shutil.copy(os.path.join(ROOT, source), os.path.join(secrets_dir, name))
        result = subprocess.run([*arguments, "--secrets-dir", secrets_dir], capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", **{k: str(v) for k, v in environment.items()}},
                                check=False)
    if result.returncode != 0:
        return [f"{where}: check-config refuses its configuration: {result.stderr.strip()}"]
    return []


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
    subcommand = [command[1]] if command[0] == "smpp-bridge" and len(command) > 1 else []
    help_text = subprocess.run([binary, *subcommand, "--help"], capture_output=True, text=True, check=False).stdout
    known = set(re.findall(r"(--[a-z0-9-]+)", help_text))
    return [f"{where}: {command[0]} has no option {arg}" for arg in command[1:]
            if arg.startswith("--") and arg not in known]


def docker_compose_config(name):
    """`docker-compose config` on the file (without a profile, with monitoring, with cluster), if installed."""
    tool = shutil.which("docker-compose")
    if tool is None:
        return [], False
    problems = []
    for extra in ([], ["--profile", "monitoring"], ["--profile", "cluster"]):
        result = subprocess.run([tool, "-f", os.path.join(ROOT, name), *extra, "config", "--quiet"],
                                capture_output=True, text=True, cwd=ROOT, check=False)
        if result.returncode != 0:
            problems.append(f"{name}: docker-compose {' '.join(extra)} config: {result.stderr.strip()}")
    return problems, True


def main() -> int:
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as handle:
        executables = set(re.findall(r'\.executable\(name: "([^"]+)"', handle.read()))
    keys = bridge_keys()
    problems, summary = [], []
    for name, paths_must_exist in FILES.items():
        found, count = check_file(name, paths_must_exist, executables, keys)
        config_problems, ran = docker_compose_config(name)
        problems += found + config_problems
        summary.append(f"{name} {count} services" + (", docker-compose config ok" if ran and not config_problems else ""))
    for problem in problems:
        print(problem)
    if not problems:
        tail = "" if keys is not None else " (smpp-bridge not built: environment variables not checked)"
        if shutil.which("docker-compose") is None:
            tail += " (docker-compose not installed: `config` not run)"
        print(f"compose files valid: {'; '.join(summary)}{tail}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
