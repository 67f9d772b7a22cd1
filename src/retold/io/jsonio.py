"""Reading and writing JSON files: every problem recorded with file and place, canonical output.

``read_json`` is strict where Python's ``json`` module is lenient, so that what the
validator accepts is exactly what a JSON reader elsewhere would read the same way:

* a key repeated in one object is a ``duplicate-key`` problem (``json`` silently keeps
  the last value); the first value is kept so that the rest of the file can be checked;
* ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON) are a ``shape`` problem;
* a ``\\uD800``-style escape that leaves an unpaired surrogate (not Unicode text, and
  not writable as UTF-8) is a ``shape`` problem; it is replaced by U+FFFD in the value
  returned, so no later message or file write can fail on it;
* invalid JSON is reported with its line and column and the parser's whole message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from retold.errors import DUPLICATE_KEY, MISSING_FILE, SHAPE, InvalidInputError, Problem
from retold.io.files import MAX_JSON_FILE_BYTES, UnreadableFileError, read_bytes_bounded

_SURROGATE = re.compile("[\ud800-\udfff]")
ID_KEYS = ("id", "doc_id", "source_id", "cluster_id")
"""Keys whose string value names an object in messages (where no line is known)."""


class _NotJson(ValueError):
    """A constant Python's parser accepts but JSON does not (NaN, Infinity)."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(name)


def _label(pairs: list[tuple[str, Any]]) -> str:
    """The object's id for messages, or ``-``."""
    for key, value in pairs:
        if key in ID_KEYS and isinstance(value, str):
            return _SURROGATE.sub("\ufffd", value)
    return "-"


def _excerpt(doc: str, pos: int, width: int = 30) -> str:
    """The text around ``pos`` on its line, for an invalid-JSON message."""
    start = doc.rfind("\n", 0, pos) + 1
    end = doc.find("\n", pos)
    end = len(doc) if end < 0 else end
    lo, hi = max(start, pos - width), min(end, pos + width)
    return repr(doc[lo:pos] + "⟨here⟩" + doc[pos:hi])


def _show(value: Any, n: int = 40) -> str:
    """A JSON value as written, shortened for a message."""
    text = _SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False))
    return text if len(text) <= n else text[: n - 3] + "..."


def _clean(value: Any, found: list[str]) -> Any:
    """``value`` with unpaired surrogates replaced by U+FFFD; each bad string noted."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            found.append(value)
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, list):
        return [_clean(v, found) for v in value]
    if isinstance(value, dict):
        return {_clean(k, found): _clean(v, found) for k, v in value.items()}
    return value


def read_json(path: Path, problems: list[Problem]) -> Any:
    """Parse a JSON file strictly; on failure record a Problem naming the place, return None.

    Problems that leave the data readable (a repeated key, an unpaired surrogate) are
    recorded and the data is still returned, so the caller can check the rest.
    """
    file = str(path)
    try:
        raw = read_bytes_bounded(path, MAX_JSON_FILE_BYTES)
    except UnreadableFileError as err:
        problems.append(Problem(file, "-", MISSING_FILE, f"cannot be read: it {err.reason}"))
        return None
    except FileNotFoundError:
        problems.append(Problem(file, "-", MISSING_FILE, "file does not exist"))
        return None
    except OSError as err:
        problems.append(Problem(file, "-", MISSING_FILE,
                                f"cannot be read: {err.strerror or err}"))
        return None
    try:
        doc = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        problems.append(Problem(file, f"line {line}", SHAPE,
                                f"not UTF-8: byte {raw[err.start]:#04x} at offset {err.start} "
                                f"({err.reason})"))
        return None
    duplicates: list[Problem] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                duplicates.append(Problem(
                    file, _label(pairs), DUPLICATE_KEY,
                    f"key {key!r} appears more than once in one object (values "
                    f"{_show(out[key])} and {_show(value)}); a JSON object must not repeat "
                    f"a key"))
                continue
            out[key] = value
        return out

    try:
        data = json.loads(doc, object_pairs_hook=pairs_hook, parse_constant=_refuse_constant)
    except json.JSONDecodeError as err:
        problems.append(Problem(file, f"line {err.lineno} column {err.colno}", SHAPE,
                                f"invalid JSON at line {err.lineno} column {err.colno} "
                                f"(character {err.pos}): {err.msg}; near "
                                f"{_excerpt(doc, err.pos)}"))
        return None
    except _NotJson as err:
        problems.append(Problem(file, "-", SHAPE,
                                f"invalid JSON: {err} is not a JSON value (write a number "
                                f"or null)"))
        return None
    except RecursionError:
        problems.append(Problem(file, "-", SHAPE, "invalid JSON: nested too deeply"))
        return None
    problems.extend(duplicates)
    bad: list[str] = []
    data = _clean(data, bad)
    for value in bad:
        problems.append(Problem(file, "-", SHAPE,
                                f"the string {value!r} holds an unpaired surrogate escape; "
                                f"it is not Unicode text"))
    return data


def dump_json(data: Any) -> str:
    """Canonical JSON text: two-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_optional_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None when the file does not exist; raise
    ``InvalidInputError`` naming the file when it is unreadable or not one object."""
    if not path.exists():
        return None
    problems: list[Problem] = []
    data = read_json(path, problems)
    if not problems and not isinstance(data, dict):
        problems.append(Problem(str(path), "-", SHAPE, "must hold one JSON object"))
    if problems:
        raise InvalidInputError(problems)
    return data
