"""git apply, then --3way, then patch --fuzz; errors name files and hunks."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.verify import apply
from tests.testing.repos import commit, git, make_repo

LINES = "".join(f"line {i}\n" for i in range(1, 21))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {"f.txt": LINES, "g.txt": "one\ntwo\n"})


def diff_of(repo: Path, files: dict[str, str]) -> str:
    before = git(repo, "rev-parse", "HEAD")
    commit(repo, files)
    text = git(repo, "diff", before, "HEAD") + "\n"
    git(repo, "reset", "-q", "--hard", before)
    return text


def test_clean_patch_uses_git_apply(repo: Path, tmp_path: Path) -> None:
    p = tmp_path / "p.diff"
    p.write_text(diff_of(repo, {"f.txt": LINES.replace("line 5\n", "line five\n")}))
    assert apply.apply(repo, p) == "git apply"
    assert "line five" in (repo / "f.txt").read_text()


def test_changed_context_falls_back_to_3way(repo: Path, tmp_path: Path) -> None:
    p = tmp_path / "p.diff"
    p.write_text(diff_of(repo, {"f.txt": LINES.replace("line 5\n", "line five\n")}))
    commit(repo, {"f.txt": LINES.replace("line 2\n", "line two\n")})
    assert apply.apply(repo, p) == "git apply --3way"
    text = (repo / "f.txt").read_text()
    assert "line two" in text and "line five" in text


def test_without_blobs_fuzz_is_the_last_resort(repo: Path, tmp_path: Path) -> None:
    p = tmp_path / "p.diff"
    p.write_text("--- a/f.txt\n+++ b/f.txt\n@@ -3,5 +3,5 @@\n line 3\n line FOUR\n"
                 "-line 5\n+line five\n line 6\n line 7\n")
    assert apply.apply(repo, p) == "patch --fuzz=3"
    assert "line five" in (repo / "f.txt").read_text()
    assert not list(repo.glob("*.orig")) and not list(repo.glob("*.rej"))


def test_failure_names_files_and_hunks_and_leaves_the_tree_clean(repo: Path, tmp_path: Path
                                                                   ) -> None:
    p = tmp_path / "p.diff"
    p.write_text("--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n line 1\n-line 2\n+line two\n"
                 "@@ -10,2 +10,2 @@\n line 10\n-no such line\n+x\n"
                 "--- a/missing.txt\n+++ b/missing.txt\n@@ -1 +1 @@\n-a\n+b\n")
    with pytest.raises(HarnessError) as e:
        apply.apply(repo, p)
    first = e.value.message.splitlines()[0]
    assert first.startswith("patch does not apply: ")
    assert "f.txt hunk #2 (at line 10)" in first
    assert "missing.txt" in first
    assert git(repo, "status", "--porcelain") == ""


PY = "def a():\n    x = 1\n    return x\n\n\ndef b():\n    y = 2\n    return y\n"


def test_a_fuzzy_fit_that_breaks_python_is_refused(tmp_path: Path) -> None:
    """patch --fuzz ignores context lines: a hunk can land where its lines make no sense.
    A Python file that parsed before and does not after is not the patch's fault."""
    repo = make_repo(tmp_path / "py", {"m.py": PY})
    p = tmp_path / "p.diff"
    p.write_text("--- a/m.py\n+++ b/m.py\n@@ -5,6 +5,7 @@\n not here\n nor here\n"
                 " def b():\n+        z = 3\n     y = 2\n     return y\n")
    with pytest.raises(HarnessError, match=r"patch does not apply: .* leaves m\.py unparsable "
                                           r"\(IndentationError at line 8\)"):
        apply.apply(repo, p)
    assert (repo / "m.py").read_text() == PY and not git(repo, "status", "--porcelain")


def test_a_fuzzy_fit_that_parses_is_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "py", {"m.py": PY})
    p = tmp_path / "p.diff"
    p.write_text("--- a/m.py\n+++ b/m.py\n@@ -5,6 +5,7 @@\n not here\n nor here\n"
                 " def b():\n+    z = 3\n     y = 2\n     return y\n")
    assert apply.apply(repo, p) == "patch --fuzz=3"
    assert "    z = 3\n    y = 2" in (repo / "m.py").read_text()
