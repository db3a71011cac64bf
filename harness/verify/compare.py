"""Before vs after, test by test: fixed, broken, still failing, passing, new, removed, flaky,
not checked.

A test counts as failing when its outcome is ``failed`` or ``error``; passed, skipped,
xfail and xpass count as not failing.  A collection error of a file (an import that
only works after the fix) gives each of that file's tests an ``error`` on that side.

What this machine cannot decide is ``not_checked``, with its reason, never fixed or broken:
a test that failed because the harness blocked outbound network (``needs network``), one
that wanted a Hub download in offline mode (``needs a Hub download``), one skipped for a
missing GPU or accelerator (``needs GPU``), and any test skipped after the patch (peft
3a90cd4ab's selection held 240 tests of ``test_state_dict.py`` that skip unless
``REGRESSION_CREATION_MODE`` is set: they were "240 other test(s) checked").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from harness.results import (
    BLOCKED,
    OFFLINE,
    OFFLINE_SAID,
    TIME_LIMIT_MESSAGE,
    TestResult,
    missing_package,
)
from harness.status import Status
from harness.verify.own import is_own

ChangeKind = Literal["fixed", "broken", "still_failing", "passing", "new", "removed", "flaky",
                     "not_checked"]
CHANGES: tuple[ChangeKind, ...] = ("broken", "fixed", "flaky", "still_failing", "new",
                                   "removed", "passing", "not_checked")
# the plugin's mark on a blocked connection (results.BLOCKED), and the error it raises
NETWORK_SIGNS = (f"harness: {BLOCKED}", "NetworkBlocked")
HUB_SIGNS = (OFFLINE, OFFLINE_SAID, "outgoing traffic has been disabled", "HF_HUB_OFFLINE",
             "offline mode is enabled", "LocalEntryNotFoundError",
             "couldn't connect to 'https://huggingface.co'",
             "Cannot find the requested files in the local cache")
# from_pretrained of a Hub repo id ("org/name", not a local path) that the offline cache lacks
HUB_FILE_RE = re.compile(r"(?<![/\w.-])[A-Za-z0-9][\w.-]*/[\w.-]+ does not appear to have a file "
                         r"named")
# what a test or a check not checked for want of a package says, and how to read it back
NOT_INSTALLED = "needs {} (not installed)"
NOT_INSTALLED_RE = re.compile(r"^needs (\S+) \(not installed\)$")
# a program a test runs that the env lacks: a bare name, no path, no suffix (diffusers
# 7aa57aafff: tests/others/test_check_copies.py pipes code through `ruff`, not in the test
# env; it failed alike before and after, and verify said "failing")
PROGRAM_RE = re.compile(r"FileNotFoundError: \[Errno 2\] No such file or directory: "
                        r"'([A-Za-z][\w+-]*)'$")
NO_PROGRAM = "needs the program {} (not found)"
# an xdist worker that died under a test: out of memory, most often (diffusers 4c52cb267a:
# VidTok's tiling tests on a 24 GB machine, two sides at once); nothing says which side
CRASH_SIGNS = ("crashed while running",)
CRASHED = "its test process crashed (out of memory?): run it alone"
OUT_OF_TIME = ("not run: the run's time limit ran out first (the subset's run_timeout; a copy "
               "of the recipe can raise it)")
# pytest-timeout stopped the test: heavy on this machine, not failed (diffusers 7564fb016d: two
# new LTX-2 tiling tests passed 120 s with both sides running on 2 cores, and verify said
# "failing"); a test that passed before the patch and times out after it stays broken
TEST_TIMEOUT_RE = re.compile(r"^Failed: Timeout \(>([\d.]+)s\) from pytest-timeout")
TOO_SLOW = ("ran past the per-test time limit ({:g} s) here (the subset's timeout; a copy of "
            "the recipe can raise it)")
# a dependency's API that the version in the env lacks, told by a path into its site-packages:
# the tree was written for another release (peft f8aca0a0c, of October 2025, mock-patches
# transformers.utils.hub._is_offline_mode, gone from the 5.14.1 that peft's recipe pins: 73
# tests failed alike before and after, and verify said "failing")
DEPENDENCY_RE = re.compile(
    r"cannot import name '(?P<name>\w+)' from '(?P<module>[\w.]+)' \([^)]*site-packages/"
    r"|<module '(?P<module2>[\w.]+)' from '[^']*site-packages/[^']*'> does not have the "
    r"attribute '(?P<name2>\w+)'"
    # no path: the module is another package than the target's (diffusers 5df02fc171, of
    # June 2025: its datasets asks the env's pyarrow for PyExtensionType, gone since)
    r"|module '(?P<module3>[\w.]+)' has no attribute '(?P<name3>\w+)'")
GPU_RE = re.compile(r"\b(gpus?|cuda|accelerators?|xpu|npu|hpu|mps|multi-?gpu|bitsandbytes|"
                    r"torch_device|require_torch_\w+|flash[ _-]?attention|flash_attn)\b",
                    re.IGNORECASE)
# the skip of a target's require_X decorator ("test requires PEFT", diffusers' "test requires
# PEFT backend", "test requires `faiss`"); said of a package the env lacks: transformers
# 0f33294af5 and 522975849c, whose own tests all skipped "test requires PEFT"
REQUIRES_RE = re.compile(r"^test requires `?([\w.+-]+(?: runtime)?)`?(?: backend)?$",
                         re.IGNORECASE)
# ... the names a package on PyPI answers (lower-cased name -> distribution); others
# ("vision", "deepspeed", "the kernels library") are left as the test said them
REQUIRED_PACKAGE = {name.lower(): name for name in (
    "peft", "timm", "pytesseract", "av", "sentencepiece", "librosa", "soundfile",
    "torchvision", "torchaudio", "scipy", "pandas", "beautifulsoup4", "Levenshtein", "nltk",
    "sacremoses", "tiktoken", "pyctcdecode", "phonemizer", "accelerate", "onnx",
    "onnxruntime", "tokenizers", "decord", "spacy", "torchsde", "compel", "optimum",
    "optimum-quanto", "numba", "pretty_midi", "g2p_en", "rjieba", "tensorboard",
    "torchcodec", "optuna", "ipython", "note_seq", "cython")} | {
    "opencv": "opencv-python", "onnx runtime": "onnxruntime", "jinja": "jinja2",
    "faiss": "faiss-cpu"}
BAD = ("failed", "error")
NEEDS_GPU = "needs GPU"
NEEDS_NETWORK = ("needs network", "needs a Hub download")  # what --online may change
CODE_FREE = "the change alters no code (comments, docstrings, messages, type hints, docs)"
RERUN_LIMIT = 300  # more changed tests than this: rerun their files instead


class Row(NamedTuple):
    id: str
    before: str | None  # outcome, None: not there
    after: str | None
    change: ChangeKind
    note: str = ""
    own: bool = False  # a test the patch adds or changes


class Verdict(NamedTuple):
    status: Status
    reason: str


def undecidable(outcome: str | None, message: str) -> str | None:
    """Why an outcome says nothing about the change (None: it does)."""
    if outcome in BAD:
        if message == TIME_LIMIT_MESSAGE:
            return OUT_OF_TIME
        if any(s in message for s in NETWORK_SIGNS):
            return NEEDS_NETWORK[0]
        if missing := missing_package(message):  # a package the env lacks, not a module
            return NOT_INSTALLED.format(missing)  # the patch adds
        if program := PROGRAM_RE.search(message.splitlines()[0] if message else ""):
            return NO_PROGRAM.format(program.group(1))
        if any(s in message for s in HUB_SIGNS) or HUB_FILE_RE.search(message):
            return NEEDS_NETWORK[1]
        if any(s in message for s in CRASH_SIGNS):
            return CRASHED
    if outcome == "skipped" and GPU_RE.search(message):
        return NEEDS_GPU
    if outcome == "skipped" and (required := REQUIRES_RE.match(message)) and (
            package := REQUIRED_PACKAGE.get(required.group(1).lower())):
        return NOT_INSTALLED.format(package)
    if outcome == "skipped" and any(s in message for s in HUB_SIGNS):
        # a test that skips itself when the Hub is out of reach (diffusers d6bfaa71b8: "tiny
        # DiffusionGemma checkpoint unavailable: We couldn't connect to 'https://huggingface.co'")
        return NEEDS_NETWORK[1]
    if outcome == "passed" and message.startswith(OFFLINE):
        # it passed although the Hub refused it something: on what the code built without
        # (transformers 1b20eb168c: tokenizer tests passed on an empty tokenizer)
        return NEEDS_NETWORK[1]
    return None


def other_release(before: tuple[str, str] | None, after: tuple[str, str] | None,
                  target: str = "") -> str | None:
    """Why a test failing on both sides for want of a dependency's API says nothing about the
    change (None: it does, or it is not that).  One side alone is no sign: a patch that
    starts using what the installed release lacks breaks its tests.  ``target``: the
    package under test, whose own missing names are failures like any other."""
    if before is None or after is None or not (failing(before[0]) and failing(after[0])):
        return None
    found = DEPENDENCY_RE.search(after[1])
    if found is None or DEPENDENCY_RE.search(before[1]) is None:
        return None
    module = found.group("module") or found.group("module2") or found.group("module3")
    name = found.group("name") or found.group("name2") or found.group("name3")
    package = module.split(".")[0]
    if found.group("module3") and (not target or package == target):
        return None
    return (f"the env's {package} has no {module}.{name}: this tree was written for another "
            f"{package} release")


def failing(outcome: str | None) -> bool:
    return outcome in BAD


def file_of(test_id: str) -> str:
    return test_id.split("::", maxsplit=1)[0]


def _by_id(results: Iterable[TestResult], other: Iterable[TestResult]
           ) -> dict[str, tuple[str, str]]:
    """Outcomes by id; a file's own outcome (a collection error, or a skip of the whole
    module: ``pytest.skip(allow_module_level=True)``) stands for every test of that file
    seen in ``other``."""
    found: dict[str, tuple[str, str]] = {r.id: (r.outcome, r.message) for r in results
                                         if "::" in r.id}
    files = {r.id: _of_file(r) for r in results if "::" not in r.id}
    for r in other:
        if "::" in r.id and r.id not in found and file_of(r.id) in files:
            found[r.id] = files[file_of(r.id)]
    covered = {file_of(t) for t in found}
    for path, outcome in files.items():
        if path not in covered:
            found[path] = outcome
    return found


def _of_file(r: TestResult) -> tuple[str, str]:
    """The outcome a file-level result gives its tests: peft's test_torch_compile.py skips
    at import unless asked to run, and that skip read as a collection error: 'still
    failing'."""
    return ("error", f"collection error: {r.message}") if failing(r.outcome) else \
        (r.outcome, r.message)


def classify(before: list[TestResult], after: list[TestResult],
             own: Sequence[str] = (), *, after_first: bool = False,
             own_cases: Mapping[str, tuple[str, ...]] | None = None,
             target: str = "") -> list[Row]:
    """One row per test; ``own``: the targets of the patch's own tests (``own_cases``: those
    narrowed to some of their parametrized cases, see :func:`.own.is_own`); ``target``: the
    name of the package under test (see :func:`other_release`).

    ``after_first``: the base ran only the own tests and the others that fail after the
    patch, so another test missing from ``before`` that does not fail after is
    ``passing`` (with no before outcome): a test passing after the patch is not broken."""
    old, new = _by_id(before, after), _by_id(after, before)
    rows: list[Row] = []
    for test in sorted(old.keys() | new.keys()):
        b, a = old.get(test), new.get(test)
        mine = is_own(test, own, own_cases)
        note = (a if a is not None and (failing(a[0]) or b is None) else b or ("", ""))[1]
        why = (undecidable(a[0], a[1]) if a else None) or (undecidable(b[0], b[1]) if b else None)
        why = why or other_release(b, a, target) or _too_slow(b, a)
        if why is None and a is not None and a[0] == "skipped":  # it did not run after
            why = _skipped(b, a[1], mine)
        if why is not None:
            rows.append(Row(test, b[0] if b else None, a[0] if a else None, "not_checked",
                            why, mine))
            continue
        if b is None and after_first and not mine and a is not None and not failing(a[0]):
            kind: ChangeKind = "passing"
        elif b is None:
            kind = "new"
        elif a is None:
            kind = "removed"
        elif failing(b[0]) and not failing(a[0]):
            kind = "fixed"
        elif not failing(b[0]) and failing(a[0]):
            kind = "broken"
        elif failing(a[0]):
            kind = "still_failing"
        else:
            kind = "passing"
        rows.append(Row(test, b[0] if b else None, a[0] if a else None, kind,
                        note if kind != "passing" else "", mine))
    return _shifted(rows)


def _skipped(b: tuple[str, str] | None, reason: str, mine: bool) -> str:
    """Why a test skipped after the patch is not checked; one that ran before (another
    file's, not the patch's own) is told apart: the patch, or its tree, stopped it."""
    why = f"skipped: {reason}" if reason else "skipped"
    if not mine and b is not None and b[0] not in ("skipped", ""):
        return f"skipped after the patch, {b[0]} before: {reason or 'no reason given'}"
    return why


def _too_slow(b: tuple[str, str] | None, a: tuple[str, str] | None) -> str | None:
    """Why a test stopped by pytest-timeout after the patch is not checked, unless it passed
    before it."""
    timed_out = TEST_TIMEOUT_RE.match(a[1]) if a is not None and failing(a[0]) else None
    if timed_out is None or (b is not None and b[0] == "passed"):
        return None
    return TOO_SLOW.format(float(timed_out.group(1)))


def _shifted(rows: list[Row]) -> list[Row]:
    """Note new/removed pairs of one parametrized test: its ids may just have shifted."""
    moved = {r.id: r.id.split("[", 1)[0] for r in rows
             if r.change in ("new", "removed") and "[" in r.id}
    sides = Counter(f"{moved[r.id]} {r.change}" for r in rows if r.id in moved)
    note = "parametrized ids of this test differ before and after (ids shift when a case is added)"
    return [r._replace(note=note) if r.id in moved and sides[f"{moved[r.id]} new"]
            and sides[f"{moved[r.id]} removed"] else r for r in rows]


def base_wanted(rows: list[Row]) -> list[str]:
    """Tests not the patch's own that fail after it and have no before outcome yet (the
    base ran only the own tests): the ones whose outcome on the base decides broken or not."""
    return [r.id for r in rows if not r.own and r.before is None and failing(r.after)
            and r.change != "not_checked"]


def to_rerun(rows: list[Row]) -> list[str]:
    """Tests whose outcome changed, to run once more on each side: what broke, and what got
    fixed elsewhere; and the patch's own tests that fail after it, which decide "failing"
    (transformers 136c621c00: an own test on random inputs failed on two runs, passed on a
    third).  The patch's own fixed tests are what it was written for: not rerun."""
    return [r.id for r in rows if "::" in r.id and (r.change == "broken" or (
        r.change == "fixed" and not r.own) or (
        r.own and r.change in ("still_failing", "new") and failing(r.after)))]


def rerun_targets(ids: list[str]) -> tuple[str, ...]:
    if len(ids) <= RERUN_LIMIT:
        return tuple(ids)
    return tuple(sorted({file_of(t) for t in ids}))


def mark_flaky(rows: list[Row], again_before: list[TestResult], again_after: list[TestResult]
               ) -> list[Row]:
    """A changed test whose rerun disagrees with its first run on either side is flaky."""
    before, after = _by_id(again_before, []), _by_id(again_after, [])

    def check(row: Row) -> Row:
        flips = [side for side, first, again in (("before", row.before, before.get(row.id)),
                                                  ("after", row.after, after.get(row.id)))
                 if again is not None and failing(first) != failing(again[0])]
        if row.change not in ("fixed", "broken", "still_failing", "new") or not flips:
            return row
        return row._replace(change="flaky", note=f"{row.change} on the first run; a rerun "
                            f"{' and '.join(flips)} gave another outcome")

    return [check(row) for row in rows]


def counts(rows: list[Row]) -> dict[str, int]:
    c = Counter(r.change for r in rows)
    return {k: c.get(k, 0) for k in CHANGES}


SKIP_SHOWN = 40  # characters of a skip's reason that a verdict line keeps
REASONS_SHOWN = 4  # reasons a verdict line names; the report lists them all


def _reasons(rows: Iterable[Row]) -> str:
    """Why tests were not checked, commonest first, for one line: a skip says its reason
    ('skipped: test requires vision', not 'skipped': transformers e7e8b7fa16's only own
    test)."""
    common = Counter(_short(r.note) for r in rows).most_common()
    shown = [f"{why} ({n})" for why, n in common[:REASONS_SHOWN]]
    rest = common[REASONS_SHOWN:]
    if rest:
        shown.append(f"{sum(n for _, n in rest)} for {len(rest)} other reason(s)")
    return ", ".join(shown)


def _short(note: str) -> str:
    head, _, rest = note.partition(":")
    if head != "skipped" or not rest.strip():
        return head
    rest = " ".join(rest.split())
    if len(rest) > SKIP_SHOWN:  # cut after the word that reaches the limit (peft e84dd8f40:
        # cut before it, "Transformers patch_moe_parameter_targeting no longer exists ..."
        # read "skipped: Transformers...")
        end = rest.find(" ", SKIP_SHOWN - 3)
        end = len(rest) if end < 0 else end
        end = SKIP_SHOWN - 3 if end > 2 * SKIP_SHOWN else end
        rest = rest[:end] + ("..." if end < len(rest) else "")
    return f"skipped: {rest}"


# the verdict's lead for a change its author means to alter no behaviour (--refactor)
REFACTOR = "a refactor (--refactor: the change means to alter no behaviour)"


def _cases(rows: Sequence[Row]) -> str:
    """Where parametrized cases outnumber the test functions they run ("286 own test(s)"
    for one new test of peft e611abe9e), the functions' count, for the verdict."""
    functions = {r.id.partition("[")[0] for r in rows}
    return f"; the cases of {len(functions)} test function(s)" if len(functions) < len(rows) else ""


def verdict(rows: list[Row], code_free: bool = False, shared: Sequence[str] = (), *,
            refactor: bool = False) -> Verdict:
    """The patch's own tests decide; anything broken elsewhere makes it ``regressions``.
    Without tests of its own, only tests it fixes elsewhere can make it ``ok``, or, for a
    change that alters no code (``code_free``: comments, docstrings, messages, type hints,
    documents; the checks then decide), tests it leaves passing, or, for a change its author
    means to alter no behaviour (``refactor``: ``--refactor``), tests that ran before and
    after it with none broken.  ``shared``: changed test files whose changes only other test
    files use (a mixin): the advice is to run those, not to add a test."""
    others = [r for r in rows if not r.own]
    mine = [r for r in rows if r.own]
    broken = [r for r in others if r.change == "broken"
              or (r.change == "new" and failing(r.after))]
    if broken:
        return Verdict(Status.REGRESSIONS, f"{len(broken)} test(s) broken by the patch")
    # a flaky test (another outcome on a rerun) is counted apart, not as failing
    still = [r for r in mine if r.change not in ("not_checked", "flaky") and failing(r.after)]
    if still:
        return Verdict(Status.FAILING, f"{len(still)} of the patch's {len(mine)} own test(s) "
                       "fail after it")
    undecided = [r for r in rows if r.change == "not_checked"]
    ran = [r for r in mine if r.change != "not_checked"]
    if mine and not ran:
        return Verdict(Status.UNCHECKED, f"none of the patch's {len(mine)} own test(s) could "
                       f"run here: {_reasons(mine)}")
    if not mine and not [r for r in others if r.change != "not_checked"]:
        why = f": {_reasons(undecided)}" if undecided else ": no test was selected"
        return Verdict(Status.UNCHECKED, f"nothing selected could be checked here{why}")
    c = counts(rows)
    if not mine and not c["fixed"] and code_free:
        checked = sum(r.change != "not_checked" for r in others)
        return Verdict(Status.OK, f"{CODE_FREE}: the checks decide; {checked} other "
                       "test(s) checked, nothing broken")
    if not mine and not c["fixed"] and shared:
        checked = sum(r.change != "not_checked" for r in others)
        return Verdict(Status.UNCHECKED, "the patch changes tests only in what other test "
                       f"files use ({', '.join(shared)}) and none of the {checked} selected "
                       "test(s) changed outcome: the files that use them show what it fixes "
                       "(--all runs every one)")
    both = sum(r.before is not None and r.after is not None and r.change != "not_checked"
               for r in others)
    if not mine and not c["fixed"] and refactor and both:
        after_only = sum(r.before is None and r.after is not None and r.change != "not_checked"
                         for r in others)
        return Verdict(Status.OK, f"{REFACTOR}: {both} selected test(s) ran before and after "
                       "it, none changed outcome, nothing broken"
                       + (f" ({after_only} more after it only)" if after_only else ""))
    if not mine and not c["fixed"]:
        checked = sum(r.change != "not_checked" for r in others)
        return Verdict(Status.UNCHECKED, "the patch adds or changes no test and none of the "
                       f"{checked} selected test(s) changed outcome (nothing broke): nothing "
                       "here shows what it fixes; add a test that fails without it (a change "
                       "meant to alter no behaviour, a refactor: --refactor)")
    if mine:
        fixed = sum(r.change == "fixed" for r in mine)
        parts = [f"{len(ran)} own test(s) pass after the patch ({fixed} fixed{_cases(ran)})"]
    else:
        parts = ["the patch adds or changes no test"]
    checked = sum(r.change != "not_checked" for r in others)
    parts.append(f"{checked} other test(s) checked, nothing broken")
    parts += [f"{c[k]} {k.replace('_', ' ')}" for k in ("flaky", "not_checked") if c[k]]
    return Verdict(Status.OK, "; ".join(parts))
