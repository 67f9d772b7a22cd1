"""The format checker: prediction lines are read, typed and matched to the gold items.

Every problem is reported with the line number (1-based; for ``score_records`` the index of
the record plus one) and one of these codes, in line order:

``prediction-syntax``
    The file cannot be read (missing, not a regular file, over ``MAX_PREDICTIONS_BYTES``),
    is not UTF-8, or a line is not one JSON object (over ``MAX_LINE_CHARS`` characters,
    nested deeper than ``MAX_DEPTH``, not JSON, ``NaN``, an integer of over 4,300 digits);
    the limits are in ``retold.score.limits``.
``duplicate-key``
    A key appears twice in the object of one line.
``no-predictions``
    The file (or the records given) holds no line at all: nothing to score.
``prediction-fields``
    A line lacks a field of its task, or has a field the task does not know.
``prediction-type``
    A field has the wrong JSON type (a boolean must be ``true``/``false``, an offset an
    integer, a score a finite number, an integer score within ±2**53, an id a string).
``unknown-label``
    A label (the stance) is not one of the schema's labels.
``unknown-id``
    An id is not in the gold (claim, pair, document, contrast row).
``duplicate-prediction``
    Two lines predict the same item (for ``duplicated``: the same pair; a pair is scored once).
``prediction-value``
    A value is impossible: an offset outside the text or a reversed or half-empty span, a
    source span on a claim predicted not attributed, a pair written with claim_id_a after
    claim_id_b, a ranking with a claim of the query's own document or a repeated claim.
``release``
    The release folder, a config or its checksums cannot be used (from ``retold.score.gold``).
``too-many-problems``
    More than ``MAX_PROBLEMS`` problems: the rest are counted, not listed.

A gold item with no line is not an error: it is *missing*, scored as a wrong prediction
and counted in the scores' ``missing``. Every value a message echoes is shortened
(``retold.io.jsonio.show``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import (
    DUPLICATE_PREDICTION,
    NO_PREDICTIONS,
    PREDICTION_FIELDS,
    PREDICTION_SYNTAX,
    PREDICTION_TYPE,
    PREDICTION_VALUE,
    TOO_MANY_PROBLEMS,
    UNKNOWN_ID,
    UNKNOWN_LABEL,
    InvalidInputError,
    Problem,
)
from retold.io.jsonio import StrictDecoder, parse_json_line, show
from retold.io.jsonio import parse_jsonl as _parse_jsonl
from retold.io.jsonio import read_jsonl as _read_jsonl
from retold.score.columnar import ColumnLines, read_columns
from retold.score.limits import MAX_MESSAGE_CHARS, MAX_PREDICTIONS_BYTES, MAX_SAFE_INTEGER
from retold.score.tasks import (
    BOOL,
    ID,
    ID_LIST,
    LABEL,
    NUMBER,
    OFFSET,
    STRING,
    PredictionField,
)

MAX_PROBLEMS = 100
"""Problems listed before the checker only counts the rest."""
Line = tuple[int, Any]
"""(line number, parsed JSON value)."""


class PredictionError(InvalidInputError):
    """Problems in a predictions file, kept in line order (not sorted as text)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        self.args = (f"{len(self.problems)} problem(s):\n{lines}",)


class Problems:
    """Collects problems of one source, at most ``MAX_PROBLEMS`` listed."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.listed: list[Problem] = []
        self.unlisted = 0

    def add(self, line: int | None, code: str, message: str) -> None:
        """Record a problem of ``line`` (None or 0: the whole file)."""
        if len(self.listed) < MAX_PROBLEMS:
            where = f"line {line}" if line else "-"
            if len(message) > MAX_MESSAGE_CHARS:
                message = message[: MAX_MESSAGE_CHARS - 3] + "..."
            self.listed.append(Problem(self.source, where, code, message))
        else:
            self.unlisted += 1

    def __bool__(self) -> bool:
        return bool(self.listed)

    def raise_if_any(self) -> None:
        if not self.listed:
            return
        problems = list(self.listed)
        if self.unlisted:
            problems.append(Problem(self.source, "-", TOO_MANY_PROBLEMS,
                                    f"{self.unlisted} more problem(s) not listed"))
        raise PredictionError(problems)


def read_jsonl(path: Path) -> list[Line]:
    """The parsed lines of a predictions file (blank lines skipped); every bad line reported.

    Only a regular file of at most ``MAX_PREDICTIONS_BYTES`` is read (a FIFO or device is
    refused before it is opened); a UTF-8 byte order mark is allowed.
    """
    problems = Problems(str(path))
    lines = _read_jsonl(Path(path), problems.add, code=PREDICTION_SYNTAX,
                        missing_code=PREDICTION_SYNTAX, max_bytes=MAX_PREDICTIONS_BYTES,
                        encoding="utf-8-sig")
    problems.raise_if_any()
    return lines or []


def read_predictions(path: Path, fields: Sequence[PredictionField]) -> Sequence[Line]:
    """The lines of a predictions file for a task with ``fields``: read column-wise when
    every line is plainly well formed (``retold.score.columnar``), else by ``read_jsonl``,
    which reports every problem. Both give the same lines with the same values."""
    columns = read_columns(Path(path), fields, max_bytes=MAX_PREDICTIONS_BYTES)
    return columns if columns is not None else read_jsonl(Path(path))


def parse_jsonl(text: str, source: str = "<text>") -> list[Line]:
    """The parsed lines of JSON Lines text: exactly one JSON value per non-blank line."""
    problems = Problems(source)
    lines = _parse_jsonl(text, problems.add, code=PREDICTION_SYNTAX)
    problems.raise_if_any()
    return lines


def parse_texts(texts: Iterable[str], source: str = "<records>") -> list[Line]:
    """Lines given one JSON text each (``evaluate`` keeps them so), numbered from 1."""
    problems = Problems(source)
    decoder = StrictDecoder()
    lines: list[Line] = []
    for number, text in enumerate(texts, start=1):
        ok, value = parse_json_line(text.strip(), number, problems.add, decoder,
                                    code=PREDICTION_SYNTAX)
        if ok:
            lines.append((number, value))
    problems.raise_if_any()
    return lines


def require_lines(lines: Sequence[Line], source: str) -> None:
    """Raise ``PredictionError`` (``no-predictions``) when there is no line to score."""
    if not lines:
        raise PredictionError([Problem(source, "-", NO_PREDICTIONS,
                                       "no predictions: not one line to score; write one "
                                       "JSON object per predicted item")])


def number_records(records: Iterable[Any]) -> list[Line]:
    """Records given in memory, numbered from 1 like the lines of a file."""
    return list(enumerate(records, start=1))


# ----------------------------------------------------------------------------------------
# Field types.
# ----------------------------------------------------------------------------------------

def _is_number(v: Any) -> bool:
    return ((type(v) is float and math.isfinite(v))
            or (type(v) is int and -MAX_SAFE_INTEGER <= v <= MAX_SAFE_INTEGER))


_TYPE_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    ID: (lambda v: type(v) is str, "a string id"),
    BOOL: (lambda v: type(v) is bool, "true or false"),
    OFFSET: (lambda v: type(v) is int, "an integer"),
    NUMBER: (_is_number, "a finite number (an integer within ±2**53)"),
    LABEL: (lambda v: type(v) is str, "a label name (string)"),
    STRING: (lambda v: type(v) is str, "a string"),
    ID_LIST: (lambda v: type(v) is list and all(type(x) is str for x in v),
              "a list of string ids"),
}


_EXACT_TYPES: dict[str, type] = {ID: str, BOOL: bool, OFFSET: int, LABEL: str, STRING: str}
"""Kinds checked by exact type (``type(v) is t``: a bool is not an int here)."""


@dataclass
class FieldChecker:
    """Checks that a line is an object with exactly the given fields, each well typed."""

    fields: tuple[PredictionField, ...]
    names: frozenset[str] = field(init=False)
    checks: list[tuple[str, Callable[[Any], bool], str]] = field(init=False)
    labels: dict[str, frozenset[str]] = field(init=False)

    exact: list[tuple[str, type]] = field(init=False)
    other: list[tuple[str, Callable[[Any], bool]]] = field(init=False)

    def __post_init__(self) -> None:
        self.names = frozenset(f.name for f in self.fields)
        self.checks = [(f.name, *_TYPE_CHECKS[f.kind]) for f in self.fields]
        self.labels = {f.name: frozenset(f.labels) for f in self.fields if f.kind == LABEL}
        self.exact = [(f.name, _EXACT_TYPES[f.kind]) for f in self.fields
                      if f.kind in _EXACT_TYPES]
        self.other = [(f.name, _TYPE_CHECKS[f.kind][0]) for f in self.fields
                      if f.kind not in _EXACT_TYPES]

    def __call__(self, number: int, record: Any, problems: Problems) -> bool:
        """True when the line is well formed; otherwise its problems are added."""
        # the fast path of a good line (plain loops: this runs once per line); any doubt
        # goes to the full diagnosis
        if type(record) is dict and record.keys() == self.names:
            for name, kind in self.exact:
                if type(record[name]) is not kind:
                    break
            else:
                for name, check in self.other:
                    if not check(record[name]):
                        break
                else:
                    for name, allowed in self.labels.items():
                        if record[name] not in allowed:
                            break
                    else:
                        return True
        return self.diagnose(number, record, problems)

    def diagnose(self, number: int, record: Any, problems: Problems) -> bool:
        """Add every problem of a line; True when it has none."""
        if type(record) is not dict:
            problems.add(number, PREDICTION_SYNTAX,
                         f"a line must be a JSON object, not {show(record)}")
            return False
        ok = True
        if record.keys() != self.names:
            missing = sorted(self.names - record.keys())
            unknown = sorted(record.keys() - self.names, key=show)
            parts = []
            if missing:
                parts.append(f"missing field(s) {', '.join(missing)}")
            if unknown:
                shown = [show(k, as_json=False) for k in unknown[:5]]
                more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
                parts.append(f"unknown field(s) {', '.join(shown)}{more}")
            problems.add(number, PREDICTION_FIELDS,
                         f"{'; '.join(parts)}; a line has exactly "
                         f"{', '.join(f.name for f in self.fields)}")
            ok = False
        for name, check, expected in self.checks:
            if name in record and not check(record[name]):
                problems.add(number, PREDICTION_TYPE,
                             f"{name} must be {expected}, not {show(record[name])}")
                ok = False
        for name, allowed in self.labels.items():
            value = record.get(name)
            if type(value) is str and value not in allowed:
                problems.add(number, UNKNOWN_LABEL,
                             f"{name} {show(value, as_json=False)} is not a label; labels: "
                             f"{', '.join(sorted(allowed))}")
                ok = False
        return ok


# ----------------------------------------------------------------------------------------
# Matching lines to gold items.
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemPredictions:
    """Predictions aligned to the gold items: ``present[i]`` says whether item ``i`` has a
    line, ``columns[name][i]`` is its value (``None`` where it has none)."""

    present: list[bool]
    columns: dict[str, list[Any]]
    lines: dict[int, int]
    """Gold item position -> line number."""

    @property
    def missing(self) -> int:
        return self.present.count(False)


ValueCheck = Callable[[int, dict[str, Any]], str | None]
"""(gold position, record) -> a problem message, or None when the values are possible."""
UnknownKey = Callable[[dict[str, Any]], tuple[str, str] | None]
"""record whose key is not a gold item -> (code, message) explaining why, or None."""


def align_items(lines: Sequence[Line], fields: tuple[PredictionField, ...],
                key: tuple[str, ...], index: dict[Hashable, int], n_items: int,
                problems: Problems, value_check: ValueCheck | None = None,
                unknown_key: UnknownKey | None = None) -> ItemPredictions:
    """Type each line, find its gold item by ``key`` in ``index``, and fill the columns.

    ``index`` maps the key value (a string for a one-field key, else a tuple) to the item's
    position. Problems are added to ``problems``; lines with problems are not used.
    """
    if isinstance(lines, ColumnLines) and value_check is None:
        aligned = _align_columns(lines, key, index, n_items)
        if aligned is not None:
            return aligned
    check = FieldChecker(fields)
    value_names = [f.name for f in fields if f.name not in key]
    columns: dict[str, list[Any]] = {name: [None] * n_items for name in value_names}
    targets = [(name, columns[name]) for name in value_names]
    present = [False] * n_items
    seen: dict[int, int] = {}
    key_of = itemgetter(*key)  # the value for one key field, a tuple for several
    for number, record in lines:
        if not check(number, record, problems):
            continue
        item_key = key_of(record)
        pos = index.get(item_key)
        if pos is None:
            explained = unknown_key(record) if unknown_key else None
            code, message = explained or (
                UNKNOWN_ID, f"{'/'.join(key)} {show(item_key)} is not a gold item")
            problems.add(number, code, message)
            continue
        if pos in seen:
            problems.add(number, DUPLICATE_PREDICTION,
                         f"{'/'.join(key)} {show(item_key)} is already predicted on "
                         f"line {seen[pos]}; each item is scored once")
            continue
        if value_check is not None:
            message = value_check(pos, record)
            if message is not None:
                problems.add(number, PREDICTION_VALUE, message)
                continue
        seen[pos] = number
        present[pos] = True
        for name, column in targets:
            column[pos] = record[name]
    return ItemPredictions(present=present, columns=columns, lines=seen)


def _align_columns(lines: ColumnLines, key: tuple[str, ...], index: dict[Hashable, int],
                   n_items: int) -> ItemPredictions | None:
    """``align_items`` for lines the column reader has already typed and checked (every
    line well formed); None when a key is not a gold item or is predicted twice, so that
    the line-by-line path reports each such line."""
    keys: Iterable[Hashable] = (lines.columns[key[0]] if len(key) == 1 else
                                zip(*(lines.columns[k] for k in key), strict=True))
    positions = list(map(index.get, keys))
    if None in positions:
        return None
    where = np.asarray(positions, dtype=np.int64)
    taken = np.zeros(n_items, dtype=bool)
    taken[where] = True
    if int(taken.sum()) != len(positions):
        return None
    columns: dict[str, list[Any]] = {}
    for name, values in lines.columns.items():
        if name in key:
            continue
        column = np.full(n_items, None, dtype=object)
        column[where] = values
        columns[name] = column.tolist()
    return ItemPredictions(present=taken.tolist(), columns=columns,
                           lines=dict(zip(positions, range(1, len(positions) + 1),
                                          strict=True)))


def span_problem(start: int, end: int, length: int, what: str) -> str | None:
    """Why ``[start, end)`` is not a span of a text of ``length`` code points, or None."""
    if not 0 <= start < end <= length:
        return (f"{what} [{show(start)}, {show(end)}) is not a non-empty span of the text "
                f"(0 <= start < end <= {length})")
    return None
