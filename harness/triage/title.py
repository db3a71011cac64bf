"""What an issue's title says: its subject in a few words, often the clearest cue.

A title about speed, memory or output quality points at measurements on real hardware
and at no single line to fix, however small the reproduction in the body.  (Titles that
name code or an exception class were tried too: on held-out issues they did not help.)
"""
from __future__ import annotations

from harness.triage.body import words_of

# the subject is how fast, how much memory, how good the output is
PERF_WORDS = frozenset({"slow", "slower", "slowdown", "slowly", "speed", "faster", "latency",
                        "performance", "throughput", "memory", "vram", "oom", "leak",
                        "quality", "worse", "nan", "nans", "accuracy", "degradation"})


def cues(title: str) -> frozenset[str]:
    """``title_perf`` when the title is about speed, memory or output quality."""
    return cues_of(frozenset(words_of(title.lower())))


def cues_of(words: frozenset[str]) -> frozenset[str]:
    """:func:`cues` from the title's words (lower-cased)."""
    return _NONE if PERF_WORDS.isdisjoint(words) else _PERF


_NONE: frozenset[str] = frozenset()
_PERF = frozenset({"title_perf"})
