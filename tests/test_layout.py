"""Data flows one way: no module of harness imports one that imports it back, even through
an import inside a function or under ``TYPE_CHECKING`` (each of those hid a cycle once)."""
from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "harness"


def modules() -> dict[str, Path]:
    """Every module of harness by its dotted name (the embedded demo target is not harness)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "demo_src" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The harness modules ``path`` imports anywhere in it: ``from harness.verify import
    select`` is the module harness.verify.select, not the package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                if inner in known:
                    found.add(inner)
                elif node.module in known:
                    found.add(node.module)
    return found


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports (its modules, the first again at the end), or None."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as e:
        return list(e.args[1])
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    found = cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert found is not None and set(found) == {"a", "b", "c"}
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_harness_imports_one_that_imports_it_back() -> None:
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    assert len(graph) > 100 and graph["harness.reproduce"]  # it read the real tree
    assert cycle(graph) is None
