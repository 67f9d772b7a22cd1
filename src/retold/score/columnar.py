"""A predictions file read column by column, when every line is plainly well formed.

The line-by-line reader (``retold.io.jsonio.parse_jsonl`` and ``formats.FieldChecker``)
parses each line with Python's ``json`` and checks it, which costs about 5 microseconds a
line. Most files are plain: one flat object per line with exactly the task's fields, ASCII
text, no escapes. ``read_columns`` reads such a file with pyarrow's JSON reader against an
explicit schema in one call, and hands back ``ColumnLines`` only when it can prove that
the line-by-line reader would have accepted every line with the same values:

- the bytes are ASCII with no ``\\u`` escape (so no surrogate, and every key is spelled
  plainly), every line starts with ``{`` (so none is blank or indented) and none is
  longer than ``MAX_JSONL_LINE_CHARS``;
- pyarrow parsed exactly one row per line (it reads two objects on one line as two rows),
  with the schema's types (a string id, ``true``/``false``, a number,
  an integer offset: pyarrow refuses a number for a string, a number for a boolean, a
  fraction for an integer, a repeated key, an unknown field);
- no field is missing or ``null``; every number is finite and below 2**53 in size (an
  integer of 2**53 + 1 reads as the double 2**53); every label is one of the task's labels.

Anything else returns None and the file goes to the line-by-line reader, which reports
each problem with its line number. So the two readers accept the same files and give
the same values; ``tests/test_columnar.py`` checks both on every kind of line the format
checker refuses. Fields holding lists (``retrieval``, ``clusters``) are always read line by
line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json

from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.io.jsonio import MAX_JSONL_LINE_CHARS
from retold.score.limits import MAX_PREDICTIONS_BYTES, MAX_SAFE_INTEGER
from retold.score.tasks import BOOL, ID, LABEL, NUMBER, OFFSET, STRING, PredictionField

_ARROW_TYPES: dict[str, pa.DataType] = {
    ID: pa.string(), STRING: pa.string(), LABEL: pa.string(), BOOL: pa.bool_(),
    NUMBER: pa.float64(), OFFSET: pa.int64(),
}
"""The pyarrow type of each field kind read column-wise (a list of ids is not)."""

_NEWLINE, _OPEN_BRACE = ord("\n"), ord("{")


@dataclass(frozen=True)
class ColumnLines(Sequence[tuple[int, Any]]):
    """Numbered prediction lines held as columns: line ``i + 1`` is row ``i``.

    It is a sequence of (line number, record) like the line-by-line reader's list, so any
    scorer can iterate it; ``formats.align_items`` reads the columns directly.
    """

    columns: dict[str, list[Any]]
    n: int

    def __len__(self) -> int:
        return self.n

    def record(self, i: int) -> dict[str, Any]:
        return {name: values[i] for name, values in self.columns.items()}

    @overload
    def __getitem__(self, i: int) -> tuple[int, Any]: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[tuple[int, Any]]: ...

    def __getitem__(self, i: int | slice) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i + 1, self.record(i)

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        names = list(self.columns)
        for number, values in enumerate(zip(*self.columns.values(), strict=True), start=1):
            yield number, dict(zip(names, values, strict=True))


def read_columns(path: Path, fields: Sequence[PredictionField], *,
                 max_bytes: int = MAX_PREDICTIONS_BYTES) -> ColumnLines | None:
    """The lines of a predictions file as columns, or None when the file must be read line
    by line (module docstring); nothing is reported here."""
    if any(f.kind not in _ARROW_TYPES for f in fields):
        return None
    try:
        raw = read_bytes_bounded(Path(path), max_bytes)
    except (UnreadableFileError, OSError):
        return None
    if not raw or not raw.isascii() or b"\\u" in raw:
        return None
    body = raw[:-1] if raw.endswith(b"\n") else raw
    # every line starts with "{" (so none is blank or indented) and none is too long
    data = np.frombuffer(body, dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(data == _NEWLINE) + 1))
    if int(starts[-1]) >= len(body) or not (data[starts] == _OPEN_BRACE).all():
        return None
    if int(np.diff(starts, append=len(body) + 1).max()) - 1 > MAX_JSONL_LINE_CHARS:
        return None
    n_lines = len(starts)
    schema = pa.schema([(f.name, _ARROW_TYPES[f.kind]) for f in fields])
    try:
        table = pa_json.read_json(
            pa.BufferReader(raw),
            read_options=pa_json.ReadOptions(use_threads=False),
            parse_options=pa_json.ParseOptions(explicit_schema=schema,
                                               unexpected_field_behavior="error"))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != n_lines or table.schema.names != schema.names:
        return None
    columns: dict[str, list[Any]] = {}
    for f in fields:
        column = table.column(f.name)
        if column.null_count:
            return None
        values = column.to_pylist()  # (to_numpy would import pandas: 0.2 s)
        if f.kind == NUMBER:
            numbers = np.array(values, dtype=float)
            if not np.isfinite(numbers).all() or (np.abs(numbers) >= MAX_SAFE_INTEGER).any():
                return None
        if f.kind == LABEL and not set(values) <= set(f.labels):
            return None
        columns[f.name] = values
    return ColumnLines(columns, n_lines)
