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
new-model form that says "no" under a question.  10,000 posts: 0.11 s.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from harness.triage import body as body_mod

MIN_POSTS = 3  # a line in this many posts of the batch is a form's, not a reporter's
MAX_LINE = 200  # a longer line is the reporter's own (the forms' prompts are short)
_MARKS = "#>*-+ \t"  # headings, quotes and list marks: the same prompt under another mark


def normal(line: str) -> str:
    """A line as forms are compared: marks and spaces at its ends gone, spaces as one, lower."""
    return " ".join(line.lstrip(_MARKS).split()).lower()


def common_lines(bodies: Iterable[str]) -> frozenset[str]:
    """The lines (:func:`normal`) that :data:`MIN_POSTS` of ``bodies`` or more carry, each
    counted once a post."""
    seen: Counter[str] = Counter()
    for text in bodies:
        seen.update({n for line in text.splitlines()
                     if len(line) <= MAX_LINE and (n := normal(line))})
    return frozenset(line for line, n in seen.items() if n >= MIN_POSTS)


def says_nothing_but(text: str, common: frozenset[str]) -> bool:
    """Whether a post says nothing (:func:`.body.says_nothing`) once the lines of ``common``
    (:func:`common_lines`) are left out of it."""
    own = "\n".join(line for line in text.splitlines() if normal(line) not in common)
    return body_mod.says_nothing(own)
