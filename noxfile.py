"""nox sessions: thin doors onto the harness library and CLI.

    nox -s reproduce -- demo            # run a recipe's default subset
    nox -s verify -- peft --patch x.diff
    nox -s triage -- transformers --beginner
    nox -s tests                        # ruff, mypy and the test suite
"""
from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True


def _harness(session: nox.Session, command: str, default: list[str]) -> None:
    session.install("-e", ".")
    session.run("harness", command, *(session.posargs or default))


@nox.session
def reproduce(session: nox.Session) -> None:
    """Clone a target at its pinned ref, build its env, run a test subset."""
    _harness(session, "reproduce", ["demo"])


@nox.session
def verify(session: nox.Session) -> None:
    """Run the tests a patch touches before and after it; say what it fixes and breaks."""
    _harness(session, "verify", ["--help"])


@nox.session
def triage(session: nox.Session) -> None:
    """Rank a target's GitHub issues for beginners."""
    _harness(session, "triage", ["--help"])


@nox.session
def tests(session: nox.Session) -> None:
    """ruff, mypy (strict on harness/) and the test suite."""
    session.install("-e", ".[test]")
    session.run("ruff", "check", "harness", "tests", "bench", "noxfile.py")
    session.run("mypy")
    session.run("pytest", "-n", "2", "--dist", "loadgroup", *session.posargs)
