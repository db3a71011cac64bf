"""Draw real issues at random from GitHub for a new labelled set, to be read and labelled.

The issues come in the development set's format, with no labels (readers add them:
``../shared/triage/README.md`` has the rubric).

    python bench/triage_draw.py huggingface/transformers [MORE ...] --out FILE.jsonl \\
        [--n 100] [--seed 0] [--seen bench/triage_extra*_labels.jsonl DEV.jsonl ...] \\
        [--base-url URL] [--pause SECONDS]

Each repository's numbers, from 1 to its newest (issues and pull requests share them),
are walked in an order the seed fixes; each is asked for, one request, and kept when it
is an issue (not a pull request, not deleted or moved) that no ``--seen`` file names,
until ``--n`` are kept for that repository.  Every issue ever filed is as likely to be
drawn as any other, whatever it is about: the sets drawn by searching a corpus of issue
threads found what their queries asked for, and after 13,000 posts found few they had not
read (the 198th set: 96 new in 814 look-ups).  Half of transformers' numbers are pull
requests: about two requests per issue kept, so a token (``GITHUB_TOKEN`` or
``GH_TOKEN``: 5,000 requests an hour, 60 without) is needed for a set of any size.

Safe to stop (^C, a kill, a rate limit) and run again with the same arguments: every
answer is written as it arrives (``FILE.part``: each repository's newest number, the
issues kept, the numbers left out and why), a run goes on from there without asking
again, and the finished file is renamed into place.  The first post comes whole, as
GitHub gives it now (the scoring reads at most :data:`harness.triage.body.MAX_CHARS`).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import Github

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from triage_texts import (  # noqa: E402
    Key,
    Write,
    add_github_options,
    appending,
    connect,
    guarded,
    read_labels,
    text_of,
    text_of_file,
)

from harness.cache import write_atomic  # noqa: E402
from harness.errors import HarnessError  # noqa: E402
from harness.triage import validate  # noqa: E402


def seen_in(paths: Sequence[Path]) -> set[Key]:
    """The issues the given files name (labels files, or sets in the dev set's format)."""
    return {(row["repo"], row["number"]) for path in paths for row in read_labels(path)}


def newest(gh: Github, repo: str) -> int:
    """The number of the repository's newest issue or pull request (0: it has none)."""
    _, raw = gh.requester.requestJsonAndCheck(
        "GET", f"/repos/{repo}/issues",
        parameters={"state": "all", "sort": "created", "direction": "desc", "per_page": 1})
    try:
        return validate.number(raw[0]["number"]) if raw else 0
    except (validate.BadValue, KeyError, TypeError, IndexError) as e:
        raise HarnessError(f"{repo}: GitHub's list of issues is not one ({e})") from None


def order(repo: str, top: int, seed: int) -> list[int]:
    """The numbers 1 to ``top`` in the order the seed fixes for ``repo``."""
    return random.Random(f"{seed} {repo}").sample(range(1, top + 1), top)


@dataclass(frozen=True)
class Drawn:
    """What a part file holds: each repository's newest number, the issues kept (in the
    order they came), and the numbers answered but left out, with why."""

    newest: dict[str, int] = field(default_factory=dict)
    kept: dict[Key, dict[str, Any]] = field(default_factory=dict)
    left_out: dict[Key, str] = field(default_factory=dict)

    def count(self, repo: str) -> int:
        return sum(r == repo for r, _ in self.kept)


def read_drawn(text: str) -> Drawn:
    """A part file's answers; a last line cut short by a kill is dropped."""
    drawn = Drawn()
    for line in text.splitlines():
        try:
            row = json.loads(line)
            if "newest" in row:
                drawn.newest[row["repo"]] = int(row["newest"])
            elif "left_out" in row:
                drawn.left_out[(row["repo"], int(row["number"]))] = str(row["left_out"])
            else:
                drawn.kept[(row["repo"], int(row["number"]))] = row
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return drawn


def draw(repos: Sequence[str], out: Path, gh: Github, n: int, seed: int,
         seen: set[Key]) -> Drawn:
    """Fill ``out`` with ``n`` issues of each repository, drawn at random."""
    part = out.with_name(out.name + ".part")
    arrived = text_of_file(part)
    drawn = read_drawn(arrived)
    with appending(part, arrived) as write:
        for repo in repos:
            draw_one(repo, gh, n, seed, seen, drawn, write)
    write_atomic(out, "".join(json.dumps(r) + "\n" for r in drawn.kept.values()))
    part.unlink()
    return drawn


def draw_one(repo: str, gh: Github, n: int, seed: int, seen: set[Key], drawn: Drawn,
             write: Write) -> None:
    """Draw one repository's issues till ``n`` are kept, each answer written as it comes."""
    if repo not in drawn.newest:
        drawn.newest[repo] = newest(gh, repo)
        write({"repo": repo, "newest": drawn.newest[repo]})
    have = drawn.count(repo)
    print(f"{repo}: {have} of {n} drawn (numbers 1 to {drawn.newest[repo]})", flush=True)
    for number in order(repo, drawn.newest[repo], seed):
        if have >= n:
            return
        key = (repo, number)
        if key in seen or key in drawn.kept or key in drawn.left_out:
            continue
        got = text_of(gh, {"repo": repo, "number": number})
        if not isinstance(got, str) and not str(got["url"]).endswith(
                f"/{repo}/issues/{number}"):
            got = "moved to another repository"  # GitHub answers with where it is now
        if isinstance(got, str):
            drawn.left_out[key] = got
            write({"repo": repo, "number": number, "left_out": got})
            continue
        drawn.kept[key] = got
        write(got)
        have += 1
        if have % 25 == 0:
            print(f"  {have} of {n}", flush=True)


def summary(drawn: Drawn, repos: Sequence[str], n: int) -> list[str]:
    """A line per repository: how many were kept, and why the others were left out."""
    lines = []
    for repo in repos:
        have = drawn.count(repo)
        why = Counter(w for (r, _), w in drawn.left_out.items() if r == repo)
        line = f"{repo}: {have} issues drawn"
        if have < n:
            line += f" (only {have}: every other number is seen or left out)"
        if why:  # most often first, then by name
            line += "; left out: " + ", ".join(
                f"{c} {w}" for w, c in sorted(why.items(), key=lambda x: (-x[1], x[0])))
        lines.append(line)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", metavar="OWNER/NAME")
    parser.add_argument("--out", required=True, type=Path, help="the file to write")
    parser.add_argument("--n", type=int, default=100, help="issues per repository")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seen", nargs="*", default=[], type=Path, metavar="FILE.jsonl",
                        help="issues not to draw again (labels files, or sets in the dev "
                             "set's format)")
    add_github_options(parser)
    args = parser.parse_args(argv)
    bad = [r for r in args.repos if r.count("/") != 1]
    if bad:
        print(f"error: {bad[0]!r} is not owner/name", file=sys.stderr)
        return 2
    if args.n < 1:
        print("error: --n must be 1 or more", file=sys.stderr)
        return 2
    gh, url, token = connect(args)

    def run() -> None:
        seen = seen_in(args.seen)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        drawn = draw(args.repos, args.out, gh, args.n, args.seed, seen)
        for line in summary(drawn, args.repos, args.n):
            print(line)
        print(f"{args.out}: {len(drawn.kept)} issues")

    return guarded(run, url, token, "the issues to draw", args.out.parent)


if __name__ == "__main__":
    raise SystemExit(main())
