"""Where torch wheels come from: a setting, never a path baked into code.

Resolution, first match wins:

1. ``--torch-index URL`` / ``--torch-find-links PATH`` on the command line;
2. ``HARNESS_TORCH_INDEX`` / ``HARNESS_TORCH_FIND_LINKS`` (``os.pathsep``-separated);
3. ``[torch]`` in the user config file;
4. pip's own ``find-links`` (``PIP_FIND_LINKS`` or a pip.conf), since uv does not read them;
5. PyTorch's CPU index when the machine has no NVIDIA GPU, else PyPI (CUDA builds).
"""
from __future__ import annotations

import configparser
import os
import re
import shutil
from pathlib import Path
from typing import NamedTuple

from harness.config import Settings

CPU_INDEX = "https://download.pytorch.org/whl/cpu"


class TorchSource(NamedTuple):
    index_url: str | None
    find_links: tuple[str, ...]
    origin: str  # where the setting came from, shown to the user

    def uv_args(self) -> list[str]:
        args: list[str] = []
        for link in self.find_links:
            args += ["--find-links", link]
        if self.index_url:
            args += ["--extra-index-url", self.index_url, "--index-strategy", "unsafe-best-match"]
        return args

    def describe(self) -> str:
        parts = [f"index {self.index_url}"] if self.index_url else []
        parts += [f"find-links {x}" for x in self.find_links]
        return f"{', '.join(parts) or 'PyPI'} ({self.origin})"


def _pip_conf_files() -> list[Path]:
    env = os.environ.get("PIP_CONFIG_FILE")
    if env:
        return [Path(env)]
    xdg = os.environ.get("XDG_CONFIG_HOME", str(Path.home() / ".config"))
    return [
        Path("/etc/pip.conf"),
        Path("/etc/xdg/pip/pip.conf"),
        Path(xdg) / "pip" / "pip.conf",
        Path.home() / ".pip" / "pip.conf",
    ]


def pip_find_links() -> tuple[str, ...]:
    """``find-links`` as pip would see it (environment first, then config files)."""
    env = os.environ.get("PIP_FIND_LINKS")
    if env:
        return tuple(env.split())
    found: list[str] = []
    for path in _pip_conf_files():
        parser = configparser.ConfigParser()
        try:
            parser.read(path)
        except (configparser.Error, OSError):
            continue
        for section in ("global", "install"):
            if parser.has_option(section, "find-links"):
                found = parser.get(section, "find-links").split()
    return tuple(found)


def has_nvidia_gpu() -> bool:
    return Path("/proc/driver/nvidia").exists() or shutil.which("nvidia-smi") is not None


def resolve(
    settings: Settings, *, index: str | None = None, find_links: tuple[str, ...] = ()
) -> TorchSource:
    if index or find_links:
        return TorchSource(index, find_links, "command line")
    env_index = os.environ.get("HARNESS_TORCH_INDEX")
    env_links = os.environ.get("HARNESS_TORCH_FIND_LINKS")
    if env_index or env_links:
        sep = rf"\s+|{re.escape(os.pathsep)}(?!//)"  # not the colon of https://
        links = tuple(x for x in re.split(sep, env_links or "") if x)
        return TorchSource(env_index or None, links, "environment")
    if settings.torch_index or settings.torch_find_links:
        return TorchSource(settings.torch_index, settings.torch_find_links, "config file")
    pip_links = pip_find_links()
    if pip_links:
        return TorchSource(None, pip_links, "pip's find-links")
    if has_nvidia_gpu():
        return TorchSource(None, (), "default: NVIDIA GPU found, CUDA builds from PyPI")
    return TorchSource(CPU_INDEX, (), "default: no GPU, CPU builds")
