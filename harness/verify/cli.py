"""``harness verify``: does my change fix the bug and break nothing?"""
from __future__ import annotations

import argparse

from harness.envs import BACKENDS
from harness.verify.options import DEFAULT_BUDGET

EPILOG = """\
examples:
  harness verify peft --patch my-fix.diff
  git diff main | harness verify peft --patch -
  harness verify peft --commit my-branch --repo-path ../my-peft-fork
  harness verify peft --pr 3579
  harness verify peft --patch my-fix.diff --markdown > pr-tests.md

what runs: the tests the patch adds or changes (always), then the test files that import
what it changes, nearest first, until --budget seconds of tests (estimated from earlier
runs); the report lists what the budget left out and the command that runs it.  Then the
lint/format/consistency checks its pull request faces (--no-checks skips them).

exit codes: 0 ok (the patch's own tests ran and pass, nothing broken), 1 failing (a test
the patch adds or changes still fails), regressions (something broke) or checks_failed,
2 unchecked (nothing selected could run here) or infrastructure error
"""


def cmd_verify(args: argparse.Namespace) -> int:
    from harness.progress import Ui
    from harness.verify import report
    from harness.verify.core import verify
    from harness.verify.options import Options

    opts = Options(
        recipe=args.recipe, patch=args.patch, commit=args.commit, repo_path=args.repo_path,
        pr=args.pr, base=args.base, subset=args.subset, source=args.source,
        run_all=args.run_all, use_cache=not args.no_cache, backend=args.backend,
        base_image=args.base_image, budget=args.budget, run_checks=not args.no_checks,
        online=args.online, gpu=args.gpu, slow=args.slow, refactor=args.refactor,
    )
    rep = verify(opts, Ui(quiet=args.quiet))
    if args.json:
        print(report.to_json(rep))
    elif args.markdown:
        print(report.markdown(rep), end="")
    else:
        report.show(rep)
    return rep.exit_code


def _pr_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a pull request number: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify", help="run the tests a patch touches before and after it",
        description="Apply a change in a harness-owned worktree, run the tests it can affect "
                    "before and after it, and say what it fixes and what it breaks.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("recipe", help="recipe name (see `harness recipes`) or a path to a .toml")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--patch", metavar="FILE",
                      help="a unified diff file ('-': stdin, e.g. `git diff main | ...`)")
    what.add_argument("--commit", metavar="REV",
                      help="a commit or branch of --repo-path: its own commits, on where it "
                           "branches off main (or the recipe's ref, or --base); a commit "
                           "already on main: its own change, on its parent")
    what.add_argument("--pr", type=_pr_number, metavar="N",
                      help="pull request N (refs/pull/N/head of the recipe's source): its "
                           "commits, on where it branches off main (or --base)")
    p.add_argument("--repo-path", default=".", metavar="PATH",
                   help="your checkout, for --commit (only read; default: .)")
    p.add_argument("--base", metavar="REV",
                   help="apply on this ref (the change: what --commit or --pr adds on top "
                        "of their merge-base with it)")
    p.add_argument("--subset", help="keep the impacted test files to this subset's paths, -k "
                                    "and markers (the patch's own tests always run)")
    p.add_argument("--source", help="clone from this path or URL (a local mirror, a fork)")
    p.add_argument("--budget", type=_seconds, default=DEFAULT_BUDGET, metavar="SECONDS",
                   help="seconds of tests per run, estimated from earlier runs' durations "
                        f"(default: {DEFAULT_BUDGET:g}); the patch's own tests always run")
    p.add_argument("--all", dest="run_all", action="store_true",
                   help="no budget: run every impacted test file")
    p.add_argument("--no-checks", action="store_true",
                   help="skip the lint/format/consistency checks of the recipe's [checks]")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the report as JSON")
    out.add_argument("--markdown", action="store_true",
                     help="print a block to paste into a pull request description")
    p.add_argument("--online", action="store_true",
                   help="let the tests reach the network: the Hub models they load are "
                        "downloaded into harness's cache (default: offline, and a test that "
                        "needs them is reported as not checked)")
    p.add_argument("--gpu", action="store_true",
                   help="run the tests on this machine's CUDA GPU, the same selection "
                        "(default: on CPU, and a test that skips without a GPU is reported "
                        "as not checked)")
    p.add_argument("--slow", action="store_true",
                   help="run the tests the target marks slow too (the recipe's [verify] "
                        "slow_env, e.g. RUN_SLOW=1): they load real checkpoints, so most "
                        "need --online (default: reported as not checked)")
    p.add_argument("--refactor", action="store_true",
                   help="the change means to alter no behaviour (a refactor, a cleanup): "
                        "without tests of its own it is ok when the selected tests ran "
                        "before and after it and nothing broke (default: unchecked, for "
                        "nothing shows what it fixes)")
    p.add_argument("--no-cache", action="store_true",
                   help="run the base again even when a cached base run matches")
    p.add_argument("--backend", default="auto", choices=BACKENDS)
    p.add_argument("--base-image", metavar="IMAGE",
                   help="docker backend: the image envs are built on")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    p.set_defaults(func=cmd_verify)
