"""Fresh labelled sets pooled, each scored once: by the code of the commit that first scored it.

    python bench/triage_once.py TEXTS_DIR [--sets FIRST-LAST]

A set labelled after the development set is fresh until it is scored: its first score, by
the code and weights of the commit that scored it before anyone read its mistakes, is the
honest figure for issues the triage has not seen (``bench/triage_sets.md`` tells each set's
story; :data:`ONCE` names the commits).  This checks each of those commits out in a
temporary git worktree of this repository, scores its sets there in a child Python (that
commit's ``bench/triage_quality.py``, code and weights), and pools the scores: AUC easy vs
rest and GPU recall, overall and per repository, by the first reader's labels (those the
goal is counted on), by the second reader's (``bench/triage_extraN_relabels.jsonl``), on
the issues where the two agree on easy or not, and by the majority of three readers: where
the two disagree, a third reader's (``bench/triage_extraN_thirdlabels.jsonl``, read from
the rubric alone, not told that the two disagreed) decides easy or not; GPU recall in that
row is counted on the first reader's GPU labels.  Beside each AUC, the same as if the
set's kinds (as its reader labelled them) came in the shares of the dev set's
(``triage_quality.mix_auc``): the later sets hold more usage questions.

TEXTS_DIR holds the sets' texts as ``bench/triage_texts.py`` writes them
(``triage_extraN.jsonl``); a set without its texts there is named and left out.  The labels
are read from this checkout's ``bench/triage_extraN_labels.jsonl``, not from the texts.

Exits 1 when a repository misses AUC >= 0.85 or GPU recall >= 0.9 by the first reader.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from triage_quality import (  # noqa: E402
    Key,
    Readers,
    auc,
    majority,
    misses_goal,
    mix_auc,
    read_labels,
    unmeasured,
)

from harness import git, proc  # noqa: E402
from harness.errors import HarnessError  # noqa: E402

# each fresh set (the number of bench/triage_extraN_labels.jsonl) → the commit that scored
# it once (bench/triage_sets.md)
ONCE: dict[int, str] = {
    **dict.fromkeys(range(135, 139), "1a9123d77bce2ce42e370a3411b598aed7c4148c"),
    139: "20cab803e7989503b93f6ea85f42dba3a15a2d9b",
    **dict.fromkeys(range(140, 143), "295ab4b7b973dfb5fc6c1283c18395bb9776d0cf"),
    143: "3869ddde45f3461c18dfb9211bd53ed7e8dc7302",
    144: "107bb39fc48cf4d835dbe3f782a31b9fc3447c6b",
    145: "7dda97e1793d0b96a41b85ec0eb69c8939fb0ec2",
    146: "62265d5502d1e499ab08fac643aa5db30443252e",
    147: "a9cd625d293c3c371d142222addbd76a364907d7",
    148: "bdf7edae873c49c0a22be9066a7c69f1770fc3d9",
    149: "4b35fb6dc2e0ba998ee77b4698cc7194a6ca7a3e",
    150: "2067ba78fe7a5834255da3ab702849c4a9d3ebf8",
    151: "97fa05c4f09472a447782c64b3093112f6859d8f",
    152: "a528a9937a3653fa6c613bd9ab638a02ddd29f88",
    153: "488e47ec0dfdd8b402bedc945dac53c3e926e3e8",
    154: "ace6f1ffc45ac161c610b882d8e569e6edaf78e0",
    155: "5c40540c26f7b2ed75186b2ead86dba9230a8f3f",
    156: "d231d0657d2a69d796b79e24d1497564134d6b59",
    157: "5e425b581b8fa3623ad9324b4906d56f1341203d",
    158: "bb4ba9922b6c39ad08c7883063ea82d43522c50f",
    159: "14c870a16cf12361f0ee78d4454e057a3bf8b418",
    160: "79c5a2093f58f2a7e0cf9ded90510b35af8a77ab",
    161: "6a2f6cca53aedc1ccfcc4182f18dae7005d22172",
    162: "3ccd2ee55dee32cf88e5dbaab90743de751fdc2f",
    163: "34b841fb53c7cebef23e89b6d670658cbcf3818d",
    164: "2b69d1c023bc4ea6b45193317a390ff5e71f4947",
    165: "8c239beff0f86d5adba8ad47fde9ee58b5b82b6c",
    166: "a77e22336398db2338696e1700a646f016cd1ff9",
    **dict.fromkeys(range(167, 169), "05c4e0503267a74fd546c2dab74f4da22998c840"),
    169: "c7f41a6a7dccc093175ff166bf532e37c4466d81",
    **dict.fromkeys(range(170, 173), "3afcbbc85382a4c26b702b99adc4b3bebf07da9f"),
    **dict.fromkeys(range(173, 176), "2675be44aea8b9293bef49f2a7d22758e0f8bc0b"),
    176: "bd76a4c9d98f3f4c3063225e58d54608a6bea575",
    177: "b2c47bed70b83729177b54470a2eabea3e71676d",
    178: "02a31841ad44994afcc8e0e36aaab37a174feb8f",
    179: "11be9fc59e6849ee2f8b958b2af2f7e4b8d643a1",
    **dict.fromkeys(range(180, 182), "6bda40bdf4fc08ae4e2c020afe0ec9fa9dd8460c"),
    182: "acd0c134dcec51720a946395d520aab92d5d0848",
    183: "af8bc0e24d1f9748df843f1c938c99eed8a3fb6d",
    184: "119bdff010bfd0dcd3726f3f92eb44ddc897c0ac",
    185: "e5c1cc354c4f3abbec63f6f31a09ac4cf258b3ff",
    186: "46729ea24f4d5579a71ca64af4f1f0374d56ca55",
    187: "a66ed5c06199f29887e5dbfcfe7bdb04e8ad7298",
    188: "f01d54ee92dbb68ce5f7dcdfd471151b779d2956",
    189: "2a8a96f8841cbfb105b1a5b17f54a799e473e086",
    190: "9cb6e7f8e757da348783fd9356f05b900d043561",
    191: "cccdd7f250e32a141d1b0fb838586c82280be811",
    192: "1b152c57df57fda5aa6aa7f1a92064de983e70ab",
    193: "b985e03e70ad7d9cf5c1c1a81c67078faa29af44",
    194: "eb7440bd382fa45776762e4969b06b7317cbec7c",
    195: "79a905b14c6f94de6a87546966900238900ad561",
    196: "0ebf7d099e258a7b51dd75b310caa8f746c449d9",
    197: "6cdaae0b3d1f89aa0d87a9b616af8e8157296664",
    198: "3308f5c2b1d6964a2d4a13dd11f1690f7722e37d",
    199: "6626cdca6c90b416b2f2491a0e2b619cc44b4216",
    200: "fc6ac792138dc7c8cdf91f62c8c52283c36ca081",
    201: "15b46c54b1527a9613afd13e1aff9ac212d1185f",
    202: "5b54dbc494d2379fbdca165a70161cb77f735829",
    203: "e4ba1fb8f33b756832d9bdf1340069ab1421ba6e",
    204: "b845a9a71d2b9751610cb8431e95d16f8ba85b17",
    205: "292b6205568cbe4bd85115c613c175330d572aba",
    206: "7c96d1225bde0e1b8bc62be488d0f15a551c06cf",
    207: "7abd20a5476f28c9506fa70a172d2971b53f9644",
    208: "49eac2988ed8e022c9510be22d5606538eaf72ba",
    209: "04d42cb9f17982b5f94a580a013175e2def2c183",
    210: "fd5fb85f85528fcf5cea8377cea65daf28e1a150",
    211: "501c2ef6cf7815712ff66d48832621aeab089130",
    212: "c5042a4d5ebf58c3775126129225abefcf094509",
}
# run in the worktree: score each file given, one JSON line an issue
_SCORE = """
import json, sys
sys.path[:0] = ['.', 'bench']
import triage_quality as tq
from harness.triage import model
for path in sys.argv[1:]:
    items = tq.read([path], {})
    for a, x in zip(tq.assess(items, model.load()), items):
        print(json.dumps([x.issue.repo, x.issue.number, a.score, bool(a.needs_gpu)]))
"""
Scored = dict[Key, tuple[float, bool]]  # (repo, number) → (score, flagged as needing a GPU)


def score_at(repo: Path, commit: str, texts: Sequence[Path]) -> Scored:
    """The scores of the issues in ``texts`` by the code and weights of ``commit``."""
    with tempfile.TemporaryDirectory(prefix="triage-once-") as tmp:
        tree = Path(tmp) / "tree"
        # (the worktrees of a run that was killed are forgotten first: their folders are gone)
        git.run(["worktree", "prune"], cwd=repo, check=False)
        git.run(["worktree", "add", "--detach", str(tree), commit], cwd=repo)
        try:
            out = proc.run([sys.executable, "-c", _SCORE, *map(str, texts)], cwd=tree,
                           what=f"scoring at {commit[:7]}").stdout
        finally:
            git.run(["worktree", "remove", "--force", str(tree)], cwd=repo, check=False)
    scored: Scored = {}
    for line in out.splitlines():
        name, number, score, gpu = json.loads(line)
        scored[(name, number)] = (float(score), bool(gpu))
    return scored


def pooled(name: str, scored: Scored, labels: Readers) -> tuple[list[str], list[str]]:
    """A line for all the issues ``labels`` name, then one a repository (n, easy, AUC, the
    AUC as if the kinds came as in the dev set (:func:`triage_quality.mix_auc`), GPU
    recall), then one naming the repositories that miss the goal (by the plain AUC) and one
    those with no AUC (none of their issues easy, or all); and those that miss."""
    keys = [k for k in scored if k in labels]
    lines, missed, unknown = [], [], []
    for repo in (None, *sorted({k[0] for k in keys})):
        mine = [k for k in keys if repo is None or k[0] == repo]
        easy = [labels[k]["difficulty"] == "easy" for k in mine]
        scores = [scored[k][0] for k in mine]
        found = auc(scores, easy)
        mixed = mix_auc(scores, easy, [str(labels[k].get("kind", "")) for k in mine])
        gpu = [scored[k][1] for k in mine if labels[k].get("needs_gpu")]
        lines.append(f"  {name:8} {repo or 'all':24} {len(mine):5} {sum(easy):5}  "
                     f"{'-' if found is None else f'{found:.3f}':>6}  "
                     f"{'-' if mixed is None else f'{mixed:.3f}':>8}  {sum(gpu):4}/{len(gpu)}")
        if repo and misses_goal(found, sum(gpu) / len(gpu) if gpu else None):
            missed.append(repo)
        if repo and found is None:
            unknown.append(repo)
    if missed:
        lines.append(f"  {name}: goals missed for {', '.join(missed)}")
    if unknown:
        lines.append(f"  {name}: {unmeasured(unknown)}")
    return lines, missed


def _files(numbers: Sequence[int], which: str) -> list[str]:
    """The sets' ``labels``, ``relabels`` or ``thirdlabels`` files in this checkout; a
    missing one is named (a set without a third reader's is named by :func:`main` only when
    the first two disagree on one of its issues)."""
    found = []
    for n in numbers:
        path = ROOT / "bench" / f"triage_extra{n}_{which}.jsonl"
        if path.is_file():
            found.append(str(path))
        elif which != "thirdlabels":
            reader = "first" if which == "labels" else "second"
            print(f"set {n}: no {path.name}: its issues are left out of the {reader} "
                  f"reader's figures")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("texts", type=Path, metavar="TEXTS_DIR")
    parser.add_argument("--sets", default=f"{min(ONCE)}-{max(ONCE)}",
                        help="the sets to pool, as FIRST-LAST or N,N,... (default: all)")
    args = parser.parse_args(argv)
    first, _, last = args.sets.partition("-")
    try:
        wanted = (range(int(first), int(last) + 1) if last
                  else [int(n) for n in args.sets.split(",")])
    except ValueError:
        parser.error(f"--sets {args.sets!r}: give FIRST-LAST or N,N,...")
    by_commit: dict[str, list[Path]] = {}
    numbers = []  # the sets scored
    for n in wanted:
        text = args.texts / f"triage_extra{n}.jsonl"
        if n not in ONCE or not text.is_file():
            why = "no commit scored it once" if n not in ONCE else f"no {text}"
            print(f"set {n}: left out ({why})")
            continue
        by_commit.setdefault(ONCE[n], []).append(text)
        numbers.append(n)
    if not by_commit:
        print(f"no set to score: none of {args.sets} has its texts in {args.texts} and a "
              f"commit that scored it once", file=sys.stderr)
        return 2
    scored: Scored = {}
    for commit, texts in by_commit.items():
        print(f"scoring {', '.join(t.stem for t in texts)} at {commit[:7]} ...", flush=True)
        try:
            scored |= score_at(ROOT, commit, texts)
        except HarnessError as e:  # a clone without that commit (shallow), a set that fails
            print(f"cannot score at {commit[:7]}: {e} (a shallow clone lacks the commits: "
                  f"git fetch --unshallow)", file=sys.stderr)
            return 2
    first_reader = read_labels(_files(numbers, "labels"))
    second = read_labels(_files(numbers, "relabels"))
    agree = majority(first_reader, second, {})  # no third reader: where the two agree
    most = majority(first_reader, second, read_labels(_files(numbers, "thirdlabels")))
    if unread := len(first_reader.keys() & second.keys()) - len(most):
        print(f"{unread} issues the first two readers disagree on have no third reader's "
              f"label (bench/triage_extraN_thirdlabels.jsonl): left out of the majority's "
              f"figures")
    print(f"\n{len(scored)} issues of {len(numbers)} sets, each scored once\n"
          f"  {'labels':8} {'set':24} {'n':>5} {'easy':>5}  {'AUC':>6}  {'dev mix':>8}  GPU recall")
    lines, missed = pooled("first", scored, first_reader)
    print("\n".join([*lines, *pooled("second", scored, second)[0],
                     *pooled("agreed", scored, agree)[0],
                     *pooled("majority", scored, most)[0]]))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
