"""How well triage reads real issue comments: whether someone is on the issue, and whether a
maintainer welcomed a fix.

    python bench/triage_claims.py COMMENTS.jsonl [--mistakes]

COMMENTS.jsonl holds one comment a line (``id``, ``repo``, ``number``, ``author``, ``date``,
``text``), copied from real issue threads (``id``: ``REPO#NUMBER/K``, the thread's K-th
comment as copied; its author and date find it on GitHub); the texts are third parties' and
stay out of the repository.  The labels are in it: ``bench/triage_claims_labels.jsonl`` (a
first reader's) and ``bench/triage_claims_relabels.jsonl`` (a second's), one line a comment:
``id``, ``claims`` (someone says they are on the issue, or it is handed to someone: a
newcomer should leave it), ``claimant`` and ``welcomes_pr`` (the comment invites a fix), read
from the text alone.  Only the comments both readers label alike are scored.

Claims are read by :func:`harness.triage.comments.claimed_by` as if no maintainer wrote the
comment (the copied threads do not say who is one); a fix welcomed, by the pattern
:func:`.comments.maintainer_state` looks for in the maintainers' comments.  Prints, for
each: found, missed, found wrongly, recall and precision; ``--mistakes`` lists the
comments it gets wrong; ``--sample N`` scores one sample alone (the labels' ``sample``: the
first, 283 comments, was read to find new phrasings; the second, 30 more, was drawn after
them, and they found there no more than the code before them, 7 of its 12 claims and none of
its 3 welcomes; five more phrasings were then read from its misses; the third, 261 comments of
109 other threads, was drawn after those, and the code as it stood found 10 of its 34 claims
and 4 of its 25 welcomes, the code before the first sample's phrasings 9 and 3; more were
read from its misses, 19 and 11 there; the fourth, 133 comments of 58 other threads, was
drawn after those, and the code found 5 of its 15 claims and 2 of its 5 welcomes, as it did
before the third sample's phrasings, and 4 and 2 before the first's; more were read from
the misses of all four, 13 claims and 2 welcomes more there; the fifth, 65 comments of 23
other threads, was drawn after those, and the code found 4 of its 13 claims and 1 of its 6
welcomes, as it did before them: each round's phrasings find the comments they were read
from, and few others).  ``--labels`` and ``--relabels`` name other label files.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.triage import comments  # noqa: E402

LABELS = ROOT / "bench" / "triage_claims_labels.jsonl"
RELABELS = ROOT / "bench" / "triage_claims_relabels.jsonl"


@dataclass(frozen=True)
class Tally:
    found: int  # labelled so, and found
    missed: int  # labelled so, not found
    wrong: int  # found, though not labelled so
    rest: int

    @property
    def recall(self) -> float | None:
        labelled = self.found + self.missed
        return self.found / labelled if labelled else None

    @property
    def precision(self) -> float | None:
        said = self.found + self.wrong
        return self.found / said if said else None


def read_jsonl(path: Path | str) -> dict[str, dict[str, object]]:
    """Each line's object by its ``id``."""
    rows = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows[str(row["id"])] = row
        except (ValueError, KeyError, TypeError) as e:
            print(f"{path}:{n}: skipped: {type(e).__name__}: {e}", file=sys.stderr)
    return rows


def comment(row: dict[str, object], association: str) -> comments.Comment:
    """The row as a stored comment by someone of that association with the repository."""
    return comments.Comment(str(row["repo"]), int(str(row["number"])), str(row["id"]),
                            str(row.get("author") or ""), association, str(row["text"]),
                            str(row.get("date") or ""))


def claims(row: dict[str, object]) -> bool:
    return comments.claimed_by([comment(row, "NONE")]) != ""


def welcomes(row: dict[str, object]) -> bool:
    return comments.maintainer_state([comment(row, "MEMBER")]) == "agreed"


def tally(texts: dict[str, dict[str, object]], first: dict[str, dict[str, object]],
          second: dict[str, dict[str, object]], field: str,
          finder: Callable[[dict[str, object]], bool]) -> tuple[Tally, list[tuple[str, bool]]]:
    """The tally of ``finder`` against ``field`` where both readers agree, and the ids it
    gets wrong (with the label)."""
    counts = [0, 0, 0, 0]
    wrong: list[tuple[str, bool]] = []
    for key, row in texts.items():
        if key not in first or key not in second:
            continue
        truth = bool(first[key][field])
        if truth != bool(second[key][field]):
            continue
        got = finder(row)
        counts[(0 if got else 1) if truth else (2 if got else 3)] += 1
        if got != truth:
            wrong.append((key, truth))
    return Tally(*counts), wrong


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="How well triage reads real issue comments: claims and welcomed fixes.")
    parser.add_argument("comments", metavar="COMMENTS.jsonl")
    parser.add_argument("--labels", default=str(LABELS), help="the first reader's labels")
    parser.add_argument("--relabels", default=str(RELABELS), help="the second reader's labels")
    parser.add_argument("--mistakes", action="store_true", help="list the comments it misreads")
    parser.add_argument("--sample", type=int, help="only the comments of this sample (1, 2, ...)")
    args = parser.parse_args(argv)
    texts = read_jsonl(args.comments)
    first, second = read_jsonl(args.labels), read_jsonl(args.relabels)
    if args.sample is not None:
        texts = {k: v for k, v in texts.items() if first.get(k, {}).get("sample") == args.sample}
    both = [k for k in texts if k in first and k in second]
    print(f"{len(texts)} comments, {len(both)} labelled by both readers")
    for field, finder, what in (("claims", claims, "someone is on the issue"),
                                ("welcomes_pr", welcomes, "a fix is welcome")):
        agree = sum(bool(first[k][field]) == bool(second[k][field]) for k in both)
        t, wrong = tally(texts, first, second, field, finder)
        print(f"{what}: readers agree on {agree}; of the {t.found + t.missed} labelled so, "
              f"found {t.found}, missed {t.missed}; found wrongly {t.wrong} of "
              f"{t.wrong + t.rest}; recall {_share(t.recall)}, precision {_share(t.precision)}")
        if args.mistakes:
            for key, truth in wrong:
                text = " ".join(str(texts[key]["text"]).split())[:110]
                print(f"  {'missed' if truth else 'wrongly'} {key}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
