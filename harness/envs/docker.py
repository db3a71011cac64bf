"""The docker backend: each env is an image, each run a throwaway container.

An image per env key (``harness-env:<key>``): the base image (``--base-image``,
``[docker] base_image``, default ``python:<version>-slim``) plus one dependency layer built
with uv from the same install spec as the uv backend (see :mod:`docker_build`).  The code
under test is never in the image: the worktree and the run directory are mounted at their
own paths, so a run sees the same paths as on the host.  Runs are the calling user's uid,
``--network none`` for offline subsets, every GPU for cuda subsets, and limited to the
subset's CPUs and a memory budget per worker.
"""
from __future__ import annotations

import contextlib
import getpass
import importlib
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import cache, config
from harness.envs import docker_base, docker_build
from harness.envs import docker_engine as engine
from harness.envs.base import INTERRUPT_GRACE, Env, RunRequest
from harness.envs.docker_container import Bind, kill, stream
from harness.envs.docker_engine import DockerImage, list_images, remove_image
from harness.envs.spec import EnvSpec
from harness.errors import HarnessError

if TYPE_CHECKING:
    from docker import DockerClient

__all__ = ["DockerBackend", "DockerImage", "list_images", "remove_image"]

MEMORY_PER_WORKER = 3 << 30  # bytes; plus one more share for pytest's main process
PYTHON = Path(docker_build.VENV) / "bin" / "python"


def _preload_sdk() -> None:
    """Import the SDK ahead of use; a missing one is reported where it is used, in one line."""
    with contextlib.suppress(ImportError):
        importlib.import_module("docker")


class DockerBackend:
    name = "docker"

    def __init__(self, base_image: str | None = None) -> None:
        self.base_image = base_image
        self._client: DockerClient | None = None
        self._info: dict[str, Any] | None = None
        # importing the SDK takes ~0.5 s: do it while the checkout step runs
        threading.Thread(target=_preload_sdk, daemon=True).start()

    @property
    def client(self) -> DockerClient:
        if self._client is None:
            self._client = engine.connect()
            engine.reap(self._client)
        return self._client

    def info(self) -> dict[str, Any]:
        """The engine's ``docker info`` (CPUs, memory, runtimes), asked once."""
        if self._info is None:
            self._info = dict(self.client.info())
        return self._info

    def base_name(self, spec: EnvSpec) -> str:
        return self.base_image or docker_base.default_base(spec.install.python)

    def key_parts(self, spec: EnvSpec, base_id: str) -> dict[str, Any]:
        parts = spec.key_parts()
        # the Python inside comes from the base image, not from the host
        parts.update(python=spec.install.python, base_image=base_id,
                     docker_format=docker_build.FORMAT)
        return parts

    def ensure(self, spec: EnvSpec, on_line: Callable[[str], None] | None = None) -> Env:
        base = self.base_name(spec)
        base_id = str(docker_base.resolve(self.client, base).id)
        parts = self.key_parts(spec, base_id)
        key = f"{spec.recipe}-{cache.key_of(parts)}"
        tag = f"{engine.REPOSITORY}:{key}"
        work = config.home() / "docker" / key
        if self._complete(tag, key):
            return Env(key, work, PYTHON, self.name, False)
        with cache.locked(work):
            if self._complete(tag, key):
                return Env(key, work, PYTHON, self.name, False)
            log_path = config.home() / "logs" / f"env-{key}.log"
            docker_build.build(self.client, spec, key=key, tag=tag, base=base, base_id=base_id,
                               key_parts=parts, work=work, log_path=log_path, on_line=on_line)
        return Env(key, work, PYTHON, self.name, True)

    def _complete(self, tag: str, key: str) -> bool:
        """The image exists and was committed by a finished build of this key."""
        from docker.errors import ImageNotFound

        try:
            labels = self.client.images.get(tag).labels or {}
        except ImageNotFound:
            return False
        if labels.get(engine.ENV_KEY) == key and labels.get(engine.KIND) == "env":
            return True
        self.client.images.remove(tag, force=True)  # not ours to reuse
        return False

    def run(self, env: Env, request: RunRequest,
            on_line: Callable[[str], None] | None = None) -> int:
        client = self.client
        info = self.info()
        options: dict[str, Any] = {}
        if request.device == "cuda":
            if "nvidia" not in (info.get("Runtimes") or {}):
                raise HarnessError("the Docker engine cannot reach the GPU (no nvidia runtime)",
                                   hint="install nvidia-container-toolkit and restart dockerd, "
                                        "or use --backend uv")
            from docker.types import DeviceRequest

            options["device_requests"] = [DeviceRequest(count=-1, capabilities=[["gpu"]])]
        cpus = max(1, min(request.cpus, int(info.get("NCPU") or 1)))
        memory = min(int(info.get("MemTotal") or 0) or 1 << 62,
                     MEMORY_PER_WORKER * (request.workers + 1))
        pycache = env.path / "pycache"  # the image is read-only: .pyc persist here
        pycache.mkdir(parents=True, exist_ok=True)
        user = getpass.getuser()  # the uid has no passwd entry inside: getpass reads USER
        environment = {"HOME": "/tmp", "LANG": "C.UTF-8", "USER": user, "LOGNAME": user,
                       "PYTHONPYCACHEPREFIX": str(pycache), **request.env}
        binds = [Bind(str(p), str(p), read_only=False)
                 for p in (*request.mounts, pycache)]
        container = client.containers.create(
            f"{engine.REPOSITORY}:{env.key}", [str(env.python), *request.argv],
            working_dir=str(request.cwd), environment=environment,
            user=f"{os.getuid()}:{os.getgid()}", mounts=[b.mount() for b in binds],
            network_mode="host" if request.network else "none", nano_cpus=cpus * 10**9,
            mem_limit=memory, labels={engine.KIND: "run", engine.OWNER: engine.owner()},
            **options)
        timer = None
        expired, ended = threading.Event(), threading.Event()
        if request.timeout is not None:
            def expire() -> None:
                # as the venv backend does: pytest (the container's first process) ends as
                # after a ^C and writes its report of the tests that ended; killed if not
                expired.set()
                kill(container, "SIGINT")
                if not ended.wait(INTERRUPT_GRACE):
                    kill(container)

            timer = threading.Timer(request.timeout, expire)
            timer.daemon = True
        try:
            container.start()
            if timer is not None:
                timer.start()
            code = stream(container, request.log_path, on_line)
        finally:
            ended.set()
            if timer is not None:
                timer.cancel()
            container.remove(force=True)
        if expired.is_set():
            with request.log_path.open("a") as out:
                out.write(f"\nharness: stopped after {request.timeout:.0f}s\n")
            raise subprocess.TimeoutExpired(request.argv, request.timeout or 0)
        return code
