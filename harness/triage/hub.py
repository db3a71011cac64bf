"""Parameter counts from the Hugging Face Hub, for models whose name tells no size (opt-in).

Only with ``--hub``; never when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set.
``HF_ENDPOINT`` picks another Hub. Answers are kept in ``<cache>/triage/hub-sizes.json`` so
each name is asked once (``hub-params.json``, which older versions wrote, is not read: it
also held names a network failure had left unknown); a name the Hub does not know, or whose
size it does not give, is remembered as unknown. A Hub that does not answer at all is one
line, asked once before any name: not a timeout per name, and nothing remembered of names it
was never asked about.
"""
from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness import config, network
from harness.cache import write_atomic
from harness.errors import HarnessError

log = logging.getLogger("harness.triage.hub")

MAX_LOOKUPS = 100  # per run: each is a request to the Hub
TIMEOUT = 10.0  # seconds per request


def cache_path() -> Path:
    return config.home() / "triage" / "hub-sizes.json"


def offline() -> bool:
    values = (os.environ.get(v, "") for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    return any(v.strip().lower() in ("1", "true", "yes", "on") for v in values)


def parameter_counts(names: Iterable[str]) -> dict[str, float]:
    """Model id → parameters in billions, for the ids the Hub knows."""
    ids = sorted({n for n in names if n.count("/") == 1})
    cache = _read()
    wanted = [n for n in ids if n not in cache][:MAX_LOOKUPS]
    if wanted and not offline():
        url = network.endpoint({})
        api = _api(url)
        if (reason := network.unreachable(url, network.PROBE_TIMEOUT)) is not None:
            raise HarnessError(f"--hub: the Hub at {url} does not answer ({reason})",
                               hint=f"{network.CHECK}, or run without --hub: sizes then "
                                    "come from the models' names and a table of well-known "
                                    "checkpoints")
        for name in wanted:
            answered, size = _lookup(api, name)
            if answered:
                cache[name] = size
        _write(cache)
    return {n: v for n in ids if (v := cache.get(n)) is not None}


def _api(url: str) -> Any:
    try:
        from huggingface_hub import HfApi
    except ImportError as e:
        raise HarnessError("--hub needs huggingface_hub", hint="pip install 'harness[hub]'") from e
    return HfApi(endpoint=url)


def _lookup(api: Any, name: str) -> tuple[bool, float | None]:
    """(whether the Hub answered, the parameters in billions where it told them)."""
    try:
        info = api.model_info(name, expand=["safetensors"], timeout=TIMEOUT)
    except Exception as e:  # an HTTP status (no such repo, gated) is an answer: "unknown"
        log.debug("hub: %s: %s", name, e.__class__.__name__)
        return getattr(e, "response", None) is not None, None
    total = getattr(info.safetensors, "total", None)
    return True, float(total) / 1e9 if total else None


def _read() -> dict[str, float | None]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(cache: dict[str, float | None]) -> None:
    path = cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(cache, sort_keys=True))
