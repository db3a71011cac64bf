"""Apply a patch in a harness-owned worktree: ``git apply``, then ``--3way``, then ``patch``.

Each failed attempt is undone (``git reset --hard`` + ``git clean``) before the next, so
a patch that does not apply leaves the worktree as it was.  The error names the files
and hunks at fault.  A fuzzy fit that leaves a Python file it touches unparsable (where it
parsed before) is refused: the hunk went to the wrong place, and the tests would blame the
patch for it.
"""
from __future__ import annotations

import re
from pathlib import Path

from harness import git, proc
from harness.errors import HarnessError
from harness.verify import diff

GIT_APPLY = ("apply", "--whitespace=nowarn")
PATCH = ("patch", "-p1", "--fuzz=3", "--batch", "--forward", "--no-backup-if-mismatch",
         "--reject-file=-")
METHODS = ("git apply", "git apply --3way", "patch --fuzz=3")
HINT = ("pass --base REV, the commit the patch was made on (verify tried the recipe's ref and, "
        "for a patch file, the tip of main), or rebase the change on one of them")


def _clean(worktree: Path) -> None:
    git.run(["reset", "-q", "--hard"], cwd=worktree, what="git reset")
    git.run(["clean", "-fdq"], cwd=worktree, what="git clean")


def apply(worktree: Path, patch_file: Path) -> str:
    """Apply ``patch_file`` to ``worktree``; return the method that worked (see METHODS)."""
    first = git.run([*GIT_APPLY, str(patch_file)], cwd=worktree, check=False)
    if first.returncode == 0:
        return METHODS[0]
    _clean(worktree)
    three = git.run([*GIT_APPLY, "--3way", str(patch_file)], cwd=worktree, check=False)
    if three.returncode == 0:
        return METHODS[1]
    _clean(worktree)
    dry = proc.run([*PATCH, "--dry-run", "-i", str(patch_file)], cwd=worktree, check=False)
    if dry.returncode == 0:
        proc.run([*PATCH, "-i", str(patch_file)], cwd=worktree, what="patch")
        broken = broken_by_fuzz(worktree, patch_file)
        if broken is None:
            return METHODS[2]
        _clean(worktree)
        raise HarnessError(f"patch does not apply: git cannot apply it, and patch's fuzzy fit "
                           f"leaves {broken}: a hunk went to the wrong place",
                           hint=HINT)
    _clean(worktree)
    where = failures(first.stderr, dry.stdout + dry.stderr)
    detail = "\n".join(x for x in (first.stderr.strip(), three.stderr.strip(),
                                   (dry.stdout + dry.stderr).strip()) if x)
    raise HarnessError(f"patch does not apply: {where}\n{proc.tail(detail, 30)}",
                       hint=HINT)


def broken_by_fuzz(worktree: Path, patch_file: Path) -> str | None:
    """A Python file the patch touches that parsed before it and does not after a fuzzy
    fit ("path (SyntaxError at line N)"); None when there is none.  A hunk fitted with fuzz
    may land in the wrong place; a patch that git applies as written is never second-guessed
    (its own syntax error is the patch's, and verify reports it)."""
    text = patch_file.read_text(encoding="utf-8", errors="replace")
    for f in diff.parse(text):
        path = worktree / f.path
        if not f.path.endswith(".py") or not path.is_file():
            continue
        before = git.run(["show", f"HEAD:{f.path}"], cwd=worktree, check=False)
        if before.returncode != 0 or _syntax_error(before.stdout, f.path) is not None:
            continue  # new here, or unparsable already
        error = _syntax_error(path.read_text(encoding="utf-8", errors="replace"), f.path)
        if error is not None:
            return f"{f.path} unparsable ({error})"
    return None


def _syntax_error(source: str, name: str) -> str | None:
    try:
        compile(source, name, "exec", dont_inherit=True)
    except SyntaxError as e:
        return f"{type(e).__name__} at line {e.lineno}"
    except ValueError as e:  # null bytes
        return str(e)
    return None


def _git_apply_failures(stderr: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in stderr.splitlines():
        m = re.match(r"error: patch failed: (.+):(\d+)$", line)
        if m:
            found.setdefault(m.group(1), []).append(f"hunk at line {m.group(2)}")
            continue
        m = re.match(r"error: (.+?): (does not exist in index|No such file or directory|"
                     r"already exists in working directory)$", line)
        if m:
            what = "already exists" if "exists" in m.group(2) else "does not exist at base"
            found.setdefault(m.group(1), []).append(what)
        m = re.match(r"error: corrupt patch at line (\d+)", line)
        if m:
            found.setdefault("(the patch)", []).append(f"corrupt at line {m.group(1)}")
    return found


def _patch_failures(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current = "?"
    for line in output.splitlines():
        m = re.match(r"(?:checking|patching) file (.+)$", line)
        if m:
            current = m.group(1).strip("'")
            continue
        m = re.match(r"Hunk #(\d+) FAILED at (\d+)", line)
        if m:
            found.setdefault(current, []).append(f"hunk #{m.group(1)} (at line {m.group(2)})")
        elif "can't find file to patch" in line:
            found.setdefault("?", []).append("file not found")
        elif line.startswith("Reversed (or previously applied) patch detected"):
            found.setdefault(current, []).append("already applied")
    return found


def failures(git_stderr: str, patch_output: str) -> str:
    """One line naming the files and hunks that failed (patch's view first, it has hunks)."""
    by_patch = _patch_failures(patch_output)
    by_git = _git_apply_failures(git_stderr)
    merged: dict[str, list[str]] = {}
    for source in (by_patch, by_git):
        for path, what in source.items():
            if path == "?" and by_git:
                continue
            merged.setdefault(path, what)
    if not merged:
        last = [ln for ln in (git_stderr + "\n" + patch_output).splitlines() if ln.strip()]
        return last[-1].removeprefix("error: ") if last else "unknown reason"
    return "; ".join(f"{path} {', '.join(what)}" for path, what in sorted(merged.items()))

