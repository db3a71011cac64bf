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
second time (26 us more an issue, a fifth more time for the whole assessment).  Each word
of the title weighed once more, apart from the same word in the post ("title:typo"): the
forty-two sets from the eighty-second to the hundred-and-twenty-third, each held out of an
update on the other hundred, 0.742 -> 0.745 (GPU recall 51/58 either way); three sets
unopened till then (167 issues), by the updates on the hundred and one without and with
it, 0.734 and 0.732.  Not kept: no gain on fresh issues, 2.5 us more an issue.
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
    "https", "http", "www", "com", "org", "html", "github", "blob", "huggingface",
    "site", "packages", "dist", "lib", "usr", "opt", "envs", "venv", "python3", "anaconda3",
    "miniconda3",
    # and of a link to a screenshot or the docs: real reasons named 'user' (of
    # user-images.githubusercontent.com and github.com/user-attachments/assets, 10 of the
    # 11 times it was named for the 1,485 labelled posts here), 'png', 'assets' and
    # 'co transformers' (huggingface.co/transformers/...)
    "co", "user", "png", "jpg", "jpeg", "gif", "assets", "attachments", "githubusercontent",
    # and of other links, paths, a traceback's frames and a split word: 'transformers issues'
    # (github.com/huggingface/transformers/issues/..., named 16 times for the 1,931 labelled
    # posts here), 'abs' (arxiv.org/abs/...), 'tmp', 'py line' ('File "x.py", line 12'),
    # '_originally posted' (GitHub's "_Originally posted by @..._"), 'pre' (of "pre-trained")
    "issues", "abs", "tmp", "py", "_originally", "pre",
    # and of the library's and the system's paths ('src' of src/transformers/..., 'bin' of
    # /usr/bin/python3: named 53 and 14 times for the 2,189 labelled posts here)
    "src", "bin",
))
# weighed but never named, alone or in a pair of them and words that say nothing (STOP):
# words every kind of post has, which tell a reader nothing of this one ("its words are
# those of harder issues: 'model', 'using', 'models'": real reasons named 'model' for 404
# of 1,641 labelled issues, 'using' for 372, 'issue' for 165, 'the model' for 51)
_GENERIC = frozenset((
    "model", "models", "using", "use", "used", "issue", "issues", "problem", "problems",
    "work", "works", "working", "worked", "also", "please", "thanks", "thank", "hello",
    "know", "try", "tried", "trying", "like", "want", "get", "got", "way", "thing",
    "something", "fine", "set",
    # the issue forms' own words ("Steps to reproduce the behavior"), and code's syntax
    # ('import' of a snippet's import lines, 'shell' of a code block's language: named 286
    # and 25 times for the 2,189 labelled posts here, 'import' the most named of all words)
    "behavior", "behaviour", "reproduce", "steps", "self", "line", "return", "print", "def",
    "str", "import", "shell",
    # words of degree and comparison, of no topic ("its words are those of harder issues:
    # 'similar', 'stable', 'better'", "... 'support', 'much', 'great'": real reasons, on
    # transformers#18240 and peft#94).  Of the 5,699 words named for the 1,903 labelled
    # posts here, 'instead' was named 57 times, 'much' 31, 'similar' 26, 'great' 24, 'many'
    # 21, 'around' 18, 'better' 5
    "instead", "much", "many", "similar", "great", "around", "better",
))
_SAY_LITTLE = _GENERIC | STOP
# a pair of a snippet's import lines ("import torch", "from peft", "transformers import",
# "python import" of a code block's language and its first line) or a module's path
# ("torch nn" of ``torch.nn``) says the post has code, not what it is about: weighed, not
# named.  Of the 411 pairs named for the 1,903 labelled posts here, 'import torch' was named
# 97 times, 'torch nn' 36, 'import autotokenizer' and 'import automodelforcausallm' 8 each
_IMPORT = frozenset(("import", "from"))
# a pair led by a word that says nothing alone tells no more than its second word ("the
# correct", "to load", "this error": real reasons), unless that word negates it or states
# it ("not found", "no attribute", "is none": an error's or a check's words)
_TELLING_LEADS = frozenset(("not", "no", "nor", "is"))
_CODE_PAIRS = frozenset(("torch nn",))


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
    """The weighed words, laid out for scoring: built once for a model's weights.

    Each weighed word or pair has a number, from 1: its rank among the words of easier
    issues, the heaviest that way first, ties alphabetical.  An issue's words are looked up
    once each, and their weights, ranks and names read by that number (a look-up in each of
    three tables took 10,000 issues 1.70 s on one core, bench/triage.py; this 1.63 s)."""

    weights: Mapping[str, float]
    singles: Mapping[str, int] = field(init=False, repr=False, compare=False)
    # the pairs as (word, word): a post's neighbours meet them without being joined
    pairs: Mapping[tuple[str, str], int] = field(init=False, repr=False, compare=False)
    # by number (0: none): the weight, the word or pair, whether a reason may name it
    weight: tuple[float, ...] = field(init=False, repr=False, compare=False)
    name: tuple[str, ...] = field(init=False, repr=False, compare=False)
    shown: tuple[bool, ...] = field(init=False, repr=False, compare=False)
    # the rank of each number among the words of harder issues (the heaviest that way
    # first, ties alphabetical)
    harder: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        w = self.weights  # (words and pairs that say nothing are never weighed, as in terms)
        easier = sorted((t for t in w if t not in _SAY_NOTHING), key=lambda t: (-w[t], t))
        number = {t: i for i, t in enumerate(easier, 1)}
        by_harder = sorted(easier, key=lambda t: (w[t], t))
        rank = [0] * (len(easier) + 1)
        for r, t in enumerate(by_harder):
            rank[number[t]] = r
        laid_out = {
            "singles": {t: i for t, i in number.items() if " " not in t},
            "pairs": {(a, b): i for t, i in number.items()
                      for a, space, b in (t.partition(" "),) if space},
            "weight": (0.0, *(w[t] for t in easier)), "name": ("", *easier),
            "shown": (False, *map(_shown, easier)),
            "harder": tuple(rank),
        }
        for key, v in laid_out.items():
            object.__setattr__(self, key, v)


def contribution(told: frozenset[str], head: Sequence[str],
                 vocabulary: Vocabulary) -> tuple[float, str] | None:
    """(log-odds, why) of an issue's :func:`terms` (from what it tells and the first of it,
    in order), or None when no word has a weight: the log-odds are :func:`logit` of them,
    as the fit counts it.  The why names the words that weigh most the way the sum goes
    (ties: in alphabetical order)."""
    pairs = set(itertools.pairwise(head))
    pairs -= _STOP_PAIRS
    # a told word is never a pair (words hold no space): distinct numbers, the counts add up
    weighed = [*filter(None, map(vocabulary.singles.get, told)),
               *filter(None, map(vocabulary.pairs.get, pairs))]
    if not weighed:
        return None
    weight = vocabulary.weight
    total = math.fsum(map(weight.__getitem__, weighed)) * _share(
        len(told) - len(told & STOP) + len(pairs))
    easier = total > 0
    # heaviest the way the sum goes first: the numbers are the ranks among easier issues
    ranked = sorted(weighed) if easier else sorted(weighed, key=vocabulary.harder.__getitem__)
    top: list[str] = []
    shown, name = vocabulary.shown, vocabulary.name
    for i in ranked:
        if (weight[i] <= 0 if easier else weight[i] >= 0) or len(top) == SHOWN:
            break
        if shown[i]:
            top.append(name[i])
    said = f"its words are those of {'easier' if easier else 'harder'} issues"
    return total, f"{said}: {_names(top)}" if top else said


def _shown(term: str) -> bool:
    """Whether a reason may name a word (of three letters or more, not :data:`_GENERIC`), or
    a pair ("is none", not "i m" of "I'm" or "can t": real reasons named them; nor "the
    model", "using the"; nor a pair that ends in a word that says nothing alone, most often
    two lines of code run together: "torch from" of ``import torch`` then ``from ...``,
    "python from" of a code block's language and its first line, "number of"; 28 of the 1,137
    words and pairs named for 379 real issues; nor a pair of an import line, :data:`_IMPORT`;
    nor one led by a word that says nothing alone, but for :data:`_TELLING_LEADS`)."""
    if " " not in term:
        return len(term) > 2 and term not in _UNSHOWN and term not in _GENERIC
    parts = term.split(" ")
    return all(len(w) > 1 and w not in _UNSHOWN for w in parts) \
        and not all(w in _SAY_LITTLE for w in parts) and parts[-1] not in STOP \
        and parts[0] not in _IMPORT and parts[1] != "import" and term not in _CODE_PAIRS \
        and (parts[0] not in STOP or parts[0] in _TELLING_LEADS)


def _names(words: Iterable[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)
