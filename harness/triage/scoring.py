"""Beginner fit and GPU need: two small logistic models over named signals, explained.

Each issue's :mod:`.signals` are weighed by the learned models of :mod:`.model` (weights
in ``weights.json``, fitted on labelled real issues) and by :data:`HISTORY`, the hand-set
weights of what a first post does not show (comments, assignees, age, linked PRs).  The
score is the probability that a beginner can finish the issue on a laptop:
``sigmoid(bias + sum of contributions)``; every contribution is a reason, in log-odds, so
the reasons add up to the score.  Deterministic, offline.
"""
from __future__ import annotations

from typing import NamedTuple

from harness.triage import comments, model, signals, words
from harness.triage.features import Features
from harness.triage.issues import Issue

EASY = 0.5  # bands: easy from this probability up,
MEDIUM = 0.2  # medium from here, hard below

# Hand-set log-odds for an issue's history and state.  The labelled first posts that the
# models learn from carry none of it, so these are judgement, not fit.
HISTORY: dict[str, float] = {
    # over 10 comments: contested or subtle
    "long_discussion": -0.4,
    # over 25 comments: more so
    "very_long_discussion": -0.4,
    # open over a year: the easy ones get fixed sooner
    "old": -0.3,
    # someone is assigned
    "assigned": -1.0,
    # an open pull request would close it
    "linked_pr": -1.5,
    # labelled work in progress
    "wip": -1.0,
    # a comment says someone is working on it ("I'd like to work on this")
    "claimed": -1.5,
    # ... but they have said nothing in the thread for a month or more (comments.QUIET_DAYS):
    # most likely gone, yet they may hold a branch of it: ask before taking it over
    "claim_gone_quiet": -0.5,
    # ... one part of an issue of many, others still open (comments.standing): someone
    # is on a part, and maybe on the one a reader picks
    "claimed_part": -0.3,
    # a maintainer answered in the thread
    "maintainer_replied": 0.3,
    # a maintainer agreed on a fix or asked for a PR ("a PR is welcome")
    "maintainer_agreed": 1.0,
}
_HISTORY = model.Linear(0.0, HISTORY)


Part = tuple[float, str]  # (contribution in log-odds, why)
# the why of the GPU model's part, flagged or not: told when shown (Assessment.reasons) in
# the words of gpu_answer(), with the probability and the main reasons
_NEEDS_GPU = "needs a GPU"
_MAY_NEED_GPU = "may need a GPU"
LIKELY_GPU = 0.5  # from this GPU probability up a flagged issue "needs" a GPU, below: "may"
_NOTHING: tuple[Part, ...] = ((0.0, "nothing in the text moves it from the usual odds"),)


class Assessment(NamedTuple):
    issue: Issue
    score: float  # probability that a beginner can finish it on a laptop
    band: str  # "easy", "medium" or "hard"
    needs_gpu: bool
    parts: tuple[Part, ...]  # the easy model's contributions, in the signals' order
    features: Features
    gpu_score: float = 0.0  # probability that it needs a CUDA GPU
    gpu_parts: tuple[Part, ...] = ()  # the GPU model's contributions

    @property
    def reasons(self) -> tuple[str, ...]:
        """"+1.20 labelled 'Good First Issue'", biggest effect first (ordered and formatted
        when shown: ranking 10,000 issues shows few)."""
        return tuple(f"{c:+.2f} {self._why(why)}" for c, why in _said(self.parts))

    def _why(self, why: str) -> str:
        """The GPU model's verdict is told with its probability and its main reasons.  Not
        flagged, the cues that pushed towards a GPU are told as weak signs, not as the why
        ("unlikely to need a GPU (3%: the reporter ran it on a GPU)" read as if running it
        on a GPU made a GPU unlikely: 43 of 198 real issues not flagged, of the dev set and
        six fresh sets, named such a cue as the why)."""
        if why not in (_NEEDS_GPU, _MAY_NEED_GPU):  # (equal, not the same object: unpickled)
            return why
        top = "; ".join(w for c, w in model.biggest_first(self.gpu_parts)[:3] if c > 0)
        answer = gpu_answer(why == _NEEDS_GPU, self.gpu_score)
        lead = "; weak signs: " if answer == "" else ": "
        return f"{_GPU_SAID[answer]} ({self.gpu_score:.0%}{lead + top if top else ''})"

    @property
    def gpu_reasons(self) -> tuple[str, ...]:
        return tuple(f"{c:+.2f} {why}" for c, why in _said(self.gpu_parts))


def _said(parts: tuple[Part, ...]) -> list[Part]:
    """The parts a reason tells, biggest first: not those that round to 0.00 ("-0.00
    unlikely to need a GPU (0%)" moved nothing), unless no other is left."""
    ordered = model.biggest_first(parts)
    return [p for p in ordered if abs(p[0]) >= 0.005] or ordered


def gpu_answer(flagged: bool, p: float) -> str:
    """The GPU model's answer, as the table's GPU column gives it: "yes" when flagged and
    likely (``p``, its probability), "maybe" when flagged below that (the threshold is set
    low, to miss few), "" when not flagged."""
    if not flagged:
        return ""
    return "yes" if p >= LIKELY_GPU else "maybe"


# each answer in a reason's words
_GPU_SAID = {"yes": "needs a GPU", "maybe": "may need a GPU", "": "unlikely to need a GPU"}


def band(score: float) -> str:
    """The band of a score: as :func:`shown`, a score names its band (0.50 is easy, 0.49
    medium)."""
    return "easy" if score >= EASY else "medium" if score >= MEDIUM else "hard"


def shown(score: float) -> str:
    """A score in two decimals, cut, not rounded: rounded, 0.497 read "0.50" beside the band
    "medium" (diffusers#3194, real), where the bands start at 0.50 and 0.20."""
    return f"{score:.3f}"[:-1]


def assess(issue: Issue, f: Features, weights: model.Models | None = None, *,
           keep: Features | None = None) -> Assessment:
    """``issue`` scored from its features ``f``; the assessment holds ``keep`` in their
    place where given (:func:`.features.without_words`)."""
    m = weights or model.load()
    gpu_found, found = signals.both(f)
    gpu_parts = m.gpu.contributions(gpu_found)
    gpu_p = m.gpu.probability(gpu_parts)
    needs_gpu = gpu_p >= m.gpu.threshold
    found.append(("gpu", gpu_p, _NEEDS_GPU if needs_gpu else _MAY_NEED_GPU))
    parts = m.scored.contributions(found)
    if m.vocabulary.weights and (said := words.contribution(f.told, f.head, m.vocabulary)):
        parts.append(said)
    if f.comments > 10 or f.age_days > 365 or f.assignees or f.linked_prs or f.flags \
            or f.claimed or f.maintainer:
        parts += _HISTORY.contributions(history(f))
    # the band of the score as kept: 0.4996 is kept as 0.5, and so is easy
    score = round(m.scored.probability(parts), 3)
    return Assessment(
        issue=issue, score=score, band=band(score), needs_gpu=needs_gpu,
        parts=tuple(parts) or _NOTHING, features=f if keep is None else keep,
        gpu_score=round(gpu_p, 3), gpu_parts=tuple(gpu_parts),
    )


def history(f: Features) -> list[signals.Signal]:
    found: list[signals.Signal] = []
    if f.comments > 10:
        found.append(("long_discussion", 1.0, f"long discussion ({f.comments} comments)"))
    if f.comments > 25:
        found.append(("very_long_discussion", 1.0, "very long discussion"))
    if f.age_days > 365:
        years = f.age_days // 365
        found.append(("old", 1.0, f"filed {'a year' if years == 1 else f'{years} years'} ago"))
    if f.assignees:
        found.append(("assigned", 1.0, f"assigned to {', '.join(f.assignees)}"))
    if f.linked_prs:
        prs = ", ".join(f"#{n}" for n in f.linked_prs)
        found.append(("linked_pr", 1.0, f"an open pull request may fix it ({prs})"))
    if "wip" in f.flags:
        found.append(("wip", 1.0, "labelled work in progress"))
    if f.claimed:
        found.append(_claim_signal(f))
    if f.maintainer == "agreed":
        found.append(("maintainer_agreed", 1.0, "a maintainer agreed on a fix (a PR is welcome)"))
    elif f.maintainer == "replied":
        found.append(("maintainer_replied", 1.0, "a maintainer replied"))
    return found


def _claim_signal(f: Features) -> signals.Signal:
    """What a comment's claim says of the issue, as its :func:`.comments.standing` reads."""
    match comments.standing(f.claim_quiet_days, f.open_parts):
        case comments.Standing.TAKEN:
            return ("claimed", 1.0, f"{f.claimed} said in a comment they are working on it")
        case comments.Standing.PART:
            return ("claimed_part", 1.0, f"{f.claimed} took a part of it in a comment, and "
                    f"{f.open_parts} of the parts its post lists are open: pick one nobody "
                    "has taken")
        case comments.Standing.QUIET:
            return ("claim_gone_quiet", 1.0, f"{f.claimed} said in a comment they would work "
                    f"on it, and nothing from them for {quiet(f.claim_quiet_days)}: ask "
                    "before taking it over")


def quiet(days: int) -> str:
    """How long a claimant has been silent (a month or more), in words: "a month", "4
    months", "2 years"."""
    if days >= 730:
        return f"{days // 365} years"
    return "a month" if days < 60 else f"{days // 30} months"
