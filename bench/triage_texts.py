"""Bring the texts of labelled issues from GitHub, in the development set's format.

    python bench/triage_texts.py bench/triage_extra135_labels.jsonl [MORE_labels.jsonl ...] \\
        --out DIR [--base-url URL] [--pause SECONDS]

The repository holds the labels of the sets after the development set (numbers, labels and
reasons), never their texts; a machine without those texts can score the dev set but cannot
refit or update the weights on every labelled set (``bench/triage_quality.py --fit`` says
so).  This brings them back: for each labels file, ``DIR/NAME.jsonl`` (NAME: the file's name
less ``_labels``) holds each issue's title, labels, state, created_at,
author and first post as GitHub gives it now, with the file's own labels, ready for
``bench/triage_quality.py``.  One request an issue, through the same PyGithub client as
``harness triage --sync`` (``GITHUB_TOKEN`` or ``GH_TOKEN`` if set: 5,000 requests an hour,
60 without).

The labels were read from first posts as a public corpus of issue threads showed them,
often cut at about 1,400 characters; GitHub gives the whole post (the scoring reads at most
its first :data:`harness.triage.body.MAX_CHARS`), and a post edited since says what it says
now: weights fitted on these texts come out close to the shipped ones, not the same.

Safe to stop (^C, a kill) and run again: each issue is written as it arrives
(``DIR/NAME.jsonl.part``), a run goes on from what is there, and the finished file is
renamed into place.  A number GitHub does not know (404, 410: deleted or moved) or that is
a pull request is left out and named; a rate limit stops the run with the time to run it
again.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from github import Github
from github.GithubException import GithubException, UnknownObjectException

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.cache import write_atomic  # noqa: E402
from harness.errors import HarnessError  # noqa: E402
from harness.triage import github_errors, github_sync, validate  # noqa: E402

LABELS = ("difficulty", "needs_gpu", "kind", "reason")
Key = tuple[str, int]


def read_labels(path: Path) -> list[dict[str, Any]]:
    """The labelled issues of a labels file, in order (one clear line for a bad one)."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise HarnessError(f"cannot read {path}: {e.strerror}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            row["number"] = validate.number(row["number"])
            if not isinstance(row.get("repo"), str) or row["repo"].count("/") != 1:
                raise ValueError("repo is not 'owner/name'")
        except (ValueError, KeyError, TypeError, validate.BadValue) as e:
            raise HarnessError(f"{path}:{n}: not a labelled issue ({e})") from None
        rows.append(row)
    return rows


def out_name(path: Path) -> str:
    return f"{path.name.removesuffix('.jsonl').removesuffix('_labels')}.jsonl"


def text_of_file(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def kept(text: str) -> dict[Key, dict[str, Any]]:
    """The issues a file's text already holds; a last line cut short by a kill is dropped."""
    found: dict[Key, dict[str, Any]] = {}
    for line in text.splitlines():
        try:
            row = json.loads(line)
            found[(row["repo"], int(row["number"]))] = row
        except (ValueError, KeyError, TypeError):
            continue
    return found


def text_of(gh: Github, label: dict[str, Any]) -> dict[str, Any] | str:
    """The issue in the dev set's format, its labels left to :func:`bring`, or why it is
    left out."""
    repo, number = label["repo"], label["number"]
    try:
        _, raw = gh.requester.requestJsonAndCheck("GET", f"/repos/{repo}/issues/{number}")
    except UnknownObjectException:
        return "not found (404)"
    except GithubException as e:
        if e.status == 410:
            return "deleted (410)"
        raise
    try:
        issue = github_sync.to_issue(repo, raw)
    except validate.BadValue as e:
        return f"an answer that is not an issue ({e})"
    if issue.is_pull:
        return "a pull request"
    return {"repo": repo, "number": number, "title": issue.title, "labels": list(issue.labels),
            "state": issue.state, "url": label.get("url") or issue.url,
            "created_at": issue.created_at[:10], "author": issue.author, "body": issue.body}


Write = Callable[[dict[str, Any]], None]


@contextmanager
def appending(part: Path, arrived: str) -> Iterator[Write]:
    """A writer of rows to ``part``, one JSON line each, flushed as it arrives, after what
    a run before left there (``arrived``, the file's text: a last line cut short by a kill
    is ended first); a file nothing was written to is not left behind."""
    try:
        with part.open("a", encoding="utf-8") as f:
            if arrived and not arrived.endswith("\n"):
                f.write("\n")  # a line cut short by a kill: the next one starts afresh

            def write(row: dict[str, Any]) -> None:
                f.write(json.dumps(row) + "\n")
                f.flush()

            yield write
    finally:
        if part.exists() and not part.stat().st_size:
            part.unlink()  # nothing arrived: no file to keep


def bring(labels_path: Path, out: Path, gh: Github) -> list[str]:
    """Fill ``out/NAME.jsonl`` for one labels file; what was left out, a line each."""
    wanted = read_labels(labels_path)
    final = out / out_name(labels_path)
    part = final.with_name(final.name + ".part")
    arrived = text_of_file(part)
    have = {**kept(text_of_file(final)), **kept(arrived)}
    missing: list[str] = []
    todo = [w for w in wanted if (w["repo"], w["number"]) not in have]
    if todo:
        print(f"{labels_path.name}: {len(wanted) - len(todo)} of {len(wanted)} there, "
              f"fetching {len(todo)}", flush=True)
    with appending(part, arrived) as write:
        for i, label in enumerate(todo, 1):
            got = text_of(gh, label)
            if isinstance(got, str):
                missing.append(f"{label['repo']}#{label['number']}: {got}")
            else:
                write(got)
                have[(label["repo"], label["number"])] = got
            if i % 50 == 0:
                print(f"  {i} of {len(todo)}", flush=True)
    # the labels as the file gives them now (a run before may have written others)
    rows = [{**have[k], **{f: w[f] for f in LABELS if f in w}}
            for w in wanted if (k := (w["repo"], w["number"])) in have]
    write_atomic(final, "".join(json.dumps(r) + "\n" for r in rows))
    part.unlink(missing_ok=True)
    print(f"{final}: {len(rows)} of {len(wanted)} issues"
          + (f", {len(missing)} left out" if missing else ""), flush=True)
    return missing


def guarded(work: Callable[[], None], url: str, token: str | None, what: str,
            out: Path) -> int:
    """Run ``work`` (which writes under ``out`` as answers arrive); each way it can fail
    told in one line, with the exit code: 130 on ^C, 2 otherwise, 0 when it ends."""
    try:
        work()
    except KeyboardInterrupt:
        print("interrupted: what arrived is kept; run again to go on", file=sys.stderr)
        return 130
    except HarnessError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except GithubException as e:
        if github_errors.rate_limited(e):
            at = github_errors.retry_at(e.headers)
            print(f"error: GitHub rate limit reached; run again after {at:%H:%M} (UTC) to go "
                  f"on from here (what arrived is kept)", file=sys.stderr)
        else:
            why = github_errors.explain(e, what, url, 0, token is not None)
            print(f"error: {why}", file=sys.stderr)
        return 2
    except requests.RequestException as e:
        print(f"error: cannot reach {url}: {github_errors.why_unreachable(e)} (what arrived "
              f"is kept; run again to go on)", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot write in {out}: {e.strerror}", file=sys.stderr)
        return 2
    return 0


def add_github_options(parser: argparse.ArgumentParser) -> None:
    """``--base-url`` and ``--pause``: where GitHub's API is, and how fast to ask it."""
    parser.add_argument("--base-url", default=None,
                        help="GitHub's API (default $GITHUB_API_URL, else api.github.com)")
    parser.add_argument("--pause", type=float, default=github_sync.PAUSE,
                        help="seconds between requests")


def connect(args: argparse.Namespace) -> tuple[Github, str, str | None]:
    """The client :func:`add_github_options`' options ask for, with its API's URL and the
    token from the environment (None: none there)."""
    url = github_sync.api_url(args.base_url)
    token = github_sync.token_from_env()
    return github_sync.client(url, token, pause=args.pause or None), url, token


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="LABELS.jsonl", type=Path)
    parser.add_argument("--out", required=True, type=Path, help="folder for the texts")
    add_github_options(parser)
    args = parser.parse_args(argv)
    gh, url, token = connect(args)

    def bring_all() -> None:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in args.paths:
            for line in bring(path, args.out, gh):
                print(f"  left out {line}")

    return guarded(bring_all, url, token, "the labelled issues", args.out)


if __name__ == "__main__":
    raise SystemExit(main())
