"""Recipes: TOML files that describe a target repository and its small-model test subsets.

A recipe is validated when it is loaded; every error names the file, the field and what
is wrong with it.  See ``recipes/demo.toml`` for a commented example.
"""
from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import platformdirs

from harness.errors import HarnessError
from harness.recipe_schema import Table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Device = Literal["cpu", "cuda"]


@dataclass(frozen=True)
class Source:
    url: str
    ref: str
    github: str | None = None  # "owner/name", for triage and pull requests
    sparse: tuple[str, ...] = ()  # sparse-checkout patterns; empty means everything


@dataclass(frozen=True)
class Install:
    python: str | None = None  # e.g. "3.11"; None: the interpreter running the harness
    extras: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()  # extra requirements installed beside the target
    pins: tuple[str, ...] = ()  # constraints, e.g. the transformers a peft release needs
    exclude: tuple[str, ...] = ()  # packages left out of resolution (e.g. torchvision)
    torch: str | None = None  # exact torch version, taken from the torch source
    editable: bool = True


@dataclass(frozen=True)
class Subset:
    name: str
    paths: tuple[str, ...]
    description: str = ""
    k: str | None = None
    markers: str | None = None
    deselect: tuple[str, ...] = ()
    device: Device = "cpu"
    workers: int | None = None  # pytest-xdist workers; None: chosen by the runner
    threads: int | None = None  # OMP/MKL threads per worker; None: chosen by the runner
    timeout: int = 300  # seconds per test
    run_timeout: int = 3600  # seconds for the whole pytest run
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    network: bool = False  # allow outbound connections from tests


@dataclass(frozen=True)
class Triage:
    beginner_labels: tuple[str, ...] = ()
    label_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Verify:
    package: str = ""  # the importable package's directory, e.g. "src/peft"
    tests_dir: str = "tests"
    always_run: tuple[str, ...] = ()  # test files run for every patch
    # what turns on the tests the target marks slow (transformers, diffusers: RUN_SLOW=1;
    # they load real checkpoints; diffusers' nightly ones: RUN_NIGHTLY=1), and the reasons
    # those tests skip without it
    slow_env: dict[str, str] = field(default_factory=dict)
    slow_skip: tuple[str, ...] = ()
    # a changed path (a prefix) → a -k that adds its tests to a file a subset narrows with -k
    # (peft's lora keeps LoRA's cases of test_custom_models.py; a change to IA3 adds IA3's)
    cases: dict[str, str] = field(default_factory=dict)


def on_gpu(subset: Subset) -> Subset:
    """``subset`` run on the machine's CUDA GPU: its tests that skip without one run."""
    return replace(subset, device="cuda")


def slow(subset: Subset, verify: Verify) -> Subset:
    """``subset`` with the tests the target marks slow turned on (``[verify] slow_env``)."""
    return replace(subset, env={**subset.env, **verify.slow_env})


def covers(subset: Subset, test: str) -> bool:
    """Whether a test path or node id lies within the subset's paths (each a path or a node
    id: its file counts)."""
    path = test.split("::", maxsplit=1)[0].strip("/")
    return any(not (d := p.split("::", maxsplit=1)[0].strip("/")) or path == d
               or path.startswith(d + "/") for p in subset.paths)


def for_tests(subset: Subset, tests: tuple[str, ...]) -> Subset:
    """``subset`` to run ``tests`` (``--tests``) with.  Its ``-k`` and deselects name tests of
    its own files (peft's lora keeps 2,784 of test_custom_models.py's 15,700 tests with "Vanilla
    and MLP and LoraConfig"): they are dropped when a test asked for lies outside its paths,
    where they would deselect everything.  Its markers (slow, pipeline tests) hold for any
    file, and stay."""
    if not tests or all(covers(subset, t) for t in tests) or not (subset.k or subset.deselect):
        return subset
    return replace(subset, k=None, deselect=())


def with_k(subset: Subset, k: str) -> Subset:
    """``subset`` with its tests kept by pytest's ``-k`` expression ``k`` instead of its own
    (``-k ""`` keeps them all); its deselects and markers stay."""
    return replace(subset, k=k or None)


def online(subset: Subset) -> Subset:
    """``subset`` with its tests let out to the network: the Hub models they load are
    downloaded (into the cache the recipe's variables name) instead of failing offline."""
    return replace(subset, network=True, env={**subset.env, "HF_HUB_OFFLINE": "0"})


@dataclass(frozen=True)
class Check:
    """One check a pull request faces (lint, format, consistency), as the target runs it."""

    id: str  # the table's key, e.g. "ruff-check"
    name: str  # shown in reports, e.g. "ruff check"
    run: tuple[str, ...]  # argv, no shell; "python" is the tool env's (or the target env's)
    paths: tuple[str, ...] = ()  # appended to run, those present in the tree
    tools: tuple[str, ...] = ()  # requirements of its tool env
    fix: str | None = None  # the command that fixes what it reports
    target: bool = False  # imports the target: run with the target's test env python
    network: bool = False  # needs outbound network: never run here
    # reads the whole repository (every model has its tests, ...): not run in a checkout
    # that has part of it ([source] sparse)
    whole_tree: bool = False
    timeout: int = 600  # seconds per run
    # checks each file on its own (a linter, a formatter): with these suffixes set, it runs on
    # the files the patch changes under ``paths`` that end so, since the others read the
    # same on the base and on the patched tree
    per_file: tuple[str, ...] = ()
    # compares against this branch (`git merge-base main HEAD`): it is given one, at the base
    # (see harness.verify.checks_git)
    base_branch: str = ""


@dataclass(frozen=True)
class Checks:
    exclude_newer: str | None = None  # resolve unpinned tools as of this date (the tag's)
    pythonpath: tuple[str, ...] = ("src",)  # the Makefiles' `export PYTHONPATH = src`
    items: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Recipe:
    name: str
    path: Path
    description: str
    source: Source
    install: Install
    env: dict[str, str]
    pytest_args: tuple[str, ...]
    subsets: dict[str, Subset]
    default_subset: str
    triage: Triage
    verify: Verify
    checks: Checks = field(default_factory=Checks)

    def subset(self, name: str | None) -> Subset:
        name = name or self.default_subset
        if name not in self.subsets:
            raise HarnessError(
                f"recipe {self.name!r} has no subset {name!r}{did_you_mean(name, self.subsets)}"
            )
        return self.subsets[name]


def did_you_mean(name: str, known: Any) -> str:
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{hint} (known: {', '.join(names)})"


def user_dir() -> Path:
    """The user's recipes: one here named as a built-in one is read instead of it."""
    return Path(platformdirs.user_config_dir("harness")) / "recipes"


def search_path() -> list[Path]:
    """Directories searched for ``<name>.toml``, first match wins."""
    dirs = [Path(p) for p in os.environ.get("HARNESS_RECIPES", "").split(os.pathsep) if p]
    dirs.append(user_dir())
    here = Path(__file__).resolve().parent
    dirs += [here.parent / "recipes", here / "_recipes"]
    return dirs


def available() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in search_path():
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                found.setdefault(f.stem, f)
    return found


def load(name_or_path: str) -> Recipe:
    """Load a recipe by name (searched on :func:`search_path`) or by a path to a file."""
    if name_or_path.endswith(".toml") or os.sep in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise HarnessError(f"recipe file {path} does not exist")
        return load_file(path)
    known = available()
    if name_or_path not in known:
        raise HarnessError(f"unknown recipe {name_or_path!r}{did_you_mean(name_or_path, known)}")
    return load_file(known[name_or_path])


def load_all() -> tuple[list[Recipe], list[HarnessError]]:
    """Every recipe that loads, and the errors of those that do not (one bad file on
    HARNESS_RECIPES must not hide the others)."""
    loaded: list[Recipe] = []
    broken: list[HarnessError] = []
    for path in available().values():
        try:
            loaded.append(load_file(path))
        except HarnessError as e:
            broken.append(e)
    return loaded, broken


def load_file(path: Path) -> Recipe:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise HarnessError(f"{path}: not valid TOML: {e}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise HarnessError(f"{path}: cannot read recipe: {e}") from e
    return parse(data, path)


# Names end up in paths under HARNESS_HOME (envs, runs, logs): no separators, no "..".
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _check_name(t: Table, key: str, value: str, what: str) -> str:
    if not re.match(NAME_PATTERN, value) or ".." in value:
        raise t.error(key, f"{what} {value!r} must be letters, digits, '.', '_' or '-' "
                      "(at most 64, starting with a letter or digit)")
    return value


def parse(data: dict[str, Any], path: Path) -> Recipe:
    root = Table(data, str(path), "")
    name = _check_name(root, "name", root.string("name", default=path.stem), "the name")
    subsets_t = root.table("subsets")
    subsets = {_check_name(subsets_t, key, key, "the subset name"):
               _subset(key, subsets_t.table(key)) for key in subsets_t.names()}
    subsets_t.done()
    if not subsets:
        raise root.error("subsets", "at least one subset is required")
    default = root.string("default_subset", default=next(iter(subsets)))
    if default not in subsets:
        raise root.error("default_subset", f"{default!r} is not one of the subsets "
                         f"({', '.join(subsets)})")
    recipe = Recipe(
        name=name,
        path=path,
        description=root.string("description", default=""),
        source=_source(root.table("source")),
        install=_install(root.table("install", required=False)),
        env=root.env_map("env"),
        pytest_args=root.str_list("pytest_args"),
        subsets=subsets,
        default_subset=default,
        triage=_triage(root.table("triage", required=False)),
        verify=_verify(root.table("verify", required=False)),
        checks=_checks(root.table("checks", required=False)),
    )
    root.done()
    return recipe


def _source(t: Table) -> Source:
    s = Source(
        url=t.string("url"),
        ref=t.string("ref"),
        github=t.string("github", default=None, pattern=r"^[\w.-]+/[\w.-]+$"),
        sparse=t.str_list("sparse"),
    )
    t.done()
    return s


def _install(t: Table) -> Install:
    i = Install(
        python=t.string("python", default=None),
        extras=t.str_list("extras"),
        packages=t.str_list("packages"),
        pins=t.str_list("pins"),
        exclude=t.str_list("exclude"),
        torch=t.string("torch", default=None),
        editable=t.boolean("editable", default=True),
    )
    t.done()
    return i


def _subset(name: str, t: Table) -> Subset:
    device = t.string("device", default="cpu", choices=("cpu", "cuda"))
    s = Subset(
        name=name,
        paths=t.str_list("paths", required=True),
        description=t.string("description", default=""),
        k=t.string("k", default=None),
        markers=t.string("markers", default=None),
        deselect=t.str_list("deselect"),
        device="cuda" if device == "cuda" else "cpu",
        workers=t.integer("workers", default=None, minimum=0),
        threads=t.integer("threads", default=None, minimum=1),
        timeout=t.integer("timeout", default=300, minimum=1) or 300,
        run_timeout=t.integer("run_timeout", default=3600, minimum=1) or 3600,
        args=t.str_list("args"),
        env=t.env_map("env"),
        network=t.boolean("network", default=False),
    )
    t.done()
    return s


def _triage(t: Table) -> Triage:
    aliases = t.table("label_aliases", required=False)
    tr = Triage(
        beginner_labels=t.str_list("beginner_labels"),
        label_aliases={k: aliases.str_list(k) for k in aliases.names()},
    )
    aliases.done()
    t.done()
    return tr


# fields of the first verify, which ran a whole subset for a change to a core file or for
# more test files than max_files; since it selects the tests around the change within a
# budget (af93532), nothing reads them: a recipe that sets one says so, not silently
_VERIFY_GONE = ("core_files", "max_files")


def _verify(t: Table) -> Verify:
    for key in _VERIFY_GONE:
        if key in t.data:
            raise t.error(key, "no longer read: verify runs the patch's own tests and the test "
                               "files that import what it changes, nearest first, within "
                               "--budget (--all runs them all); remove it")
    v = Verify(
        package=t.string("package", default=""),
        tests_dir=t.string("tests_dir", default="tests"),
        always_run=t.str_list("always_run"),
        slow_env=t.env_map("slow_env"),
        slow_skip=t.str_list("slow_skip"),
        cases=t.str_map("cases"),
    )
    t.done()
    return v


_CHECKS_FIELDS = ("exclude_newer", "pythonpath", "tools")


def _checks(t: Table) -> Checks:
    exclude_newer = t.string("exclude_newer", default=None,
                             pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?$")
    pythonpath = t.str_list("pythonpath") if "pythonpath" in t.data else ("src",)
    tools = t.str_list("tools")
    items = []
    for key in t.names():
        if key in _CHECKS_FIELDS:
            continue
        if not isinstance(t.data[key], dict):
            close = difflib.get_close_matches(key, _CHECKS_FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise t.error(key, f"expected a check table [checks.{key}] or one of "
                          f"{', '.join(_CHECKS_FIELDS)}{hint}")
        c = t.table(key)
        c.seen.add("tools")  # optional: the table's tools by default (and known to did-you-mean)
        items.append(Check(
            id=key,
            name=c.string("name", default=key),
            run=c.str_list("run", required=True),
            paths=c.str_list("paths"),
            tools=c.str_list("tools") if "tools" in c.data else tools,
            fix=c.string("fix", default=None),
            target=c.boolean("target", default=False),
            network=c.boolean("network", default=False),
            whole_tree=c.boolean("whole_tree", default=False),
            timeout=c.integer("timeout", default=600, minimum=1) or 600,
            per_file=c.str_list("per_file"),
            base_branch=c.string("base_branch", default="", pattern=r"^[\w./-]*$"),
        ))
        if items[-1].per_file and not items[-1].paths:
            raise c.error("per_file", "needs `paths`: the folders whose changed files it checks")
        c.done()
    t.done()
    return Checks(exclude_newer=exclude_newer, pythonpath=pythonpath, items=tuple(items))
