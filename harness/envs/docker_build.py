"""One env image per key: the base image plus one dependency layer installed with uv.

The build runs in a throwaway container: the target's checkout is mounted (its code is not
baked in, only what its dependency files install), so are the torch find-links folders, the
TLS bundles named by ``SSL_CERT_FILE`` & co. and the host's uv; proxy and index settings
are passed on.  A successful build is committed as ``harness-env:<key>`` with labels
recording the spec; the commit is the completion marker (a killed build leaves a container,
never an image), and builds of one key take a lock.
"""
from __future__ import annotations

import dataclasses
import json
import os
import platform
import re
import shlex
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import proc
from harness.envs import docker_base
from harness.envs import docker_engine as engine
from harness.envs.docker_container import Bind, owned_dir, remove_quietly, stream
from harness.envs.spec import EnvSpec
from harness.envs.venv import find_uv
from harness.errors import HarnessError

if TYPE_CHECKING:
    from docker import DockerClient

VENV = "/opt/harness/venv"
PROJECT = "/harness/project"
SPEC_DIR = "/harness/spec"
FORMAT = 2  # bump when images are built differently
CERT_VARS = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT", "CURL_CA_BUNDLE")
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY")
INDEX_VARS = ("UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX",
              "UV_FIND_LINKS", "UV_NATIVE_TLS", "UV_INDEX_STRATEGY", "UV_HTTP_TIMEOUT",
              "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_DEFAULT_TIMEOUT")
PYTHON_LINE = re.compile(r"^HARNESS_PYTHON=(\S+)$", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class BuildInputs:
    """What the build container gets from the host: mounts, variables, uv arguments."""

    binds: tuple[Bind, ...]
    environment: dict[str, str]
    source_args: tuple[str, ...]  # torch index / find-links as seen inside the container
    uv: str | None  # the host's uv, mounted; None: installed with pip inside


def build_inputs(spec: EnvSpec, spec_dir: Path, engine_arch: str) -> BuildInputs:
    binds = [Bind(str(spec.project), PROJECT, read_only=False), Bind(str(spec_dir), SPEC_DIR)]
    environ: dict[str, str] = {"HOME": "/tmp", "UV_PYTHON_DOWNLOADS": "never",
                               "UV_LINK_MODE": "copy", "PYTHONDONTWRITEBYTECODE": "1"}
    seen: dict[str, str] = {}
    for var in CERT_VARS:  # TLS trust: the files these name, mounted read-only
        value = os.environ.get(var)
        if value and Path(value).is_file():
            real = str(Path(value).resolve())
            if real not in seen:
                seen[real] = f"/harness/certs/{len(seen)}.pem"
                binds.append(Bind(real, seen[real]))
            environ[var] = seen[real]
    for var in PROXY_VARS + INDEX_VARS:
        for name in (var, var.lower()):
            value = os.environ.get(name)
            if value:
                environ[name] = value
                binds += [Bind(p, p) for p in _local_dirs(value) if p not in seen]
    args = spec.torch_source.uv_args()
    for i, arg in enumerate(list(args)):
        path = arg.removeprefix("file://")
        if i and args[i - 1] == "--find-links" and Path(path).is_dir():
            args[i] = f"/harness/find-links/{i}"
            binds.append(Bind(str(Path(path).resolve()), args[i]))
    uv = find_uv()
    host_arch = platform.machine().replace("aarch64", "arm64").replace("x86_64", "amd64")
    usable = uv and platform.system() == "Linux" and engine_arch in (host_arch, "")
    if usable and uv:
        binds.append(Bind(str(Path(uv).resolve()), "/harness/bin/uv"))
        cache = proc.run([uv, "cache", "dir"], check=False).stdout.strip()
        if cache:  # the host's uv cache: downloads shared with the uv backend
            Path(cache).mkdir(parents=True, exist_ok=True)
            binds.append(Bind(cache, "/harness/uv-cache", read_only=False))
            environ["UV_CACHE_DIR"] = "/harness/uv-cache"
    return BuildInputs(tuple(binds), environ, tuple(args), "/harness/bin/uv" if usable else None)


def _local_dirs(value: str) -> list[str]:
    """Local folders named in an index/find-links setting (``file://`` URLs or paths)."""
    found = []
    for item in re.split(r"[\s,]+", value):
        path = item.removeprefix("file://")
        if path.startswith("/") and Path(path).exists():
            found.append(path)
    return found


def script(spec: EnvSpec, inputs: BuildInputs, python: str) -> str:
    """The shell script the build container runs."""
    uv = inputs.uv or "/opt/harness/uv/bin/uv"
    # exported here, not set on the container: a commit would bake them into the image
    lines = ["set -eu", *(f"export {k}={shlex.quote(v)}" for k, v in inputs.environment.items())]
    if inputs.uv is None:
        lines.append("python3 -m venv /opt/harness/uv && /opt/harness/uv/bin/pip install "
                     "--quiet uv")
    # no --compile-bytecode: runs keep their .pyc in a host folder per env instead
    # (PYTHONPYCACHEPREFIX), written for what the tests import, as the uv backend does
    install = [uv, "pip", "install", "--python", f"{VENV}/bin/python",
               "-r", f"{SPEC_DIR}/requirements.txt", "-c", f"{SPEC_DIR}/constraints.txt",
               "--excludes", f"{SPEC_DIR}/excludes.txt", *inputs.source_args]
    lines += [
        shlex.join([uv, "venv", "--quiet", "--python", python, VENV]),
        shlex.join(install),
        f"{VENV}/bin/python -c "
        "'import platform; print(\"HARNESS_PYTHON=\" + platform.python_version())'",
    ]
    return "\n".join(lines) + "\n"


def write_spec(spec: EnvSpec, spec_dir: Path) -> None:
    inside = dataclasses.replace(spec, project=Path(PROJECT))
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "requirements.txt").write_text("\n".join(inside.requirements()) + "\n")
    (spec_dir / "constraints.txt").write_text("\n".join(spec.install.pins) + "\n")
    (spec_dir / "excludes.txt").write_text("\n".join(spec.install.exclude) + "\n")


def build(client: DockerClient, spec: EnvSpec, *, key: str, tag: str, base: str, base_id: str,
          key_parts: dict[str, Any], work: Path, log_path: Path,
          on_line: Callable[[str], None] | None = None) -> None:
    """Build and commit ``tag``; call it under the key's lock."""
    name = f"harness-build-{key}-{os.getpid()}"  # a killed build's leftover is reaped
    write_spec(spec, work / "spec")
    inputs = build_inputs(spec, work / "spec", str(client.info().get("Architecture", "")))
    python = spec.install.python or "python3"
    (work / "spec" / "build.sh").write_text(script(spec, inputs, python))
    uid, gid = os.getuid(), os.getgid()
    container = client.containers.create(
        base_id, ["/bin/sh", f"{SPEC_DIR}/build.sh"], name=name, user=f"{uid}:{gid}",
        mounts=[b.mount() for b in inputs.binds],
        network_mode="host", labels={engine.KIND: "build", engine.OWNER: engine.owner()})
    try:
        container.put_archive("/opt", owned_dir("harness", uid, gid))
        container.start()
        code = stream(container, log_path, on_line)
        if code != 0:
            text = log_path.read_text(errors="replace")
            raise HarnessError(f"building the {spec.recipe} docker image failed (exit {code}) "
                               f"on {base}\n{proc.tail(text, 15)}\nfull log: {log_path}")
        found = PYTHON_LINE.search(log_path.read_text(errors="replace"))
        labels = {engine.KIND: "env", engine.ENV_KEY: key, "harness.recipe": spec.recipe,
                  "harness.base": base, "harness.base_id": base_id,
                  "harness.python": found.group(1) if found else "",
                  "harness.format": str(FORMAT), "harness.spec": json.dumps(key_parts,
                                                                           sort_keys=True)}
        path = f"{VENV}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        repo, image_tag = docker_base.split_tag(tag)
        container.commit(repo, image_tag, conf={
            "Labels": labels, "Env": [f"PATH={path}", f"VIRTUAL_ENV={VENV}", "LANG=C.UTF-8"],
            "Cmd": [f"{VENV}/bin/python"], "User": "", "WorkingDir": "/"})
    except BaseException:
        container.remove(force=True)
        raise
    # deleting the container's copy of the env takes a minute on a busy disk: the engine
    # finishes it on its own, the tests need not wait
    threading.Thread(target=remove_quietly, args=(container,), daemon=True).start()
