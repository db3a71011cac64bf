"""verify end to end on a tiny target with a real bug: real git, real uv envs, real pytest."""
from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest

from harness import checkout, history, store
from harness.cli import main
from harness.errors import HarnessError
from harness.progress import Ui
from harness.verify import change, compare
from harness.verify.core import verify
from harness.verify.options import Options
from tests.testing.repos import REACHES_OUT, commit, git
from tests.verify.helpers import (
    BUGGY,
    FIXED_MUL,
    VERIFY,
    leftover_worktrees,
    make_patch,
    make_target,
)


def run(recipe: Path, **kwargs: object) -> dict[str, object]:
    return verify(Options(recipe=str(recipe), **kwargs), Ui(quiet=True)).to_json()  # type: ignore[arg-type]


def changes(doc: dict[str, object]) -> dict[str, str]:
    return {t["id"]: t["change"] for t in doc["tests"]}  # type: ignore[attr-defined]


def picked(doc: dict[str, object]) -> list[tuple[str, str]]:
    return [(s["path"], s["reason"]) for s in doc["selection"]]  # type: ignore[attr-defined]


def test_fixing_patch_is_ok_and_runs_only_the_impacted_file(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "ok" and doc["exit_code"] == 0
    assert doc["applied_with"] == "git apply"
    assert picked(doc) == [("tests/test_mathops.py", "imports src/buggy/mathops.py")]
    assert changes(doc) == {
        "tests/test_mathops.py::test_add": "passing",
        "tests/test_mathops.py::test_mul[2-2-4]": "passing",
        "tests/test_mathops.py::test_mul[2-3-6]": "fixed",
        "tests/test_mathops.py::test_mul[0-5-0]": "fixed",
    }
    assert doc["rerun"] == 2 and doc["subset_files"] == 2
    # a small selection runs both sides at once
    assert set(doc["timings"]) >= {"fetch", "apply", "select", "env", "before+after",  # type: ignore[arg-type]
                                   "rerun", "total"}
    assert leftover_worktrees(str(repo), Path(os.environ["HARNESS_HOME"])) == []


def test_the_progress_says_what_runs_and_counts_every_test(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """peft b52ed1b54 (a fix to deleting merged adapters): the progress said "after
    peft:lora" while it ran the patch's tests of three files under the lora subset's settings.
    diffusers 102c24934f: it said "13/1115 tests" when pytest had ended 928 of them: the
    plugin's event lines follow pytest's own progress marks ("F##harness result failed ..."),
    and only those at the start of a line were counted."""
    from rich.console import Console

    from harness import progress

    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)

    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    out = io.StringIO()
    ui = Ui(console=Console(file=out, force_terminal=False, width=200))
    rep = verify(Options(recipe=str(recipe), patch=str(patch)), ui)
    lines = out.getvalue().splitlines()
    ran = [line for line in lines if line.startswith("before and after ")]
    assert ran and ran[0] == f"before and after {rep.recipe}, 1 target (1 process x 1 thread) ..."
    assert not any(f"{rep.recipe}:{rep.subset}" in line for line in lines)
    counts = [line.partition(": ")[2] for line in lines if line.startswith(ran[0][:-4] + ": ")]
    assert counts[-2].startswith("4/4 tests (") and counts[-1].startswith("done in ")


def test_a_patch_on_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`git diff | harness verify RECIPE --patch -`"""
    recipe, repo = make_target(tmp_path)
    text = make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    doc = run(recipe, patch="-")
    assert doc["change"]["description"] == "patch from stdin"  # type: ignore[index]
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    # stdin is gone by the time the report is read: its commands read a kept copy
    kept = Path(os.environ["HARNESS_HOME"]) / "patches"
    (saved,) = kept.glob("*.diff")
    assert saved.read_text() == text
    assert f"--patch {saved}" in doc["commands"]["harness"]  # type: ignore[index]
    assert "--patch -" not in json.dumps(doc["commands"])
    assert any(str(saved) in n for n in doc["notes"])  # type: ignore[attr-defined]


def test_breaking_patch_is_regressions_with_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe, repo = make_target(tmp_path)
    # the broken bang takes 20 ms: junit's times have three decimals, and a bare failing
    # assert can take under half a millisecond (stored as 0.0, CI saw it once)
    broken = 'import time\n\n\n' + BUGGY["src/buggy/util.py"].replace(
        'return "!"', 'time.sleep(0.02)\n    return "?"')
    patch = tmp_path / "break.diff"
    patch.write_text(make_patch(repo, {"src/buggy/util.py": broken}, tmp_path / "w"))
    code = main(["verify", str(recipe), "--patch", str(patch), "--json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["verdict"] == "regressions"
    assert picked(doc) == [("tests/test_text.py",
                            "imports src/buggy/util.py (via src/buggy/text.py)")]
    assert doc["tests"] == [{"id": "tests/test_text.py::test_shout", "before": "passed",
                             "after": "failed", "change": "broken",
                             "note": doc["tests"][0]["note"], "own": False}]
    assert "assert 'HI?' == 'HI!'" in doc["tests"][0]["note"]
    assert doc["counts"]["broken"] == 1
    with store.opened() as conn:  # real durations and pytest's messages, for the budget
        stored = history.tests_of(conn, int(doc["run_id"]))
    assert [(t.id, t.outcome) for t in stored] == [("tests/test_text.py::test_shout", "failed")]
    assert stored[0].duration >= 0.02 and "assert 'HI?' == 'HI!'" in stored[0].message
    assert main(["runs"]) == 0  # verify's statuses have styles (it once crashed here)
    lines = capsys.readouterr().out.splitlines()
    # both sides, whole words on an 80-column terminal, with their counts
    assert any("verify" in s and "regressions" in s and " 0/1 " in s for s in lines), lines
    assert any("before" in s and "passed" in s and " 1/0 " in s for s in lines), lines
    assert all(len(s) <= 80 and "…" not in s for s in lines), lines


def test_patch_adding_a_test_shows_it_fixed_and_markdown_reads_well(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe, repo = make_target(tmp_path)
    new_test = ("from buggy.mathops import mul\n\n\ndef test_mul_negative():\n"
                "    assert mul(-2, 3) == -6\n")
    patch = tmp_path / "fix-and-test.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                       "tests/test_negative.py": new_test}, tmp_path / "w"))
    code = main(["verify", str(recipe), "--patch", str(patch), "--markdown", "-q"])
    md = capsys.readouterr().out
    assert code == 0
    assert md.startswith("### Tests: ✅ ok (")
    own = md.index("#### The patch's own tests")
    assert md.index("| `tests/test_negative.py::test_mul_negative` | failed | passed | fixed |"
                    ) > own
    assert md.index("#### Elsewhere") > own
    assert "- `tests/test_negative.py`: added by the patch" in md
    assert f"harness verify {recipe} --patch {patch}" in md
    assert "python -m pytest tests/test_negative.py tests/test_mathops.py" in md


def test_setup_py_change_rebuilds_env(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "setup.diff"
    patch.write_text(make_patch(repo, {"setup.py": BUGGY["setup.py"] + "# touched\n",
                                       "src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["env_note"] == "env rebuilt: setup.py changed"
    assert doc["env_after_key"] != doc["env_key"]
    assert doc["targets"] == ["tests/test_mathops.py"]
    assert doc["verdict"] == "ok"


def test_pyproject_change_rebuilds_env_only(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    pyproject = BUGGY["pyproject.toml"].replace('version = "1.0"', 'version = "1.1"')
    patch = tmp_path / "pyproject.diff"
    patch.write_text(make_patch(repo, {"pyproject.toml": pyproject,
                                       "src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["env_note"] == "env rebuilt: pyproject.toml changed"
    assert "pyproject.toml: no test imports it" in doc["notes"]  # type: ignore[operator]


@pytest.mark.parametrize("kind", ["does-not-apply", "empty", "binary"])
def test_bad_patches_error_clearly_and_leave_no_worktree(tmp_path: Path, kind: str) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / f"{kind}.diff"
    if kind == "does-not-apply":
        patch.write_text(
            "--- a/src/buggy/mathops.py\n+++ b/src/buggy/mathops.py\n"
            "@@ -1,5 +1,5 @@\n def add(a, b):\n-    return a ** b\n+    return a - b\n \n \n"
            " def mul(a, b):\n")
        expected = "patch does not apply: src/buggy/mathops.py hunk #1 (at line 1)"
    elif kind == "empty":
        patch.write_text("Subject: nothing here\n\njust words\n")
        expected = ("patch empty.diff changes no file: it holds no diff (the output of "
                    "`git diff` starts with 'diff --git')")
    else:
        patch.write_text(make_patch(repo, {"data/logo.bin": "\x00\x01\x02binary\x00"},
                                    tmp_path / "w", binary=True))
        expected = "patch binary.diff changes binary file(s), which cannot be verified: " \
                   "data/logo.bin"
    with pytest.raises(HarnessError) as e:
        run(recipe, patch=str(patch))
    assert e.value.message.splitlines()[0] == expected
    assert leftover_worktrees(str(repo), Path(os.environ["HARNESS_HOME"])) == []


def test_commit_from_a_fork_checkout_is_read_only(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(repo), str(fork))
    git(fork, "checkout", "-q", "-b", "my-fix")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    head, status = git(fork, "rev-parse", "HEAD"), git(fork, "status", "--porcelain")
    doc = run(recipe, commit="my-fix", repo_path=str(fork))
    assert doc["verdict"] == "ok"
    assert doc["change"]["description"].startswith("commit my-fix (")  # type: ignore[index]
    assert doc["counts"]["fixed"] == 2  # type: ignore[index]
    assert git(fork, "rev-parse", "HEAD") == head
    assert git(fork, "status", "--porcelain") == status
    assert git(fork, "worktree", "list").count("\n") == 0


def test_pull_request_ref_from_a_bare_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setattr(change, "PR_DEPTHS", (1, 2))  # then unshallow: deepening is tested
    _, work = make_target(tmp_path / "t")
    bare = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    commit(work, {"README.md": "one\n"}, "one")
    commit(work, {"README.md": "two\n"}, "two")
    commit(work, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    git(work, "push", "-q", str(bare), "HEAD:refs/pull/1/head")
    git(work, "reset", "-q", "--hard", "v1.0")
    recipe = make_target(tmp_path / "r")[0]
    recipe.write_text(recipe.read_text().replace(str(tmp_path / "r" / "src-repo"), str(bare)))
    doc = run(recipe, pr=1)
    assert doc["change"]["kind"] == "pr"  # type: ignore[index]
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    with pytest.raises(HarnessError, match="not found"):
        run(recipe, pr=2)


def test_second_patch_on_same_base_reuses_the_before_run(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    first = tmp_path / "a.diff"
    first.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w1"))
    other = FIXED_MUL.replace("a * b", "b * a")
    second = tmp_path / "b.diff"
    second.write_text(make_patch(repo, {"src/buggy/mathops.py": other}, tmp_path / "w2"))
    one = run(recipe, patch=str(first))
    two = run(recipe, patch=str(second))
    assert one["before"]["cached"] is False  # type: ignore[index]
    assert two["before"] == {"cached": True, "run_id": one["before"]["run_id"]}  # type: ignore[index]
    assert changes(two) == changes(one)
    three = run(recipe, patch=str(second), use_cache=False)
    assert three["before"]["cached"] is False  # type: ignore[index]


def test_a_test_that_flips_on_rerun_is_flaky(tmp_path: Path) -> None:
    files = dict(BUGGY)
    files["tests/test_flaky.py"] = (
        "import os\nfrom pathlib import Path\n\nfrom buggy.text import shout\n\n\n"
        "def test_sometimes():\n"
        "    n = 1\n"
        "    while True:  # each run takes the next number, also when both sides run at once\n"
        "        try:\n"
        "            Path(f\"{os.environ['FLAKY_COUNTER']}.{n}\").open('x').close()\n"
        "            break\n"
        "        except FileExistsError:\n"
        "            n += 1\n"
        "    assert n != 2 and shout('a')\n")
    extra = f'FLAKY_COUNTER = "{tmp_path / "counter"}"\n' + VERIFY
    recipe, repo = make_target(tmp_path, files, extra=extra)
    patch = tmp_path / "p.diff"
    patch.write_text(make_patch(repo, {"src/buggy/text.py": BUGGY["src/buggy/text.py"]
                                       + "\n# harmless\n"}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert changes(doc)["tests/test_flaky.py::test_sometimes"] == "flaky"
    # a comment changes nothing a test can see, and this recipe has no check to decide:
    # nothing backs an "ok"
    assert doc["verdict"] == "unchecked" and doc["exit_code"] == 2
    assert "alters no code" in str(doc["reason"]) and "no check" in str(doc["reason"])


def test_a_change_of_comments_and_docstrings_only_is_decided_by_the_checks(
        tmp_path: Path) -> None:
    """transformers 3717b9cda2 fixes spelling in 77 files: no test can fail without it, and
    verify told the student to add one.  Its code is the same; the checks decide."""
    checks = '[checks]\ntools = ["ruff==0.17.6"]\n\n[checks.ruff-check]\nname = "ruff check"\n' \
        'run = ["ruff", "check", "--select", "E,F"]\npaths = ["src", "tests"]\n' \
        'per_file = [".py"]\n'
    recipe, repo = make_target(tmp_path, extra=VERIFY + checks)
    typo = BUGGY["src/buggy/text.py"].replace("def shout(s):\n",
                                              'def shout(s):\n    """Shout it."""\n')
    patch = tmp_path / "typo.diff"
    patch.write_text(make_patch(repo, {"src/buggy/text.py": typo + "# a comment\n"},
                                tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "ok", doc["reason"]
    assert str(doc["reason"]).startswith("the change alters no code")
    assert "passing" in changes(doc).values()  # the tests that import it still ran
    code = tmp_path / "code.diff"
    code.write_text(make_patch(repo, {"src/buggy/text.py": typo.replace("upper()", "upper( )")
                                      .replace("bang()", "bang() + ''")}, tmp_path / "w2"))
    assert run(recipe, patch=str(code))["verdict"] == "unchecked"  # code: a test must show it
    unused = tmp_path / "unused.diff"
    unused.write_text(make_patch(repo, {"src/buggy/text.py": "import os\n" + typo},
                                 tmp_path / "w3"))
    assert run(recipe, patch=str(unused))["verdict"] == "checks_failed"  # F401



def test_a_refactor_is_ok_with_refactor_when_nothing_broke(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """peft a7d090d5b ("STY Remove unused local variables"): its tests pass before and
    after, and verify said unchecked, "add a test that fails without it"; a refactor has
    none.  With --refactor, the tests that ran on both sides decide."""
    recipe, repo = make_target(tmp_path)
    same = BUGGY["src/buggy/text.py"].replace("return s.upper() + bang()",
                                              "loud = s.upper()\n    return loud + bang()")
    patch = tmp_path / "refactor.diff"
    patch.write_text(make_patch(repo, {"src/buggy/text.py": same}, tmp_path / "w"))
    plain = run(recipe, patch=str(patch))
    assert plain["verdict"] == "unchecked" and "--refactor" in str(plain["reason"])
    code = main(["verify", str(recipe), "--patch", str(patch), "--refactor", "--json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "ok", doc["reason"]
    assert str(doc["reason"]).startswith(compare.REFACTOR)
    assert doc["commands"]["harness"].endswith("--refactor")
    # a refactor that breaks something is a regression all the same
    broke = tmp_path / "broke.diff"
    broke.write_text(make_patch(repo, {"src/buggy/text.py": same.replace("upper()", "lower()")},
                                tmp_path / "w2"))
    assert run(recipe, patch=str(broke), refactor=True)["verdict"] == "regressions"


def test_a_documents_only_change_that_no_test_imports_is_decided_by_the_checks(
        tmp_path: Path) -> None:
    """peft a9d039ab5 fixes two links in docs/*.md: verify stopped at "nothing to check"
    without running the checks its pull request faces."""
    checks = '[checks]\ntools = []\n\n[checks.links]\nname = "links"\n' \
        'run = ["python", "-c", "print(\'links ok\')"]\n' \
        '\n[checks.copies]\nname = "copies"\ntarget = true\n' \
        'run = ["python", "-c", "import buggy"]\n'
    recipe, repo = make_target(tmp_path, extra=VERIFY + checks)
    patch = tmp_path / "docs.diff"
    patch.write_text(make_patch(repo, {"docs/usage.md": "# Usage\n\nSee the [guide](x).\n"},
                                tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "ok", doc["reason"]
    assert str(doc["reason"]).endswith("the checks decide; no test imports what it changes")
    # a check that imports the target runs in its env (transformers 64f30450db: READMEs,
    # which check_copies.py reads)
    assert [c["status"] for c in doc["checks"]] == ["passed", "passed"]  # type: ignore[index]
    bare, _ = make_target(tmp_path / "bare")  # no check to decide: nothing backs an ok
    assert run(bare, patch=str(patch))["verdict"] == "unchecked"

def test_code_that_no_test_imports_still_faces_the_checks(tmp_path: Path) -> None:
    """transformers 283179857c edits a modular_*.py file, which no test imports: verify
    said "nothing to check" and ran none of the checks the pull request faces, those that
    import the target neither."""
    checks = ('[checks]\ntools = []\n\n[checks.tabs]\nname = "no tabs"\ntarget = true\n'
              'run = ["python", "-c", "import buggy, pathlib, sys; sys.exit(\'\\\\t\' in '
              'pathlib.Path(\'src/buggy/unused.py\').read_text())"]\n')
    files = {**BUGGY, "src/buggy/unused.py": "X = 1\n"}
    recipe, repo = make_target(tmp_path, files, extra=VERIFY + checks)
    patch = tmp_path / "tab.diff"
    patch.write_text(make_patch(repo, {"src/buggy/unused.py": "X = 1\nif X:\n\tY = 2\n"},
                                tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert [(c["name"], c["status"]) for c in doc["checks"]] == [  # type: ignore[index]
        ("no tabs", "failed")]
    assert doc["verdict"] == "checks_failed", doc["reason"]
    assert "nothing to check" in str(doc["reason"])
    fine = tmp_path / "fine.diff"
    fine.write_text(make_patch(repo, {"src/buggy/unused.py": "X = 2\n"}, tmp_path / "w2"))
    doc = run(recipe, patch=str(fine))
    assert doc["verdict"] == "unchecked" and doc["checks"][0]["status"] == "passed"  # type: ignore[index]


def test_subsets_do_not_hide_tests_unless_asked(tmp_path: Path) -> None:
    subsets = '[subsets.text]\npaths = ["tests/test_text.py"]\nworkers = 1\n'
    recipe, repo = make_target(tmp_path, subsets=subsets)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))  # the whole test tree, not the default subset
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    scoped = run(recipe, patch=str(patch), subset="text")
    assert scoped["verdict"] == "unchecked" and scoped["exit_code"] == 2
    assert scoped["tests"] == [] and scoped["selection"] == []
    assert "tests/test_mathops.py: not in subset text (imports src/buggy/mathops.py)" in \
        scoped["notes"]  # type: ignore[operator]
    assert "nothing to check" in str(scoped["reason"])


def test_syntax_error_breaks_the_importing_tests(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "oops.diff"
    patch.write_text(make_patch(repo, {"src/buggy/util.py": "def bang(:\n"}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "regressions"
    row = doc["tests"][0]  # type: ignore[index]
    assert (row["id"], row["before"], row["after"], row["change"]) == (
        "tests/test_text.py::test_shout", "passed", "error", "broken")
    assert row["note"].startswith("collection error")


def test_new_function_and_its_test_in_one_patch(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    mathops = FIXED_MUL + "\n\ndef sub(a, b):\n    return a - b\n"
    tests = BUGGY["tests/test_mathops.py"].replace(
        "from buggy import add, mul", "from buggy import add, mul\nfrom buggy.mathops import sub"
    ) + "\n\ndef test_sub():\n    assert sub(3, 2) == 1\n"
    patch = tmp_path / "sub.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": mathops,
                                       "tests/test_mathops.py": tests}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["tests_applied_with"] == "git apply"
    assert doc["verdict"] == "ok"
    got = {t["id"]: (t["before"], t["after"], t["change"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert got["tests/test_mathops.py::test_sub"] == ("error", "passed", "fixed")
    # the others of the file failed on the base only because the patched file imports sub,
    # which the base lacks: no evidence either way there, so they pass after the patch only
    # (test_mul is fixed too, but nothing here showed it)
    others = {k: v for k, v in got.items() if not k.endswith("::test_sub")}
    assert others and all(v == (None, "passed", "passing") for v in others.values()), got


def test_commit_on_a_local_base_and_base_with_caret(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(repo), str(fork))
    commit(fork, {"README.md": "local only\n"}, "not pushed anywhere")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    doc = run(recipe, commit="HEAD", repo_path=str(fork), base="HEAD~1")
    assert doc["commit"] == git(fork, "rev-parse", "HEAD~1")  # fetched from the fork
    assert doc["counts"]["fixed"] == 2  # type: ignore[index]
    commit(repo, {"src/buggy/mathops.py": FIXED_MUL}, "fix upstream")
    commit(repo, {"README.md": "later\n"}, "later")
    patch = tmp_path / "text.diff"
    patch.write_text(make_patch(repo, {"src/buggy/text.py": "def shout(s):\n    return s\n"},
                                tmp_path / "w"))
    doc = run(recipe, patch=str(patch), base="main~1")
    assert doc["commit"] == git(repo, "rev-parse", "main~1")
    assert doc["verdict"] == "regressions"


def test_leftovers_of_a_killed_run_are_swept(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    run(recipe, patch=str(patch))
    home = Path(os.environ["HARNESS_HOME"])
    mirror = next((home / "repos").glob("*.git"))
    stale = home / "verify" / "20240101T000000-buggy-dead00" / "after" / "buggy"
    stale.parent.mkdir(parents=True)
    git(mirror, "worktree", "add", "--detach", str(stale), "v1.0")
    assert leftover_worktrees(str(repo), home)
    old_trash = home / "trash" / "20240101T000000-buggy-dead00-abcdef"
    (old_trash / "after").mkdir(parents=True)
    os.utime(old_trash, (0, 0))  # a deletion that died long ago
    run(recipe, patch=str(patch))
    assert leftover_worktrees(str(repo), home) == []
    assert not old_trash.exists()
    # this run's trees were moved aside and are deleted in the background
    deadline = time.monotonic() + 30
    while any((home / "trash").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((home / "trash").iterdir()) == []


def test_verify_after_a_sparse_checkout_of_the_mirror(tmp_path: Path) -> None:
    """`git sparse-checkout` moves core.bare into config.worktree; the mirror must still
    work for verify's own git calls (bases written as ``tag^``)."""
    recipe, repo = make_target(tmp_path)
    text = recipe.read_text().replace('ref = "v1.0"', 'ref = "v1.0"\nsparse = ["/*", "/src/", '
                                      '"/tests/"]')
    recipe.write_text(text)
    commit(repo, {"NOTES.md": "later\n"}, tag="v1.1")
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    checkout.ensure("buggy", str(repo), "v1.0", ("/src/",))  # a reproduce run came first
    doc = run(recipe, patch=str(patch), base="v1.1^")
    assert doc["verdict"] == "ok"
    assert "fixed" in changes(doc).values()


# transformers' recipe's shape: tests/ without its model folders
SPARSE = 'sparse = ["/*", "!/*/", "/src/", "/tests/", "!/tests/models/*/"]'


def sparse_target(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    recipe, repo = make_target(tmp_path, files)
    recipe.write_text(recipe.read_text().replace('ref = "v1.0"', f'ref = "v1.0"\n{SPARSE}'))
    return recipe, repo


def own_tests_of_a_model_fix(tmp_path: Path, files: dict[str, str], model_test: str
                             ) -> dict[str, str]:
    """Verify a fix of mul that also changes tests/models/one/test_one.py: its own tests'
    changes."""
    recipe, repo = sparse_target(tmp_path, files)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {
        "src/buggy/mathops.py": FIXED_MUL,
        "tests/models/one/test_one.py": model_test.replace("== WANT", "== WANT, mul")},
        tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "ok", doc["reason"]
    return {t["id"]: t["change"] for t in doc["tests"] if t["own"]}  # type: ignore[attr-defined]


def test_a_test_outside_the_recipe_s_sparse_folders_runs_with_its_package(
        tmp_path: Path) -> None:
    """transformers' recipe checks out tests/ minus every model folder but two; a fix of
    another model (e872ca25f3, cpmant) changes tests/models/cpmant/test_modeling_cpmant.py,
    whose relative imports need that folder's ``__init__.py``.  Checked out alone, it
    failed to import on both trees and verify said ``failing``."""
    model_test = ("from .helpers import WANT\n\nfrom buggy import mul\n\n\n"
                  "def test_mul_model():\n    assert mul(2, 3) == WANT\n")
    files = {**BUGGY, "tests/models/__init__.py": "", "tests/models/one/__init__.py": "",
             "tests/models/one/helpers.py": "WANT = 6\n",
             "tests/models/one/test_one.py": model_test}
    assert own_tests_of_a_model_fix(tmp_path, files, model_test) == {
        "tests/models/one/test_one.py::test_mul_model": "fixed"}


def test_a_changed_test_comes_with_the_test_folders_it_imports(tmp_path: Path) -> None:
    """transformers' encoder_decoder tests import bart's, bert's ... model testers (`from
    ..bart.test_modeling_bart import BartModelTester`); the recipe's sparse checkout leaves
    those folders out, so a fix with such a test failed to import on both trees."""
    model_test = ("from ..two.test_two import WANT\n\nfrom buggy import mul\n\n\n"
                  "def test_mul_pair():\n    assert mul(2, 3) == WANT\n")
    files = {**BUGGY, "tests/models/__init__.py": "", "tests/models/one/__init__.py": "",
             "tests/models/one/test_one.py": model_test,
             "tests/models/two/__init__.py": "", "tests/models/two/test_two.py": "WANT = 6\n"}
    assert own_tests_of_a_model_fix(tmp_path, files, model_test) == {
        "tests/models/one/test_one.py::test_mul_pair": "fixed"}


def test_the_tests_of_a_changed_model_folder_are_checked_out(tmp_path: Path) -> None:
    """transformers a4d6229197 fixes src/transformers/models/pe_audio_video/, whose tests the
    recipe's sparse checkout leaves out (tests/ minus every model folder but two): verify
    found "no test imports it" and said "nothing to check"."""
    broken = "def area(w, h):\n    return w + h\n"
    files = {**BUGGY, "src/buggy/models/__init__.py": "",
             "src/buggy/models/one/__init__.py": "", "src/buggy/models/one/shape.py": broken,
             "tests/models/__init__.py": "", "tests/models/one/__init__.py": "",
             "tests/models/one/test_shape.py": "from buggy.models.one.shape import area\n\n\n"
                                               "def test_area():\n    assert area(2, 3) == 6\n"}
    recipe, repo = sparse_target(tmp_path, files)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/models/one/shape.py": broken.replace(
        "w + h", "w * h")}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert changes(doc) == {"tests/models/one/test_shape.py::test_area": "fixed"}, doc["reason"]


def test_a_name_imported_only_with_a_backend_is_that_backend_missing(tmp_path: Path) -> None:
    """transformers 136c621c00: test_processor_glm_image.py imports GlmImageProcessor under
    ``if is_vision_available():`` and names it in a class body; without Pillow it fails to
    collect with a NameError, before and after, and verify said "failing"."""
    guarded = ("from buggy import mul\n\n\ndef is_vision_available():\n    return False\n\n\n"
               "if is_vision_available():\n    from buggy import Processor\n\n\n"
               "class TestProcessor:\n    processor_class = Processor\n\n"
               "    def test_mul(self):\n        assert mul(2, 3) == 6\n")
    doc = _verify_a_message_added(tmp_path, {**BUGGY, "tests/test_processor.py": guarded},
                                  "tests/test_processor.py")
    assert _rows(doc) == [("tests/test_processor.py", "not_checked",
                           "needs the vision backend (not installed)")]
    assert doc["verdict"] == "unchecked", doc["reason"]


def _verify_a_message_added(tmp_path: Path, files: dict[str, str], test: str) -> dict[str, object]:
    """Verify, on a target made of ``files``, a patch that only adds a message to the
    ``== 6`` assertion of the test file ``test``."""
    recipe, repo = make_target(tmp_path, files)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {test: files[test].replace(
        "== 6", "== 6, 'two times three'")}, tmp_path / "w"))
    return run(recipe, patch=str(patch))


def _rows(doc: dict[str, object]) -> list[tuple[object, object, object]]:
    return [(t["id"], t["change"], t["note"]) for t in doc["tests"]]  # type: ignore[attr-defined]


def test_a_name_the_target_binds_only_with_a_backend_is_that_backend_missing(
        tmp_path: Path) -> None:
    """transformers d8904a23da (Aria's patch count): its test file imports
    PILImageResampling, which transformers.image_utils binds only under ``if
    is_vision_available():``; without Pillow the file failed to collect with an ImportError,
    before and after, and verify said "failing" (exit 1).  A name the module lacks
    altogether is a failure like any other."""
    utils = ("def is_vision_available():\n    return False\n\n\n"
             "if is_vision_available():\n    import PIL.Image\n\n"
             "    Resampling = PIL.Image.Resampling\n")
    test = ("from buggy import mul\nfrom buggy.image_utils import Resampling\n\n\n"
            "def test_mul():\n    assert mul(2, 3) == 6\n")
    doc = _verify_a_message_added(tmp_path, {**BUGGY, "src/buggy/image_utils.py": utils,
                                             "tests/test_image.py": test}, "tests/test_image.py")
    assert _rows(doc) == [("tests/test_image.py", "not_checked",
                           "needs the vision backend (not installed)")]
    assert doc["verdict"] == "unchecked", doc["reason"]
    # a name no guard holds back: its import failing says something
    doc = _verify_a_message_added(tmp_path / "2", {
        **BUGGY, "src/buggy/image_utils.py": utils,
        "tests/test_image.py": test.replace("import Resampling", "import Missing")},
        "tests/test_image.py")
    assert [t["change"] for t in doc["tests"]] == ["still_failing"]  # type: ignore[attr-defined]


def test_tests_of_a_patched_file_that_imports_what_the_patch_adds_are_not_fixed(
        tmp_path: Path) -> None:
    """peft c95ddaf0d adds is_transformers_ge_v5_6_0 to peft.import_utils and imports it at
    the top of tests/test_other.py: on the base (which runs the patched test files) all of
    that file failed to collect, and its 13 other tests read "fixed" elsewhere."""
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "triple.diff"
    patch.write_text(make_patch(repo, {
        "src/buggy/mathops.py": BUGGY["src/buggy/mathops.py"] + (
            "\n\ndef triple(a):\n    return 3 * a\n"),
        "tests/test_mathops.py": BUGGY["tests/test_mathops.py"].replace(
            "from buggy import add, mul", "from buggy import add, mul\n"
            "from buggy.mathops import triple") + "\n\ndef test_triple():\n"
            "    assert triple(2) == 6\n"}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    found = {t["id"]: (t["change"], t["before"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert found["tests/test_mathops.py::test_triple"] == ("fixed", "error")
    # they ran after the patch only, as far as the base could tell
    assert found["tests/test_mathops.py::test_add"] == ("passing", None)
    assert doc["counts"]["fixed"] == 1, found  # type: ignore[index]


def test_online_lets_the_patch_s_tests_reach_the_network(tmp_path: Path, hub: list[str]) -> None:
    """Offline (the default) a test that needs the network is not checked, and the report
    gives the command that checks it; with --online it runs."""
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "net.diff"
    patch.write_text(make_patch(repo, {"tests/test_net.py": REACHES_OUT}, tmp_path / "w"))
    offline = run(recipe, patch=str(patch))
    assert offline["verdict"] == "unchecked", offline["reason"]
    assert changes(offline) == {"tests/test_net.py::test_reaches_out": "not_checked"}
    assert offline["commands"]["online"].endswith("--online")  # type: ignore[index]
    online = run(recipe, patch=str(patch), online=True)
    assert online["verdict"] == "ok", online["reason"]
    assert changes(online) == {"tests/test_net.py::test_reaches_out": "passing"}
    assert "online" not in online["commands"]  # type: ignore[operator]
    assert any(n.startswith("--online") for n in online["notes"])  # type: ignore[attr-defined]


SLOW_TEST = """\
import os
import unittest

from buggy import mul

slow = unittest.skipUnless(os.environ.get("RUN_SLOW") == "1", "test is slow")
nightly = unittest.skipUnless(os.environ.get("RUN_NIGHTLY") == "1", "test is nightly")


class MulIntegrationTest(unittest.TestCase):
    @slow
    def test_mul_big(self):
        self.assertEqual(mul(2, 3), 6)

    @nightly
    def test_mul_nightly(self):
        self.assertEqual(mul(3, 3), 9)
"""


def test_slow_turns_on_the_tests_the_target_marks_slow(tmp_path: Path) -> None:
    """transformers 60eefbc814: its 4 own tests are @slow integration tests, skipped unless
    RUN_SLOW; the report said "skipped: test is slow" and gave no way to run them.
    diffusers aeda394db7: 36 own tests "skipped: test is nightly" (RUN_NIGHTLY), as slow."""
    slow_recipe = VERIFY + ('slow_env = { RUN_SLOW = "1", RUN_NIGHTLY = "1" }\n'
                            'slow_skip = ["test is slow", "test is nightly"]\n')
    recipe, repo = make_target(tmp_path, extra=slow_recipe)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                       "tests/test_slow.py": SLOW_TEST}, tmp_path / "w"))
    own = "tests/test_slow.py::MulIntegrationTest::test_mul_big"
    own_nightly = "tests/test_slow.py::MulIntegrationTest::test_mul_nightly"
    default = run(recipe, patch=str(patch), run_checks=False)
    assert [(t["id"], t["change"], t["note"]) for t in default["tests"]  # type: ignore[attr-defined]
            if t["id"] in (own, own_nightly)] == [
        (own, "not_checked", "skipped: test is slow"),
        (own_nightly, "not_checked", "skipped: test is nightly")]
    assert default["commands"]["slow"].endswith("--online --slow")  # type: ignore[index]
    slow = run(recipe, patch=str(patch), run_checks=False, slow=True)
    assert changes(slow)[own] == changes(slow)[own_nightly] == "fixed"
    assert slow["verdict"] == "ok", slow["reason"]
    assert "slow" not in slow["commands"]  # type: ignore[operator]
    assert ("--slow: the tests the target marks slow could run (RUN_SLOW=1 RUN_NIGHTLY=1)"
            in slow["notes"])  # type: ignore[operator]
    # no test skipped as slow: no such command; a recipe without the switch refuses --slow
    plain = tmp_path / "plain.diff"
    plain.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w2"))
    assert "slow" not in run(recipe, patch=str(plain), run_checks=False)["commands"]  # type: ignore[operator]
    bare, _ = make_target(tmp_path / "bare")
    with pytest.raises(HarnessError, match="names no switch for slow tests"):
        run(bare, patch=str(plain), slow=True)


VISION = """\
import not_installed_pkg


class TestVision:
    def test_v(self):
        assert not_installed_pkg
"""


def test_a_test_file_that_cannot_be_imported_does_not_stop_the_others(tmp_path: Path) -> None:
    """diffusers 4c52cb267a changes 23 test files; one imports torchvision, not installed.
    pytest runs nothing when a node id points into a file it cannot import, and the 62
    other own targets went unrun (the verdict counted one own test)."""
    recipe, repo = make_target(tmp_path, {**BUGGY, "tests/test_vision.py": VISION})
    again = BUGGY["tests/test_mathops.py"] + (
        "\n\ndef test_mul_again():\n    assert mul(3, 3) == 9\n")
    patch = tmp_path / "two.diff"
    patch.write_text(make_patch(repo, {
        "src/buggy/mathops.py": FIXED_MUL, "tests/test_mathops.py": again,
        "tests/test_vision.py": VISION.replace("assert not_installed_pkg",
                                               "assert not_installed_pkg.ok")}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    got = {t["id"]: (t["change"], t["note"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert got["tests/test_mathops.py::test_mul_again"][0] == "fixed"
    assert got["tests/test_vision.py"] == ("not_checked", "needs not_installed_pkg (not installed)")
    assert doc["verdict"] == "ok"


def test_a_run_stopped_by_its_time_limit_keeps_what_ended_in_time(tmp_path: Path) -> None:
    """diffusers 1c98c38c31 moves 131 example tests to pytest: its own tests ran past the
    subset's run_timeout (900 s), and the 62 results each side had were thrown away with
    the run: "infra_error (the before run failed: the test run timed out)"."""
    subsets = ('[subsets.all]\npaths = ["tests"]\nworkers = 1\nthreads = 1\ntimeout = 120\n'
               'run_timeout = 12\n')
    recipe, repo = make_target(tmp_path, subsets=subsets)
    new_tests = ("import time\n\nfrom buggy import mul\n\n\ndef test_mul_fixed():\n"
                 "    assert mul(2, 3) == 6\n\n\ndef test_slow():\n    time.sleep(120)\n")
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                       "tests/test_more.py": new_tests}, tmp_path / "w"))
    started = time.monotonic()
    doc = run(recipe, patch=str(patch), run_checks=False)
    assert time.monotonic() - started < 100
    rows = {t["id"]: (t["change"], t["note"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert rows["tests/test_more.py::test_mul_fixed"][0] == "fixed"
    assert rows["tests/test_more.py::test_slow"] == ("not_checked", compare.OUT_OF_TIME)
    assert doc["verdict"] == "ok", doc["reason"]
    # a base run cut short is not reused: the next one may finish
    again = run(recipe, patch=str(patch), run_checks=False)
    assert again["before"]["cached"] is False  # type: ignore[index]
