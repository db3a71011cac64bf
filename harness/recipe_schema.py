"""Typed, checked access to one TOML table: errors name the file, the field and the problem.

Every key read is remembered; :meth:`Table.done` rejects the keys nobody read, with a
suggestion when one is close to a known key (a typo such as ``extra`` for ``extras``).
"""
from __future__ import annotations

import difflib
import re
from typing import Any

from harness.errors import HarnessError

_MISSING: Any = object()
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Table:
    def __init__(self, data: Any, file: str, prefix: str) -> None:
        self.file = file
        self.prefix = prefix
        if not isinstance(data, dict):
            raise HarnessError(f"{file}: {prefix or 'recipe'}: expected a table, got "
                               f"{type(data).__name__}")
        self.data: dict[str, Any] = data
        self.seen: set[str] = set()

    def field(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def error(self, key: str, problem: str) -> HarnessError:
        return HarnessError(f"{self.file}: {self.field(key)}: {problem}")

    def _get(self, key: str, default: Any) -> Any:
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise self.error(key, "required field is missing")
        return default

    def names(self) -> list[str]:
        self.seen.update(self.data)
        return list(self.data)

    def _expect(self, key: str, value: Any, kind: type | tuple[type, ...], what: str) -> None:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"expected {what}, got {type(value).__name__} {value!r}")

    def string(self, key: str, *, default: Any = _MISSING, pattern: str | None = None,
            choices: tuple[str, ...] = ()) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        self._expect(key, value, str, "a string")
        if not value.strip():
            raise self.error(key, "must not be empty")
        if pattern and not re.match(pattern, value):
            raise self.error(key, f"{value!r} does not look right (expected {pattern})")
        if choices and value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def integer(self, key: str, *, default: Any = _MISSING, minimum: int | None = None) -> Any:
        value = self._get(key, default)
        if value is default and default is not _MISSING:
            return value
        self._expect(key, value, int, "an integer")
        if minimum is not None and value < minimum:
            raise self.error(key, f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, key: str, *, default: Any = _MISSING) -> bool:
        value = self._get(key, default)
        self._expect(key, value, bool, "true or false")
        return bool(value)

    def str_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, _MISSING if required else [])
        self._expect(key, value, list, "a list of strings")
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.error(key, f"expected a list of non-empty strings, found {item!r}")
        if required and not value:
            raise self.error(key, "must list at least one entry")
        return tuple(value)

    def str_map(self, key: str) -> dict[str, str]:
        value = self._get(key, {})
        self._expect(key, value, dict, "a table of strings")
        out: dict[str, str] = {}
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise self.error(f"{key}.{k}", f"expected a string, got {type(v).__name__}")
            out[k] = str(v)
        return out

    def env_map(self, key: str) -> dict[str, str]:
        """Environment variables: names a shell and ``os.environ`` accept (no ``=``, no ``;``)."""
        out = self.str_map(key)
        for name in out:
            if not ENV_NAME.fullmatch(name):
                raise self.error(f"{key}.{name}", "not a valid environment variable name "
                                 "(letters, digits and _, not starting with a digit)")
        return out

    def table(self, key: str, *, required: bool = True) -> Table:
        value = self._get(key, _MISSING if required else {})
        return Table(value, self.file, self.field(key))

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.seen)
        if unknown:
            key = unknown[0]
            close = difflib.get_close_matches(key, sorted(self.seen), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.error(key, f"unknown field{hint}")
