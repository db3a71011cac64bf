"""What an issue's title says: its subject in a few words, often the clearest cue.

A title that names code (```Trainer.evaluate```, ``KeyError``) points at one place to fix;
one about speed, memory or output quality points at measurements on real hardware.
"""
from __future__ import annotations

import re

from harness.triage.body import SPACES

# the subject is how fast, how much memory, how good the output is
PERF_WORDS = frozenset({"slow", "slower", "slowdown", "slowly", "speed", "faster", "latency",
                        "performance", "throughput", "memory", "vram", "oom", "leak",
                        "quality", "worse", "nan", "nans", "accuracy", "degradation"})
_EXCEPTION = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")


def cues(title: str) -> frozenset[str]:
    """``title_code`` (names code in backticks), ``title_error`` (names an exception class),
    ``title_perf`` (about speed, memory or output quality)."""
    found = set()
    if title.count("`") >= 2:
        found.add("title_code")
    if ("Error" in title or "Exception" in title) and _EXCEPTION.search(title):
        found.add("title_error")
    if not PERF_WORDS.isdisjoint(title.lower().translate(SPACES).split()):
        found.add("title_perf")
    return frozenset(found)
