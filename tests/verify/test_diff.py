"""Parsing unified diffs into per-file parts."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.verify import change, diff

GIT_DIFF = """\
From abc Mon Sep 17 00:00:00 2001
Subject: [PATCH] fix

---
 src/x.py | 2 +-
diff --git a/src/x.py b/src/x.py
index 1111111..2222222 100644
--- a/src/x.py
+++ b/src/x.py
@@ -1,3 +1,3 @@
 a = 1
--- this removed line starts with two dashes
+++ and this added one with three pluses
 c = 3
diff --git a/tests/test_new.py b/tests/test_new.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/tests/test_new.py
@@ -0,0 +1 @@
+def test_x(): pass
diff --git a/old.txt b/old.txt
deleted file mode 100644
index 4444444..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
\\ No newline at end of file
diff --git a/a.py b/b.py
similarity index 100%
rename from a.py
rename to b.py
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..5555555
Binary files /dev/null and b/logo.png differ
""" + "-- \n2.39.5\n"


def test_git_diff_parts() -> None:
    files = diff.parse(GIT_DIFF)
    assert [(f.old, f.new, f.status, f.binary) for f in files] == [
        ("src/x.py", "src/x.py", "modified", False),
        (None, "tests/test_new.py", "added", False),
        ("old.txt", None, "deleted", False),
        ("a.py", "b.py", "renamed", False),
        (None, "logo.png", "added", True),
    ]
    assert files[0].text.endswith("--- this removed line starts with two dashes\n"
                                  "+++ and this added one with three pluses\n c = 3\n")
    assert "Subject" not in diff.join(files)
    assert "2.39.5" not in diff.join(files)


def test_plain_diff_with_timestamps() -> None:
    text = ("--- old/pkg/m.py\t2024-01-01 00:00:00\n+++ new/pkg/m.py\t2024-01-02 00:00:00\n"
            "@@ -1 +1 @@\n-x = 1\n+x = 2\n"
            "Binary files old/pic.bin and new/pic.bin differ\n")
    files = diff.parse(text)
    assert [(f.path, f.status, f.binary) for f in files] == [
        ("pkg/m.py", "modified", False), ("pic.bin", "modified", True)]


def test_dependency_files() -> None:
    files = diff.parse("--- a/setup.py\n+++ b/setup.py\n@@ -1 +1 @@\n-a\n+b\n"
                       "--- a/requirements-dev.txt\n+++ b/requirements-dev.txt\n"
                       "@@ -1 +1 @@\n-a\n+b\n--- a/docs/setup.py\n+++ b/docs/setup.py\n"
                       "@@ -1 +1 @@\n-a\n+b\n")
    assert diff.dependency_files(files) == ["requirements-dev.txt", "setup.py"]


def test_empty_and_binary_patches_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.diff").write_text("")
    with pytest.raises(HarnessError, match=r"^patch empty.diff changes no file: it holds no diff"):
        change.from_patch(tmp_path / "empty.diff")
    (tmp_path / "bin.diff").write_text(GIT_DIFF)
    with pytest.raises(HarnessError, match=r"changes binary file\(s\).*: logo.png$"):
        change.from_patch(tmp_path / "bin.diff")
    (tmp_path / "raw.diff").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(HarnessError, match="not text"):
        change.from_patch(tmp_path / "raw.diff")
    with pytest.raises(HarnessError, match="does not exist"):
        change.from_patch(tmp_path / "missing.diff")
