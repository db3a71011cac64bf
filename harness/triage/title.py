"""What an issue's title says: its subject in a few words, often the clearest cue.

A title about speed, memory or output quality points at measurements on real hardware
and at no single line to fix, however small the reproduction in the body.  A title that
names an error is about a crash one can reproduce and trace to a line: on both labelled
sets, in each repository, such issues are easy more often than the rest (0.47 against 0.30
of the development set, 0.55 against 0.41 of the second).  (Titles that name code were
tried too: on held-out issues they did not help.)
"""
from __future__ import annotations

from harness.triage.body import words_of

# the subject is how fast, how much memory, how good the output is
PERF_WORDS = frozenset({"slow", "slower", "slowdown", "slowly", "speed", "faster", "latency",
                        "performance", "throughput", "memory", "vram", "oom", "leak",
                        "quality", "worse", "nan", "nans", "accuracy", "degradation"})

# the subject is an error: the word, or an exception class Python raises for a wrong call
ERROR_WORDS = frozenset({"error", "errors", "exception", "typeerror", "attributeerror",
                         "valueerror", "keyerror", "importerror", "indexerror", "nameerror",
                         "modulenotfounderror", "assertionerror", "oserror",
                         "notimplementederror", "unboundlocalerror"})


def cues(title: str) -> frozenset[str]:
    """``title_perf`` when the title is about speed, memory or output quality;
    ``title_error`` when it names an error."""
    return cues_of(frozenset(words_of(title.lower())))


def cues_of(words: frozenset[str]) -> frozenset[str]:
    """:func:`cues` from the title's words (lower-cased)."""
    return _CUES[(not PERF_WORDS.isdisjoint(words), not ERROR_WORDS.isdisjoint(words))]


_CUES: dict[tuple[bool, bool], frozenset[str]] = {
    (False, False): frozenset(), (True, False): frozenset({"title_perf"}),
    (False, True): frozenset({"title_error"}),
    (True, True): frozenset({"title_perf", "title_error"}),
}
