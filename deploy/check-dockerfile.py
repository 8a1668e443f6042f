#!/usr/bin/env python3
"""Checks deploy/Dockerfile without a Docker engine (none runs on the build machines or in CI).

  deploy/check-dockerfile.py [BINARY…]   default: the release executables if built, else .build/debug's

1. The build stage follows the scripts: it runs `deploy/setup.sh build` (setup.sh's mode for it), builds with
   `swift build -c release … --product X` every product deploy/run.sh builds that way, with the same flags (so a
   static link that fails shows in the README's run command, not first in `docker compose build`), and copies every
   executable Package.swift declares into the image; its `swift:` image has this toolchain's major.minor version,
   on the same Debian release as the runtime stage.
2. The runtime stage installs exactly the packages the executables need: `ldd` of each binary, every library
   mapped to its Debian package with `dpkg -S`; packages of the base image (the Essential set and apt, with their
   dependencies, as dpkg knows them here — what debian:*-slim holds) need no install. Libraries of the Swift
   toolchain (no package) are allowed only if the Dockerfile links the Swift runtime statically
   (`--static-swift-stdlib` on every build), since they are then not needed at run time. Every installed package
   is needed, except ca-certificates (TLS roots, not a library).
3. The runtime stage runs as a non-root user, has a HEALTHCHECK on /healthz and a VOLUME for the store, and is the
   last stage (the default target).
4. deploy/Dockerfile.dockerignore leaves deploy/.state (the scripts' brokers, databases, keys, passwords) out of
   the build context when the Dockerfile copies deploy/.
Exit 1 with one line per problem; prints the ldd-derived package list.
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKERFILE = os.path.join(ROOT, "deploy", "Dockerfile")
NOT_LIBRARIES = {"ca-certificates"}
SWIFT_RUNTIME = re.compile(r"^lib(swift\w*|_?Foundation\w*|dispatch|BlocksRuntime|_FoundationICU)\.so")


def stages(text):
    """[(name, base image, body)] in order, line continuations joined."""
    text = re.sub(r"\\\n", " ", text)
    result = []
    for match in re.finditer(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*\n(.*?)(?=^FROM\s|\Z)", text, re.M | re.S | re.I):
        result.append((match.group(2) or "", match.group(1), match.group(3)))
    return result


def base_image_packages():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Essential}\t${Pre-Depends}, ${Depends}\n"],
                         capture_output=True, text=True, check=True).stdout
    depends, essential = {}, set()
    for line in out.splitlines():
        package, is_essential, clauses = line.split("\t")
        depends[package] = [[re.sub(r"[\s(:].*", "", name.strip()) for name in clause.split("|")]
                            for clause in clauses.split(",") if clause.strip()]
        if is_essential == "yes":
            essential.add(package)
    base, todo = set(), list(essential | {"apt"})
    while todo:
        package = todo.pop()
        if package in base or package not in depends:
            continue
        base.add(package)
        for names in depends[package]:
            installed = [name for name in names if name in depends]
            if installed:
                todo.append(installed[0])
    return base


def owner(path):
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        if candidate.startswith("/usr/lib/"):
            candidates.append(candidate[4:])
        elif candidate.startswith("/lib/"):
            candidates.append("/usr" + candidate)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    return None


def default_binaries(products):
    release = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"],
                             capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()
    for directory in [release, os.path.join(ROOT, ".build", "debug")]:
        paths = [os.path.join(directory, product) for product in products]
        if directory and all(os.access(path, os.X_OK) for path in paths):
            return paths
    return []


def main(arguments) -> int:
    problems = []
    text = open(DOCKERFILE, encoding="utf-8").read()
    all_stages = stages(text)
    build = next((s for s in all_stages if s[1].startswith("swift:")), None)
    runtime = all_stages[-1] if all_stages else None
    products = re.findall(r'\.executable\(name: "([^"]+)"', open(os.path.join(ROOT, "Package.swift")).read())
    if build is None or runtime is None:
        print("check-dockerfile: no swift: build stage or no runtime stage")
        return 1
    _, build_image, build_body = build
    _, runtime_image, runtime_body = runtime

    # 1. The build stage against the scripts.
    setup = open(os.path.join(ROOT, "deploy", "setup.sh")).read()
    if "build)" not in setup or "deploy/setup.sh build" not in build_body:
        problems.append("the build stage does not run `deploy/setup.sh build`")
    run_script = open(os.path.join(ROOT, "deploy", "run.sh")).read()
    builds = re.findall(r"swift build ([^&\n]*?)--product (\S+)", build_body)
    built = {product for _, product in builds}
    docker_flags = {product: " ".join(flags.split()) for flags, product in builds}
    for flags, product in re.findall(r"swift build (-c release[^\n]*?)--product (\S+)", run_script):
        if product not in built:
            problems.append(f"deploy/run.sh builds {product} in release mode; the Dockerfile does not")
        elif " ".join(flags.split()) != docker_flags[product]:
            problems.append(f"deploy/run.sh builds {product} with `{flags.strip()}`, the Dockerfile with "
                            f"`{docker_flags[product]}`")
    for flags, product in builds:
        if "-c release" not in flags:
            problems.append(f"the Dockerfile builds {product} without -c release")
    for product in products:
        if product not in built:
            problems.append(f"the Dockerfile does not build {product}")
        if not re.search(rf"\$bin/{re.escape(product)}\b", build_body):
            problems.append(f"the Dockerfile does not copy {product} out of the build stage")
    static = bool(builds) and all("--static-swift-stdlib" in flags for flags, _ in builds)
    version = re.search(r"Swift version (\d+\.\d+)", subprocess.run(["swift", "--version"], capture_output=True,
                                                                     text=True, check=False).stdout + "")
    tag = re.match(r"swift:(\d+\.\d+)(?:\.\d+)?-(\w+)", build_image)
    if not tag:
        problems.append(f"build image {build_image} is not swift:<major.minor>-<debian release>")
    else:
        if version and tag.group(1) != version.group(1):
            problems.append(f"build image {build_image}, but the toolchain here is Swift {version.group(1)}")
        if f":{tag.group(2)}" not in runtime_image and f"{tag.group(2)}-slim" not in runtime_image:
            problems.append(f"runtime image {runtime_image} is not the build image's Debian release {tag.group(2)}")

    # 2. Runtime packages against ldd.
    install = re.search(r"apt-get install ([^&]*)", runtime_body)
    listed = {word for word in (install.group(1).split() if install else []) if not word.startswith("-")}
    binaries = arguments or default_binaries(products)
    if not binaries:
        problems.append("no built executables to run ldd on (swift build first)")
    base = base_image_packages()
    needed, toolchain = {}, set()
    for binary in binaries:
        output = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout
        for name, path in re.findall(r"^\s*(\S+) => (/\S+)", output, re.M):
            package = owner(path)
            if package is None:
                if SWIFT_RUNTIME.match(name):
                    toolchain.add(name)
                else:
                    problems.append(f"{os.path.basename(binary)}: {path} belongs to no Debian package")
            elif package not in base:
                needed.setdefault(package, set()).add(name)
    if toolchain and not static:
        problems.append(f"the executables link the Swift runtime ({', '.join(sorted(toolchain))}) but the "
                        "Dockerfile neither links it statically nor installs it")
    for package in sorted(set(needed) - listed):
        problems.append(f"runtime stage does not install {package} ({', '.join(sorted(needed[package]))})")
    for package in sorted(listed - set(needed) - NOT_LIBRARIES):
        problems.append(f"runtime stage installs {package}, which no executable links")

    # 3. The runtime stage's shape.
    user = re.findall(r"^USER\s+(\S+)", runtime_body, re.M)
    if not user or user[-1] in ("root", "0"):
        problems.append("the runtime stage does not run as a non-root user")
    if not re.search(r"^HEALTHCHECK\b.*?/healthz", runtime_body, re.M):
        problems.append("the runtime stage has no HEALTHCHECK on /healthz")
    if not re.search(r"^VOLUME\s+\S*smpp-bridge", runtime_body, re.M):
        problems.append("the runtime stage has no VOLUME for the store")

    # 4. The build context leaves out what the scripts write under deploy/ (data, keys, passwords).
    ignore_file = DOCKERFILE + ".dockerignore"
    ignored = [line.strip() for line in open(ignore_file) if line.strip() and not line.lstrip().startswith("#")] \
        if os.path.exists(ignore_file) else []
    if re.search(r"^COPY\s+deploy\b", text, re.M) and not any(
            entry.rstrip("/") == "deploy/.state" for entry in ignored):
        problems.append("the Dockerfile copies deploy/ but deploy/Dockerfile.dockerignore does not leave out "
                        "deploy/.state")

    for problem in problems:
        print(f"check-dockerfile: {problem}")
    where = ", ".join(os.path.relpath(b, ROOT) for b in binaries)
    print(f"check-dockerfile: ldd of {where}: packages beyond the base image: "
          + ", ".join(f"{p} ({', '.join(sorted(n))})" for p, n in sorted(needed.items()))
          + (f"; Swift runtime from the toolchain ({len(toolchain)} libraries, linked statically in the image)"
             if toolchain else "; no Swift runtime libraries"))
    if not problems:
        print("check-dockerfile: deploy/Dockerfile valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
