"""Annotation ids and the id registry of an annotation set (``ids.json``).

Every claim, boilerplate span, source mention and cue has an id of the form
``<prefix>-<letter><number>``: the prefix is the document id up to its first hyphen
(``004`` for ``004-state-media``), the letter names the kind (``ID_LETTERS``) and the
number, from 1, is zero-padded to ``ID_WIDTHS`` digits (more digits only past 999 or 99):
``004-c001``, ``004-b01``, ``004-s01``, ``004-q01``. An id is written once, in the draft,
and never recomputed from a position (see ``retold.annotate.anchor``).

The registry records, per document and kind, how many ids were ever issued (ids 1..n)
and which of them were retired. It is the file ``ids.json`` of each annotation set::

    {"004-state-media": {"issued": {"b": 3, "c": 21, "q": 16, "s": 14},
                         "retired": ["004-c007"]}}

Invariants, checked by ``retold validate`` (error code ``id-registry``): every id in use
was issued; no retired id is in use; every issued id is in use or retired. A count above
``MAX_ISSUED`` is a ``shape`` problem, so no check ever walks a counter of 10⁹. So a removed
annotation's id must be retired, and a retired id can never come back. ``issue_id``
(``retold next-id``) hands out the next number and records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.errors import MISSING_FILE, SHAPE, InvalidInputError, Problem
from retold.io.jsonio import dump_json
from retold.io.toplevel import read_json_as

REGISTRY_FILE = "ids.json"

ID_LETTERS: dict[str, str] = {"claim": "c", "boilerplate": "b", "mention": "s", "cue": "q"}
"""The id letter of each kind of annotation."""

ID_WIDTHS: dict[str, int] = {"c": 3, "b": 2, "s": 2, "q": 2}
"""Digits of the zero-padded number, per id letter."""

SENTENCE_LETTER = "t"
SENTENCE_WIDTH = 5
"""Sentence ids (``tokens`` config) are ``<prefix>-t<start offset>``, not annotations."""

KIND_NAMES: dict[str, str] = {letter: kind for kind, letter in ID_LETTERS.items()}

_ID_RE = re.compile(r"(?P<prefix>[^-]+)-(?P<letter>[a-z])(?P<number>[0-9]+)")


def doc_prefix(doc_id: str) -> str:
    """The id prefix of a document: its id up to the first hyphen."""
    return doc_id.split("-", 1)[0]


def format_id(doc_id: str, letter: str, number: int) -> str:
    """The id number ``number`` of kind ``letter`` in document ``doc_id``."""
    return f"{doc_prefix(doc_id)}-{letter}{number:0{ID_WIDTHS[letter]}d}"


def sentence_id(doc_id: str, start: int) -> str:
    """The id of the sentence starting at offset ``start``: ``<prefix>-t<start, 5 digits>``.

    It is derived from the text, not from the sentence's position, so an annotation added
    or removed elsewhere never renames a sentence (see the ``tokens`` config's field).
    """
    return f"{doc_prefix(doc_id)}-{SENTENCE_LETTER}{start:0{SENTENCE_WIDTH}d}"


def parse_id(value: str, doc_id: str, letter: str | None = None) -> tuple[str, int]:
    """The letter and number of a well-formed id of ``doc_id`` (of kind ``letter`` if
    given); ValueError saying why it is not one."""
    prefix = doc_prefix(doc_id)
    match = _ID_RE.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not of the form {prefix}-<letter><number>, "
                         f"as in {format_id(doc_id, letter or 'c', 1)!r}")
    if match["prefix"] != prefix:
        raise ValueError(f"{value!r} has the prefix {match['prefix']!r}, but the ids of "
                         f"{doc_id} start with {prefix + '-'!r}")
    found, number = match["letter"], int(match["number"])
    if found not in ID_WIDTHS:
        raise ValueError(f"{value!r} has the kind letter {found!r}; known: "
                         + ", ".join(f"{v} ({k})" for k, v in ID_LETTERS.items()))
    if letter is not None and found != letter:
        raise ValueError(f"{value!r} has the kind letter {found!r} ({KIND_NAMES[found]}); "
                         f"{KIND_NAMES[letter]} ids use {letter!r}, as in "
                         f"{format_id(doc_id, letter, 1)!r}")
    if number < 1:
        raise ValueError(f"{value!r}: id numbers start at 1")
    if format_id(doc_id, found, number) != value:
        raise ValueError(f"{value!r} is not written canonically: "
                         f"{format_id(doc_id, found, number)!r}")
    return found, number


def id_error(value: Any, doc_id: str, letter: str) -> str | None:
    """Why ``value`` is not an id of kind ``letter`` in ``doc_id``; None if it is one."""
    if not isinstance(value, str) or not value:
        return (f"must be a non-empty string such as {format_id(doc_id, letter, 1)!r}, "
                f"got {value!r}")
    try:
        parse_id(value, doc_id, letter)
    except ValueError as err:
        return str(err)
    return None


MAX_ISSUED = 99_999
"""The largest count of issued ids of one kind in one document (or of contrast rows).

No document comes near it; a larger counter is a typo, and refusing it keeps every check
that walks the issued ids bounded."""


def is_count(value: Any, limit: int = MAX_ISSUED) -> bool:
    """``value`` is a JSON integer (not a boolean) from 0 to ``limit``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit


def _short(value: Any, n: int = 120) -> str:
    """``repr(value)`` cut to ``n`` characters, for a message."""
    text = repr(value)
    return text if len(text) <= n else text[: n - 3] + "..."


UNACCOUNTED_LISTED = 10
"""Unaccounted issued ids listed one by one per kind (claims and contrast rows alike); the
rest are counted in one problem."""


def unaccounted(issued: int, accounted: set[int], limit: int = UNACCOUNTED_LISTED
                ) -> tuple[list[int], int]:
    """The first ``limit`` numbers of ``1..issued`` not in ``accounted``, and how many there
    are in all.

    The walk stops after ``limit`` finds, so it takes at most ``len(accounted) + limit``
    steps whatever the counter says: a counter of 10⁹ with every id unaccounted for is
    reported at once, not listed id by id.
    """
    total = issued - sum(1 for n in accounted if 1 <= n <= issued)
    first: list[int] = []
    number = 0
    while len(first) < min(limit, total):
        number += 1
        if number not in accounted:
            first.append(number)
    return first, total


@dataclass(frozen=True)
class RegistryEntry:
    """One document's ids: how many of each letter were issued, and the retired ones."""

    issued: dict[str, int]
    retired: tuple[str, ...]


def _entry(doc_id: str, value: Any, file: str, problems: list[Problem]) -> RegistryEntry | None:
    def bad(message: str) -> None:
        problems.append(Problem(file, doc_id, SHAPE, message))

    if not isinstance(value, dict):
        bad("must be an object with 'issued' and 'retired'")
        return None
    if set(value) != {"issued", "retired"}:
        bad(f"must have exactly the keys 'issued' and 'retired', got {sorted(value)}")
        return None
    issued, retired = value["issued"], value["retired"]
    if not isinstance(issued, dict) or set(issued) != set(ID_WIDTHS) or not all(
        is_count(n) for n in issued.values()
    ):
        bad(f"'issued' must map each of {sorted(ID_WIDTHS)} to a count from 0 to "
            f"{MAX_ISSUED:,}, got {_short(issued)}")
        return None
    if not isinstance(retired, list) or not all(isinstance(r, str) for r in retired):
        bad(f"'retired' must be a list of id strings, got {_short(retired)}")
        return None
    return RegistryEntry(issued=dict(issued), retired=tuple(retired))


def load_registry(path: Path,
                  problems: list[Problem]) -> dict[str, RegistryEntry | None] | None:
    """The registry's entries by doc id (None for an entry of the wrong shape), or None if
    the file cannot be read; problems recorded."""
    data = read_json_as(path, problems, dict, "one JSON object: doc id -> entry")
    if data is None:
        return None
    return {doc_id: _entry(doc_id, value, str(path), problems)
            for doc_id, value in data.items()}


def registry_to_json(registry: dict[str, RegistryEntry]) -> dict[str, Any]:
    """The registry's JSON object, documents and letters sorted."""
    return {
        doc_id: {"issued": dict(sorted(e.issued.items())), "retired": list(e.retired)}
        for doc_id, e in sorted(registry.items())
    }


def kind_letter(kind: str) -> str:
    """The id letter of a kind given by name (``claim``) or letter (``c``); ValueError if none."""
    if kind in ID_LETTERS:
        return ID_LETTERS[kind]
    if kind in KIND_NAMES:
        return kind
    raise ValueError(f"unknown id kind {kind!r}; known: "
                     + ", ".join(f"{k} ({v})" for k, v in ID_LETTERS.items()))


def issue_id(path: Path, doc_id: str, kind: str, *, peek: bool = False) -> str:
    """Issue the next id of ``kind`` in ``doc_id``: record it in the registry at ``path``.

    With ``peek`` the id is only returned, and nothing is written.

    A missing registry file is created. Raises ``InvalidInputError`` if the file cannot be
    read, and ``ValueError`` for an unknown kind.
    """
    letter = kind_letter(kind)
    if not path.parent.is_dir():
        raise InvalidInputError([Problem(str(path.parent), "-", MISSING_FILE,
                                         "the annotation set folder does not exist")])
    problems: list[Problem] = []
    loaded = load_registry(path, problems) if path.exists() else {}
    if loaded is None or problems:
        raise InvalidInputError(problems)
    registry = {d: e for d, e in loaded.items() if e is not None}  # all, as no problems
    entry = registry.get(doc_id, RegistryEntry({k: 0 for k in ID_WIDTHS}, ()))
    number = entry.issued[letter] + 1
    if number > MAX_ISSUED:
        raise InvalidInputError([Problem(str(path), doc_id, SHAPE,
                                         f"{MAX_ISSUED:,} {KIND_NAMES[letter]} ids were issued "
                                         f"already, the most a document may have")])
    if peek:
        return format_id(doc_id, letter, number)
    registry[doc_id] = RegistryEntry({**entry.issued, letter: number}, entry.retired)
    path.write_text(dump_json(registry_to_json(registry)), encoding="utf-8")
    return format_id(doc_id, letter, number)
