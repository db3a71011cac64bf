"""The ``harness`` command: a thin door onto the library.

Every :class:`HarnessError` becomes ``harness: error: <one line>`` and its exit code; any
other exception is a bug, reported with the path of a debug log to paste into an issue.
"""
from __future__ import annotations

import argparse
import errno
import logging
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from rich.console import Console
from rich.markup import escape

from harness import __version__, config, debuglog, proc
from harness.envs import BACKENDS
from harness.errors import HarnessError

log = logging.getLogger("harness")


def cmd_reproduce(args: argparse.Namespace) -> int:
    from harness import report
    from harness.progress import Ui
    from harness.reproduce import Options, reproduce
    from harness.shard import parse as parse_shard

    if args.durations and not args.shard:
        raise HarnessError("--durations only applies with --shard K/N")
    opts = Options(
        recipe=args.recipe, subset=args.subset, source=args.source, ref=args.ref,
        tests=tuple(args.tests), k=args.k, pytest_args=tuple(args.pytest_arg),
        torch_index=args.torch_index, torch_find_links=tuple(args.torch_find_links),
        backend=args.backend, base_image=args.base_image,
        shard=parse_shard(args.shard) if args.shard else None,
        durations=args.durations, online=args.online,
    )
    result = reproduce(opts, Ui(quiet=args.quiet))
    if args.json:
        print(report.to_json(result.to_json()))
    else:
        report.show_run(result)
    return result.status.exit_code


def cmd_recipes(args: argparse.Namespace) -> int:
    from harness import recipes, report

    console = Console()
    table = report.compact_table()
    for col in ("recipe", "ref", "subset", "device", "what it runs"):
        # a long path in a description folds onto the next line, never cut short
        table.add_column(col, no_wrap=col != "what it runs", overflow="fold")
    loaded, broken = recipes.load_all()
    for r in loaded:
        for k, (name, s) in enumerate(r.subsets.items()):
            mark = " (default)" if name == r.default_subset else ""
            table.add_row(r.name if k == 0 else "", r.source.ref if k == 0 else "",
                          name + mark, s.device, s.description or " ".join(s.paths),
                          end_section=k == len(r.subsets) - 1)
    console.print(table)
    err = Console(stderr=True, highlight=False)
    for e in broken:
        err.print(f"harness: warning: skipped a broken recipe: {e.message}", markup=False)
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    import json

    from harness import history, report, store

    with store.opened() as conn:
        rows = history.recent(conn, args.limit, args.recipe)
    if args.json:
        print(json.dumps([json.loads(r["document"]) | {"run_id": r["id"]} for r in rows],
                         indent=2))
    else:
        report.show_runs(rows)
    return 0


def add_reproduce(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("reproduce", help="clone a target, build its env, run a test subset")
    p.add_argument("recipe", help="recipe name (see `harness recipes`) or a path to a .toml")
    p.add_argument("--subset", help="subset to run (default: the recipe's default)")
    p.add_argument("--source", help="clone from this path or URL (a local mirror, a fork)")
    p.add_argument("--ref", help="tag, branch, sha or refs/pull/N/head instead of the pin")
    p.add_argument("--tests", action="append", default=[], metavar="PATH",
                   help="run these test paths or node ids instead of the subset's paths")
    p.add_argument("-k", metavar="EXPRESSION",
                   help="keep the tests this pytest -k expression matches, instead of the "
                        "subset's -k (-k '' keeps every test of its paths)")
    p.add_argument("--pytest-arg", action="append", default=[], metavar="ARG",
                   help="an extra argument for pytest (repeatable)")
    p.add_argument("--torch-index", help="index URL for torch wheels (e.g. a CUDA index)")
    p.add_argument("--torch-find-links", action="append", default=[], metavar="PATH",
                   help="a folder or page of torch wheels (repeatable)")
    p.add_argument("--backend", default="auto", choices=BACKENDS)
    p.add_argument("--base-image", metavar="IMAGE",
                   help="docker backend: the image envs are built on (default: "
                        "[docker] base_image, else python:<version>-slim)")
    p.add_argument("--online", action="store_true",
                   help="let the tests reach the network: the Hub models they load are "
                        "downloaded into harness's cache (default: offline)")
    p.add_argument("--shard", metavar="K/N",
                   help="run only shard K of N of the selected tests (see `harness merge`)")
    p.add_argument("--durations", metavar="REPORT",
                   help="with --shard: balance by the test durations in this JSON report "
                        "(default: the store's latest whole run of the subset)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    p.set_defaults(func=cmd_reproduce)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"harness {__version__}")
    parser.add_argument("--debug", action="store_true", help="also print the debug log")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_reproduce(sub)
    p = sub.add_parser("recipes", help="list recipes and their subsets")
    p.set_defaults(func=cmd_recipes, needs_home=False)
    p = sub.add_parser("runs", help="past runs, newest first")
    p.add_argument("recipe", nargs="?")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_runs)
    try:
        from harness.fanout import cli as fanout_cli
        from harness.maintenance import cli as maintenance_cli
        from harness.triage import cli as triage_cli
        from harness.verify import cli as verify_cli
    except ModuleNotFoundError as e:  # a dependency is missing: say which, hide no command
        print(_missing(e), file=sys.stderr)
        raise SystemExit(2) from e
    for commands in (verify_cli, triage_cli, fanout_cli, maintenance_cli):
        commands.add_parsers(sub)
    return parser


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    config.pin_home()
    log_path = debuglog.start(args.command, args.debug)
    err = Console(stderr=True, highlight=False)
    try:
        if getattr(args, "needs_home", True):
            config.prepare_home()
        code: int = args.func(args)
        return code
    except HarnessError as e:
        log.debug("HarnessError", exc_info=True)
        first, _, rest = e.message.partition("\n")
        err.print(f"[red]harness: error:[/] {escape(first)}", soft_wrap=True)
        if rest:
            err.print(rest, markup=False, style="dim")
        hint = e.hint or (proc.DISK_FULL_HINT if proc.disk_full(e.message) else None)
        if hint:
            err.print(f"hint: {hint}", markup=False, soft_wrap=True)
        if log_path:
            err.print(f"debug log: {log_path}", style="dim", markup=False, soft_wrap=True)
        return e.exit_code
    except KeyboardInterrupt:
        log.debug("interrupted", exc_info=True)
        err.print("harness: interrupted; nothing half-built will be reused", markup=False)
        return 130
    except OSError as e:  # shutil.Error (a copy's list of errors) is one too
        if not _out_of_space(e):
            return _internal_error(e, err, log_path)
        log.debug("disk full", exc_info=True)
        where = f" (writing {e.filename})" if e.filename else ""
        err.print(f"harness: error: {proc.DISK_FULL}{where}", markup=False, soft_wrap=True)
        err.print(f"hint: {proc.DISK_FULL_HINT}", markup=False, soft_wrap=True)
        return 2
    except ModuleNotFoundError as e:  # a command imports what it uses when it runs
        if (e.name or "harness").partition(".")[0] == "harness":
            return _internal_error(e, err, log_path)
        log.debug("missing package", exc_info=True)
        err.print(_missing(e), markup=False, soft_wrap=True)
        return 2
    except Exception as e:  # a bug: keep the traceback for the report
        return _internal_error(e, err, log_path)


def _missing(e: ModuleNotFoundError) -> str:
    return (f"harness: error: the Python package {e.name!r} that harness needs is missing"
            "\nhint: reinstall harness: pip install -e .")


def _out_of_space(e: OSError) -> bool:
    """ENOSPC itself, or a copy whose files failed with it (shutil.Error lists them)."""
    return e.errno == errno.ENOSPC or (e.errno is None and proc.disk_full(str(e)))


def _internal_error(e: Exception, err: Console, log_path: object) -> int:
    log.exception("internal error")
    err.print(f"harness: internal error: {type(e).__name__}: {e}", markup=False)
    err.print(f"please report it with the debug log: {log_path}", markup=False, soft_wrap=True)
    return 3
