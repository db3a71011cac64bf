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
from dataclasses import dataclass, field

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
_STOP_PAIRS = frozenset((a, b) for a in STOP for b in STOP)
_SAY_NOTHING = STOP | {f"{a} {b}" for a, b in _STOP_PAIRS}
# weighed, not named in a reason: parts of links and of the paths in a traceback, which
# tell a reader nothing (nor do words of one or two letters, "s", "py", nor pairs with
# one of those, "github com", "site packages", "i m").  Real reasons named 'site' and
# 'packages' for 46 and 36 of 752 labelled issues.
_UNSHOWN = frozenset((
    "https", "http", "www", "com", "org", "html", "github", "blob",
    "site", "packages", "dist", "lib", "usr", "opt", "envs", "venv", "python3", "anaconda3",
    "miniconda3",
))


def terms(told: frozenset[str], head: Sequence[str]) -> frozenset[str]:
    """The words an issue tells (:attr:`.body.Body.words`: its title and post, without the
    environment it lists) and each pair of neighbours among the first (:attr:`.body.Body.head`:
    ``"an error"``), less the words and pairs that say nothing alone.  What the fit reads;
    scoring reads the same through :func:`contribution`, without building the pairs."""
    return (told | frozenset(map(" ".join, itertools.pairwise(head)))) - _SAY_NOTHING


def value(found: frozenset[str]) -> float:
    """Each word's share: a long post's words count less each, so length alone moves
    nothing (the words of a post, as a vector, have length 1)."""
    return _share(len(found))


def _share(count: int) -> float:
    return 1.0 / math.sqrt(count) if count else 0.0


def logit(found: frozenset[str], weights: Mapping[str, float]) -> float:
    """The words' part of the log-odds (fsum: the same whatever order a set iterates in)."""
    return math.fsum(w for t in found if (w := weights.get(t))) * value(found)


@dataclass(frozen=True)
class Vocabulary:
    """The weighed words, laid out for scoring: built once for a model's weights."""

    weights: Mapping[str, float]
    singles: frozenset[str] = field(init=False, repr=False, compare=False)
    # the pairs as (word, word): a post's neighbours meet them without being joined
    pairs: Mapping[tuple[str, str], str] = field(init=False, repr=False, compare=False)
    pair_keys: frozenset[tuple[str, str]] = field(init=False, repr=False, compare=False)
    # for the words of easier issues (True) and of harder ones (False): each word's rank,
    # the heaviest that way first, ties alphabetical, and the words in that order
    ranks: Mapping[bool, tuple[Mapping[str, int], tuple[str, ...]]] = field(
        init=False, repr=False, compare=False)
    shown: frozenset[str] = field(init=False, repr=False, compare=False)  # may be named

    def __post_init__(self) -> None:
        w = self.weights  # (words and pairs that say nothing are never weighed, as in terms)
        pairs = {(a, b): t for t in w for a, space, b in (t.partition(" "),)
                 if space and (a, b) not in _STOP_PAIRS}
        easier = tuple(sorted(w, key=lambda t: (-w[t], t)))
        harder = tuple(sorted(w, key=lambda t: (w[t], t)))
        laid_out = {"singles": frozenset(t for t in w if " " not in t) - STOP, "pairs": pairs,
                    "pair_keys": frozenset(pairs), "shown": frozenset(filter(_shown, w)),
                    "ranks": {True: (_ranks(easier), easier), False: (_ranks(harder), harder)}}
        for name, v in laid_out.items():
            object.__setattr__(self, name, v)


def _ranks(order: Sequence[str]) -> dict[str, int]:
    return {t: i for i, t in enumerate(order)}


def contribution(told: frozenset[str], head: Sequence[str],
                 vocabulary: Vocabulary) -> tuple[float, str] | None:
    """(log-odds, why) of an issue's :func:`terms` (from what it tells and the first of it,
    in order), or None when no word has a weight: the log-odds are :func:`logit` of them,
    as the fit counts it.  The why names the words that weigh most the way the sum goes
    (ties: in alphabetical order)."""
    pairs = set(itertools.pairwise(head))
    pairs -= _STOP_PAIRS
    weighed = told & vocabulary.singles
    if pairs_weighed := pairs & vocabulary.pair_keys:
        weighed |= frozenset(map(vocabulary.pairs.__getitem__, pairs_weighed))
    if not weighed:
        return None
    # a told word is never a pair (words hold no space): the two counts add up
    weights = vocabulary.weights
    total = math.fsum(map(weights.__getitem__, weighed)) * _share(
        len(told) - len(told & STOP) + len(pairs))
    rank, order = vocabulary.ranks[total > 0]
    top: list[str] = []
    for i in sorted(map(rank.__getitem__, weighed)):
        t = order[i]
        if (weights[t] <= 0 if total > 0 else weights[t] >= 0) or len(top) == SHOWN:
            break
        if t in vocabulary.shown:
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
