"""An issue's words, weighed by what the labelled issues taught about them.

The named signals of :mod:`.signals` are judgement: each is a cue someone thought of.  The
words are the rest of what a reader sees: every word the title and the post tell (not the
environment they list), and each pair of neighbouring words among the first
(``"an error"``, ``"device map"``).  Each one that enough labelled issues have has a weight
(``words`` in ``weights.json``, fitted with the easy model by :func:`.learn.fit_models`); an
issue's words add up to one contribution to its score, told as the words that weigh most.

Each of eighteen fresh labelled sets, scored by weights fitted on the others, is ranked
with AUC 0.776 with the words, 0.765 without.  Words and pairs read from the raw post's
first 1000 characters instead: 0.780, no clear gain for cutting the post into words a
second time (26 us more an issue, a fifth more time for the whole assessment).
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from operator import neg

SHOWN = 3  # the words named in a reason
# words that say nothing alone: not weighed
STOP = frozenset((
    "a", "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
    "most", "my", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our",
    "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too",
    "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "your",
))
_SAY_NOTHING = STOP | {f"{a} {b}" for a in STOP for b in STOP}
# weighed, not named in a reason: parts of links, which tell a reader nothing (nor do
# words of one or two letters, "s", "py", nor pairs with a part of a link or a letter,
# "github com", "i m")
_UNSHOWN = frozenset(("https", "http", "www", "com", "org", "html", "github", "blob"))


def terms(told: frozenset[str], head: Sequence[str]) -> frozenset[str]:
    """The words an issue tells (:attr:`.body.Body.words`: its title and post, without the
    environment it lists) and each pair of neighbours among the first (:attr:`.body.Body.head`:
    ``"an error"``), less the words and pairs that say nothing alone."""
    return (told | frozenset(map(" ".join, itertools.pairwise(head)))) - _SAY_NOTHING


def value(found: frozenset[str]) -> float:
    """Each word's share: a long post's words count less each, so length alone moves
    nothing (the words of a post, as a vector, have length 1)."""
    return 1.0 / math.sqrt(len(found)) if found else 0.0


def logit(found: frozenset[str], weights: Mapping[str, float]) -> float:
    """The words' part of the log-odds (fsum: the same whatever order a set iterates in)."""
    return math.fsum(w for t in found if (w := weights.get(t))) * value(found)


def contribution(found: frozenset[str], weights: Mapping[str, float],
                 known: frozenset[str] | None = None) -> tuple[float, str] | None:
    """(log-odds, why) of the words, or None when no word has a weight.  The why names
    the words that weigh most the way the sum goes (ties: in alphabetical order).
    ``known``: the words of ``weights`` as a set (:attr:`.model.Models.weighed`), if at hand."""
    weighed = found & (weights.keys() if known is None else known)
    if not weighed:
        return None
    ws = list(map(weights.__getitem__, weighed))
    total = math.fsum(ws) * value(found)
    # the words the way the sum goes, the heaviest first, ties alphabetical (sorted in C:
    # the first few are all a reason looks at), less those a reason may not name
    top: list[str] = []
    for w, t in sorted(zip(map(neg, ws) if total > 0 else ws, weighed, strict=True)):
        if w >= 0 or len(top) == SHOWN:
            break
        if _shown(t):
            top.append(t)
    said = f"its words are those of {'easier' if total > 0 else 'harder'} issues"
    return total, f"{said}: {_names(top)}" if top else said


def _shown(term: str) -> bool:
    """Whether a reason may name a word (of three letters or more), or a pair ("is none",
    not "i m" of "I'm" or "can t": real reasons named them)."""
    if " " not in term:
        return len(term) > 2 and term not in _UNSHOWN
    return all(len(w) > 1 and w not in _UNSHOWN for w in term.split(" "))


def _names(words: Iterable[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)
