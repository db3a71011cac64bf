"""A file-level import graph of a target's package and tests, from the source (ast only).

Like transformers' ``utils/tests_fetcher.py``: ``from pkg import Name`` re-exported
through ``pkg/__init__.py`` is followed to the module that defines ``Name``, so a test
that imports one class from the package root does not depend on all of the package.
The ``__init__`` files on the way are *shallow* dependencies (a change to one of them
matters, what they import does not); a name that cannot be resolved makes the whole
package a (deep) dependency.  Importing ``a.b.c`` does not count ``a/__init__.py``.
An ``__init__`` that calls something at import time (peft's ``register_peft_method``)
counts in full when it is passed, since importing it is what registers its modules.
"""
from __future__ import annotations

import ast
import hashlib
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness import config

CACHE_LIMIT = 20_000  # parsed modules kept; past it, only those of the last build
CACHE_VERSION = 2  # part of each cached module's key: bumped when Module changes


@dataclass(frozen=True)
class Module:
    name: str  # dotted name
    path: str  # relative to the repository root
    is_package: bool
    defs: frozenset[str]  # names defined at module level
    binds: dict[str, tuple[str, str | None]]  # name -> (module, attribute or None)
    stars: tuple[str, ...]  # modules imported with *
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) anywhere in the file
    registers: bool = False  # calls something at import time (e.g. a plugin registry)
    # test functions: ("", count, ()) at module level, (class, count, base names) per class
    tests: tuple[tuple[str, int, tuple[str, ...]], ...] = ()


@dataclass
class Graph:
    modules: dict[str, Module] = field(default_factory=dict)  # by dotted name
    by_path: dict[str, Module] = field(default_factory=dict)
    deep: dict[str, set[str]] = field(default_factory=dict)  # path -> paths
    shallow: dict[str, set[str]] = field(default_factory=dict)
    # public name -> the package modules that define it, for the names a lazy package finds
    # at run time (see :func:`_defined_under`)
    definers: dict[str, list[str]] = field(default_factory=dict)


def module_name(rel: Path) -> tuple[str, bool]:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _resolve_from(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def parse_module(root: Path, rel: Path, import_root: Path, source: bytes | None = None
                 ) -> Module:
    name, is_package = module_name(rel.relative_to(import_root))
    try:
        data = (root / rel).read_bytes() if source is None else source
        tree = ast.parse(data, filename=str(rel))
    except (SyntaxError, ValueError, OSError):  # still a module its importers depend on
        return Module(name, str(rel), is_package, frozenset(), {}, (), ())
    defs: set[str] = set()
    binds: dict[str, tuple[str, str | None]] = {}
    stars: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defs.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    imports: list[tuple[str, tuple[str, ...]]] = []
    for anode in ast.walk(tree):
        if isinstance(anode, ast.Import):
            for a in anode.names:
                imports.append((a.name, ()))
                binds.setdefault(a.asname or a.name.split(".")[0],
                                 (a.name if a.asname else a.name.split(".")[0], None))
        elif isinstance(anode, ast.ImportFrom):
            target = _resolve_from(anode, name, is_package)
            names = tuple(a.name for a in anode.names)
            imports.append((target, names))
            for a in anode.names:
                if a.name == "*":
                    stars.append(target)
                else:
                    binds.setdefault(a.asname or a.name, (target, a.name))
    registers = is_package and any(
        isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) for n in tree.body)
    return Module(name, str(rel), is_package, frozenset(defs), binds, tuple(stars),
                  tuple(imports), registers, test_functions(tree))


def _is_test(node: ast.stmt) -> bool:
    return (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test"))


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return "object"


def test_functions(tree: ast.Module) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """Test functions defined at module level and in each top-level class (with its bases)."""
    found: list[tuple[str, int, tuple[str, ...]]] = [
        ("", sum(1 for n in tree.body if _is_test(n)), ())]
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found.append((node.name, sum(1 for n in node.body if _is_test(n)),
                          tuple(_base_name(b) for b in node.bases)))
    return tuple(found)


def _cache_path() -> Path:
    return config.home() / "cache" / "imports.pickle"


def _load_cache() -> dict[str, Module]:
    try:
        with _cache_path().open("rb") as f:
            found = pickle.load(f)
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _save_cache(entries: dict[str, Module]) -> None:
    path = _cache_path()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as f:
            pickle.dump(entries, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a cache that cannot be written only costs time
        tmp.unlink(missing_ok=True)


def build(root: Path, sources: list[tuple[str, str]]) -> Graph:
    """The graph of the ``.py`` files under each ``(folder, import_root)`` of ``root``.

    Parsed modules are cached by path and content hash (``<home>/cache/imports.pickle``):
    a worktree of the same target at a nearby commit re-parses only what differs.
    """
    cache = _load_cache()
    used: dict[str, Module] = {}
    graph = Graph()
    for folder, import_root in sources:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            rel = path.relative_to(root)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            try:
                data = path.read_bytes()
            except OSError:
                data = b""
            key = f"{CACHE_VERSION}|{rel}|{import_root}|{hashlib.sha1(data).hexdigest()}"
            mod = cache.get(key) or parse_module(root, rel, Path(import_root), data)
            used[key] = mod
            graph.modules.setdefault(mod.name, mod)
            graph.by_path[mod.path] = mod
    for mod in graph.by_path.values():
        if mod.is_package:
            continue
        for name in mod.defs:
            if not name.startswith("_"):
                graph.definers.setdefault(name, []).append(mod.path)
    for mod in graph.by_path.values():
        graph.deep[mod.path], graph.shallow[mod.path] = _edges(graph, mod)
    if used.keys() - cache.keys():
        _save_cache({**cache, **used} if len(cache) < CACHE_LIMIT else used)
    return graph


def _find(graph: Graph, name: str, importer: Module) -> Module | None:
    """The module ``name`` as imported from ``importer`` (also ``sys.path``-relative)."""
    found = graph.modules.get(name)
    if found is None and name:
        sibling = ".".join([*importer.name.split(".")[:-1], name])
        found = graph.modules.get(sibling)
    return found


def resolve(graph: Graph, mod: Module, attr: str, chain: list[str],
            seen: set[tuple[str, str]] | None = None) -> Module | None:
    """The module defining ``mod.attr``; the re-exporting modules passed go in ``chain``."""
    seen = seen if seen is not None else set()
    if (mod.name, attr) in seen:
        return None
    seen.add((mod.name, attr))
    sub = graph.modules.get(f"{mod.name}.{attr}") if mod.is_package else None
    if attr in mod.defs:
        return mod
    if attr in mod.binds:
        target_name, target_attr = mod.binds[attr]
        target = _find(graph, target_name, mod)
        if target is None:
            return sub or mod  # bound from outside the graph: defined here as far as we know
        chain.append(mod.path)
        if target_attr is None or f"{target.name}.{target_attr}" in graph.modules:
            return graph.modules.get(f"{target.name}.{target_attr}", target)
        return resolve(graph, target, target_attr, chain, seen)
    if sub is not None:
        return sub
    for star in mod.stars:
        target = _find(graph, star, mod)
        if target is not None:
            found = resolve(graph, target, attr, [*chain, mod.path], seen)
            if found is not None:
                chain.append(mod.path)
                return found
    return None


def _edges(graph: Graph, mod: Module) -> tuple[set[str], set[str]]:
    deep: set[str] = set()
    shallow: set[str] = set()
    for target_name, names in mod.imports:
        target = _find(graph, target_name, mod)
        if target is None:
            parts = target_name.split(".")  # `import a.b.c` where a.b.c is not a module
            while parts and target is None:
                parts.pop()
                target = graph.modules.get(".".join(parts)) if parts else None
            if target is None:
                continue
        if not names or "*" in names or not target.is_package:
            deep.add(target.path)
            continue
        for attr in names:
            chain: list[str] = []
            found = resolve(graph, target, attr, chain)
            passed = [*chain, target.path]
            if found is None:
                definers = _defined_under(graph, target, attr)
                deep.update(definers or [target.path])
                if definers:
                    shallow.add(target.path)
                continue
            if found.is_package and attr in found.defs:
                passed.append(found.path)  # e.g. __version__: the init, not its imports
            else:
                deep.add(found.path)
            for path in passed:  # an init that registers plugins counts in full
                (deep if graph.by_path[path].registers else shallow).add(path)
    deep.discard(mod.path)
    shallow.discard(mod.path)
    return deep, shallow - deep


DEFINERS = 3  # more modules than this define a name: no telling which one is meant


def _defined_under(graph: Graph, package: Module, attr: str) -> list[str]:
    """The modules under ``package`` that define ``attr``, when its ``__init__`` does not say
    where it comes from: transformers' root ``__init__`` finds its models' names at run time
    (``define_import_structure`` scans ``models/``), and a model that ``models/__init__.py``
    does not list (pe_audio_video, a4d6229197) was reachable only so.  A class that a
    ``modular_*.py`` file also defines is found in both."""
    folder = package.path.rpartition("/")[0] + "/"
    found = [p for p in graph.definers.get(attr, ()) if p.startswith(folder)]
    return found if len(found) <= DEFINERS else []


def dependencies(graph: Graph, path: str) -> dict[str, str]:
    """Every file ``path`` depends on, mapped to the file it is reached from (BFS)."""
    via: dict[str, str] = {}
    expanded = {path}
    queue = [path]
    while queue:
        nxt: list[str] = []
        for current in queue:
            for dep in sorted(graph.deep.get(current, ())):
                if dep not in expanded:
                    expanded.add(dep)
                    via.setdefault(dep, current)
                    nxt.append(dep)
            for dep in sorted(graph.shallow.get(current, ())):
                via.setdefault(dep, current)
        queue = nxt
    via.pop(path, None)
    return via


def importers(graph: Graph, targets: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """For each of ``targets``: every file that depends on it (as :func:`dependencies` sees
    it), mapped to a shortest chain ``[file, ..., target]``.  One backward search per target
    over edges reversed once, instead of one forward search per file.  The last step may be
    a shallow edge, every other one is deep."""
    deep_in: dict[str, list[str]] = {}
    any_in: dict[str, list[str]] = {}
    for src in sorted(graph.by_path):
        for dst in graph.deep.get(src, ()):
            deep_in.setdefault(dst, []).append(src)
            any_in.setdefault(dst, []).append(src)
        for dst in graph.shallow.get(src, ()):
            any_in.setdefault(dst, []).append(src)
    return {target: _chains_to(target, deep_in, any_in) for target in targets}


def _chains_to(target: str, deep_in: dict[str, list[str]], any_in: dict[str, list[str]]
               ) -> dict[str, list[str]]:
    toward: dict[str, str] = {}  # file -> the next file on its way to target
    queue = [f for f in any_in.get(target, ()) if f != target]
    for f in queue:
        toward.setdefault(f, target)
    while queue:
        nxt: list[str] = []
        for current in queue:
            for src in deep_in.get(current, ()):
                if src not in toward and src != target:
                    toward[src] = current
                    nxt.append(src)
        queue = nxt
    chains: dict[str, list[str]] = {}
    for start in toward:
        chain = [start]
        while chain[-1] != target:
            chain.append(toward[chain[-1]])
        chains[start] = chain
    return chains


def path_to(via: dict[str, str], start: str, target: str) -> list[str]:
    """``start`` -> ... -> ``target`` through the BFS parents from :func:`dependencies`."""
    chain = [target]
    while chain[-1] != start and chain[-1] in via:
        chain.append(via[chain[-1]])
    return chain[::-1]
