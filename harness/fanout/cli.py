"""``harness merge`` and ``harness export``: the doors onto the fan-out."""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from harness.errors import HarnessError

MERGE_EPILOG = """\
example:
  harness reproduce demo --shard 1/3 --json > s1.json   # ... and 2/3, 3/3, anywhere
  harness merge s*.json
  harness merge s*.json --markdown >> "$GITHUB_STEP_SUMMARY"

exit codes: 0 passed, 1 tests failed, 2 a shard missing or failed, or reports that do
not belong together
"""
EXPORT_EPILOG = """\
examples:
  harness export github-actions demo --shards 3 > .github/workflows/harness.yml
  harness export github-actions peft --verify-pr > .github/workflows/verify.yml
"""


def cmd_merge(args: argparse.Namespace) -> int:
    from harness import report
    from harness.fanout import merge, summary

    if not args.reports:
        raise HarnessError("no reports to merge", hint="harness merge s1.json s2.json ...")
    merged = merge.merge([merge.load(Path(p)) for p in args.reports])
    if args.json:
        print(report.to_json(merged.to_json()))
    elif args.markdown:
        print(summary.markdown(merged), end="")
    else:
        summary.show(merged)
    return merged.report.status.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    from harness import recipes
    from harness.fanout.export_gha import Export, workflow

    recipe = recipes.load(args.recipe)
    if args.subset:
        recipe.subset(args.subset)  # an unknown subset is one line here, not on the runner
    argv = ["harness", "export", "github-actions", args.recipe]
    argv += ["--subset", args.subset] if args.subset else []
    argv += ["--verify-pr"] if args.verify_pr else ["--shards", str(args.shards)]
    argv += ["--install", args.install] if args.install else []
    command = shlex.join(argv)
    text = workflow(Export(args.recipe, args.subset, args.shards, args.verify_pr,
                           args.install), command)
    sys.stdout.write(text)
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("merge", help="one report from the reports of a run's shards",
                       epilog=MERGE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("reports", nargs="*", metavar="REPORT",
                   help="JSON reports of `harness reproduce ... --shard K/N --json`")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the merged report as JSON")
    out.add_argument("--markdown", action="store_true",
                     help="print a summary for a pull request or a CI job summary")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("export", help="write a CI workflow that runs a recipe")
    targets = p.add_subparsers(dest="target", required=True, metavar="TARGET")
    g = targets.add_parser(
        "github-actions", help="a GitHub Actions workflow: N shards and a merged summary",
        epilog=EXPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    g.add_argument("recipe", help="recipe name (see `harness recipes`) or a path to a .toml")
    g.add_argument("--subset", help="subset to run (default: the recipe's default)")
    g.add_argument("--shards", type=int, default=4, metavar="N",
                   help="jobs to split the subset across (default: 4)")
    g.add_argument("--verify-pr", action="store_true",
                   help="instead: verify each pull request with `harness verify`")
    g.add_argument("--install", metavar="REQUIREMENT",
                   help="pip requirement to install harness on the runners (default: the "
                        "repository itself, `.`; with --verify-pr: "
                        "<server>/<owner>/harness)")
    g.set_defaults(func=cmd_export)

