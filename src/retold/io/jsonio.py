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

``read_jsonl`` (with ``parse_jsonl`` and ``parse_json_line``) is the one reader of JSON Lines
files (drafts, contrast edits and pairs, blind reads, predictions) and is as strict, line by
line: a repeated key, ``NaN`` or invalid JSON is a problem of that line. It is also bounded:
a line longer than ``MAX_JSONL_LINE_CHARS`` characters or nested deeper than
``MAX_JSONL_DEPTH`` is refused before it is parsed (so parsing never recurses deeply), and the
file is read by ``read_bytes_bounded`` (a regular file within a size limit).

``show`` shortens every value a message echoes: a message stays one short line whatever the
input holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate
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


SHOW_CHARS = 40
"""The most characters of a value ``show`` echoes in a message."""


def show(value: Any, n: int = SHOW_CHARS, *, as_json: bool = True) -> str:
    """A value for a message, shortened to about ``n`` characters (its length said if cut).

    A string is written as JSON (``"x"``) or, with ``as_json=False``, as Python's ``repr``
    (``'x'``); any other value as JSON. Only a bounded prefix of a long string is ever copied.
    """
    if isinstance(value, str):
        head = value[: n + 1]
        text = json.dumps(head, ensure_ascii=False) if as_json else repr(head)
        text = _SURROGATE.sub("\ufffd", text)
        if len(value) <= n and len(text) <= n + 2:
            return text
        return f"{text[: n - 3]}... ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * n:
        try:
            return f"an integer of {len(str(abs(value))):,} digits"
        except ValueError:  # over Python's 4,300 digits for str()
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    try:
        text = _SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):  # not JSON: a record given in memory
        text = f"a {type(value).__name__}"
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


class StrictDecoder(json.JSONDecoder):
    """Python's JSON decoder, refusing ``NaN``/``Infinity`` and noting each repeated key.

    A repeated key keeps its first value (so the rest can still be checked); each one is
    kept in ``duplicates`` as (the object's pairs, key, first value, repeated value) until
    ``take_duplicates`` hands them over.
    """

    def __init__(self) -> None:
        super().__init__(object_pairs_hook=self._pairs, parse_constant=_refuse_constant)
        self.duplicates: list[tuple[list[tuple[str, Any]], str, Any, Any]] = []

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) == len(pairs):  # the common case, at the speed of dict()
            return out
        out = {}
        for key, value in pairs:
            if key in out:
                self.duplicates.append((pairs, key, out[key], value))
                continue
            out[key] = value
        return out

    def take_duplicates(self) -> list[tuple[list[tuple[str, Any]], str, Any, Any]]:
        found, self.duplicates = self.duplicates, []
        return found


def duplicate_message(key: str, first: Any, second: Any) -> str:
    """The message of a ``duplicate-key`` problem."""
    return (f"key {show(key, as_json=False)} appears more than once in one object (values "
            f"{show(first)} and {show(second)}); a JSON object must not repeat a key")


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
    decoder = StrictDecoder()
    try:
        if doc.startswith("\ufeff"):  # what json.loads says; decode() does not check
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", doc, 0)
        data = decoder.decode(doc)
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
    for pairs, key, first, second in decoder.take_duplicates():
        problems.append(Problem(file, _label(pairs), DUPLICATE_KEY,
                                duplicate_message(key, first, second)))
    bad: list[str] = []
    data = _clean(data, bad)
    for value in bad:
        problems.append(Problem(file, "-", SHAPE,
                                f"the string {value!r} holds an unpaired surrogate escape; "
                                f"it is not Unicode text"))
    return data


# --------------------------------------------------------------------------------------
# JSON Lines.
# --------------------------------------------------------------------------------------
MAX_JSONL_DEPTH = 32
"""The deepest nesting of arrays and objects a JSON Lines line may have (every retold line
has at most 4: an edit's chain of links holds objects in a list in an object)."""
MAX_JSONL_LINE_CHARS = 4 * 1024 * 1024
"""The longest JSON Lines line read, in characters (4 Mi; the longest line a retold file
holds is a ``retrieval`` ranking, about 2 KB for the 157 claims of dataset 1.1)."""
MAX_JSONL_FILE_BYTES = 256 * 1024 * 1024
"""The largest JSON Lines file read (256 MiB; 100,000 prediction lines take about 10 MB)."""

Report = Callable[[int, str, str], None]
"""Where a JSON Lines reader sends each problem: (line number, code, message)."""

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def nesting_depth_over(line: str, limit: int = MAX_JSONL_DEPTH) -> bool:
    """True when the arrays and objects of ``line`` nest deeper than ``limit``.

    Counted without parsing (and without recursion): brackets inside strings do not count.
    A line with no more than ``limit`` opening brackets in all is answered at once.
    """
    if line.count("[") + line.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", line))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def parse_json_line(raw: str, number: int, report: Report, decoder: StrictDecoder, *,
                    code: str = SHAPE) -> tuple[bool, Any]:
    """(True, the value) of one JSON Lines line, or (False, None) after reporting why not.

    Problems that leave the value readable (a repeated key, an unpaired surrogate escape) are
    reported under ``duplicate-key`` and ``code`` and the value is still returned.
    """
    if len(raw) > MAX_JSONL_LINE_CHARS:
        report(number, code, f"the line has {len(raw):,} characters, over the limit of "
                             f"{MAX_JSONL_LINE_CHARS:,}")
        return False, None
    if nesting_depth_over(raw):
        report(number, code, f"arrays and objects nest deeper than {MAX_JSONL_DEPTH} levels")
        return False, None
    try:
        value, end = decoder.raw_decode(raw)
    except _NotJson as err:
        decoder.take_duplicates()
        report(number, code, f"invalid JSON: {err} is not a JSON number (write a number or "
                             f"null)")
        return False, None
    except json.JSONDecodeError as err:
        decoder.take_duplicates()
        report(number, code, f"invalid JSON: {err.msg} (column {err.colno})")
        return False, None
    except ValueError:  # Python reads no integer of over 4,300 digits
        decoder.take_duplicates()
        report(number, code, "invalid JSON: a number of over 4,300 digits")
        return False, None
    if end != len(raw):
        decoder.take_duplicates()
        report(number, code, f"invalid JSON: extra data after the value (column {end + 1}); "
                             f"one JSON value per line")
        return False, None
    for _, key, first, second in decoder.take_duplicates():
        report(number, DUPLICATE_KEY, duplicate_message(key, first, second))
    if _MAYBE_SURROGATE.search(raw):
        bad: list[str] = []
        value = _clean(value, bad)
        for text in bad:
            report(number, code, f"the string {show(text, as_json=False)} holds an unpaired "
                                 f"surrogate escape; it is not Unicode text")
    return True, value


def parse_jsonl(text: str, report: Report, *, code: str = SHAPE) -> list[tuple[int, Any]]:
    """The (line number, value) of each non-blank line of JSON Lines text (see
    ``parse_json_line``); lines end at ``\\n`` and surrounding white space is ignored."""
    decoder = StrictDecoder()
    scan, duplicates = decoder.scan_once, decoder.duplicates
    # (str.isascii is a flag lookup: an ASCII text without "\\u" holds no surrogate escape)
    careful = ((not text.isascii() or "\\u" in text)
               and _MAYBE_SURROGATE.search(text) is not None)
    out = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        # the fast path of a good line: the C scanner, no wrapper; anything unusual (a
        # long or deeply bracketed line, a surrogate escape in the file, a parse error,
        # extra data, a repeated key) is parsed again by parse_json_line, which reports it
        if (not careful and len(stripped) <= MAX_JSONL_LINE_CHARS
                and stripped.count("[") + stripped.count("{") <= MAX_JSONL_DEPTH):
            try:
                value, end = scan(stripped, 0)
            except (StopIteration, ValueError):  # _NotJson and JSONDecodeError included
                end = -1
            if end == len(stripped) and not duplicates:
                out.append((number, value))
                continue
            duplicates.clear()
        ok, value = parse_json_line(stripped, number, report, decoder, code=code)
        if ok:
            out.append((number, value))
    return out


def read_jsonl(path: Path, report: Report, *, code: str = SHAPE,
               missing_code: str = MISSING_FILE, max_bytes: int = MAX_JSONL_FILE_BYTES,
               encoding: str = "utf-8") -> list[tuple[int, Any]] | None:
    """The lines of the JSON Lines file ``path`` (see ``parse_jsonl``), or None when the file
    cannot be read (not a regular file, over ``max_bytes``, missing, not ``encoding``);
    every problem goes to ``report`` (line 0: the whole file)."""
    try:
        raw = read_bytes_bounded(path, max_bytes)
    except UnreadableFileError as err:
        report(0, missing_code, f"cannot be read: it {err.reason}")
        return None
    except FileNotFoundError:
        report(0, missing_code, "file does not exist")
        return None
    except OSError as err:
        report(0, missing_code, f"cannot be read: {err.strerror or err}")
        return None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        report(line, code, f"not UTF-8: byte {raw[err.start]:#04x} at offset {err.start} "
                           f"({err.reason})")
        return None
    return parse_jsonl(text, report, code=code)


def problem_list(file: str, problems: list[Problem]) -> Report:
    """A ``Report`` that appends a ``Problem`` of ``file`` to ``problems`` (line 0 is ``-``)."""

    def report(line: int, code: str, message: str) -> None:
        problems.append(Problem(file, f"line {line}" if line else "-", code, message))

    return report


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
