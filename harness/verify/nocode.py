"""Whether a change alters no code: comments, docstrings, messages and prose documents only.

A typo fix in comments and docstrings (a classic first contribution) has no test that
fails without it, and no test can show a difference.  Such a change is recognised by its
Python files parsing to the same syntax tree before and after, docstrings left out, and
its other files being documents.  The text of a message (what ``raise`` gives an
exception, what ``warnings.warn`` or a logger prints) counts as prose too: diffusers
2f7e0154a9 fixes "whe" in a ValueError's message among 13 typos in comments.  A test
that matches the old message still fails, and the tests that import the file still run.
So do a dataclass field's help (``field(metadata={"help": ...})``: peft 86664fed1 fixes a
config's docstring and the same words there) and a function's type hints (peft
a429b5949); a class's annotated attributes stay code (they make a dataclass's fields).
"""
from __future__ import annotations

import ast
from pathlib import Path

from harness import git
from harness.verify.diff import FileDiff

DOCUMENTS = (".md", ".mdx", ".rst", ".txt")
# the docs site's own files, whatever their type: its table of contents and redirects (YAML),
# its images (peft daf335f50 restructures its docs, with _toctree.yml and _redirects.yml)
DOCS_FOLDERS = ("docs", "doc")


def alters_no_code(files: tuple[FileDiff, ...], base_sha: str, after: Path) -> bool:
    """Whether each of ``files`` is a document, or a Python file (modified, not added,
    deleted or renamed) whose code in the ``after`` tree is the same as at ``base_sha``."""
    for f in files:
        if (f.path.endswith(DOCUMENTS) and not _pins(f.path)) or _docs_site(f.path):
            continue
        if f.binary or f.status != "modified" or not f.path.endswith(".py"):
            return False
        base = git.run(["show", f"{base_sha}:{f.path}"], cwd=after, check=False)
        try:
            new = (after / f.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        code = _code(base.stdout) if base.returncode == 0 else None
        if code is None or code != _code(new):
            return False
    return bool(files)


def _docs_site(path: str) -> bool:
    """A file of the docs folder that is not Python (a ``conf.py`` is code, read as such)."""
    return path.split("/", 1)[0] in DOCS_FOLDERS and "/" in path and not path.endswith(".py")


def _pins(path: str) -> bool:
    """A text file of packages to install (``requirements.txt``, transformers'
    ``examples/pytorch/_tests_requirements.txt``: 579f7a9b9e unpins pytest there), which is
    no document."""
    name = path.rpartition("/")[2].lower()
    return name.endswith(".txt") and ("requirement" in name or "constraint" in name)


def _code(text: str) -> str | None:
    """The syntax tree of ``text`` without docstrings, as text; None when it does not parse.
    Docstrings include the strings given to a docstring decorator (transformers'
    ``@add_start_docstrings("...")``, ``@auto_docstring(custom_intro="...")``) and those
    assigned to a ``..._DOCSTRING`` name."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and _text(body[0].value):
                node.body = body[1:] or [ast.Pass()]
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                if isinstance(d, ast.Call) and "docstring" in _name(d.func).lower():
                    _blank([*d.args, *(k.value for k in d.keywords)])
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and "DOCSTRING" in t.id for t in node.targets):
            _blank([node.value])
        if isinstance(node, ast.Call) and _name(node.func) == "field":
            for k in node.keywords:  # a dataclass field's help: field(metadata={"help": ...})
                if k.arg == "metadata" and isinstance(k.value, ast.Dict):
                    _blank([v for key, v in zip(k.value.keys, k.value.values, strict=True)
                            if isinstance(key, ast.Constant) and key.value == "help"])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None  # type hints of a function (not of a dataclass's fields)
        if isinstance(node, ast.arg):
            node.annotation = None
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            _blank([*node.exc.args, *(k.value for k in node.exc.keywords)])
        if isinstance(node, ast.Call) and _says(node.func):
            _blank(list(node.args))
    return ast.dump(tree, include_attributes=False)


# what prints a message: warnings.warn(...), logger.warning(...), logger.warning_once(...)
SAYERS = frozenset({"warnings", "logger", "logging", "log", "_logger", "LOGGER"})
SAYS = frozenset({"warn", "warning", "warning_once", "info", "info_once", "error", "debug",
                  "critical", "exception", "warn_once"})


def _says(func: ast.expr) -> bool:
    return isinstance(func, ast.Attribute) and func.attr in SAYS and \
        isinstance(func.value, ast.Name) and func.value.id in SAYERS


def _text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _blank(values: list[ast.expr]) -> None:
    """Every string in ``values`` (also in f-strings, concatenations, tuples) made empty;
    the names an f-string formats stay."""
    for value in values:
        for n in ast.walk(value):
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                n.value = ""
