"""``harness export github-actions``: GitHub Actions as the fan-out engine.

Two workflows, written as text (no YAML library; every value from the user is quoted as a
JSON string, which YAML reads as the same string):

* shards: a matrix of N jobs, each ``harness reproduce ... --shard K/N --json`` uploading
  its report as an artifact, then one job that merges them into the run's summary page;
* ``--verify-pr``: on each pull request, ``harness verify --pr N`` against the PR's base.

Both keep uv's cache and harness's mirrors between runs (``actions/cache``), so a run
after the first downloads only what changed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from harness.errors import HarnessError
from harness.shard import MAX_SHARDS

PYTHON = "3.12"
# Versions on node 24 (node 20 actions are deprecated on GitHub's runners).
CHECKOUT = "actions/checkout@v5"
SETUP_PYTHON = "actions/setup-python@v6"
CACHE = "actions/cache@v5"
CACHE_RESTORE = "actions/cache/restore@v5"
CACHE_SAVE = "actions/cache/save@v5"
UPLOAD = "actions/upload-artifact@v6"
DOWNLOAD = "actions/download-artifact@v7"
# uv's cache and harness's git mirrors (HARNESS_HOME/repos) on a runner.
CACHE_PATHS = ("~/.cache/uv", "~/.cache/harness/repos")
# A target fork holds the verify workflow, so harness comes from the team's own repository.
VERIFY_INSTALL = "git+${{ github.server_url }}/${{ github.repository_owner }}/harness"


@dataclass(frozen=True)
class Export:
    recipe: str
    subset: str | None = None
    shards: int = 4
    verify_pr: bool = False
    install: str | None = None  # pip requirement for harness on the runners
    timeout_minutes: int = 120


def q(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value``."""
    return json.dumps(value)


def _header(e: Export, name: str, command: str) -> list[str]:
    install = e.install or (VERIFY_INSTALL if e.verify_pr else ".")
    env = [f"  HARNESS_RECIPE: {q(e.recipe)}"]
    if e.subset:
        env.append(f"  HARNESS_SUBSET: {q(e.subset)}")
    return [
        f"# Written by `{command}`.",
        "# HARNESS_INSTALL is the pip requirement the runners install harness from;",
        "# change it if your harness lives elsewhere.",
        f"name: {q(name)}",
        "",
        *_triggers(e),
        "",
        "permissions:",
        "  contents: read",
        "",
        "env:",
        *env,
        f"  HARNESS_INSTALL: {q(install)}",
        "  HARNESS_HOME: ~/.cache/harness",
        '  PYTHONUNBUFFERED: "1"',
        "",
    ]


def _triggers(e: Export) -> list[str]:
    if e.verify_pr:
        return ["on:", "  pull_request:", "", "concurrency:",
                "  group: harness-verify-${{ github.event.pull_request.number }}",
                "  cancel-in-progress: true"]
    return ["on:", "  workflow_dispatch:", "  push:", "    branches: [main]"]


def _setup(checkout: bool) -> list[str]:
    steps = [f"      - uses: {CHECKOUT}"] if checkout else []
    return [
        *steps,
        f"      - uses: {SETUP_PYTHON}",
        "        with:",
        f"          python-version: {q(PYTHON)}",
    ]


def _install() -> list[str]:
    return ["      - name: Install harness",
            '        run: python -m pip install "$HARNESS_INSTALL"']


def _cache(uses: str, key: str, restore: bool, condition: str | None = None) -> list[str]:
    lines = ["      - name: " + ("Restore" if uses == CACHE_RESTORE else
                                  "Save" if uses == CACHE_SAVE else "Cache")
             + " uv's cache and harness's mirrors"]
    if condition:
        lines.append(f"        if: {condition}")
    lines += [f"        uses: {uses}", "        with:", "          path: |"]
    lines += [f"            {p}" for p in CACHE_PATHS]
    lines.append(f"          key: {key}-${{{{ github.run_id }}}}")
    if restore:
        lines += ["          restore-keys: |", f"            {key}-"]
    return lines


def _subset_arg(e: Export) -> str:
    return ' --subset "$HARNESS_SUBSET"' if e.subset else ""


def shards_workflow(e: Export, command: str) -> str:
    n = e.shards
    key = f"harness-${{{{ runner.os }}}}-{_slug(e.recipe)}"
    report = "shard-${{ matrix.shard }}.json"
    lines = [
        *_header(e, f"harness {e.recipe}", command),
        "jobs:",
        "  shard:",
        f'    name: "shard ${{{{ matrix.shard }}}}/{n}"',
        "    runs-on: ubuntu-latest",
        f"    timeout-minutes: {e.timeout_minutes}",
        "    strategy:",
        "      fail-fast: false",
        "      matrix:",
        f"        shard: [{', '.join(str(k) for k in range(1, n + 1))}]",
        "    steps:",
        *_setup(checkout=True),
        *_cache(CACHE_RESTORE, key, restore=True),
        *_install(),
        f"      - name: Run shard ${{{{ matrix.shard }}}}/{n}",
        "        run: |",
        "          status=0",
        f'          harness reproduce "$HARNESS_RECIPE"{_subset_arg(e)}'
        f' --shard "${{{{ matrix.shard }}}}/{n}" --json > "{report}" || status=$?',
        "          # a shard that failed before it could report: no file, merge flags it missing",
        f'          if [ ! -s "{report}" ]; then rm -f "{report}"; fi',
        '          exit "$status"',
        "      - name: Upload the shard's report",
        "        if: ${{ !cancelled() }}",
        f"        uses: {UPLOAD}",
        "        with:",
        "          name: harness-shard-${{ matrix.shard }}",
        f"          path: {report}",
        "          if-no-files-found: ignore",
        *_cache(CACHE_SAVE, key, restore=False,
                condition="${{ !cancelled() && matrix.shard == 1 }}"),
        "",
        "  merge:",
        "    needs: shard",
        "    if: ${{ !cancelled() }}",
        "    runs-on: ubuntu-latest",
        "    timeout-minutes: 15",
        "    steps:",
        *_setup(checkout=True),
        *_install(),
        f"      - uses: {DOWNLOAD}",
        "        with:",
        "          pattern: harness-shard-*",
        "          path: reports",
        "          merge-multiple: true",
        "      - name: Merge the shards into one report",
        "        run: |",
        "          shopt -s nullglob",
        "          status=0",
        "          harness merge reports/*.json --markdown > summary.md || status=$?",
        '          cat summary.md >> "$GITHUB_STEP_SUMMARY"',
        "          harness merge reports/*.json --json > merged.json || true",
        '          exit "$status"',
        "      - name: Upload the merged report",
        "        if: ${{ !cancelled() }}",
        f"        uses: {UPLOAD}",
        "        with:",
        "          name: harness-merged",
        "          path: merged.json",
        "          if-no-files-found: ignore",
    ]
    return "\n".join(lines) + "\n"


def verify_workflow(e: Export, command: str) -> str:
    key = f"harness-${{{{ runner.os }}}}-{_slug(e.recipe)}"
    lines = [
        *_header(e, f"harness verify {e.recipe}", command),
        "jobs:",
        "  verify:",
        "    runs-on: ubuntu-latest",
        f"    timeout-minutes: {e.timeout_minutes}",
        "    steps:",
        *_setup(checkout=False),
        *_cache(CACHE, key, restore=True),
        *_install(),
        "      - name: Verify the pull request against its base",
        "        env:",
        "          PR_NUMBER: ${{ github.event.pull_request.number }}",
        "          BASE_SHA: ${{ github.event.pull_request.base.sha }}",
        "          REPO_URL: ${{ github.server_url }}/${{ github.repository }}",
        "        run: |",
        "          status=0",
        # a runner has the network: the tests that load Hub models run (--online)
        f'          harness verify "$HARNESS_RECIPE"{_subset_arg(e)} --pr "$PR_NUMBER"'
        ' --source "$REPO_URL" --base "$BASE_SHA" --online --markdown > verify.md'
        ' || status=$?',
        '          cat verify.md >> "$GITHUB_STEP_SUMMARY"',
        '          exit "$status"',
    ]
    return "\n".join(lines) + "\n"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text)[:60]


def workflow(e: Export, command: str) -> str:
    if not 1 <= e.shards <= MAX_SHARDS:
        raise HarnessError(f"--shards {e.shards}: must be between 1 and {MAX_SHARDS}")
    if e.verify_pr:
        return verify_workflow(e, command)
    return shards_workflow(e, command)
