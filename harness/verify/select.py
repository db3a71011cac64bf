"""Which tests a change can affect, in the order they run, within a time budget.

From the whole test tree of the patched checkout, in this order:

1. the tests the patch adds or changes (:mod:`harness.verify.own`): always run, whatever a
   subset's paths, ``-k`` or markers say, and whatever the budget;
2. the test files that import a changed file (the reverse import graph), nearest first,
   with those under a changed ``conftest.py`` and the recipe's always-run list.  A file
   that a subset narrows with ``-k``/markers (peft's ``test_custom_models.py`` collects
   ~15,700 tests) is narrowed the same way here, widened by the ``-k`` the recipe's
   ``[verify] cases`` gives what the patch changes (a peft tuner's cases).

A budget (seconds of tests per run, estimated from per-test durations stored by earlier
runs) is filled in that order; what does not fit is left out and listed.  ``--subset``
keeps the impacted files to that subset's paths and narrows them with its ``-k``/markers.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness import recipes
from harness.recipes import Recipe, Subset
from harness.verify import compare, durations, imports, mixins, own, scripts
from harness.verify.diff import FileDiff, is_under


@dataclass(frozen=True)
class Pick:
    """One pytest target: a test file, or a node id of the patch's own tests."""

    target: str
    reason: str
    own: bool  # added or changed by the patch
    distance: int  # 0: the patch's own; else import hops to the nearest changed file
    narrow: str | None = None  # the subset whose -k/markers narrow this file
    estimate: float = 0.0  # seconds per run
    measured: bool = False  # the estimate comes from stored durations
    cases: tuple[str, ...] = ()  # an own test: only these parametrized cases of it run
    share: float = 1.0  # about that share of the target's tests run
    # a -k that adds to the narrowing subset's the cases of what the patch changes
    # (``[verify] cases``)
    widen: str = ""

    def to_json(self) -> dict[str, object]:
        return {"path": self.target, "reason": self.reason, "own": self.own,
                "distance": self.distance, "narrowed_by": self.narrow,
                "widened_by": self.widen or None,
                "cases": list(self.cases), "estimate": round(self.estimate, 2),
                "measured": self.measured}


@dataclass(frozen=True)
class Batch:
    """One pytest invocation per side: its targets and the narrowing that applies to all."""

    targets: tuple[str, ...]
    k: str | None = None
    markers: str | None = None
    deselect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Selection:
    run: tuple[Pick, ...]  # in order: the patch's own tests, then nearest importers first
    left_out: tuple[Pick, ...]  # what the budget left out
    notes: tuple[str, ...]
    budget: float | None  # None: no budget (--all)
    test_files: int  # test files in the patched tree
    # other selected tests whose latest stored outcome was a failure: the base runs them
    # beside the own tests, rather than after the after side says they fail
    suspects: tuple[str, ...] = ()
    # changed test files whose changes only other test files use (a mixin's tests)
    shared: tuple[str, ...] = ()

    @property
    def own(self) -> tuple[Pick, ...]:
        return tuple(p for p in self.run if p.own)

    @property
    def own_targets(self) -> tuple[str, ...]:
        return tuple(p.target for p in self.run if p.own)

    @property
    def own_cases(self) -> dict[str, tuple[str, ...]]:
        """The own targets narrowed to some of their parametrized cases."""
        return {p.target: p.cases for p in self.run if p.own and p.cases}

    @property
    def empty(self) -> bool:
        return not self.run

    def files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.target.split("::")[0] for p in self.run))


def is_test_file(path: str, tests_dir: str) -> bool:
    return is_under(path, tests_dir) and scripts.is_test_named(path)


def package_dir(recipe: Recipe, worktree: Path) -> str:
    """The target's package: the recipe's ``verify.package``, else guessed (src layout)."""
    if recipe.verify.package:
        return recipe.verify.package.strip("/")
    for parent in ("src", ""):
        base = worktree / parent if parent else worktree
        found = sorted(p.parent for p in base.glob("*/__init__.py")
                       if p.parent.name not in ("tests", "test", "docs", "examples"))
        if found:
            return str(found[0].relative_to(worktree))
    return "src"


def graph_of(recipe: Recipe, worktree: Path) -> imports.Graph:
    package = package_dir(recipe, worktree)
    import_root = str(PurePosixPath(package).parent) if "/" in package else ""
    return imports.build(worktree, [(package, import_root), (recipe.verify.tests_dir, "")])


def _impacted(back: dict[str, dict[str, list[str]]], tests: Iterable[str]
              ) -> dict[str, tuple[int, str]]:
    """Test file -> (import hops to the nearest changed file, why); ``back``: the
    :func:`imports.importers` of the changed files."""
    wanted = set(tests)
    hits: dict[str, list[list[str]]] = {}
    for path in sorted(back):
        for test, chain in back[path].items():
            if test in wanted:
                hits.setdefault(test, []).append(chain)
    found: dict[str, tuple[int, str]] = {}
    for test, chains in hits.items():
        chain = min(chains, key=lambda c: (len(c), c))
        how = f" (via {chain[1]})" if len(chain) > 2 else ""
        more = f" and {len(chains) - 1} more changed file(s)" if len(chains) > 1 else ""
        found[test] = (max(len(chain) - 1, 1), f"imports {chain[-1]}{how}{more}")
    return found


def narrowing(recipe: Recipe, path: str, scope: Subset | None) -> Subset | None:
    """The subset whose ``-k``/markers narrow a file the patch does not touch.

    With ``--subset``: that subset, when it has ``-k``/markers.  Otherwise a CPU subset made
    of that one file and a ``-k``/markers (peft's ``lora`` for ``test_custom_models.py``):
    the recipe's own statement that the file is too big to run whole.
    """
    if scope is not None:
        return scope if (scope.k or scope.markers) and recipes.covers(scope, path) else None
    narrows = [s for s in recipe.subsets.values()
               if s.device == "cpu" and (s.k or s.markers) and s.paths == (path,)]
    default = recipe.subsets.get(recipe.default_subset)
    if default in narrows:
        return default
    return narrows[0] if narrows else None


def widening(recipe: Recipe, changed: Collection[str]) -> str:
    """The -k that adds to a narrowed file's the cases of the changed paths (``[verify]
    cases``; "" for none): peft's lora keeps LoRA's cases of test_custom_models.py, so a
    real IA3 fix (peft a61925a47) ran LoRA's 2,810 tests only, none of them IA3's, and said
    nothing broke."""
    found = [k for prefix, k in recipe.verify.cases.items()
             if any(p.startswith(prefix) for p in changed)]
    return " or ".join(f"({k})" for k in dict.fromkeys(found))


def select(recipe: Recipe, after: Path, files: Iterable[FileDiff], *,
           scope: Subset | None = None, budget: float | None = None,
           known: durations.Known | None = None, before: Path | None = None) -> Selection:
    v = recipe.verify
    known = known or durations.Known({})
    files = list(files)
    changed = {p for f in files for p in f.paths()}
    notes: list[str] = []
    shared: list[str] = []
    picks: dict[str, Pick] = {}
    package = package_dir(recipe, after)

    for f in files:
        if not scripts.is_changed_test(f.path, v.tests_dir, package):
            continue
        if f.status == "deleted":
            notes.append(f"{f.path}: deleted by the patch")
            continue
        found, note = own.own_tests(f, after)
        notes += [note] if note else []
        if note and own.SHARED_NOTE in note:
            shared.append(f.path)
        for o in found:
            picks.setdefault(o.target, Pick(o.target, o.reason, True, 0, cases=o.cases,
                                            share=o.share))
    graph = graph_of(recipe, after)
    tests = sorted(p for p in graph.by_path if is_test_file(p, v.tests_dir))
    other: dict[str, tuple[int, str]] = {}
    under: dict[str, set[str]] = {}  # a changed conftest.py -> the test files under it
    for f in files:
        if PurePosixPath(f.path).name == "conftest.py":
            folder = str(PurePosixPath(f.path).parent)
            for t in tests:
                if is_under(t, "" if folder == "." else folder):
                    other.setdefault(t, (1, f"{f.path} changed"))
                    under.setdefault(f.path, set()).add(t)
    back = imports.importers(graph, changed)
    # a mixin's tests live in the classes of other files that inherit it; mixins also live in
    # helper modules of the tests (diffusers' tests/lora/utils.py)
    helpers = [f.path for f in files if f.status == "modified" and f.path.endswith(".py")
               and is_under(f.path, v.tests_dir) and not is_test_file(f.path, v.tests_dir)
               and PurePosixPath(f.path).name != "conftest.py"]
    for path in [*shared, *helpers]:
        diff = next(f for f in files if f.path == path)
        inherited, more = mixins.inheritors(graph, path, mixins.changed(diff, after),
                                            back.get(path, {}), set(tests), after)
        for _, o in inherited:
            picks.setdefault(o.target, Pick(o.target, o.reason, True, 0, cases=o.cases,
                                            share=o.share))
        if more:
            notes.append(f"{path}: {more} more test class(es) inherit what it changes; "
                         "their files count as impacted (--all runs them)")
    # a file of mixins only (transformers' test_modeling_common.py) runs nothing itself
    runnable = [t for t in tests if not durations.collects_nothing(graph.by_path[t].tests)]
    for t, found_why in _impacted(back, runnable).items():
        if t not in other or found_why[0] < other[t][0]:
            other[t] = found_why
    if before is not None and any(f.status in ("deleted", "renamed") for f in files):
        old = graph_of(recipe, before)
        old_tests = [t for t in old.by_path if is_test_file(t, v.tests_dir) and t in graph.by_path]
        for t, (hops, why) in _impacted(imports.importers(old, changed), old_tests).items():
            other.setdefault(t, (hops, why + " (before the patch)"))
    ran = scripts.runners(after, [p for p in sorted(changed) if not is_under(p, package)
                                  and not is_test_file(p, v.tests_dir)
                                  and PurePosixPath(p).name != "conftest.py"
                                  and (after / p).is_file()], v.tests_dir)
    for runs in ran.values():
        for t, why in runs.items():
            other.setdefault(t, (1, why))
    for path in v.always_run:
        other.setdefault(path, (1, "always run (recipe)"))
    chosen = {*other, *(k.split("::")[0] for k in picks)}
    for path in sorted(changed - set(other)):
        if is_test_file(path, v.tests_dir) or PurePosixPath(path).name == "conftest.py":
            continue
        if not chosen & (back[path].keys() | ran.get(path, {}).keys()):
            notes.append(f"{path}: no test imports it")
    widened = widening(recipe, changed)  # the same for every file a subset narrows
    for path, (hops, why) in other.items():
        if path in picks:  # the patch's own test file, whole
            continue
        if scope is not None and not recipes.covers(scope, path):
            notes.append(f"{path}: not in subset {scope.name} ({why})")
            continue
        narrow = narrowing(recipe, path, scope)
        widen = widened if narrow is not None and narrow.k else ""
        how = f"; narrowed as subset {narrow.name}" if narrow else ""
        how += f", with the cases of what the patch changes (-k {widen!r})" if widen else ""
        picks[path] = Pick(path, why + how, False, hops, narrow.name if narrow else None,
                           widen=widen)
    # of files as near, those whose tests checked nothing when they last ran here go last
    # (peft 3a90cd4ab's budget went to test_state_dict.py, whose 240 tests all skip), and
    # the quickest first: the budget then checks as many of them as it can (peft
    # 607895c99, verified a second time: test_common_gpu.py, first by name, never run here
    # and estimated at 23 s, took the budget the 3 s files that had passed the first time
    # ran in, and its 70 tests all need a GPU)
    def near(p: Pick) -> tuple[int, bool]:
        return p.distance, p.target in known.idle

    def shown(p: Pick) -> tuple[int, bool, str]:  # the nearest first, then by name
        return (*near(p), p.target)

    estimated = sorted((_with_estimate(_idle(p) if p.target in known.idle and not p.own else p,
                                       known, after, graph) for p in picks.values()),
                       key=lambda p: (*near(p), p.estimate, p.target))
    run, left = _fill(estimated, budget)
    # (shown as before; with a budget, _nearest_each sorts what runs)
    left.sort(key=shown)
    if budget is not None:
        one_hop: dict[str, Collection[str]] = {**ran, **under}
        run, left, past = _nearest_each(run, left, _nearest_of(back, one_hop, picks), budget)
        notes += past
    else:
        run.sort(key=shown)
    return Selection(tuple(run), tuple(left), tuple(notes), budget, len(tests),
                     suspects(known, [p.target for p in run if not p.own], after),
                     tuple(shared))


SUSPECTS = 50  # at most this many stored failures run on the base beside the own tests


def suspects(known: durations.Known, others: list[str], tree: Path) -> tuple[str, ...]:
    """The tests of ``others`` (targets) whose latest stored outcome is a failure that says
    something about the code (not a blocked download or a missing GPU), as node ids without
    parameters (the cases may differ at this commit) whose class and function are defined in
    their file in ``tree`` (pytest refuses a node id that is not there)."""
    found: dict[str, None] = {}
    texts: dict[str, str] = {}
    for test, message in sorted(known.failing.items()):
        node = test.split("[", 1)[0]
        path, _, rest = node.partition("::")
        if (not rest or compare.undecidable("failed", message) is not None
                or not any(node.startswith(o + "::") or node == o for o in others)):
            continue
        if path not in texts:
            try:
                texts[path] = (tree / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                texts[path] = ""
        if all(re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{re.escape(name)}\b", texts[path],
                         re.MULTILINE) for name in rest.split("::")):
            found[node] = None
    return tuple(found)[:SUSPECTS]


def _idle(p: Pick) -> Pick:
    return dataclasses.replace(p, reason=p.reason + "; none of its tests ran or could decide "
                               "anything here last time (skipped, network, GPU)")


def _with_estimate(p: Pick, known: durations.Known, worktree: Path,
                   graph: imports.Graph | None = None) -> Pick:
    seconds, measured = durations.estimate(known, p.target, worktree, p.narrow, graph)
    seconds *= p.share
    if not p.own:  # one more file to import and collect
        seconds += durations.FILE_SECONDS
    return dataclasses.replace(p, estimate=seconds, measured=measured)


# The test files nearest each changed file are what can show the patch's effect, and what
# it is likeliest to break: for each changed file none of whose nearest test files fits the
# budget, one of them runs too (the one named for it, else the quickest), while what runs
# past the budget stays within this many budgets in all.  diffusers d44b5f86e6 fixes a
# training script whose one example test (about 55 s) the 30 s budget left out, and verify
# ran nothing; transformers ce5c8f5e43 fixes the GPT-NeoX tokenizer, and four files that
# import it through `transformers/__init__.py` ran where its own tokenizer test file did
# not; a5f41e095a changes Whisper and the candidate generator, and only the generator's test
# ran; e0aeab4c9f fixes GPT-2's cross-attention mask with a test of its own: that test ran,
# and of the rest three far files that fitted, not test_modeling_gpt2.py (about 77 s).
NEAREST_BUDGETS = 10


def _fill(picks: list[Pick], budget: float | None) -> tuple[list[Pick], list[Pick]]:
    run: list[Pick] = []
    left: list[Pick] = []
    spent = 0.0
    for p in picks:
        if p.own or budget is None or spent + p.estimate <= budget:
            run.append(p)
            spent += p.estimate
        else:
            left.append(p)
    return run, left


def _nearest_of(back: dict[str, dict[str, list[str]]], one_hop: Mapping[str, Collection[str]],
                picks: dict[str, Pick]) -> dict[str, set[str]]:
    """Changed file -> the selected test files nearest it (fewest import hops; a test that
    runs a changed script, or lies under a changed ``conftest.py``, is one hop from it)."""
    found: dict[str, set[str]] = {}
    for path, chains in back.items():
        hops = {t: len(c) for t, c in chains.items() if t in picks}
        if hops:
            near = min(hops.values())
            found[path] = {t for t, h in hops.items() if h == near}
    for path, close in one_hop.items():
        found.setdefault(path, set()).update(t for t in close if t in picks)
    return {path: tests for path, tests in found.items() if tests}


def _nearest_each(run: list[Pick], left: list[Pick], nearest: dict[str, set[str]],
                  budget: float) -> tuple[list[Pick], list[Pick], list[str]]:
    """``run`` with, for each changed file none of whose nearest test files is in it, one of
    them (the one named for it, else the quickest), while those past the budget add up to at
    most NEAREST_BUDGETS budgets; and a note for each.  Where one of them is named for the
    changed file, it is the nearest: another one running does not stand for it."""
    run, left = list(run), list(left)
    past = 0.0
    notes: list[str] = []
    for path in sorted(nearest):
        named = {t for t in nearest[path] if named_for(t, path)}
        ran = any(p.target in nearest[path] for p in run)
        if any(p.target in named for p in run) or (ran and not named):
            continue
        # of those that fit what is left, the one named for it, else (none of them running)
        # the quickest
        fits = [p for p in sorted(left, key=lambda p: (p.target not in named, p.estimate))
                if p.target in nearest[path] and (p.target in named or not ran)
                and past + p.estimate <= NEAREST_BUDGETS * budget]
        if not fits:
            continue
        chosen = fits[0]
        past += chosen.estimate
        run.append(chosen)
        left.remove(chosen)
        notes.append(f"{chosen.target}: the test file nearest {path}, run although the "
                     f"budget left it out (about {chosen.estimate:.0f}s)")
    run.sort(key=lambda p: (p.distance, p.target))  # the selection's order
    return run, left, notes


def named_for(test: str, path: str) -> bool:
    """Whether a test file is named for a source file: ``test_modeling_whisper.py`` for
    ``modeling_whisper.py``; diffusers' ``test_models_transformer_krea2.py`` for
    ``transformer_krea2.py`` (a suffix only for a name with an underscore: ``layer.py``
    names no test file)."""
    name, stem = PurePosixPath(test).name, PurePosixPath(path).stem
    return name == f"test_{stem}.py" or (
        "_" in stem and name.startswith("test_") and name.endswith(f"_{stem}.py"))


def batches(recipe: Recipe, picks: Iterable[Pick]) -> tuple[Batch, ...]:
    """pytest invocations for ``picks``: one plain, one per narrowing subset, one per set
    of parametrized cases of own tests."""
    picks = list(picks)
    case_k = {p.target: k for p in picks
              if p.narrow is None and (k := own.case_filter(p.cases)) is not None}
    plain = [p for p in picks if p.narrow is None and p.target not in case_k]
    whole = {p.target for p in plain if "::" not in p.target}
    every = [p.target for p in plain]
    targets = tuple(t for t in dict.fromkeys(every)  # none inside another one
                    if not any(t != o and (t.startswith(o + "::") or t.startswith(o + "["))
                               for o in every))
    own_targets = [p.target for p in picks if p.own]
    deselect = tuple(d for s in recipe.subsets.values() for d in s.deselect
                     if d.split("::")[0] in whole and not own.is_own(d, own_targets)
                     and not any(d.startswith(t + "::") or t.startswith(d)
                                 for t in own_targets))
    out = [Batch(targets, deselect=tuple(dict.fromkeys(deselect)))] if targets else []
    by_subset: dict[tuple[str, str], list[str]] = {}
    for p in picks:
        if p.narrow is not None:
            by_subset.setdefault((p.narrow, p.widen), []).append(p.target)
    for (name, widen), paths in by_subset.items():
        s = recipe.subsets[name]
        k = f"({s.k}) or {widen}" if widen and s.k else s.k
        out.append(Batch(tuple(paths), k, s.markers, s.deselect))
    by_cases: dict[str, list[str]] = {}
    for target, k in case_k.items():
        if target.split("::")[0] not in whole:  # else it runs there, whole
            by_cases.setdefault(k, []).append(target)
    out += [Batch(tuple(targets), k) for k, targets in by_cases.items()]
    return tuple(out)
