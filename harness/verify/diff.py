"""Unified diffs (git's or plain ``diff -u``) split into one part per file.

Hunks are consumed by their line counts, so a removed line that starts with ``-- ``
is never mistaken for the next file's header.  Paths are taken ``-p1`` (``a/x`` -> ``x``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

Status = Literal["added", "deleted", "renamed", "modified"]
HUNK_RE = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
BINARY_RE = re.compile(r"^Binary files (.+) and (.+) differ$")
DEPENDENCY_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
# `git diff` as this module reads it: plain text, a/ and b/ prefixes whatever the user's config
GIT_DIFF = ("diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
            "--src-prefix=a/", "--dst-prefix=b/")


class FileDiff(NamedTuple):
    old: str | None  # None: the file is added
    new: str | None  # None: the file is deleted
    text: str  # this file's part of the patch, headers included
    binary: bool

    @property
    def path(self) -> str:
        return self.new or self.old or "?"

    @property
    def status(self) -> Status:
        if self.old is None:
            return "added"
        if self.new is None:
            return "deleted"
        return "renamed" if self.old != self.new else "modified"

    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p in (self.old, self.new) if p))


def _strip(path: str) -> str | None:
    path = path.split("\t", maxsplit=1)[0].strip()
    if path.startswith('"') and path.endswith('"'):
        path = path[1:-1]
    if path == "/dev/null":
        return None
    return path.split("/", 1)[1] if "/" in path else path


class _Part:
    def __init__(self, header: str = "") -> None:
        self.lines: list[str] = [header] if header else []
        self.old: str | None = None
        self.new: str | None = None
        self.seen_paths = False
        self.binary = False
        self.added = False
        self.deleted = False
        self.in_hunks = False

    def finish(self) -> FileDiff | None:
        if not self.lines:
            return None
        git_line = self.lines[0] if self.lines[0].startswith("diff --git ") else ""
        if not self.seen_paths and git_line:  # a binary, a mode change or a pure rename
            m = re.match(r"diff --git a/(.*) b/(.*)$", git_line.rstrip("\n"))
            if m:
                self.old = self.old or m.group(1)
                self.new = self.new or m.group(2)
        old = None if self.added else self.old
        new = None if self.deleted else self.new
        text = "".join(self.lines)
        return FileDiff(old, new, text if text.endswith("\n") else text + "\n", self.binary)


def parse(text: str) -> list[FileDiff]:
    """Split ``text`` into per-file parts; any preamble (a mail header) is dropped."""
    lines = text.splitlines(keepends=True)
    parts: list[_Part] = []
    current: _Part | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip("\r\n") == "-- ":  # format-patch's signature: the patch is over
            break
        if line.startswith("diff --git "):
            current = _Part(line)
            parts.append(current)
        elif (line.startswith("--- ") and i + 1 < len(lines)
              and lines[i + 1].startswith("+++ ")):
            if current is None or current.seen_paths or not current.lines[0].startswith("diff"):
                current = _Part()
                parts.append(current)
            current.lines += [line, lines[i + 1]]
            current.old, current.new = _strip(line[4:]), _strip(lines[i + 1][4:])
            current.added, current.deleted = current.old is None, current.new is None
            current.seen_paths = True
            i += 2
            continue
        elif current is not None and (m := HUNK_RE.match(line)):
            i = _hunk(lines, i, m, current)
            continue
        elif (m := BINARY_RE.match(line)) and (current is None or current.in_hunks
                                               or not current.lines[0].startswith("diff")):
            current = _Part()  # plain diff's "Binary files x and y differ"
            current.old, current.new = _strip(m.group(1)), _strip(m.group(2))
            current.seen_paths = current.binary = True
            current.lines.append(line)
            parts.append(current)
        elif current is not None and not current.in_hunks:
            _header_line(line, current)
            current.lines.append(line)
        i += 1
    found = (p.finish() for p in parts)
    return [f for f in found if f is not None]


def _header_line(line: str, part: _Part) -> None:
    if line.startswith("GIT binary patch") or (
            line.startswith("Binary files ") and line.rstrip().endswith(" differ")):
        part.binary = True
    elif line.startswith("new file mode"):
        part.added = True
    elif line.startswith("deleted file mode"):
        part.deleted = True
    elif line.startswith("rename from "):
        part.old = line[len("rename from "):].rstrip("\n")
    elif line.startswith("rename to "):
        part.new = line[len("rename to "):].rstrip("\n")


def _hunk(lines: list[str], i: int, m: re.Match[str], part: _Part) -> int:
    """Append the hunk starting at ``lines[i]``; return the index after it."""
    old = int(m.group(1)) if m.group(1) is not None else 1
    new = int(m.group(2)) if m.group(2) is not None else 1
    part.lines.append(lines[i])
    part.in_hunks = True
    i += 1
    while i < len(lines) and (old > 0 or new > 0 or lines[i].startswith("\\")):
        line = lines[i]
        if line.startswith("\\"):
            pass
        elif line.startswith("-"):
            old -= 1
        elif line.startswith("+"):
            new -= 1
        elif line.startswith(" ") or line in ("\n", "\r\n"):
            old, new = old - 1, new - 1
        else:
            break  # a truncated hunk: let git apply complain about it
        part.lines.append(line)
        i += 1
    return i


def join(files: Iterable[FileDiff]) -> str:
    return "".join(f.text for f in files)


def is_under(path: str, folder: str) -> bool:
    folder = folder.strip("/")
    return not folder or path == folder or path.startswith(folder + "/")


def dependency_files(files: Iterable[FileDiff]) -> list[str]:
    """Root-level files that decide an env's content (see harness.envs.spec)."""
    found = []
    for f in files:
        for p in f.paths():
            if p in DEPENDENCY_FILES or re.fullmatch(r"requirements[^/]*\.txt", p):
                found.append(p)
    return sorted(set(found))
