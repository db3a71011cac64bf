"""Container plumbing shared by image builds and test runs: bind mounts, streaming a
container's output, stopping it, removing it."""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docker.models.containers import Container


@dataclasses.dataclass(frozen=True)
class Bind:
    source: str  # host path
    target: str  # path inside the container
    read_only: bool = True

    def mount(self) -> Any:
        from docker.types import Mount

        return Mount(self.target, self.source, type="bind", read_only=self.read_only)


def stream(container: Container, log_path: Path,
           on_line: Callable[[str], None] | None = None) -> int:
    """Copy the container's output to ``log_path`` (and ``on_line``) until it exits;
    on any exception (^C, a timeout) the container is killed first."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with log_path.open("w", encoding="utf-8", errors="replace") as out:
            pending = b""
            for chunk in container.logs(stream=True, follow=True):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    line = raw.decode(errors="replace")
                    out.write(line + "\n")
                    if on_line is not None:
                        on_line(line)
            if pending:
                out.write(pending.decode(errors="replace"))
            code = int(container.wait()["StatusCode"])
            out.write(f"\n[exit {code}]\n")
            return code
    except BaseException:
        kill(container)
        raise


def kill(container: Container, signal: str = "SIGKILL") -> None:
    from docker.errors import DockerException

    with contextlib.suppress(DockerException):  # already stopped
        container.kill(signal)


def owned_dir(name: str, uid: int, gid: int) -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, uid, gid
        tar.addfile(info)
    return buf.getvalue()


def remove_quietly(container: Container) -> None:
    from docker.errors import DockerException
    from requests.exceptions import RequestException

    with contextlib.suppress(DockerException, RequestException):
        container.remove(force=True)
