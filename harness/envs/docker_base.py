"""The base image an env image is built on: found locally, else pulled, else one clear line.

Where no registry can be reached, a local base image can be made from Debian packages
(needs root, ``debootstrap`` and a Debian mirror)::

    python -m harness.envs.docker_base harness-base:bookworm
    harness reproduce demo --backend docker --base-image harness-base:bookworm
"""
from __future__ import annotations

import os
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from harness import proc
from harness.envs import docker_engine
from harness.errors import HarnessError

if TYPE_CHECKING:
    from docker import DockerClient
    from docker.models.images import Image

SUITE = "bookworm"
LOCAL = "harness-base:bookworm"  # the name suggested for a base built here
PACKAGES = ("python3", "python3-venv", "git", "ca-certificates")
MIRROR = "http://deb.debian.org/debian"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def default_base(python: str | None) -> str:
    """``python:<version>-slim`` for the recipe's Python (the running one's by default)."""
    version = python or f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"python:{version}-slim"


def split_tag(name: str) -> tuple[str, str]:
    """``repo[:tag]`` -> (repo, tag); a registry's port is not a tag."""
    if ":" not in name.rsplit("/", maxsplit=1)[-1]:
        return name, "latest"
    repo, _, tag = name.rpartition(":")
    return repo, tag


def resolve(client: DockerClient, name: str) -> Image:
    """The base image, pulled when it is not here; one line with the fix when neither works."""
    from docker.errors import APIError, ImageNotFound

    try:
        return client.images.get(name)
    except ImageNotFound:
        pass
    repo, tag = split_tag(name)
    try:
        client.images.pull(repo, tag=tag)
        return client.images.get(name)
    except (APIError, ImageNotFound) as e:
        reason = str(getattr(e, "explanation", None) or e).splitlines()[0][:160]
        raise HarnessError(
            f"docker base image {name!r} is not here and pulling it failed ({reason})",
            hint="pass --base-image with a local image (`docker images`), or build one "
                 f"without a registry: `sudo python -m harness.envs.docker_base {LOCAL}` "
                 f"(debootstrap), then --base-image {LOCAL}") from e


def build_local(tag: str, *, mirror: str = MIRROR, log_path: Path | None = None,
                on_line: Callable[[str], None] | None = None) -> None:
    """Build ``tag`` from Debian packages with debootstrap and import it (root only)."""
    if os.geteuid() != 0:
        raise HarnessError("building a base image with debootstrap needs root",
                           hint=f"sudo python -m harness.envs.docker_base {tag}")
    client = docker_engine.connect()
    with tempfile.TemporaryDirectory(prefix="harness-base-") as tmp:
        root = Path(tmp) / "root"
        log = log_path or Path(tmp) / "debootstrap.log"
        cmd = ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}",
               SUITE, str(root), mirror]
        code = proc.stream(cmd, log_path=log, on_line=on_line)
        if code != 0:
            raise HarnessError(f"debootstrap failed (exit {code}): {proc.format_cmd(cmd)}\n"
                               f"{proc.tail(log.read_text(errors='replace'), 15)}")
        tar_path = Path(tmp) / "root.tar"
        with tarfile.open(tar_path, "w") as tar:
            for entry in sorted(root.iterdir()):
                tar.add(entry, arcname=entry.name)
        repo, name_tag = split_tag(tag)
        client.api.import_image_from_file(
            str(tar_path), repository=repo, tag=name_tag,
            changes=[f"ENV PATH={PATH}", "ENV LANG=C.UTF-8", 'CMD ["/bin/bash"]'])
    client.images.get(tag)  # raises if the import did not land


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m harness.envs.docker_base NAME[:TAG]", file=sys.stderr)
        return 2
    try:
        build_local(args[0], on_line=print)
    except HarnessError as e:
        print(f"error: {e.message}" + (f"\nhint: {e.hint}" if e.hint else ""), file=sys.stderr)
        return 2
    print(f"built {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
