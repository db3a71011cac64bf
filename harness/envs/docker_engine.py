"""The connection to a Docker engine (the Engine API through the ``docker`` SDK).

Every way of not reaching the engine becomes one line saying what to do: docker not
installed, daemon not running, permission denied on the socket.  Also: the images the
harness built (listed and removed by cache hygiene) and containers a killed harness left.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.errors import HarnessError

if TYPE_CHECKING:
    from docker import DockerClient

# Labels on everything the harness creates.
KIND = "harness.kind"  # "env" (an image), "build" or "run" (a container)
ENV_KEY = "harness.env_key"
OWNER = "harness.owner"  # "<hostname>:<pid>" of the harness process that made a container
REPOSITORY = "harness-env"  # images are tagged harness-env:<env key>
DEFAULT_SOCKET = "/var/run/docker.sock"
USE_UV = "or use --backend uv"


def engine_error(exc: BaseException) -> HarnessError:
    """One line for an engine that cannot be reached, with the fix."""
    host = os.environ.get("DOCKER_HOST", f"unix://{DEFAULT_SOCKET}")
    sock = host.removeprefix("unix://") if host.startswith("unix://") else None
    text = " ".join(str(e) for e in _chain(exc))
    if isinstance(exc, ImportError):
        return HarnessError("the docker Python package is missing",
                            hint="pip install docker (it is a harness dependency)")
    if "Permission denied" in text or any(isinstance(e, PermissionError) for e in _chain(exc)):
        return HarnessError(f"permission denied on the Docker socket {sock or host}",
                            hint="add yourself to the docker group: `sudo usermod -aG docker "
                                 f"$USER`, then log in again ({USE_UV})")
    if sock is not None and not os.path.exists(sock) and not _installed():
        return HarnessError("Docker is not installed (no engine, no socket at "
                            f"{sock})", hint="install it: `sudo apt-get install docker.io` on "
                                             f"Debian/Ubuntu, Docker Desktop elsewhere ({USE_UV})")
    if sock is None or not os.path.exists(sock) or "refused" in text \
            or "No such file" in text:
        return HarnessError(f"the Docker daemon is not running (nothing answers at {host})",
                            hint="start it: `sudo systemctl start docker`, or `sudo dockerd &` "
                                 f"where there is no systemd ({USE_UV})")
    return HarnessError(f"cannot talk to the Docker engine at {host}: {text.splitlines()[0]}",
                        hint=f"check `docker info` ({USE_UV})")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or e in seen:
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, *[a for a in e.args if isinstance(a, BaseException)]]
    return seen


def _installed() -> bool:
    return any(shutil.which(x) for x in ("dockerd", "docker", "containerd"))


def connect() -> DockerClient:
    """A client whose engine answered; :class:`HarnessError` with the fix otherwise."""
    try:
        import docker
        from docker.errors import DockerException
    except ImportError as e:
        raise engine_error(e) from e
    try:
        client = docker.from_env(timeout=30)
        client.ping()
    except (DockerException, OSError) as e:
        raise engine_error(e) from e
    # committing or deleting a few GB of env takes minutes on a busy disk
    client.api.timeout = 1800
    return client


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def reap(client: DockerClient) -> None:
    """Remove build and run containers whose harness process on this host is gone
    (killed with SIGKILL: nothing could stop its container then)."""
    from docker.errors import DockerException

    host = socket.gethostname()
    for c in client.containers.list(all=True, sparse=True, filters={"label": OWNER}):
        name, _, pid = (c.attrs.get("Labels") or {}).get(OWNER, "").rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(DockerException):  # someone else removed it first
                c.remove(force=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class DockerImage:
    """An env image the harness built."""

    tag: str
    env_key: str
    size: int  # bytes
    created: dt.datetime


def list_images() -> list[DockerImage]:
    """The env images the harness built, newest first."""
    client = connect()
    found = []
    for image in client.images.list(filters={"label": f"{KIND}=env"}):
        labels: dict[str, Any] = image.labels or {}
        created = dt.datetime.fromisoformat(str(image.attrs["Created"])[:19])
        for tag in image.tags or [f"{REPOSITORY}:{labels.get(ENV_KEY, image.short_id)}"]:
            found.append(DockerImage(tag, str(labels.get(ENV_KEY, "")),
                                     int(image.attrs.get("Size", 0)),
                                     created.replace(tzinfo=dt.timezone.utc)))
    return sorted(found, key=lambda i: i.created, reverse=True)


def remove_image(tag: str) -> None:
    """Remove an env image the harness built (refuses any other image)."""
    from docker.errors import APIError, ImageNotFound

    client = connect()
    try:
        image = client.images.get(tag)
    except ImageNotFound as e:
        raise HarnessError(f"no docker image {tag!r}") from e
    if (image.labels or {}).get(KIND) != "env":
        raise HarnessError(f"docker image {tag!r} was not built by harness; left alone")
    try:
        client.images.remove(tag, noprune=False)
    except APIError as e:
        if e.status_code != 409:
            raise
        raise HarnessError(f"docker image {tag!r} is in use by a container; left alone",
                           hint="remove the container first (`docker ps -a`)") from e
