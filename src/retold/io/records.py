"""Typed fields out of parsed JSON objects, with every shape problem recorded.

The loaders (``corpus``, ``standoff``) read each JSON object through a ``Fields``: it
reports keys the format does not know (``unknown-key``, with the closest known key when
one is close), a missing field or a field of the wrong type (``shape``), and remembers
which fields were bad in ``Fields.bad``. The loaded record carries that set, so the
validator can skip the checks that would need a bad value instead of reporting a second,
derived problem about a default value that is not in the file.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from retold.errors import SHAPE, UNKNOWN_KEY, Problem


def type_name(typ: type | tuple[type, ...]) -> str:
    if isinstance(typ, type):
        return {"str": "a string", "int": "an integer", "list": "a list",
                "dict": "an object", "NoneType": "null"}.get(typ.__name__, typ.__name__)
    return " or ".join(type_name(t) for t in typ)


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return type_name(type(value)) if isinstance(value, str | int | list | dict) else (
        "a number" if isinstance(value, float) else type(value).__name__)


def is_instance(value: Any, typ: type | tuple[type, ...]) -> bool:
    """``isinstance``, except that a JSON boolean is never an integer."""
    if isinstance(value, bool):
        types = typ if isinstance(typ, tuple) else (typ,)
        return bool in types
    return isinstance(value, typ)


def check_keys(file: str, where: str, obj: dict[str, Any], known: Sequence[str],
               problems: list[Problem]) -> None:
    """Report every key of ``obj`` that is not in ``known``, suggesting the closest."""
    for key in obj:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(Problem(file, where, UNKNOWN_KEY,
                                f"unknown key {key!r}{hint} (known keys: {', '.join(known)})"))


class Fields:
    """One JSON object's fields; unknown keys and bad fields reported once each."""

    def __init__(self, file: str, problems: list[Problem], obj: dict[str, Any], where: str,
                 known: Sequence[str]) -> None:
        self.file = file
        self.problems = problems
        self.obj = obj
        self.where = where
        self.bad: set[str] = set()
        check_keys(file, where, obj, known, problems)

    def problem(self, key: str, message: str) -> None:
        """Record a shape problem with field ``key`` and remember it as bad."""
        self.bad.add(key)
        self.problems.append(Problem(self.file, self.where, SHAPE, message))

    def get(self, key: str, typ: type | tuple[type, ...], default: Any,
            required: bool = True) -> Any:
        """``obj[key]`` if present and of type ``typ``; else ``default`` (and, if it was
        required or is of the wrong type, a problem)."""
        if key not in self.obj:
            if required:
                self.problem(key, f"missing field {key!r}")
            return default
        value = self.obj[key]
        if not is_instance(value, typ):
            self.problem(key, f"field {key!r} must be {type_name(typ)}, got "
                              f"{json_type(value)}")
            return default
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        """A required list of strings; on any wrong-typed item, one problem and ``()``."""
        items = self.get(key, list, None)
        if items is None:
            return ()
        wrong = [(i, item) for i, item in enumerate(items) if not isinstance(item, str)]
        if wrong:
            i, item = wrong[0]
            more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
            self.problem(key, f"field {key!r} must be a list of strings; item {i} is "
                              f"{json_type(item)}{more}")
            return ()
        return tuple(items)
