"""The "before" run, cached per (recipe, base commit, selection, env, test changes,
sparse checkout).

Verifying a second patch on the same base with the same selection and the same test
changes only runs "after".  Runs live in the store's ``runs`` table (kind
``verify-before``); ``base_runs`` maps a key to one of them.
"""
from __future__ import annotations

import hashlib
from typing import Any

from harness import cache, history, store
from harness.recipes import Recipe, Subset
from harness.results import TestResult

# bumped when how a base run is made changes what it finds (2: the targets of test files
# that import fine run again after another file's collection error; 3: the env's bin is
# first on PATH), so that a run stored before is not reused
RUNS_VERSION = 3


def key(recipe: Recipe, subset: Subset, base_sha: str, targets: tuple[str, ...], env_key: str,
        tests_patch: str, sparse: tuple[str, ...] = ()) -> str:
    """``sparse``: the patterns of a sparse checkout of the base (what files it has)."""
    parts: dict[str, Any] = {
        "version": RUNS_VERSION,
        "recipe": recipe.name,
        "base": base_sha,
        "subset": subset.name,
        "how": [subset.k, subset.markers, list(subset.deselect), list(subset.args),
                subset.env, subset.timeout, subset.device, list(recipe.pytest_args),
                recipe.env, subset.network],
        "targets": sorted(targets),
        "env": env_key,
        "tests_patch": hashlib.sha256(tests_patch.encode()).hexdigest(),
        "checkout": list(sparse),
    }
    return cache.key_of(parts, 32)


def lookup(cache_key: str) -> tuple[int, list[TestResult]] | None:
    with store.opened() as conn:
        row = conn.execute("SELECT run_id FROM base_runs WHERE cache_key = ?",
                           (cache_key,)).fetchone()
        if row is None:
            return None
        run_id = int(row[0])
        return run_id, history.tests_of(conn, run_id)


def save(cache_key: str | None, doc: dict[str, Any], tests: list[TestResult]) -> int:
    """Store a before run; map ``cache_key`` to it (None: a run not to be reused)."""
    with store.opened() as conn:
        run_id = history.save(conn, doc, tests, kind="verify-before")
        if cache_key is not None:
            with store.transaction(conn):
                conn.execute("INSERT OR REPLACE INTO base_runs (cache_key, run_id) VALUES (?, ?)",
                             (cache_key, run_id))
    return run_id
