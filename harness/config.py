"""Where the harness keeps things, and the user's settings.

The cache lives in ``$HARNESS_HOME`` (default: the platform's user cache dir).  Settings
come from ``$HARNESS_CONFIG`` or ``<user config dir>/harness/config.toml``::

    [sources]                 # clone these recipes from a mirror or a fork instead
    peft = "~/mirrors/peft.git"

    [torch]                   # where torch wheels come from (see harness.torch_source)
    index = "https://download.pytorch.org/whl/cpu"
    find_links = ["/opt/wheels"]
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from harness.errors import HarnessError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by harness.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


def home() -> Path:
    """The cache root, always absolute: a relative ``$HARNESS_HOME`` is taken against the
    working directory once (see :func:`pin_home`), so git never sees a relative path."""
    env = os.environ.get("HARNESS_HOME")
    path = Path(env).expanduser() if env else Path(platformdirs.user_cache_dir("harness"))
    return path.absolute()


def pin_home() -> Path:
    """Resolve ``$HARNESS_HOME`` to an absolute path for this process and its children."""
    path = home()
    if os.environ.get("HARNESS_HOME"):
        os.environ["HARNESS_HOME"] = str(path)
    return path


def prepare_home() -> Path:
    """Create the cache root (with its ``CACHEDIR.TAG``) or say in one line why it cannot be."""
    path = home()
    fix = "set HARNESS_HOME to a folder you can write to"
    if path.exists() and not path.is_dir():
        raise HarnessError(f"HARNESS_HOME {path} is not a directory", hint=fix)
    try:
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / f".CACHEDIR.TAG.{os.getpid()}.tmp"
        tmp.write_text(CACHEDIR_TAG)  # also proves the folder is writable
        tag = path / "CACHEDIR.TAG"
        if tag.is_file():
            tmp.unlink()
        else:
            os.replace(tmp, tag)
    except OSError as e:
        raise HarnessError(f"HARNESS_HOME {path} is not writable: {e.strerror or e}",
                           hint=fix) from e
    return path


def config_path() -> Path:
    env = os.environ.get("HARNESS_CONFIG")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("harness")) / "config.toml"


@dataclass(frozen=True)
class Settings:
    sources: dict[str, str] = field(default_factory=dict)
    torch_index: str | None = None
    torch_find_links: tuple[str, ...] = ()


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    if not path.exists():
        return Settings()
    from harness.recipe_schema import Table

    try:
        data: dict[str, Any] = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as e:
        raise HarnessError(f"{path}: not a readable TOML file: {e}") from e
    root = Table(data, str(path), "")
    sources = root.str_map("sources")
    torch = root.table("torch", required=False)
    index = torch.string("index", default=None)
    if isinstance(torch.data.get("find_links"), str):
        torch.data["find_links"] = [torch.data["find_links"]]
    links = torch.str_list("find_links")
    torch.done()
    root.done()
    return Settings(
        sources={k: str(Path(v).expanduser()) if "://" not in v else v for k, v in sources.items()},
        torch_index=index,
        torch_find_links=tuple(links),
    )
