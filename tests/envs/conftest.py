"""A real Docker engine and a local base image for the docker backend's tests.

No registry is needed: the base image is built once per machine with debootstrap and
``docker import`` (``harness-test-base:bookworm``; ``HARNESS_TEST_BASE_IMAGE`` names
another local image).  Where no engine answers, or no base image can be had, the tests
skip and say why; ``.ci/run`` installs and starts an engine where it can.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import filelock
import pytest

from harness.envs import docker_base, docker_engine
from harness.errors import HarnessError

BASE = os.environ.get("HARNESS_TEST_BASE_IMAGE", "harness-test-base:bookworm")


@pytest.fixture(scope="session")
def engine() -> Any:
    try:
        return docker_engine.connect()
    except HarnessError as e:
        pytest.skip(f"no Docker engine: {e.message} ({e.hint})")


@pytest.fixture(scope="session")
def base_image(engine: Any) -> str:
    """A local base image with python3; built on first use, then reused by tag."""
    from docker.errors import ImageNotFound

    lock = Path(tempfile.gettempdir()) / "harness-test-base-image.lock"
    with filelock.FileLock(str(lock)):  # xdist workers: one builds, the others wait
        try:
            engine.images.get(BASE)
            return BASE
        except ImageNotFound:
            pass
        if os.geteuid() != 0 or not shutil.which("debootstrap"):
            pytest.skip(f"no base image {BASE} and it cannot be built here "
                        "(needs root and debootstrap; .ci/docker-setup.sh installs it)")
        docker_base.build_local(BASE)
    return BASE
