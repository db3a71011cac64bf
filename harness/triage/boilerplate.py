"""The lines of the issue forms a batch of posts shares: what an unfilled form says.

An issue form's prompts ("Which part of `transformers` did you benchmark?", "- [ ] The
official example scripts") are words, so a post that is only the form, unfilled, reads as if
it said something.  No list of the forms is kept (they change, and each target has its
own): a line that :data:`MIN_POSTS` posts of the batch or more carry, filled or not, is the
form's.  What a post says beyond those lines is what its reporter wrote.

Real posts, imported as ``gh issue list --json`` gives them: of the 178th labelled set's
100 transformers posts, 12 of its 13 unfilled "[Benchmark]" forms (labelled easy, "nothing
to fix"; the 13th names the issue it was copied from), and a bug form the corpus cut
before its reproduction; of the 181st's 149, its 5 unfilled forms; of the 180th's 201, a
new-model form that says "no" under a question.  The 10,000 posts of ``bench/triage.py``:
0.21 to 0.25 s, with ``--beginner`` only.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from harness.triage import body as body_mod
from harness.triage.issues import Issue

MIN_POSTS = 3  # a line in this many posts of the batch is a form's, not a reporter's
MAX_LINE = 200  # a longer line is the reporter's own (the forms' prompts are short)
_MARKS = "#>*-+ \t"  # headings, quotes and list marks: the same prompt under another mark


def normal(line: str) -> str:
    """A line as forms are compared: marks and spaces at its ends gone, spaces as one, lower."""
    return " ".join(line.lstrip(_MARKS).split()).lower()


class Forms(NamedTuple):
    """What a batch's issue forms say: their lines, and the posts that say nothing more."""

    lines: frozenset[str] = frozenset()  # (normal) carried by MIN_POSTS posts or more
    unfilled: frozenset[int] = frozenset()  # the numbers of the posts that say no more


NONE = Forms()  # no batch read: no post is an unfilled form


def forms(posts: Iterable[Issue]) -> Forms:
    """The lines (:func:`normal`) that :data:`MIN_POSTS` of ``posts`` or more carry, each
    counted once a post, and the posts that say nothing (:func:`.body.says_nothing`) once
    those lines are left out; each line made :func:`normal` once."""
    made: dict[str, str] = {}
    read = [(i.number, lines, _normals(lines, made)) for i in posts
            for lines in (i.body.splitlines(),)]
    common = _counted([normals for _, _, normals in read])
    unfilled = frozenset(number for number, lines, normals in read
                         if _own_says_nothing(lines, normals, common))
    return Forms(common, unfilled)


def _normals(lines: list[str], made: dict[str, str]) -> list[str]:
    """Each line :func:`normal`; a long one (the reporter's own) as "".  ``made``: the lines
    made so far, of this batch (a form's lines come again and again)."""
    found = []
    for line in lines:
        if (n := made.get(line)) is None:
            n = made[line] = normal(line) if len(line) <= MAX_LINE else ""
        found.append(n)
    return found


def _counted(posts: list[list[str]]) -> frozenset[str]:
    seen: Counter[str] = Counter()
    for normals in posts:
        seen.update(set(normals))
    seen.pop("", None)
    return frozenset(line for line, n in seen.items() if n >= MIN_POSTS)


def _own_says_nothing(lines: list[str], normals: list[str], common: frozenset[str]) -> bool:
    own = (line for line, n in zip(lines, normals, strict=True) if n not in common)
    return body_mod.says_nothing("\n".join(own))
