"""How well triage ranks real issues: AUC easy vs rest, precision@10, GPU recall/precision.

    python bench/triage_quality.py ISSUES.jsonl [MORE.jsonl ...] [--folds repo|K|none]
    python bench/triage_quality.py ISSUES.jsonl --fit      # refit harness/triage/weights.json
    python bench/triage_quality.py ISSUES.jsonl --test OTHER.jsonl  # fit here, score there
    python bench/triage_quality.py A.jsonl B.jsonl ... --update --folds file  # weights updated
    python bench/triage_quality.py A.jsonl ... --majority  # easy or not by two readers of three

Reads labelled issues in the format of the development set (one JSON object a line:
repo, number, title, labels, state, created_at, body, difficulty, needs_gpu, ...); the
texts stay where they are, nothing of them is copied into the repository.

Two views, each overall and per repository:
- ``shipped``: the weights in harness/triage/weights.json as they are;
- ``held-out`` (default ``--folds repo``): for each repository, weights fitted on the
  OTHER repositories only, then scored on it (leave one repository out); ``--folds 5``
  is a 5-fold split by issue instead, ``--folds file`` leaves each file given out in turn
  (one labelled set each).  These are the honest figures for unseen issues.
The last view is also split by the kind the labels give (bug, question, feature, ...): the
AUC within a kind says where the ranking goes wrong.  A line under it counts the kinds
scoring finds as the labels give them, and the usage questions it finds (``--beginner``
leaves those out).

The dev set has no comments, assignees or history, so each issue is scored as of the day
it was filed (age 0, no comments): only what its text and labels say counts.

Each AUC comes with the middle 95% of the AUCs of 1,000 resamples of its issues: how far
chance moves the AUC of a set that size (a repository's 30 issues of one fresh set: about
0.15 either way; the eight fresh sets from the twenty-third, 672 issues: 0.03).

Exits 1 when a held-out repository misses AUC >= 0.85 or GPU recall >= 0.9.

``--update`` moves the shipped weights by the issues given, each pulled back to its
shipped weight (:func:`harness.triage.learn.update`): the GPU model's (its cut taken
again), then the easy model's words and signals.  It also fits the words alone on those
issues and blends them in (weights that hold words alone already: moved, each pulled back
to its shipped weight, as the model's own words).  The shipped weights are the first
fit's updated on every labelled set at once (below).  It writes weights.json with the
issues it learned from (``updated_on``), and refuses (exit 2) any of them given again:
they would weigh twice; with ``--folds file`` it first scores each file after an update on
the others.

``--fit`` refuses (exit 2) to replace weights fitted on more issues than it was given: the
shipped ones learned from every labelled set below, whose texts are not in the repository,
and a machine that lacks some of them would otherwise ship weights that learned from a
fraction.  ``--replace`` writes them anyway.

``--test OTHER.jsonl`` fits on the sets given and scores OTHER with those weights (weights.json
untouched): the figures for a set labelled apart.  ``--folds none`` scores a set with the
shipped weights only.

``--labels LABELS.jsonl`` takes the labels of the issues it names from that file instead
(another labeller's; ``bench/triage_agreement.py`` compares two label files), and
``--agree LABELS.jsonl`` scores only the issues whose easy-or-not that file agrees with.

The labelled sets (``bench/triage_extra*_labels.jsonl``: numbers, labels and reasons, no
texts; ``..._relabels.jsonl``: a second reader's labels of the same issues;
``..._thirdlabels.jsonl``: a third reader's, where the first two disagree on easy or not):
how each was drawn, read and scored, with its figures, is told in ``bench/triage_sets.md``.

The texts of the sets after the dev set are not in the repository: a new machine that
lacks them can score the dev set and any set it gathers again, but not refit on them all
(``--fit`` says so).  ``bench/triage_texts.py`` brings them from GitHub (as GitHub gives
them now, whole: the labels were read from the posts as a corpus of threads showed them,
often cut short).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.recipes import Recipe, load  # noqa: E402
from harness.triage import features, learn, model, scoring  # noqa: E402
from harness.triage.features import Features  # noqa: E402
from harness.triage.issues import Issue  # noqa: E402

AUC_GOAL = 0.85
GPU_RECALL_GOAL = 0.9


def misses_goal(auc: float | None, gpu_recall: float | None) -> bool:
    """Whether one repository's figures miss the goal: AUC >= 0.85 and GPU recall >= 0.9
    (a repository with no GPU issue has no recall to miss, one whose issues are all easy or
    none easy no AUC: :func:`unmeasured` names those)."""
    return (auc is not None and auc < AUC_GOAL) or (
        gpu_recall is not None and gpu_recall < GPU_RECALL_GOAL)


def unmeasured(names: Sequence[str]) -> str:
    """The line that names the repositories whose issues give no AUC (none easy, or all):
    neither met nor missed (the 182nd set's 4 diffusers and 3 peft posts, none easy, were
    said to miss the goal)."""
    return f"no AUC for {', '.join(names)} (every issue easy, or none): not counted either way"


@dataclass(frozen=True)
class Labelled:
    issue: Issue
    features: Features
    easy: bool
    needs_gpu: bool
    kind: str
    source: str = ""  # the file it was read from


Key = tuple[str, int]  # (repo, number)
Readers = Mapping[Key, Mapping[str, Any]]  # one reader's labels of issues


def read_labels(paths: Sequence[str]) -> dict[Key, dict[str, Any]]:
    """Label records (repo, number, difficulty, needs_gpu, kind, ...) by (repo, number)."""
    found = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                found[(str(raw["repo"]), int(raw["number"]))] = raw
    return found


def majority(first: Readers, second: Readers, third: Readers) -> dict[Key, dict[str, Any]]:
    """Each issue's label on easy or not by two of its three readers: the first two's where
    they agree, the third's where they do not (an issue the third has not read is left out
    then), with the first reader's GPU label and kind."""
    found = {}
    for k, v in first.items():
        if k not in second:
            continue
        easy = v["difficulty"] == "easy"
        if (second[k]["difficulty"] == "easy") != easy:
            if k not in third:
                continue
            easy = third[k]["difficulty"] == "easy"
        found[k] = {"difficulty": "easy" if easy else "medium", "needs_gpu": v.get("needs_gpu"),
                    **({"kind": v["kind"]} if "kind" in v else {})}
    return found


_SET = re.compile(r"triage_extra(\d+)\.jsonl$")


def majority_labels(paths: Sequence[str]) -> dict[Key, dict[str, Any]]:
    """The easy labels of the sets among ``paths`` (``triage_extraN.jsonl``) by the majority
    of their three readers (:func:`majority`), from this checkout's
    ``bench/triage_extraN_{labels,relabels,thirdlabels}.jsonl``; a set without them, or a
    file of another name, gives none."""
    found: dict[Key, dict[str, Any]] = {}
    for path in paths:
        if not (m := _SET.search(Path(path).name)):
            continue
        files = [ROOT / "bench" / f"triage_extra{m.group(1)}_{which}.jsonl"
                 for which in ("labels", "relabels", "thirdlabels")]
        first, second, third = (read_labels([str(f)]) if f.is_file() else {} for f in files)
        found |= majority(first, second, third)
    return found


def read(paths: Sequence[str], labels: Readers | None = None) -> list[Labelled]:
    recipes: dict[str, Recipe] = {}
    found = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                repo = str(raw["repo"])
                if labels and (repo, int(raw["number"])) in labels:
                    given = labels[(repo, int(raw["number"]))]
                    raw = {**raw, **{k: given[k] for k in ("difficulty", "needs_gpu", "kind")
                                     if k in given}}
                if raw["difficulty"] not in ("easy", "medium", "hard") or repo.count("/") != 1:
                    raise ValueError(f"difficulty {raw['difficulty']!r}, repo {repo!r}")
            except (ValueError, KeyError, TypeError) as e:
                print(f"{path}:{n}: skipped: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            name = repo.rpartition("/")[2]
            recipe = recipes.get(name) or recipes.setdefault(name, load(name))
            created = _date(str(raw.get("created_at") or "2024-01-01"))
            issue = Issue(
                repo=repo, number=int(raw["number"]), title=str(raw.get("title") or ""),
                body=str(raw.get("body") or ""), state=str(raw.get("state") or "open"),
                labels=tuple(str(x) for x in raw.get("labels") or ()), assignees=(),
                author=str(raw.get("author") or ""), comments=0,
                created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                updated_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"), closed_at=None,
                url=str(raw.get("url") or ""),
            )
            f = features.extract(issue, recipe, now=created)
            found.append(Labelled(issue, f, raw["difficulty"] == "easy",
                                  bool(raw.get("needs_gpu")), str(raw.get("kind") or ""), path))
    return found


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text[:10]).replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime(2024, 1, 1, tzinfo=timezone.utc)


# ----------------------------------------------------------------- measures

def auc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Probability that a random positive outranks a random negative (ties count half):
    :func:`weighted_auc` with every issue counted once."""
    return weighted_auc(scores, positive, [1.0] * len(scores))


def auc_interval(scores: Sequence[float], positive: Sequence[bool], reps: int = 1000,
                 seed: int = 0) -> tuple[float, float] | None:
    """The middle 95% of the AUCs of ``reps`` resamples (the easy and the other issues each
    drawn again, with replacement, as many as there are): how far the AUC of a set this
    size moves by chance."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = sorted(s for s, p in zip(scores, positive, strict=True) if not p)
    if not pos or not neg:
        return None
    # each easy issue's place among the others: those below its score, then those tied
    spans = [(bisect.bisect_left(neg, s), bisect.bisect_right(neg, s)) for s in pos]
    rng = random.Random(seed)
    found = []
    for _ in range(reps):
        counts = [0] * len(neg)
        for j in rng.choices(range(len(neg)), k=len(neg)):
            counts[j] += 1
        cum = list(itertools.accumulate(counts, initial=0))
        # each easy issue drawn wins over the others drawn below it, and half of the tied
        wins = math.fsum(cum[lo] + (cum[hi] - cum[lo]) / 2 for lo, hi in
                         rng.choices(spans, k=len(pos)))
        found.append(wins / (len(pos) * len(neg)))
    found.sort()
    return found[int(0.025 * reps)], found[int(0.975 * reps) - 1]


# the kinds of the development set's 200 issues (../shared/triage/README.md): the sets drawn
# since are richer in usage questions (half of the 177th to the 179th, 11% of the dev set),
# which rank worse within their kind than bugs do, so their AUC alone mixes how well it ranks
# with what was drawn.  :func:`mix_auc` weighs each kind back to these shares.
DEV_KINDS: Mapping[str, int] = {"bug": 137, "feature": 25, "question": 22, "docs": 12,
                                "new-model": 4}


def weighted_auc(scores: Sequence[float], positive: Sequence[bool],
                 weights: Sequence[float]) -> float | None:
    """:func:`auc` with each issue counted ``weight`` times: the weighted share of (easy,
    other) pairs the easy issue wins (ties count half)."""
    rows = sorted(zip(scores, positive, weights, strict=True))
    pos_total = math.fsum(w for _, p, w in rows if p)
    neg_total = math.fsum(w for _, p, w in rows if not p)
    if not pos_total or not neg_total:
        return None
    wins = below = 0.0
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        tied = list(group)
        pos = math.fsum(w for _, p, w in tied if p)
        neg = math.fsum(w for _, p, w in tied if not p)
        wins += pos * (below + neg / 2)
        below += neg
    return wins / (pos_total * neg_total)


def mix_auc(scores: Sequence[float], positive: Sequence[bool], kinds: Sequence[str],
            mix: Mapping[str, int] = DEV_KINDS) -> float | None:
    """The AUC of a set as if its kinds (as labelled) came in the shares of ``mix``: each
    issue weighs its kind's share there over its kind's count here.  A kind ``mix`` lacks
    ("other": spam, empty templates) weighs nothing; the shares are of the kinds both have."""
    counts = Counter(kinds)
    shared = math.fsum(v for k, v in mix.items() if counts[k])
    if not shared:
        return None
    weights = [mix.get(k, 0) / shared / counts[k] for k in kinds]
    return weighted_auc(scores, positive, weights)


def precision_at(scores: Sequence[float], positive: Sequence[bool], k: int = 10) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(positive[i] for i in order) / max(1, len(order))


@dataclass(frozen=True)
class Row:
    name: str
    n: int
    easy: int
    gpu: int
    auc: float | None
    p10: float
    gpu_recall: float | None
    gpu_precision: float | None
    gpu_auc: float | None
    no_reasons: int
    auc_range: tuple[float, float] | None = None  # auc_interval


def measure(name: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> Row:
    scores = [a.score for a in assessed]
    easy = [x.easy for x in items]
    flagged = [a.needs_gpu for a in assessed]
    truth = [x.needs_gpu for x in items]
    hits = sum(f and t for f, t in zip(flagged, truth, strict=True))
    return Row(name, len(items), sum(easy), sum(truth), auc(scores, easy),
               precision_at(scores, easy),
               hits / sum(truth) if any(truth) else None,
               hits / sum(flagged) if any(flagged) else None,
               auc([a.gpu_score for a in assessed], truth), sum(not a.reasons for a in assessed),
               auc_interval(scores, easy))


def show(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'set':<14}{'n':>5}{'easy':>6}{'gpu':>5}{'AUC':>8}{'P@10':>7}"
          f"{'GPU rec':>9}{'GPU prec':>10}{'GPU AUC':>9}{'no reason':>11}  AUC 95% by chance")

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    for r in rows:
        print(f"  {r.name:<14}{r.n:>5}{r.easy:>6}{r.gpu:>5}{f(r.auc):>8}{r.p10:>7.2f}"
              f"{f(r.gpu_recall):>9}{f(r.gpu_precision):>10}{f(r.gpu_auc):>9}{r.no_reasons:>11}"
              f"  {'-' if r.auc_range is None else '{:.2f}-{:.2f}'.format(*r.auc_range)}")


def measure_where(name: str, items: list[Labelled], assessed: list[scoring.Assessment],
                  keep: Callable[[Labelled], bool]) -> Row:
    """:func:`measure` of the issues ``keep`` keeps, each with its assessment."""
    pairs = [(x, a) for x, a in zip(items, assessed, strict=True) if keep(x)]
    return measure(name, [x for x, _ in pairs], [a for _, a in pairs])


def each_file(items: list[Labelled], assessed: list[scoring.Assessment],
              paths: Sequence[str]) -> list[Row]:
    """A row for the issues read from each of ``paths``."""
    return [measure_where(Path(p).name, items, assessed, lambda x, p=p: x.source == p)
            for p in paths]


def each_kind(items: list[Labelled], assessed: list[scoring.Assessment]) -> list[Row]:
    """A row for the issues of each kind their labels give (bug, question, ...): where the
    ranking goes wrong (the AUC within a kind: easy questions against other questions)."""
    counts = Counter(x.kind for x in items)
    return [measure_where(k or "(none)", items, assessed, lambda x, k=k: x.kind == k)
            for k in sorted(counts, key=lambda k: (-counts[k], k))]


def kinds_found(items: list[Labelled]) -> str:
    """How often the kind scoring finds (bug, question, ...) is the one the labels give, and
    how many of the usage questions it finds: ``--beginner`` leaves those out."""
    labelled = [x for x in items if x.kind]
    if not labelled:
        return "kind found as labelled: no kinds in the labels"
    same = sum(x.features.kind == x.kind for x in labelled)
    asked = sum(x.kind == "question" for x in labelled)
    found = sum(x.kind == "question" and x.features.kind == "question" for x in labelled)
    others = sum(x.kind != "question" and x.features.kind == "question" for x in labelled)
    return (f"kind found as labelled: {same} of {len(labelled)} ({same / len(labelled):.0%});"
            f" called questions: {found} of the {asked} usage questions and {others} of the "
            f"{len(labelled) - asked} other issues (--beginner leaves those out)")


def show_kinds(view: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> None:
    """The table by kind (:func:`each_kind`), the line of :func:`kinds_found`, then the
    ranking ``--beginner`` shows (:func:`report` of the issues scoring does not call usage
    questions: a question is no fix to make; the labelled sets have no comments, so no
    issue is left out as claimed).  The goals are the figures of every issue."""
    show(f"{view}, each kind of issue (as labelled)", each_kind(items, assessed))
    print(f"  {kinds_found(items)}")
    mixed = mix_auc([a.score for a in assessed], [x.easy for x in items],
                    [x.kind for x in items])
    if mixed is not None:
        print(f"  AUC as if the kinds came in the dev set's shares (mix_auc): {mixed:.3f}")
    kept = [(x, a) for x, a in zip(items, assessed, strict=True) if x.features.kind != "question"]
    report(f"{view}, as --beginner ranks them (the {len(items) - len(kept)} issues it calls "
           f"usage questions left out)", [x for x, _ in kept], [a for _, a in kept])


def report(title: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> list[Row]:
    rows = [measure("all", items, assessed)]
    rows += [measure_where(repo.rpartition("/")[2], items, assessed,
                           lambda x, repo=repo: x.issue.repo == repo)
             for repo in sorted({x.issue.repo for x in items})]
    show(title, rows)
    return rows


# ----------------------------------------------------------------- fitting

def fit(items: list[Labelled]) -> model.Models:
    return learn.fit_models([(x.issue, x.features) for x in items],
                            [x.easy for x in items], [x.needs_gpu for x in items])


def assess(items: list[Labelled], models: model.Models) -> list[scoring.Assessment]:
    return [scoring.assess(x.issue, x.features, models) for x in items]


def update(items: list[Labelled], models: model.Models, gpu: bool = True) -> model.Models:
    """``models`` updated on these issues (:func:`.learn.update`); the GPU model too unless
    ``gpu`` is false (``--keep-gpu``)."""
    return learn.update([(x.issue, x.features) for x in items], [x.easy for x in items], models,
                        gpu=[x.needs_gpu for x in items] if gpu else None)


def held_out(items: list[Labelled], folds: str,
             fitter: Callable[[list[Labelled]], model.Models] | None = None
             ) -> list[scoring.Assessment]:
    """Each issue scored by weights fitted (by ``fitter``, else from scratch) without its
    fold."""
    fitter = fitter or fit
    key: Callable[[int, Labelled], str]
    if folds == "repo":
        key = lambda i, x: x.issue.repo  # noqa: E731
    elif folds == "file":
        key = lambda i, x: x.source  # noqa: E731
    else:
        k = int(folds)
        key = lambda i, x: str(i % k)  # noqa: E731
    groups = sorted({key(i, x) for i, x in enumerate(items)})
    out: list[scoring.Assessment | None] = [None] * len(items)
    for g in groups:
        train = [x for i, x in enumerate(items) if key(i, x) != g]
        models = fitter(train)
        for i, x in enumerate(items):
            if key(i, x) == g:
                out[i] = scoring.assess(x.issue, x.features, models)
    return [a for a in out if a is not None]


def mistakes(items: list[Labelled], assessed: list[scoring.Assessment], n: int) -> None:
    """The worst-ranked easy issues, the best-ranked others, missed and false GPU flags."""
    pairs = list(zip(items, assessed, strict=True))
    print("\nlowest-scored easy issues:")
    for x, a in sorted((p for p in pairs if p[0].easy), key=lambda p: p[1].score)[:n]:
        print(f"  {a.score:.2f} {x.issue.repo.rpartition('/')[2]}#{x.issue.number} "
              f"{x.issue.title[:60]!r}: {'; '.join(a.reasons[:3])}")
    print("highest-scored other issues:")
    for x, a in sorted((p for p in pairs if not p[0].easy), key=lambda p: -p[1].score)[:n]:
        print(f"  {a.score:.2f} {x.issue.repo.rpartition('/')[2]}#{x.issue.number} "
              f"{x.issue.title[:60]!r}: {'; '.join(a.reasons[:3])}")
    print("GPU issues not flagged:")
    for x, a in pairs:
        if x.needs_gpu and not a.needs_gpu:
            print(f"  {x.issue.repo.rpartition('/')[2]}#{x.issue.number} {x.issue.title[:70]!r}")
    print("flagged, but no GPU needed:")
    for x, a in pairs:
        if a.needs_gpu and not x.needs_gpu:
            print(f"  {x.issue.repo.rpartition('/')[2]}#{x.issue.number} {x.issue.title[:60]!r}"
                  f": {'; '.join(r for r in a.reasons if 'GPU' in r or 'CUDA' in r)[:120]}")


def agreed(items: list[Labelled], other: Readers) -> list[Labelled]:
    """The issues another reader labelled and agrees with on easy or not."""
    kept, unread = [], 0
    for x in items:
        theirs = other.get((x.issue.repo, x.issue.number))
        if theirs is None:
            unread += 1
        elif (theirs.get("difficulty") == "easy") == x.easy:
            kept.append(x)
    print(f"{len(kept)} of them where the other reader agrees on easy or not "
          f"({len(items) - len(kept) - unread} disagree, {unread} not read by the other)")
    return kept


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="ISSUES.jsonl")
    parser.add_argument("--folds", default="repo",
                        help="held-out split: 'repo' (leave one repository out), 'file' "
                             "(leave one file out), a number K (K-fold by issue) or 'none'")
    parser.add_argument("--fit", action="store_true",
                        help=f"fit on all the issues given and write {model.WEIGHTS_PATH.name}")
    parser.add_argument("--update", action="store_true",
                        help="update the shipped easy model (words and signals) on all the "
                             "issues given, each weight pulled back to its shipped one, and write "
                             f"{model.WEIGHTS_PATH.name}; the held-out figures first: each "
                             "fold scored after an update on the others")
    parser.add_argument("--keep-gpu", action="store_true",
                        help="with --update: leave the GPU model as shipped (update the easy "
                             "model only)")
    parser.add_argument("--replace", action="store_true",
                        help="with --fit: write the weights even if they are fitted on fewer "
                             "issues than the shipped ones")
    parser.add_argument("--mistakes", type=int, default=0, metavar="N",
                        help="list the N worst mistakes of the held-out scoring (of the "
                             "shipped weights with --folds none)")
    parser.add_argument("--test", nargs="+", default=[], metavar="OTHER.jsonl",
                        help="fit on ISSUES.jsonl and score these with those weights")
    parser.add_argument("--labels", nargs="+", default=[], metavar="LABELS.jsonl",
                        help="labels (repo, number, difficulty, needs_gpu, kind) that replace "
                             "those of the issues they name, e.g. another labeller's")
    parser.add_argument("--majority", action="store_true",
                        help="take each issue's easy label by two of its three readers, where "
                             "its set (triage_extraN.jsonl) has a second reader's labels in "
                             "bench/ (and a third's on their disputes); GPU: the first's")
    parser.add_argument("--agree", nargs="+", default=[], metavar="LABELS.jsonl",
                        help="score only the issues whose easy-or-not these labels (another "
                             "reader's) agree with: where two readers agree, the label is "
                             "surer")
    args = parser.parse_args(argv)
    given = read_labels(args.labels)
    if args.majority:
        most = majority_labels(args.paths)
        print(f"{len(most)} issues labelled easy or not by the majority of three readers")
        given = {**most, **given}
    items = read(args.paths, given)
    print(f"{len(items)} labelled issues from {', '.join(args.paths)}")
    if args.agree:
        items = agreed(items, read_labels(args.agree))
    if args.fit and len(items) < (shipped_on := model.load().trained_on) and not args.replace:
        # the texts of most labelled sets live outside the repository: a machine that lacks
        # some would otherwise quietly ship weights that learned from a fraction of them
        print(f"not refitting: {model.WEIGHTS_PATH.name} was fitted on {shipped_on} labelled "
              f"issues, these are {len(items)}; give every labelled set's texts "
              f"(bench/triage_texts.py brings them from GitHub), or --replace",
              file=sys.stderr)
        return 2
    if args.test:
        tested = read(args.test, given)
        scored = assess(tested, fit(items))
        report(f"{len(tested)} issues of {', '.join(args.test)} scored by weights fitted "
               f"on the {len(items)} above only", tested, scored)
        if args.mistakes:
            mistakes(tested, scored, args.mistakes)
        return 0
    if args.update:
        return update_shipped(items, args)
    if args.fit:
        models = fit(items)
        model.save(models)
        print(f"wrote {model.WEIGHTS_PATH}")
    shipped = assess(items, model.load())
    report("shipped weights (weights.json; optimistic on the issues they were fitted on)",
           items, shipped)
    if args.folds == "none":
        show_kinds("shipped weights", items, shipped)
        if args.mistakes:
            mistakes(items, shipped, args.mistakes)
        return 0
    out = held_out(items, args.folds)
    what = {"repo": "leave one repository out", "file": "leave one file out"}.get(
        args.folds, f"{args.folds}-fold")
    rows = report(f"held-out ({what}): the figures for unseen issues", items, out)
    if args.folds == "file":
        show("held-out, each file", each_file(items, out, args.paths))
    show_kinds("held-out", items, out)
    if args.mistakes:
        mistakes(items, out, args.mistakes)
    missed = [r.name for r in rows[1:] if misses_goal(r.auc, r.gpu_recall)]
    if unknown := [r.name for r in rows[1:] if r.auc is None]:
        print(f"\n{unmeasured(unknown)}", end="")
    where = " of the others" if unknown else ""
    print(f"\ngoals met (held-out AUC >= 0.85 and GPU recall >= 0.9 per repository{where})"
          if not missed else f"\ngoals missed for: {', '.join(missed)}")
    return 1 if missed else 0


def update_shipped(items: list[Labelled], args: argparse.Namespace) -> int:
    """--update: the held-out figures of an update beside the shipped weights', then the
    update on every issue given, written."""
    path = model.WEIGHTS_PATH
    shipped = model.load(path)
    if again := sorted(k for x in items if (k := learn.key(x.issue)) in shipped.updated_on):
        print(f"not updating: {path.name} has learned from {len(again)} of these issues "
              f"already ({', '.join(again[:3])}{', ...' if len(again) > 3 else ''}); counted "
              f"again, they would weigh twice: give only new ones", file=sys.stderr)
        return 2
    before = assess(items, shipped)
    report("shipped weights, before the update", items, before)
    if args.folds != "none":
        out = held_out(items, args.folds,
                       lambda train: update(train, shipped, not args.keep_gpu))
        report(f"held-out ({args.folds}): each fold scored after an update on the others",
               items, out)
        if args.folds == "file":
            show("shipped, each file", each_file(items, before, args.paths))
            show("updated, each file", each_file(items, out, args.paths))
    model.save(update(items, shipped, not args.keep_gpu), path)
    print(f"\nwrote {path}: updated on {len(items)} issues")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
