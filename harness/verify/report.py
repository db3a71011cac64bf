"""Show a verification: the terminal, JSON, or Markdown for a pull request.

Every form has the same order: the patch's own tests (before -> after), what broke or got
fixed elsewhere, the checks, what could not be checked here and why, what the budget left
out with the command that runs it.  The Markdown claims no more than was run.
"""
from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness import recipes
from harness.status import Status
from harness.verify.checks import CheckOutcome, CheckStatus
from harness.verify.compare import NEEDS_GPU, NEEDS_NETWORK, NOT_INSTALLED_RE, Row
from harness.verify.document import VerifyReport, gist

ORDER = ("broken", "new", "flaky", "fixed", "still_failing", "removed", "not_checked",
         "passing")
STYLE = {"broken": "red bold", "fixed": "green", "flaky": "yellow", "still_failing": "red",
         "new": "cyan", "removed": "magenta", "passing": "dim", "not_checked": "yellow"}
ICON = {Status.OK: "✅", Status.REGRESSIONS: "❌", Status.FAILING: "❌",
        Status.CHECKS_FAILED: "❌", Status.INFRA_ERROR: "⚠️", Status.UNCHECKED: "⚠️"}
SHOWN = 50
LEFT_OUT_SHOWN = 10  # the nearest of what the budget left out; --json lists them all
UNDECIDED_SHOWN = 3  # tests not checked for one reason, listed one by one
REASONS_SHOWN = 8  # reasons tests were not checked, the commonest first; --json has all


# what differs between reasons that say the same of different things: a class, a call's
# repr, an enum member ("Test not applicable for BOFTConfig(...)", "... for PeftType.C3A")
_VARYING = re.compile(r"<class '[\w.]+'>|\b[A-Za-z_][\w.]*\(\.\.\.\)"
                      r"|\b[A-Z]\w*\.[A-Z][A-Z0-9_]+\b")
_NAMED = "{named}"  # where a family's names go
FAMILY_NAMES = 3  # names shown for reasons told as one


def _family(why: str) -> tuple[str, str]:
    """(the reason with the one class, repr or enum member it names as ``{named}``, that
    name); (the reason, "") when it names none, or more than one."""
    found = _VARYING.findall(why)
    return (_VARYING.sub(_NAMED, why), found[0]) if len(found) == 1 else (why, "")


def families(undecided: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Reasons that differ only in the one class, repr or enum member they name, told as one
    (peft f8aca0a0c: eight lines of "skipped: Test not applicable for XConfig(...)", one per
    config, pushed every other reason into "170 test(s) for 14 other reasons")."""
    groups: dict[str, list[tuple[str, int, str]]] = {}
    for why, n in undecided:
        key, named = _family(why)
        groups.setdefault(key, []).append((why, n, named))
    told: list[tuple[str, int]] = []
    for key, members in groups.items():
        if len(members) == 1:
            told.append(members[0][:2])
            continue
        members.sort(key=lambda m: -m[1])
        names = [re.sub(r"^<class '(?:[\w]+\.)*(\w+)'>$", r"\1", m[2]) for m in members]
        more = len(names) - FAMILY_NAMES
        shown = ", ".join(names[:FAMILY_NAMES]) + (f" and {more} more" if more > 0 else "")
        told.append((key.replace(_NAMED, shown), sum(m[1] for m in members)))
    return sorted(told, key=lambda t: -t[1])


def reasons(rep: VerifyReport) -> list[str]:
    """"N test(s): why" for the commonest reasons tests were not checked, then one line for
    the rest (transformers 2ce158814b: 152 tests skipped for 70 reasons, most of them once,
    filled a hundred lines)."""
    undecided = families(rep.not_checked().items())
    lines = [f"{n} test(s): {why}" for why, n in undecided[:REASONS_SHOWN]]
    rest = undecided[REASONS_SHOWN:]
    if len(rest) == 1:
        lines.append(f"{rest[0][1]} test(s): {rest[0][0]}")
    elif rest:
        lines.append(f"{sum(n for _, n in rest)} test(s) for {len(rest)} other reasons "
                     "(--json lists them)")
    return lines


def to_json(rep: VerifyReport) -> str:
    return json.dumps(rep.to_json(), indent=2)


def _sorted(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (ORDER.index(r.change), r.id))


def _split(test_id: str, expanded: frozenset[str] = frozenset()) -> tuple[str, str]:
    """("path::Class::test_f", "case") of a parametrized test's id, also of a copy
    ``test_f_3...`` of a test in ``expanded`` (``@parameterized.expand``); (the id, "")
    otherwise."""
    name_at = test_id.rfind("::") + 2
    at = test_id.find("[", name_at)
    if at < 0 or not test_id.endswith("]"):
        for base in expanded:
            n = len(base) + 1
            if test_id.startswith(base + "_") and test_id[n:n + 1].isdigit() and \
                    "::" not in test_id[n:]:
                return base, test_id[n:]
        return test_id, ""
    return test_id[:at], test_id[at + 1:-1]


def expanded_tests(rep: VerifyReport) -> frozenset[str]:
    """The patch's own tests under ``@parameterized.expand``: a class narrowed to a name."""
    return frozenset(f"{p.target}::{c}" for p in rep.selection if p.own for c in p.cases
                     if c.isidentifier())


def grouped(rows: list[Row], expanded: frozenset[str] = frozenset()) -> list[Row]:
    """The cases of one parametrized test with the same outcomes and note, next to each other
    in ``rows``, shown as one row: ``test_f[A, B, … (32 cases)]`` (the JSON keeps each);
    the copies of an ``expanded`` test too: ``test_f[3, 4, 6]``.  Cases now passing share
    a row whatever their old failures said (the row shows the first)."""
    out: list[Row] = []
    for _, same in itertools.groupby(
            rows, key=lambda r: (_split(r.id, expanded)[0], r.before, r.after, r.change,
                                 "" if r.change in ("fixed", "passing") else r.note)):
        run = list(same)
        if len(run) == 1:  # an unparametrized test's id is its own group
            out.append(run[0])
            continue
        base, cases = _split(run[0].id, expanded)[0], [_split(r.id, expanded)[1] for r in run]
        shown = ", ".join(cases) if len(cases) <= 3 else \
            f"{cases[0]}, {cases[1]}, … ({len(cases)} cases)"
        out.append(run[0]._replace(id=f"{base}[{shown}]"))
    return out


def collapsed(rows: list[Row]) -> list[Row]:
    """``rows`` with the tests left undecided for one reason, past the first
    UNDECIDED_SHOWN, as one row ``… and 56 more`` (transformers 1b20eb168c: 59 tests
    "skipped: test requires SentencePiece" filled the table; the JSON keeps each).  Reasons
    that differ only in the class they name are one reason here, as in :func:`families`
    (peft b60f0552e: 306 own tests "skipped: Test not applicable for XConfig(...)", for 32
    configs, made 139 rows of the table, four for each config).  The tests of one file fixed
    past one failure are told so too (peft 09ba20c4f, a new method: 274 new cases of
    tests/test_custom_models.py, each "collection error: ImportError: cannot import name
    'SupertuningConfig'" on the base, took the table's 50 rows and 117 more)."""
    def key(r: Row) -> str | None:
        if r.change == "not_checked":
            return _family(gist(r.note))[0]
        if r.change == "fixed":
            return f"fixed\0{r.id.partition('::')[0]}\0{gist(r.note)}"
        return None

    keys = [key(r) for r in rows]
    by_key: dict[str, list[Row]] = {}
    places = []  # each row's place in its group (0 for a row in none)
    for r, k in zip(rows, keys, strict=True):
        same = by_key.setdefault(k, []) if k is not None else []
        places.append(len(same))
        same.append(r)
    out: list[Row] = []
    for r, k, at in zip(rows, keys, places, strict=True):
        same = by_key[k] if k is not None else [r]
        if len(same) <= UNDECIDED_SHOWN + 1 or at < UNDECIDED_SHOWN:
            out.append(r)
        elif at == UNDECIDED_SHOWN:
            rest = same[UNDECIDED_SHOWN:]
            before = {x.before for x in rest}
            after = {x.after for x in rest}
            notes = Counter(gist(x.note) for x in rest)
            where = f" in {r.id.partition('::')[0]}" if r.change == "fixed" else ""
            out.append(Row(f"… and {len(rest)} more{where}",
                           before.pop() if len(before) == 1 else None,
                           after.pop() if len(after) == 1 else None, r.change,
                           families(notes.items())[0][0], r.own))
    return out


def elsewhere(rep: VerifyReport) -> list[Row]:
    """Tests not the patch's own whose outcome says something: not passing, not undecided."""
    return _sorted(r for r in rep.others if r.change not in ("passing", "not_checked"))


def summary(rep: VerifyReport) -> str:
    parts = [f"{n} {k.replace('_', ' ')}" for k, n in rep.counts().items() if n]
    return ", ".join(parts) or "no tests run"


def selection_line(rep: VerifyReport) -> str:
    own = sum(p.own for p in rep.selection)
    files = len({p.target.split("::")[0] for p in rep.selection if not p.own})
    text = (f"{own} of the patch's own test target(s), {files} test file(s) that import "
            f"what it changes (of {rep.test_files} test files)")
    if rep.budget is None:
        return text + "; no budget (--all)"
    return text + f"; budget {rep.budget:g}s per run, {len(rep.left_out)} left out"


def quiet_elsewhere(rep: VerifyReport) -> str:
    """What "Elsewhere" says when no other test changed: only a claim some test backs."""
    if any(r.change != "not_checked" for r in rep.others):
        return "nothing broken or fixed"
    if rep.others:  # they ran, and skipped or wanted what is not here
        return (f"none of the {len(rep.others)} other selected test(s) could be checked here "
                "(not checked, below)")
    return "no other test ran" + (" (the budget left them out, below)" if rep.left_out else "")


def _passing(rep: VerifyReport) -> tuple[int, int]:
    """Other tests passing: (run on both trees, run after the patch only)."""
    rows = [r for r in rep.others if r.change == "passing"]
    both = sum(r.before is not None for r in rows)
    return both, len(rows) - both


def _check_line(c: CheckOutcome) -> str:
    if c.status == CheckStatus.NOT_CHECKED:
        return f"not checked: {c.reason}"
    if c.status == CheckStatus.UNAFFECTED:
        return "unaffected (the patch changes none of the files it checks)"
    if c.status == CheckStatus.PASSED:
        passed = f"passed on the {c.files} changed file(s) it checks" if c.files else "passed"
        return f"{passed} ({c.reason})" if c.reason else passed
    return "fails (introduced by the patch)" if c.introduced else "fails on the base too"


def _is_sha(rep: VerifyReport) -> bool:
    """Whether the base's name is its sha (a base-commit, main's tip by sha)."""
    return len(rep.ref) >= 7 and rep.commit.startswith(rep.ref.lower())


def where(rep: VerifyReport, quote: str = "") -> str:
    """The base, named once: ``v0.20.0 (0123456789ab)``, or the sha alone; each name
    between ``quote`` (a backtick in Markdown)."""
    sha = f"{quote}{rep.commit[:12]}{quote}"
    return sha if _is_sha(rep) else f"{quote}{rep.ref}{quote} ({sha})"


def show(rep: VerifyReport, console: Console | None = None) -> None:
    console = console or Console()

    def p(text: str) -> None:
        console.print(text, highlight=False)

    def cmd(text: str) -> None:  # a command to copy: one line, however narrow the terminal
        console.print(text, highlight=False, soft_wrap=True)

    p(f"[bold]verify {rep.recipe}[/] at {escape(where(rep))}: "
      f"{escape(rep.change.description)}")
    if rep.applied_with:
        p(f"applied with {rep.applied_with}" + (f"; {rep.env_note}" if rep.env_note else ""))
    p(f"selected: {escape(selection_line(rep))}")
    for x in rep.selection[:LEFT_OUT_SHOWN]:  # what ran, and why each was picked
        p(f"  {escape(x.target)}  [dim]{escape(x.reason)}[/]")
    if len(rep.selection) > LEFT_OUT_SHOWN:
        p(f"  ... and {len(rep.selection) - LEFT_OUT_SHOWN} more (--json lists them all)")
    for note in rep.notes:
        p(f"  [dim]{escape(note)}[/]")
    p("")
    p("[bold]The patch's own tests[/] (before -> after)")
    _table(console, _sorted(rep.own), "no test of the patch ran" if not rep.own else "",
           expanded_tests(rep))
    p("[bold]Elsewhere[/]")
    rows = elsewhere(rep)
    passing, after_only = _passing(rep)
    _table(console, rows, "" if rows else quiet_elsewhere(rep))
    if passing:
        p(f"  {passing} other selected test(s) pass before and after")
    if after_only:
        p(f"  {after_only} other selected test(s) pass after the patch (no result on the base, "
          "not run there or not importable there: a test that passes after it is not broken)")
    p("[bold]Checks[/]")
    if not rep.checks_ran:
        p("  not run" + (" (--no-checks)" if rep.tests else ""))
    elif not rep.checks:
        p("  the recipe has no \\[checks] table")
    for c in rep.checks:
        style = "red" if c.status == CheckStatus.FAILED and c.introduced else ""
        line = f"  {escape(c.name)}: {escape(_check_line(c))}"
        p(f"[{style}]{line}[/]" if style else line)
        if c.status == CheckStatus.FAILED and c.introduced:
            cmd(f"    [dim]{escape(c.command)}[/]")
            for out in c.output.splitlines()[:20]:  # the first problems, with their codes
                p(f"    {escape(out)}")
            if c.fix:
                cmd(f"    fix: {escape(c.fix)}")
    undecided = rep.not_checked()
    if undecided:
        p("[bold]Not checked here[/]")
        for line in reasons(rep):
            p(f"  {escape(line)}")
        if NEEDS_GPU in undecided and rep.commands and rep.commands.gpu:
            cmd(f"  on a machine with a CUDA GPU: {escape(rep.commands.gpu)}")
        if online := _online(rep):
            cmd(f"  with network access: {escape(online)}")
        if rep.commands and rep.commands.slow:
            cmd(f"  with the tests marked slow (they load real checkpoints): "
                f"{escape(rep.commands.slow)}")
        missing = _missing(rep)
        left = _excluded(rep, missing)
        if addable := [m for m in missing if m not in left]:
            cmd(f"  to check them: add {escape(_listed(addable))} to \\[install] packages "
                f"of a copy of the recipe at {escape(str(recipes.user_dir() / rep.recipe))}"
                ".toml (read instead of the built-in one)")
        if left:
            p(f"  {escape(_listed(left))}: left out by the recipe (\\[install] exclude; "
              "its comments say why)")
    if rep.left_out:
        p(f"[bold]Left out by the budget[/] ({len(rep.left_out)} target(s), about "
          f"{sum(x.estimate for x in rep.left_out):.0f}s)")
        for x in rep.left_out[:LEFT_OUT_SHOWN]:
            p(f"  {escape(x.target)}  [dim]{escape(x.reason)}[/]")
        if len(rep.left_out) > LEFT_OUT_SHOWN:
            p(f"  ... and {len(rep.left_out) - LEFT_OUT_SHOWN} more (--json lists them all)")
        if rep.commands and rep.commands.left_out:
            cmd(f"  run them: {escape(rep.commands.left_out_harness)}")
            if len(rep.left_out) <= LEFT_OUT_SHOWN:  # else a line too long to read or paste
                for line in rep.commands.left_out.splitlines():
                    cmd(f"  or: {escape(line)}")
            else:
                p("  [dim](their pytest commands: --json, commands.left_out)[/]")
    p(f"tests: {summary(rep)}")
    if rep.before and rep.before.cached:
        p(f"[dim]before: cached base run #{rep.before.run_id}[/]")
    p("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in rep.timings.items()))
    p(f"[{rep.verdict.style}]{rep.verdict}[/] ({escape(rep.reason)})")


# the module a test could not import -> the package that installs it, where they differ
# (transformers 298ae85455: a test "needs git (not installed)", and the report offered to
# add "git", which pip cannot give: the module is GitPython's; "google": protobuf's, as the
# HF libraries import it; faiss: the CPU build, for a laptop)
PACKAGE_OF = {"PIL": "Pillow", "cv2": "opencv-python", "sklearn": "scikit-learn",
              "yaml": "PyYAML", "skimage": "scikit-image", "bs4": "beautifulsoup4",
              "git": "GitPython", "google": "protobuf", "faiss": "faiss-cpu",
              "awq": "autoawq"}


def _listed(names: list[str]) -> str:
    """"a", "a and b", "a, b and c" (transformers bc7772617f's report said "add pyctcdecode
    and optimum-quanto and peft")."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def _missing(rep: VerifyReport) -> list[str]:
    """The packages some test was not checked for want of (``needs librosa (not
    installed)``: transformers 279dbcf4d6's own tests), which a recipe can add."""
    return list(dict.fromkeys(PACKAGE_OF.get(name, name) for why in rep.not_checked()
                              if (m := NOT_INSTALLED_RE.match(why)) and (name := m.group(1))))


def _excluded(rep: VerifyReport, packages: list[str]) -> list[str]:
    """Those of ``packages`` the recipe leaves out on purpose (transformers: Pillow without
    torchvision breaks `from transformers import *`), not to be offered as ones to add."""
    out = {e.lower() for e in rep.excluded}
    return [p for p in packages if p.lower() in out]


def _online(rep: VerifyReport) -> str:
    """The command with --online, when some test was not checked for want of the network
    (else "")."""
    if rep.commands is None or not any(why in rep.not_checked() for why in NEEDS_NETWORK):
        return ""
    return rep.commands.online


def _table(console: Console, rows: list[Row], empty: str,
           expanded: frozenset[str] = frozenset()) -> None:
    if not rows:
        if empty:
            console.print(f"  {empty}", highlight=False)
        return
    table = Table(show_edge=False)
    for col in ("change", "test", "before", "after", "note"):
        table.add_column(col, overflow="fold")
    rows = collapsed(grouped(rows, expanded))
    for r in rows[:SHOWN]:
        table.add_row(f"[{STYLE[r.change]}]{r.change}[/]", escape(r.id), r.before or "-",
                      r.after or "-", escape((r.note.splitlines() or [""])[0][:120]))
    console.print(table)
    if len(rows) > SHOWN:
        console.print(f"... and {len(rows) - SHOWN} more (see --json)")


def _cell(text: str | None) -> str:
    return "-" if not text else text.replace("|", "\\|").replace("\n", " ")


def _md_rows(rows: list[Row], expanded: frozenset[str] = frozenset()) -> list[str]:
    lines = ["| test | before | after | change |", "|---|---|---|---|"]
    rows = collapsed(grouped(rows, expanded))
    for r in rows[:SHOWN]:
        change = r.change.replace("_", " ") + (f" ({r.note})" if r.change == "not_checked"
                                               else "")
        lines.append(f"| `{_cell(r.id)}` | {_cell(r.before)} | {_cell(r.after)} | "
                     f"{_cell(change)} |")
    if len(rows) > SHOWN:
        lines.append(f"| … {len(rows) - SHOWN} more | | | |")
    return lines


def markdown(rep: VerifyReport) -> str:
    ran = [r for r in rep.tests if r.change != "not_checked"]
    lines = [f"### Tests: {ICON[rep.verdict]} {rep.verdict} ({summary(rep)})", ""]
    env = f", env `{rep.env_key}`" if rep.env_key else ""
    lines.append(f"Checked with `harness verify`: recipe `{rep.recipe}` at {where(rep, '`')}{env}. "
                 f"The change ({rep.change.description}) applied "
                 f"with `{rep.applied_with or '-'}`" + (f"; {rep.env_note}." if rep.env_note
                                                       else "."))
    lines += ["", f"**{rep.verdict}**: {rep.reason}", ""]
    both = sum(r.before is not None and r.after is not None for r in ran)
    after_side = sum(r.before is None and r.after is not None for r in ran)
    lines.append(f"{both} test(s) ran before and after the patch"
                 + (f", {after_side} after it only" if after_side else "")
                 + "; nothing else is claimed.")
    lines += ["", "#### The patch's own tests", ""]
    lines += _md_rows(_sorted(rep.own), expanded_tests(rep)) if rep.own else \
        ["No test of the patch ran."]
    rows = elsewhere(rep)
    passing, after_only = _passing(rep)
    lines += ["", "#### Elsewhere", ""]
    lines += _md_rows(rows) if rows else [quiet_elsewhere(rep).capitalize() + "."]
    if passing:
        lines += ["", f"{passing} other selected test(s) pass before and after."]
    if after_only:
        lines += ["", f"{after_only} other selected test(s) pass after the patch (not run on "
                  "the base: a test that passes after it is not broken)."]
    lines += ["", "#### Checks", ""]
    if not rep.checks_ran:
        lines.append("Not run.")
    elif not rep.checks:
        lines.append("The recipe lists no checks.")
    for c in rep.checks:
        lines.append(f"- `{c.name}`: {_check_line(c)}" + (f"; fix: `{c.fix}`" if c.fix and
                                                         c.introduced else ""))
    undecided = rep.not_checked()
    if undecided:
        lines += ["", "#### Not checked here", ""]
        lines += [f"- {line}" for line in reasons(rep)]
        if NEEDS_GPU in undecided and rep.commands and rep.commands.gpu:
            lines += ["", f"On a machine with a CUDA GPU: `{rep.commands.gpu}`"]
        if online := _online(rep):
            lines += ["", f"With network access: `{online}`"]
        if rep.commands and rep.commands.slow:
            lines += ["", f"With the tests marked slow: `{rep.commands.slow}`"]
    if rep.left_out:
        lines += ["", f"#### Not run: left out by the time budget ({len(rep.left_out)})", ""]
        lines += [f"- `{x.target}`: {x.reason}" for x in rep.left_out[:LEFT_OUT_SHOWN]]
        if len(rep.left_out) > LEFT_OUT_SHOWN:
            lines.append(f"- ... and {len(rep.left_out) - LEFT_OUT_SHOWN} more")
    lines += ["", "<details><summary>Selected: " + selection_line(rep) + "</summary>", ""]
    lines += [f"- `{s.target}`: {s.reason}" for s in rep.selection[:SHOWN * 4]]
    lines += [f"- {n}" for n in rep.notes]
    lines += ["", "</details>", "", "<details><summary>Reproduce</summary>", "", "```bash"]
    if rep.commands:
        lines += [rep.commands.harness, "# or: " + rep.commands.nox]
        if rep.commands.pytest:
            lines += ["# the tests themselves, in a checkout with the env active:"]
            lines += rep.commands.pytest.splitlines()
        if rep.commands.left_out:
            lines += ["# what the budget left out:", rep.commands.left_out_harness]
    lines += ["```", "", "</details>", ""]
    return "\n".join(lines)
