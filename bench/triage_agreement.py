"""How far two labellers agree: two label files of the same issues, per repository.

    python bench/triage_agreement.py A.jsonl B.jsonl

Each file holds one JSON object a line with repo, number, difficulty (easy, medium, hard)
and needs_gpu, as ``bench/triage_extra2_labels.jsonl``; only the issues in both count.
Prints, overall and per repository: how often the two agree on easy-vs-rest and on the
GPU flag, Cohen's kappa for each, and the AUC of B's three levels as a score for A's easy
issues (the ceiling a ranking can hope for when A's labels are the truth).

``bench/triage_extra2_relabels.jsonl`` is a second labelling of the 252 issues of
``bench/triage_extra2_labels.jsonl``: one labeller per repository, each first given the
rubric and that repository's labelled development issues as worked examples, then the
issue texts only (not the first labels, not any score).
``bench/triage_extra2_relabels3.jsonl`` is a third, of the 244 of them whose texts were
recovered: two readers, each given the rubric alone (no worked examples) and half the texts
in a shuffled order.  ``bench/triage_dev_relabels.jsonl``
relabels 90 development issues (30 a repository) from the rubric and their texts alone;
``bench/triage_dev_relabels2.jsonl`` 66 more: all 22 the dev set calls questions and 44
others drawn at random (seed 26), shuffled, one reader given the rubric alone.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from triage_quality import auc, read_labels

LEVEL = {"easy": 2, "medium": 1, "hard": 0}


def kappa(a: Sequence[bool], b: Sequence[bool]) -> tuple[float, float]:
    """(share agreeing, Cohen's kappa) of two yes/no labellings."""
    n = len(a)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return agree, (agree - chance) / (1 - chance) if chance < 1 else 1.0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    a, b = read_labels([args[0]]), read_labels([args[1]])
    both = sorted(a.keys() & b.keys())
    print(f"{len(both)} issues in both files")
    print(f"  {'set':14} {'n':>4} {'easy A':>6} {'easy B':>6} {'agree':>6} {'kappa':>6} "
          f"{'GPU agree':>9} {'GPU kappa':>9} {'AUC B->A':>8}")
    for repo in ["all", *sorted({r for r, _ in both})]:
        keys = [k for k in both if repo in ("all", k[0])]
        ea = [a[k]["difficulty"] == "easy" for k in keys]
        eb = [b[k]["difficulty"] == "easy" for k in keys]
        agree, k_easy = kappa(ea, eb)
        gpu_agree, k_gpu = kappa([bool(a[k]["needs_gpu"]) for k in keys],
                                 [bool(b[k]["needs_gpu"]) for k in keys])
        ceiling = auc([float(LEVEL[b[k]["difficulty"]]) for k in keys], ea)
        print(f"  {repo.rpartition('/')[2]:14} {len(keys):4} {sum(ea):6} {sum(eb):6} "
              f"{agree:6.2f} {k_easy:6.2f} {gpu_agree:9.2f} {k_gpu:9.2f} "
              f"{'-' if ceiling is None else f'{ceiling:.3f}':>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
