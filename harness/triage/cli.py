"""``harness triage`` and ``harness issue``: the command-line side of triage."""
from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from rich.console import Console

from harness import recipes, store
from harness.errors import HarnessError
from harness.recipes import Recipe
from harness.triage import comments, gh_import, issues

if TYPE_CHECKING:
    from harness.triage.scoring import Assessment

# (the modules that score and show issues, and the GitHub client, are imported by the
# commands that use them: every harness command builds this parser, and they took a
# third of a second to import)
TABLE_ROWS = 30  # rows in a table when no --limit is given


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "triage", help="rank a repository's issues by beginner fit",
        description="Rank stored issues by how well a beginner can fix them on a laptop, "
                    "best first, with reasons.  --sync or --import first.",
    )
    p.add_argument("recipe", help="recipe name (transformers, peft, diffusers, ...)")
    p.add_argument("--sync", action="store_true",
                   help="fetch or refresh issues from GitHub (GITHUB_TOKEN or GH_TOKEN optional)")
    p.add_argument("--import", dest="import_from", metavar="FILE",
                   help="read `gh issue list --json "
                        f"{gh_import.GH_FIELDS}` output from FILE ('-': stdin; one "
                        "record a line too, as --jq '.[]' writes)")
    p.add_argument("--label", action="append", default=[], metavar="LABEL",
                   help="only issues with this label or label alias (repeatable: all must match)")
    p.add_argument("--beginner", action="store_true",
                   help="only beginner-fit issues nobody is on (unassigned, no open linked PR, "
                        "no claim in a comment whose author wrote in the last month)")
    p.add_argument("--state", choices=("open", "closed", "all"), default="open")
    p.add_argument("--unassigned", action="store_true", help="only unassigned issues")
    p.add_argument("--cpu-only", action="store_true", help="drop issues that need a GPU")
    p.add_argument("--limit", type=_positive, metavar="N",
                   help=f"show N issues (default: {TABLE_ROWS} in a table, all in JSON)")
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--base-url", metavar="URL",
                   help="GitHub API URL, for GitHub Enterprise (default: $GITHUB_API_URL or "
                        "https://api.github.com)")
    p.add_argument("--hub", action="store_true",
                   help="ask the Hugging Face Hub for the size of models named without one")
    p.set_defaults(func=run_triage)

    q = subparsers.add_parser("issue", help="one stored issue: score, reasons, what to run",
                              description="Show one stored issue's assessment and the command "
                                          "that tries to reproduce it.")
    q.add_argument("recipe")
    q.add_argument("number", type=_positive)
    q.add_argument("--json", action="store_true", help="print a JSON object")
    q.add_argument("--hub", action="store_true",
                   help="ask the Hugging Face Hub for the size of models named without one")
    q.set_defaults(func=run_issue)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def repo_of(recipe: Recipe) -> str:
    return recipe.source.github or recipe.name


def run_triage(args: argparse.Namespace) -> int:
    from harness.triage import boilerplate, rank, report

    recipe = recipes.load(args.recipe)
    repo = repo_of(recipe)
    err = Console(stderr=True)
    with store.opened() as conn:
        if args.import_from:
            got = gh_import.load(args.import_from, repo, check=recipe.source.github is not None)
            with store.transaction(conn):
                issues.save(conn, got.issues)
                comments.save(conn, got.comments)
            for line in got.skipped[:gh_import.SHOW_SKIPPED]:
                err.print(f"skipped {line}", markup=False, highlight=False)
            more = len(got.skipped) - gh_import.SHOW_SKIPPED
            err.print(f"imported {len(got.issues)} issues of {repo}"
                      + (f"; skipped {len(got.skipped)} bad records" if got.skipped else "")
                      + (f" ({more} not shown)" if more > 0 else ""), markup=False)
            if got.skipped:
                err.print(f"hint: `gh issue list --json {gh_import.GH_FIELDS}` writes every "
                          f"field used", markup=False, highlight=False, soft_wrap=True)
        if args.sync:
            from harness.triage import github_sync

            if recipe.source.github is None:
                raise HarnessError(f"recipe {recipe.name!r} names no GitHub repository "
                                   f"(source.github)", hint="use --import FILE instead")
            r = github_sync.sync(conn, repo, base_url=args.base_url,
                                 token=github_sync.token_from_env(), pause=github_sync.PAUSE)
            err.print(f"synced {repo}: {r.stored} stored, {r.requests} requests "
                      f"({r.not_modified} answered 304), rate-limit cost {r.rate_cost}"
                      + (f", {r.rate_remaining} left" if r.rate_remaining is not None else ""))
        stored = issues.load(conn, repo)
        said = comments.load(conn, repo)
    if not stored:
        raise HarnessError(f"no issues of {repo} are stored yet",
                           hint=f"harness triage {recipe.name} --sync (or --import FILE)")
    unknown = rank.unmatched_labels(recipe, stored, args.label)
    if unknown:
        seen = ", ".join(f"{name} ({n})" for name, n in rank.common_labels(stored))
        raise HarnessError(f"no stored issue of {repo} is labelled "
                           f"{', '.join(map(repr, unknown))}",
                           hint=f"labels most used: {seen}" if seen else
                           "the stored issues carry no labels")
    limit = args.limit if args.limit or args.json else TABLE_ROWS
    # with --beginner, what the stored posts' issue forms say: an unfilled form tells no task
    forms = boilerplate.forms(stored) if args.beginner else boilerplate.NONE
    filters = rank.Filters(tuple(args.label), args.beginner, args.state, args.unassigned,
                           args.cpu_only, limit, forms)
    assessed = rank.assess_all(recipe, stored, use_hub=args.hub, comments=said)
    chosen = rank.select(recipe, assessed, filters)
    left = rank.left_out(recipe, assessed, filters)
    _say_left_out(err, "someone is already on",
                  [f"#{a.issue.number} ({why})" for a, why in left if why != rank.NO_TASK])
    _say_left_out(err, "that tell no task (the post says nothing beyond its form's prompts "
                       "and a title that names no code)",
                  [f"#{a.issue.number}" for a, why in left if why == rank.NO_TASK])
    if filters.beginner:
        _say_listed_though_claimed(err, chosen)
    if args.json:
        print(json.dumps(report.as_json(recipe, chosen), indent=2))
    else:
        total = rank.count(recipe, assessed, filters)
        in_state = rank.count(recipe, assessed, rank.Filters(state=filters.state))
        report.table(Console(), repo, chosen,
                     report.Counts(total, in_state, filters.state, len(stored)))
    return 0


def _say_left_out(err: Console, what: str, issues: list[str]) -> None:
    """One line for the issues ``--beginner`` left out for one reason, the first five named."""
    if issues:
        _say(err, f"left out {len(issues)} issue(s) {what}", issues)


def _say_listed_though_claimed(err: Console, chosen: list[Assessment]) -> None:
    """A line for the issues ``--beginner`` lists though a comment claimed them: their
    claimant has said nothing for :data:`.comments.QUIET_DAYS` days or more, or the claim
    took one part of an issue of many (:func:`.comments.standing`)."""
    from harness.triage.scoring import quiet as told

    claimed = [(a.issue.number, a.features, comments.standing(a.features.claim_quiet_days,
                                                              a.features.open_parts))
               for a in chosen if a.features.claimed]
    quiet = [f"#{n} ({f.claimed}, {told(f.claim_quiet_days)})" for n, f, said in claimed
             if said is comments.Standing.QUIET]
    parts = [f"#{n} ({f.claimed}; {f.open_parts} parts open)" for n, f, said in claimed
             if said is comments.Standing.PART]
    if quiet:
        _say(err, f"listed though claimed, {len(quiet)} issue(s) whose claimant has said "
                  f"nothing for {comments.QUIET_DAYS} days or more", quiet,
             "say in the issue that you are taking it over")
    if parts:
        _say(err, f"listed though claimed, {len(parts)} issue(s) of many parts, a claim "
                  "taking one", parts, "pick a part nobody has taken")


def _say(err: Console, what: str, issues: list[str], then: str = "") -> None:
    """One line: what, the first five issues named, then what to do."""
    err.print(f"{what}: {', '.join(issues[:5])}" + (", ..." if len(issues) > 5 else "")
              + (f"; {then}" if then else ""), markup=False, highlight=False)


def run_issue(args: argparse.Namespace) -> int:
    from harness.triage import rank, report
    from harness.triage.suggest import suggest

    recipe = recipes.load(args.recipe)
    repo = repo_of(recipe)
    with store.opened() as conn:
        stored = issues.load(conn, repo)
        said = comments.load(conn, repo)
    match = [i for i in stored if i.number == args.number]
    if not match:
        raise HarnessError(f"issue #{args.number} of {repo} is not stored",
                           hint=f"harness triage {recipe.name} --sync (or --import FILE)")
    if match[0].is_pull:
        raise HarnessError(f"#{args.number} of {repo} is a pull request, not an issue")
    others = [i for i in stored if i.is_pull or i.number == args.number]
    (a,) = rank.assess_all(recipe, others, use_hub=args.hub, comments=said)
    s = suggest(a.issue, recipe, a.features, report.gpu_word(a))
    if args.json:
        print(json.dumps(report.as_dict(a, s), indent=2))
    else:
        report.detail(Console(), a, s)
    return 0
