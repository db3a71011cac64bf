"""The tests a patch adds or changes, as pytest node ids: diff hunk -> enclosing def/class.

A test file the patch adds is selected whole.  In a file it changes, each changed line is
mapped to what encloses it in the patched file:

* a test function or a test method: that test (``file::Class::test_x``, which pytest
  expands to all its parametrizations); a method of a base class that is not collected
  itself: the same method of the collected classes in the file that inherit it.  Under
  ``@parameterized.expand`` (transformers, peft) the method is gone and only its copies
  ``test_x_0_...`` are collected, so no node id names it: its class (or file), narrowed
  by ``-k test_x``;
* a helper (a fixture, ``setUp``, a non-test method) or a class body line: the tests in
  the file that name it, or the whole class;
* a module-level assignment (a list of parametrized cases): the tests that name it; where
  the change is inside named cases (``("BD-LoRA A only", "MLP", LoraConfig, {...})``) of
  a table that a test takes only through ``@pytest.mark.parametrize("...", TABLE)``, only
  those cases of that test (``-k`` on the case's name, see :func:`case_filter`): peft's
  ``TEST_CASES`` feeds ~15,000 tests, one of its cases ~100;
  imports are ignored (also under a module-level ``if``/``try``: transformers'
  ``if is_torch_available():``); any other module-level change selects the whole file.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import git
from harness.verify.bases import base_names as _base_names
from harness.verify.bases import defines, is_testcase
from harness.verify.diff import GIT_DIFF, FileDiff

HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
DELETED_METHOD = re.compile(r"^-[ \t]+(?:async[ \t]+)?def[ \t]+(test\w*)[ \t]*\(", re.MULTILINE)


@dataclass(frozen=True)
class OwnTest:
    target: str  # a node id, or a file when the whole file is the patch's own
    reason: str
    # the parametrized cases of ``target`` the patch changes (their names); () all of them
    cases: tuple[str, ...] = ()
    share: float = 1.0  # about that share of the target's parametrizations run


def _merged(a: OwnTest, b: OwnTest) -> OwnTest:
    """One target found twice: all of it if either wants all, else both sets of cases."""
    if not a.cases or not b.cases:
        return a if not a.cases else b
    cases = tuple(dict.fromkeys((*a.cases, *b.cases)))
    return OwnTest(a.target, a.reason, cases, min(1.0, a.share + b.share))


def changed_lines(text: str) -> set[int]:
    """Line numbers in the new file that a diff adds, or next to which it deletes (a
    deletion that lines take the place of marks those lines only: a changed decorator is
    not its class line's change)."""
    lines: set[int] = set()
    new = 0
    in_hunk = deleted = False
    for line in text.splitlines():
        if line.startswith("\\"):  # "\ No newline at end of file"
            continue
        if deleted and not line.startswith(("+", "-")):  # lines went, none came instead
            lines.update({max(new - 1, 1), new})
        deleted = deleted and line.startswith("-")
        m = HUNK_RE.match(line)
        if m:
            new, in_hunk = int(m.group(1)), True
        elif not in_hunk:
            continue
        elif line.startswith("+"):
            lines.add(new)
            new += 1
        elif line.startswith("-"):
            deleted = True
        elif line.startswith(" ") or line == "":
            new += 1
        else:
            in_hunk = False
    if deleted:
        lines.update({max(new - 1, 1), new})
    return lines


def applied(diff: FileDiff, worktree: Path) -> str | None:
    """This file's change as it landed in ``worktree`` (a git worktree at the base with the
    patch applied): a patch made on a later commit applies at an offset (peft's
    ``test_custom_models.py`` moves 41 lines between a release and main), and its hunk
    headers then point at another test.  None where git cannot tell (not a worktree)."""
    if diff.status != "modified":
        return None
    out = git.run([*GIT_DIFF, "HEAD", "--", diff.path], cwd=worktree, check=False)
    return out.stdout if out.returncode == 0 and out.stdout.strip() else None


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _names(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.Attribute):
            found.add(n.attr)
        elif isinstance(n, ast.arg):
            found.add(n.arg)
    return found


class _File:
    def __init__(self, path: str, tree: ast.Module, worktree: Path | None = None) -> None:
        self.path = path
        self.tree = tree
        self.worktree = worktree  # where bases imported from other files are looked up
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
        self.aliases = expand_aliases(tree)
        self.classes_named = classes_named(tree)

    def collected(self, cls: ast.ClassDef) -> bool:
        return cls.name.startswith("Test") or is_testcase(self.worktree, self.path, self.tree,
                                                          cls, classes=self.classes)

    def subclasses(self, name: str) -> list[ast.ClassDef]:
        """Collected classes of the file that inherit ``name`` (itself included)."""
        out: list[ast.ClassDef] = []
        for cls in self.classes.values():
            if self._inherits(cls, name, set()) and self.collected(cls):
                out.append(cls)
        return out

    def _inherits(self, cls: ast.ClassDef, name: str, seen: set[str]) -> bool:
        if cls.name == name:
            return True
        for base in _base_names(cls):
            parent = self.classes.get(base)
            if parent is not None and base not in seen and self._inherits(parent, name,
                                                                          seen | {base}):
                return True
        return False

    def users(self, names: set[str]
              ) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | None]]:
        """:meth:`naming`'s tests, each with its function (None: a whole class)."""
        out: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | None]] = []
        for target in self.naming(names):
            node: ast.AST | None = self.tree
            for part in target.split("::")[1:]:
                body = getattr(node, "body", [])
                node = next((n for n in body if getattr(n, "name", None) == part), None)
            out.append((target, node if isinstance(node, (ast.FunctionDef,
                                                          ast.AsyncFunctionDef)) else None))
        return out

    def naming(self, names: set[str]) -> list[str]:
        """The tests that name any of ``names``: a function, a method, or a whole class
        when its body outside the methods (a decorator, an attribute) names one."""
        out: list[str] = []
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith("test") and names & _names(node):
                    out.append(f"{self.path}::{node.name}")
            elif isinstance(node, ast.ClassDef) and self.collected(node):
                methods = [n for n in node.body
                           if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                rest = [*node.decorator_list, *node.bases,
                        *(n for n in node.body if n not in methods)]
                if any(names & _names(n) for n in rest) or any(
                        names & _names(m) for m in methods if not m.name.startswith("test")):
                    out.append(f"{self.path}::{node.name}")
                    continue
                out += [f"{self.path}::{node.name}::{m.name}" for m in methods
                        if m.name.startswith("test") and names & _names(m)]
        return out


SHARED_NOTE = "no test in it uses what the patch changes there"  # a mixin, a shared table


def own_tests(diff: FileDiff, worktree: Path) -> tuple[list[OwnTest], str | None]:
    """(the patch's own tests in this test file, a note when it had to take the whole file)."""
    path = diff.path
    whole = [OwnTest(path, f"{diff.status} by the patch")]
    if diff.status == "added":
        return whole, None
    try:
        tree = ast.parse((worktree / path).read_bytes(), filename=path)
    except (SyntaxError, ValueError, OSError):
        return whole, f"{path}: not parsable; the whole file runs"
    f = _File(path, tree, worktree)
    found: dict[str, OwnTest] = {}
    text = applied(diff, worktree) or diff.text
    lines = changed_lines(text)
    at_lines = [o for line in sorted(lines) for o in _at_line(f, line)]
    for o in at_lines + _inherited(f, text, lines):
        found[o.target] = _merged(found[o.target], o) if o.target in found else o
        if path in found and not found[path].cases:  # (not: a module's expanded test)
            return whole, None
    if not found:
        unused = sorted({n for line in lines if (n := _defined_at(f, line))})
        if unused:  # a mixin or a table the tests of other files use
            shown = ", ".join(unused[:3]) + (", ..." if len(unused) > 3 else "")
            return [], (f"{path}: {SHARED_NOTE} ({shown}); the test files that import it "
                        "count as impacted")
        return [], f"{path}: the patch changes no test in it (imports or comments only)"
    return list(found.values()), None


def _inherited(f: _File, text: str, lines: set[int]) -> list[OwnTest]:
    """A test method the patch deletes from a class that inherits one of that name: the
    class now runs the inherited test in its place (diffusers 58eb52c080 drops VidTok's
    own tiling and slicing tests for those of ``AutoencoderTesterMixin``; verify ran the
    test next to the deleted lines)."""
    names = set(DELETED_METHOD.findall(text))
    if not names:
        return []
    out: list[OwnTest] = []
    for cls in f.classes.values():
        start, end = _span(cls)
        if not any(start <= line <= end for line in lines) or not f.collected(cls):
            continue
        mine = {n.name for n in cls.body if isinstance(n, (ast.FunctionDef,
                                                            ast.AsyncFunctionDef))}
        out += [OwnTest(f"{f.path}::{cls.name}", f"{name} deleted by the patch: the one "
                        f"{cls.name} inherits runs in its place", cases=(name,),
                        share=1 / max(1, len(cls.body)))
                for name in sorted(names - mine)
                if defines(f.worktree, f.path, f.tree, cls, name, classes=f.classes)]
    return out


def _defined_at(f: _File, line: int) -> str | None:
    """The name of the module-level function, class or assignment ``line`` is in (None for
    an import, a docstring, a comment or a blank line)."""
    for node in f.tree.body:
        start, end = _span(node)
        if not start <= line <= end or _an_import(node, line):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return node.name
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return next((n.id for t in targets for n in ast.walk(t)
                         if isinstance(n, ast.Name)), None)
    return None


def _at_line(f: _File, line: int) -> list[OwnTest]:
    for node in f.tree.body:
        start, end = _span(node)
        if not start <= line <= end:
            continue
        if _an_import(node, line):
            return []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test"):
                return [_test(f.path, node, len(f.tree.body), aliases=f.aliases)]
            return _helper(f, {node.name})
        if isinstance(node, ast.ClassDef):
            return _in_class(f, node, line)
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            if not names:
                return [OwnTest(f.path, "module-level change")]
            if isinstance(node, ast.Assign) and len(names) == 1:
                cases = _in_cases(f, node.value, line, names)
                if cases is not None:
                    return cases
            return _helper(f, names)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return []  # a docstring
        return [OwnTest(f.path, "module-level change")]
    return []  # a blank line or a comment between definitions


def _an_import(node: ast.stmt, line: int) -> bool:
    """Whether ``line`` of ``node`` is an import, also one under a module-level ``if`` or
    ``try`` (transformers' ``if is_torch_available(): from transformers import ...``)."""
    while isinstance(node, (ast.If, ast.Try)):
        inner = [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                 *(s for h in getattr(node, "handlers", []) for s in h.body)]
        found = next((s for s in inner if _span(s)[0] <= line <= _span(s)[1]), None)
        if found is None:
            return False
        node = found
    return isinstance(node, (ast.Import, ast.ImportFrom))


def _test(parent: str, fn: ast.FunctionDef | ast.AsyncFunctionDef, members: int,
          reason: str = "changed by the patch", aliases: frozenset[str] = frozenset()
          ) -> OwnTest:
    """The test ``fn`` in ``parent`` (a file or ``file::Class`` of ``members`` statements)."""
    if not _expanded(fn, aliases):
        return OwnTest(f"{parent}::{fn.name}", reason)
    return OwnTest(parent, f"{reason} (its @parameterized.expand copies)", cases=(fn.name,),
                   share=1 / max(1, members))


def _expanded(fn: ast.FunctionDef | ast.AsyncFunctionDef,
              aliases: frozenset[str] = frozenset()) -> bool:
    """Whether ``fn`` is decorated ``@parameterized.expand(...)`` (or ``@expand(...)``, or a
    name in ``aliases`` bound to one), which replaces it by one copy per case, each named
    ``<fn>_<i>...``."""
    for d in fn.decorator_list:
        if isinstance(d, ast.Name) and d.id in aliases:
            return True
        call = d.func if isinstance(d, ast.Call) else d
        if (isinstance(call, ast.Attribute) and call.attr == "expand") or \
                (isinstance(call, ast.Name) and call.id == "expand"):
            return True
    return False


def expand_aliases(tree: ast.Module) -> frozenset[str]:
    """Module-level names bound to ``parameterized.expand(...)``: transformers'
    ``DYNAMIC_EXPORT_PARAMS = parameterized.expand([...])``, used as ``@DYNAMIC_EXPORT_PARAMS``."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if (isinstance(func, ast.Attribute) and func.attr == "expand") or \
                    (isinstance(func, ast.Name) and func.id == "expand"):
                found.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return frozenset(found)


def classes_named(tree: ast.Module) -> frozenset[str]:
    """Module-level names bound to a class under its own name: the file's classes and the
    CapWords names it imports unaliased.  pytest shows a class in a test id by its
    ``__name__`` (peft's ``(RandLoraConfig, {...})`` case: ``test_x[RandLoraConfig-...]``)."""
    found = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            found.update(a.name for a in node.names if a.asname in (None, a.name)
                         and a.name[:1].isupper() and not a.name.isupper())
    return frozenset(found)


def _helper(f: _File, names: set[str]) -> list[OwnTest]:
    reason = f"uses {', '.join(sorted(names))}, changed by the patch"
    out = []
    for target, fn in f.users(names):
        parent = target.rpartition("::")[0]
        out.append(OwnTest(target, reason) if fn is None else
                   _test(parent, fn, _size(f, parent), reason, f.aliases))
    return out


def _size(f: _File, parent: str) -> int:
    """Statements in ``parent``: the file's, or its class's."""
    name = parent.partition("::")[2]
    cls = next((n for n in f.tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)
    return len(cls.body if cls else f.tree.body)


def _in_class(f: _File, cls: ast.ClassDef, line: int) -> list[OwnTest]:
    classes = f.subclasses(cls.name) if not f.collected(cls) else [cls]
    for node in cls.body:
        start, end = _span(node)
        if not start <= line <= end:
            continue
        if isinstance(node, ast.ClassDef):
            return [OwnTest(f"{f.path}::{c.name}::{node.name}", "class changed by the patch")
                    for c in classes]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name.startswith("test"):
            return [_test(f"{f.path}::{c.name}", node, len(cls.body), aliases=f.aliases)
                    for c in classes]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            users = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name.startswith("test") and node.name in _names(n)]
            if users:
                return [_test(f"{f.path}::{c.name}", u, len(cls.body),
                              f"uses {node.name}, changed by the patch", f.aliases)
                        for c in classes for u in users]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return []
        return _whole_class(f, cls, classes)  # a class attribute, a helper used via self
    if line < (_span(cls.body[0])[0] if cls.body else line + 1):
        return _whole_class(f, cls, classes)  # the class line or its decorators
    return []  # a blank line or a comment between members


def _whole_class(f: _File, cls: ast.ClassDef, classes: list[ast.ClassDef]
                 ) -> list[OwnTest]:
    return [OwnTest(f"{f.path}::{c.name}", "class changed by the patch")
            for c in classes] or \
        _helper(f, {cls.name})


def _in_cases(f: _File, table: ast.expr, line: int, names: set[str]) -> list[OwnTest] | None:
    """The users of a table of named cases, narrowed to the case at ``line`` where a user
    takes the table only as parametrize's values (its test ids then hold the case's name).
    None: not a list of cases, or a case with no name of its own: every user runs whole.
    []: a line outside the cases (a comment, a bracket; a line next to a deleted case is
    one too, and the deleted case has no tests left to run)."""
    if not isinstance(table, (ast.List, ast.Tuple)) or not table.elts:
        return None
    named = [_case_name(e, f.classes_named) for e in table.elts]
    at = [(e, n) for e, n in zip(table.elts, named, strict=True)
          if e.lineno <= line <= (e.end_lineno or e.lineno)]
    if not at:
        return []
    element, case = at[0]
    if case is None or named.count(case) > 1:
        return None  # a case without a name of its own: every user runs whole
    by_id = isinstance(element, ast.Call)  # pytest.param(..., id=...)
    shown = next(iter(names))
    out: list[OwnTest] = []
    for target, node in f.users(names):
        if node is not None and _only_parametrized(node, names, by_id):
            out.append(OwnTest(target, f"case {case!r} of {shown}, changed by the patch",
                               (case,), 1 / len(table.elts)))
        else:
            out.append(OwnTest(target, f"uses {shown}, changed by the patch"))
    return out


def _case_name(case: ast.expr, classes: frozenset[str] = frozenset()) -> str | None:
    """The name a case shows in its test ids: its ``pytest.param(..., id=...)``, else its
    first string (pytest joins a case's values with "-"), else its first class of
    ``classes`` (shown by its name), when that is plain ASCII."""
    if isinstance(case, ast.Call) and isinstance(case.func, ast.Attribute) \
            and case.func.attr == "param":
        for kw in case.keywords:
            if kw.arg == "id":
                return _plain(kw.value)
        values = case.args
    elif isinstance(case, (ast.Tuple, ast.List)):
        values = case.elts
    else:
        return None
    first = next((v for v in values if isinstance(v, ast.Constant)
                  and isinstance(v.value, str)), None)
    if first is None:
        cls = next((v.id for v in values if isinstance(v, ast.Name) and v.id in classes), None)
        first = ast.Constant(cls) if cls is not None else None
    return _plain(first) if first is not None else None


def _plain(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and node.value.isascii() and case_filter((node.value,)) is not None:
        return node.value
    return None


def _only_parametrized(fn: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str],
                       by_id: bool) -> bool:
    """Whether ``fn`` names the table only as the values of a plain
    ``@pytest.mark.parametrize("a, b, ...", TABLE)`` (no ``ids=``, nothing else done with
    it), with two names or more unless the case has an ``id``: with one name a tuple is one
    value, shown as ``a0``, ``a1`` ... in the test ids."""
    if names & (_names(fn.args) | {n for s in fn.body for n in _names(s)}):
        return False
    for d in fn.decorator_list:
        if not names & _names(d):
            continue
        if not (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr == "parametrize" and len(d.args) == 2
                and isinstance(d.args[1], ast.Name) and d.args[1].id in names
                and not d.keywords and (by_id or _arg_count(d.args[0]) >= 2)):
            return False
    return True


def _arg_count(argnames: ast.expr) -> int:
    if isinstance(argnames, ast.Constant) and isinstance(argnames.value, str):
        return len([n for n in argnames.value.split(",") if n.strip()])
    if isinstance(argnames, (ast.List, ast.Tuple)):
        return len(argnames.elts)
    return 0


# the words of pytest's -k (letters, digits and _ - + . :, as every pytest since 6.0 reads
# them; 7.x added / and \), joined by and/or/not (those, and True/False/None, left out)
_K_WORD = re.compile(r"[\w+.:-]+")
_K_RESERVED = frozenset({"and", "or", "not", "true", "false", "none"})


def case_words(case: str) -> list[str]:
    return [w for w in _K_WORD.findall(case) if w.lower() not in _K_RESERVED]


def case_filter(cases: Iterable[str]) -> str | None:
    """A ``-k`` expression that keeps the tests of these cases: every word of a case's
    name (pytest matches each as a part of a test's id, in any case).  It may keep a few
    more (a case whose name holds another's words), never fewer.  None: a name with no
    word -k can take."""
    parts = []
    for case in cases:
        words = case_words(case)
        if not words:
            return None
        parts.append(" and ".join(words))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else " or ".join(f"({p})" for p in parts)


def is_own(test_id: str, targets: Iterable[str],
           cases: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """Whether ``test_id`` is one of ``targets`` (a file, a class, a test, or their params).
    ``cases``: targets narrowed to some of their parametrized cases; a test of one is
    its own when its id holds every word of one of them, as ``-k`` reads it (the same
    test may have run whole, in a file that imports the change)."""
    for t in targets:
        if test_id == t:
            return True
        if test_id.startswith(t + "::") or test_id.startswith(t + "["):
            narrowed = cases.get(t) if cases else None
            if not narrowed or _of_cases(test_id, narrowed):
                return True
            continue
        if "::" not in test_id and t.split("::")[0] == test_id:  # its file's collection error
            return True
    return False


def _of_cases(test_id: str, cases: tuple[str, ...]) -> bool:
    low = test_id.lower()
    return any(all(w.lower() in low for w in case_words(c)) for c in cases)
