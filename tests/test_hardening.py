"""Bad inputs and faults found by trying harness as a careful user and as an attacker would:
each answered in one line (exit 2), none leaving something half-built that is reused."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness import checkout, config, history, store
from harness.envs.spec import EnvSpec
from harness.errors import HarnessError
from harness.recipes import Install
from harness.reproduce import Options, reproduce_command
from harness.run_report import RunReport
from harness.torch_source import TorchSource
from tests.testing.repos import TINY_TARGET, commit, make_repo, tiny_recipe


def harness(*args: str, home: Path | None = None, **env: str
            ) -> subprocess.CompletedProcess[str]:
    extra = {"HARNESS_HOME": str(home)} if home else {}
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200", **extra, **env},
                          timeout=300, check=False)


def one_error(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("harness: error:")]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    return lines[0]


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    return tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo)), repo


def test_runs_shows_any_status_and_ref(tmp_path: Path) -> None:
    """#1: a verify status or a ref with rich markup in it never crashes `harness runs`."""
    with store.opened() as conn:
        for status, ref in (("ok", "v1"), ("regressions", "a[/]"), ("weird[/]", "[bold]")):
            history.save(conn, {"recipe": "demo", "subset": "s", "ref": ref, "status": status,
                                "started_at": "2026-01-01T00:00:00+00:00"}, [], kind="verify")
    proc = harness("runs")
    assert proc.returncode == 0, proc.stderr
    assert "regressions" in proc.stdout and "a[/]" in proc.stdout and "weird[/]" in proc.stdout


def test_runs_names_a_subset_only_where_it_ran(tmp_path: Path) -> None:
    """A verify run borrows the default subset's settings and runs its own selection:
    `harness runs` showed 'peft lora' for each, as if it had run subset lora."""
    base = {"recipe": "peft", "subset": "lora", "ref": "v1", "status": "ok",
            "started_at": "2026-01-01T00:00:00+00:00"}
    with store.opened() as conn:
        history.save(conn, {**base, "ref": "r-plain"}, [], kind="reproduce")
        history.save(conn, {**base, "ref": "r-verify", "scoped": False,
                            "counts": {"passed": 0, "failed": 10, "skipped": 240},
                            "changes": {"passing": 3, "fixed": 2, "broken": 0,
                                        "still_failing": 1, "not_checked": 250}}, [],
                     kind="verify-after")
        history.save(conn, {**base, "ref": "r-scoped", "scoped": True}, [],
                     kind="verify-after")
        history.save(conn, {**base, "recipe": "transformers", "ref": "r-long"}, [],
                     kind="verify-after")
    proc = harness("runs", COLUMNS="80")
    assert proc.returncode == 0, proc.stderr
    rows = {next(w for w in line.split() if w.startswith("r-")): line
            for line in proc.stdout.splitlines() if " r-" in line}
    assert "peft lora" in rows["r-plain"] and "peft lora" in rows["r-scoped"]
    assert "peft lora" not in rows["r-verify"] and "peft" in rows["r-verify"]
    # a verify's pass/fail counts the tests it checked: not 0/10 for ten blocked downloads
    assert " 5/1 " in rows["r-verify"]
    # 80 columns hold the longest recipe name whole, and every column ("transforme…")
    header = next(line for line in proc.stdout.splitlines() if "started" in line)
    assert "transformers " in rows["r-long"] and header.rstrip().endswith(" s")


def test_stale_git_lock_from_a_killed_fetch(tiny: tuple[Path, Path]) -> None:
    """#2: a kill during a fetch leaves shallow.lock; the next fetch must still work, and
    git's own words go to the debug log."""
    recipe, repo = tiny
    url = str(repo)
    checkout.fetch(url, "v1.0")
    (checkout.mirror_path(url) / "shallow.lock").write_text("")
    assert checkout.fetch(url, "main")  # a new ref, fetched shallow
    proc = harness("reproduce", str(recipe), "--ref", "no-such-ref")
    assert "ref 'no-such-ref' not found" in one_error(proc)
    log = (config.home() / "logs" / "last-command.log").read_text()
    assert "git fetch" in log and "couldn't find remote ref" in log


def test_failing_source_leaves_no_empty_mirror(tmp_path: Path) -> None:
    url = f"file://{tmp_path}/nowhere.git"
    with pytest.raises(HarnessError, match="cannot fetch"):
        checkout.fetch(url, "v1.0")
    assert not checkout.mirror_path(url).exists()


def test_empty_ref_is_refused(tiny: tuple[Path, Path]) -> None:
    recipe, _ = tiny
    assert "the ref is empty" in one_error(harness("reproduce", str(recipe), "--ref", ""))


def test_editable_requirement_is_one_line(tmp_path: Path) -> None:
    """#3: pip reads `-e` and its path on one line of requirements.txt."""
    spec = EnvSpec("x", Install(editable=True, extras=("test",)), tmp_path, "python", "3.11",
                   TorchSource(None, (), "test"))
    assert spec.requirements()[0] == f"-e {tmp_path}[test]"


def test_venv_backend_builds_and_runs(tiny: tuple[Path, Path]) -> None:
    """#3: `--backend venv` (python -m venv + pip) works end to end, excludes included."""
    recipe, _ = tiny
    text = recipe.read_text().replace(
        "[env]", '[install]\npackages = ["python-dateutil"]\nexclude = ["six"]\n[env]')
    recipe.write_text(text)
    proc = harness("reproduce", str(recipe), "--backend", "venv", "--json", "-q")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["backend"] == "venv" and doc["counts"]["passed"] == 5
    python = Path(doc["env_path"]) / "bin" / "python"
    found = subprocess.run([python, "-c", "import dateutil, six"], capture_output=True,
                           check=False)
    assert b"No module named 'six'" in found.stderr  # excluded, though dateutil needs it


def test_a_pyproject_written_for_pytest_8_runs(tiny: tuple[Path, Path]) -> None:
    """peft's pyproject had [tool.pytest] and [tool.pytest.ini_options] from 2023 to November
    2025; pytest 9 refuses both, so its env gets pytest 8 (peft f8aca0a0c: infra_error)."""
    recipe, repo = tiny
    commit(repo, {"pyproject.toml": TINY_TARGET["pyproject.toml"] + textwrap.dedent("""\

        [tool.pytest]
        doctest_optionflags = ["NORMALIZE_WHITESPACE"]

        [tool.pytest.ini_options]
        markers = ["slow: a slow test"]
        """)}, tag="v2.0")
    proc = harness("reproduce", str(recipe), "--ref", "v2.0", "--json", "-q")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["counts"]["passed"] == 5
    version = subprocess.run([Path(doc["env_path"]) / "bin" / "python", "-m", "pytest",
                              "--version"], capture_output=True, text=True, check=True)
    assert " 8." in version.stdout + version.stderr


def test_tests_find_the_envs_console_scripts(tiny: tuple[Path, Path]) -> None:
    """A test that starts a console script of the env by name finds the env's (diffusers'
    example tests run ``accelerate launch``: "No such file or directory: 'accelerate'")."""
    recipe, repo = tiny
    commit(repo, {"tests/test_scripts.py": """\
        import os
        import shutil
        import subprocess
        import sys


        def test_the_envs_pytest_runs_by_name():
            assert shutil.which("pytest") == os.path.join(sys.prefix, "bin", "pytest")
            out = subprocess.run(["pytest", "--version"], capture_output=True, text=True)
            assert out.returncode == 0
            assert os.environ["VIRTUAL_ENV"] == sys.prefix
        """}, tag="v3.0")
    proc = harness("reproduce", str(recipe), "--ref", "v3.0", "--json", "-q")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert json.loads(proc.stdout)["counts"]["passed"] == 6


@pytest.mark.parametrize("name", ["../../../tmp/x/evil", "a/b", "..", ".hidden"])
def test_recipe_names_cannot_leave_the_cache(tmp_path: Path, name: str) -> None:
    """#4: names become paths under HARNESS_HOME: no separators, no '..'."""
    path = tiny_recipe(tmp_path / "r.toml", str(tmp_path))
    path.write_text(f'name = "{name}"\n' + path.read_text().split("\n", 1)[1])
    line = one_error(harness("reproduce", str(path)))
    assert "name" in line and str(path) in line
    bad_subset = tiny_recipe(tmp_path / "s.toml", str(tmp_path),
                             subsets='[subsets."../up"]\npaths = ["tests"]\n')
    assert "subset name" in one_error(harness("reproduce", str(bad_subset)))


def test_one_broken_recipe_does_not_hide_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "broken.toml").write_text("[source\n")
    proc = harness("recipes", HARNESS_RECIPES=str(folder))
    assert proc.returncode == 0
    assert "peft" in proc.stdout and "broken.toml" in proc.stderr


def test_damaged_store_is_one_line_and_keeps_the_report(tiny: tuple[Path, Path]) -> None:
    """#6: a damaged store is named with what to do; a finished run's report survives it."""
    recipe, _ = tiny
    (config.home() / "harness.db").write_bytes(b"this is not a database" * 100)
    line = one_error(harness("runs"))
    assert "damaged" in line
    proc = harness("reproduce", str(recipe), "--json")
    assert proc.returncode == 0, proc.stderr  # the tests passed: that is the answer
    assert "could not be stored" in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["counts"]["passed"] == 5 and "run_id" not in doc
    saved = json.loads((Path(doc["log"]).parent / "report.json").read_text())
    assert saved["counts"] == doc["counts"]


def test_pytest_usage_errors_are_named(tiny: tuple[Path, Path]) -> None:
    """#9: a bad pytest option is a usage error, not "no tests were selected"; options
    that make pytest list instead of run are refused before anything runs."""
    recipe, _ = tiny
    proc = harness("reproduce", str(recipe), "--pytest-arg=--bogus", "--json", "-q")
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert "usage error" in doc["reason"] and "--bogus" in doc["reason"]
    line = one_error(harness("reproduce", str(recipe), "--pytest-arg=--collect-only"))
    assert "--collect-only" in line


def test_a_conftest_that_cannot_load_is_named(tiny: tuple[Path, Path]) -> None:
    """transformers 71560f452b: its conftest.py asks torch for a flag that raises at import;
    pytest exits 4 and the report said "pytest refused its arguments (usage error)"."""
    recipe, repo = tiny
    commit(repo, {"conftest.py": "raise RuntimeError('flag mixes old and new APIs')\n"},
           tag="v4.0")
    proc = harness("reproduce", str(recipe), "--ref", "v4.0", "--json", "-q")
    doc = json.loads(proc.stdout)
    assert doc["reason"] == ("pytest could not load conftest.py: RuntimeError: flag mixes "
                             "old and new APIs"), doc["reason"]


def test_requirements_that_conflict_with_the_recipe_s_pins_say_so(
        tiny: tuple[Path, Path]) -> None:
    """transformers ff3fad61e3 (June 2025) wants torch<2.7 and the recipe pins torch==2.13.0:
    the env build failed with uv's resolver output and no word of what to do."""
    recipe, repo = tiny
    commit(repo, {"pyproject.toml": TINY_TARGET["pyproject.toml"].replace(
        'version = "1.0"', 'version = "1.0"\ndependencies = ["six<1.10"]')}, tag="v5.0")
    recipe.write_text(recipe.read_text().replace(
        "[env]", '[install]\npins = ["six==1.16.0"]\n[env]'))
    proc = harness("reproduce", str(recipe), "--ref", "v5.0", "-q")
    assert "building the tiny env failed" in one_error(proc)
    assert "hint: the tree's own requirements conflict with the recipe's [install] pins" in \
        proc.stderr


def test_env_without_pytest_is_rebuilt(tiny: tuple[Path, Path]) -> None:
    """#9: the health check asks for the runner's packages, not just a working python."""
    recipe, _ = tiny
    first = json.loads(harness("reproduce", str(recipe), "--json", "-q").stdout)
    site = next(Path(first["env_path"]).glob("lib/python*/site-packages"))
    shutil.rmtree(site / "pytest")
    second = json.loads(harness("reproduce", str(recipe), "--json", "-q").stdout)
    assert second["env_built"] is True and second["status"] == "passed"


def test_moved_cache_still_works(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    """#13: worktrees keep absolute paths; after `mv A B` they are rebuilt, not trusted."""
    recipe, _ = tiny
    a, b = tmp_path / "A", tmp_path / "B"
    assert harness("reproduce", str(recipe), "-q", home=a).returncode == 0
    a.rename(b)
    proc = harness("reproduce", str(recipe), "--json", "-q", home=b)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["worktree"].startswith(str(b))


def test_shown_command_is_complete_and_quoted() -> None:
    opts = Options(recipe="peft", source="/my mirrors/peft.git", ref="v1",
                   pytest_args=("-x", "-k", "a and b"), torch_index="https://i/x",
                   torch_find_links=("/w h",), backend="venv")
    argv = shlex.split(reproduce_command(opts, "lora"))
    assert argv[:5] == ["harness", "reproduce", "peft", "--subset", "lora"]
    for pair in (["--source", "/my mirrors/peft.git"], ["--torch-find-links", "/w h"],
                 ["--backend", "venv"], ["--torch-index", "https://i/x"]):
        assert argv[argv.index(pair[0]) + 1] == pair[1]
    assert argv[-3:] == ["--pytest-arg=-x", "--pytest-arg=-k", "--pytest-arg=a and b"]


def test_run_report_round_trips_and_refuses_junk() -> None:
    doc = {"recipe": "demo", "subset": "s", "ref": "v1", "commit": "a" * 40, "env_key": "k",
           "backend": "uv", "started_at": "2026-01-01T00:00:00+00:00", "command": "harness",
           "status": "failed", "reason": "1 test(s) failed", "exit_code": 1,
           "tests": [{"id": "t.py::a", "outcome": "failed", "duration": 0.5, "message": "x"}],
           "timings": {"total": 1.0},
           "pytest": {"argv": ["-q"], "env": {"A": "1"}, "workers": 1, "threads": 2}}
    report = RunReport.from_json(doc)
    assert report.counts["failed"] == 1
    again = report.to_json()
    assert {k: again[k] for k in doc} == doc
    for junk in ([], {"recipe": 1}, {**doc, "status": "great"}, {**doc, "tests": [{"id": 1}]}):
        with pytest.raises(HarnessError, match="report"):
            RunReport.from_json(junk)


def test_full_store_says_so() -> None:
    """#6: SQLite's own "database or disk is full" (a page limit stands in for the disk)
    reaches the user as one line; a failing ROLLBACK must not hide it."""
    doc = {"recipe": "demo", "subset": "s", "ref": "v1", "status": "passed",
           "started_at": "2026-01-01T00:00:00+00:00", "padding": "x" * 200_000}
    with pytest.raises(HarnessError, match="disk is full"), store.opened() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        history.save(conn, doc, [])
    with store.opened() as conn:  # nothing half-written stays behind
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


@pytest.mark.parametrize("number", ["-5", "0", "x"])
def test_pull_request_number_must_be_positive(number: str) -> None:
    proc = harness("verify", "demo", f"--pr={number}")
    assert proc.returncode == 2 and "not a pull request number" in proc.stderr
