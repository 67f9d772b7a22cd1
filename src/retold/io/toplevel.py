"""The top-level value of an annotation or corpus JSON file, of the type its format needs.

``read_json`` returns None both when a file cannot be read (with a problem recorded) and
when the file holds the JSON value ``null`` (with none). A loader that took None for
"nothing to read" would then treat ``clusters.json`` holding ``null`` as an empty list of
clusters, and a document file holding ``null`` as no document at all: the release would
silently lose them. ``read_json_as`` tells the two apart and refuses any top-level value
of the wrong type, ``null`` included, as a ``shape`` problem naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.errors import SHAPE, Problem
from retold.io.jsonio import read_json
from retold.io.records import json_type


def read_json_as(path: Path, problems: list[Problem], kind: type[list] | type[dict],
                 what: str) -> Any:
    """The file's JSON value when it is of type ``kind`` (a list or an object), else None.

    A file that cannot be read or parsed is reported by ``read_json``; one that holds
    another value (``null``, a number, a string, the other container) is a ``shape``
    problem saying what the file must hold (``what``, e.g. "a JSON list of clusters").
    """
    before = len(problems)
    data = read_json(path, problems)
    if data is None and len(problems) > before:
        return None  # unreadable or not JSON: reported
    if not isinstance(data, kind):
        problems.append(Problem(str(path), "-", SHAPE,
                                f"the file must hold {what}, got {json_type(data)}"))
        return None
    return data
