"""Checks for the values of an issue record from outside (gh's JSON, GitHub's API).

Each returns the clean value or raises :class:`BadValue` with what is wrong, so that a
bad record is skipped with one line and nothing unreadable reaches the store.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class BadValue(ValueError):
    """A field of a record that cannot be used."""


def number(value: Any, field: str = "number") -> int:
    """A positive int; "123" is accepted, "abc", 1.5, True are not."""
    if isinstance(value, bool):
        raise BadValue(f"{field} {value!r} is not a number")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str) and value.strip().isdigit():
        n = int(value.strip())
    else:
        raise BadValue(f"{field} {_short(value)} is not a number")
    if n < 1 or n > 2**53:
        raise BadValue(f"{field} {n} is out of range")
    return n


def count(value: Any, field: str = "comments") -> int:
    """A count: an int, a numeric string, or a list (its length); None is 0."""
    if value is None:
        return 0
    if isinstance(value, list):
        return len(value)
    if isinstance(value, bool):
        raise BadValue(f"{field} {value!r} is not a count")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise BadValue(f"{field} {_short(value)} is not a count")


def when(value: Any, field: str) -> str:
    """An ISO 8601 time, returned in UTC as ``2024-05-01T12:00:00Z``; a date alone is
    midnight UTC."""
    if not isinstance(value, str) or not value.strip():
        raise BadValue(f"{field} {_short(value)} is not a date")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BadValue(f"{field} {_short(value)} is not an ISO 8601 date") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    if not 1970 <= at.year <= 9999:
        raise BadValue(f"{field} {_short(value)} is out of range")
    return at.astimezone(timezone.utc).strftime(TIME_FORMAT)


def text(value: Any) -> str:
    """A string field: None is "", anything else its str."""
    return "" if value is None else value if isinstance(value, str) else str(value)


def prose(value: Any) -> str:
    """A text field people typed (a title, a body, a comment): :func:`text` with its line
    endings made "\\n".  A post written or edited in GitHub's web page comes back with
    "\\r\\n" (one sent through the API, as sent): each line then ends in "\\r", and its
    headings ("### System Info\\r") were no sections, nor its lines environment lines, to
    the scoring (163 of 365 real transformers posts scored otherwise so)."""
    s = text(value)
    return s.replace("\r\n", "\n").replace("\r", "\n") if "\r" in s else s


def _short(value: Any) -> str:
    r = repr(value)
    return r if len(r) <= 40 else f"{r[:37]}..."
