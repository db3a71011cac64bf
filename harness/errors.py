"""The one user-facing error type.

The library raises :class:`HarnessError` for anything a user can act on (a bad recipe,
an unknown name, a ref that does not exist, an install that failed).  The CLI turns it
into a one-line message and an exit code; everything else is a bug and gets a traceback
in the debug log.
"""
from __future__ import annotations


class HarnessError(RuntimeError):
    """A failure explained to the user in one line (plus an optional hint)."""

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
