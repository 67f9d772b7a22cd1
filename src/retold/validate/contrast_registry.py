"""The ``id-registry`` check of the contrast set: the row ids against ``contrast/retired.json``.

The registry (see ``retold.io.contrast``) counts the ``contrast_id`` (``x``) and ``pair_id``
(``p``) ids ever issued and lists the retired ones. As for claims (``retold.validate.
id_registry``): every id in a row was issued, every retired id was issued, and every issued
id is in a row or retired. So a line deleted from ``edits.jsonl`` or ``pairs.jsonl`` is
an error naming its id, and the build never ships a smaller contrast set unnoticed.
Malformed and retired ids in rows are ``bad-id`` and ``retired-id`` problems of
``retold.validate.contrast``; an issued id is called missing only when its rows file was
read with every line whole (a line that failed to load may hold it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from retold.errors import BAD_ID, ID_REGISTRY, Problem
from retold.io.contrast import EDITS_FILE, ID_KINDS, PAIRS_FILE, ContrastDrafts
from retold.io.ids import unaccounted

_ID = re.compile(r"(?P<letter>[xp])-(?P<number>[0-9]{4})")
_ROWS_FILE = {"x": EDITS_FILE, "p": PAIRS_FILE}


def format_contrast_id(letter: str, number: int) -> str:
    """The contrast id number ``number`` of kind ``letter`` (``x`` or ``p``)."""
    return f"{letter}-{number:04d}"


def check_contrast_registry(drafts: ContrastDrafts, edits_file: str,
                            pairs_file: str) -> Iterator[Problem]:
    """Every registry problem of the contrast rows (nothing when the counts were unreadable)."""
    issued = drafts.issued
    if issued is None:
        return
    registry = drafts.retired_file
    files = {"x": edits_file, "p": pairs_file}
    rows = {"x": [(d.where, d.contrast_id) for d in drafts.edits],
            "p": [(d.where, d.pair_id) for d in drafts.pairs]}
    accounted: dict[str, set[int]] = {letter: set() for letter in ID_KINDS}
    for letter, items in rows.items():
        for where, row_id in items:
            match = _ID.fullmatch(row_id)
            if match is None or match["letter"] != letter:
                continue  # bad-id
            number = int(match["number"])
            accounted[letter].add(number)
            if number > issued[letter]:
                yield Problem(files[letter], where, ID_REGISTRY,
                              f"{ID_KINDS[letter]} {row_id!r} was never issued "
                              f"({_issued(letter, issued[letter])} in {registry}); a new row "
                              f"takes the next number and raises the count")
    for rid in drafts.retired:
        match = _ID.fullmatch(rid)
        if match is None:
            yield Problem(registry, rid, BAD_ID,
                          f"retired id {rid!r} is neither a contrast_id (x-0001) nor a "
                          f"pair_id (p-0001)")
            continue
        letter, number = match["letter"], int(match["number"])
        accounted[letter].add(number)
        if number > issued[letter]:
            yield Problem(registry, rid, ID_REGISTRY,
                          f"retired id {rid!r} was never issued "
                          f"({_issued(letter, issued[letter])})")
    for letter in sorted(drafts.complete):
        first, total = unaccounted(issued[letter], accounted[letter])
        for number in first:
            row_id = format_contrast_id(letter, number)
            yield Problem(files[letter], row_id, ID_REGISTRY,
                          f"{ID_KINDS[letter]} {row_id!r} was issued but is neither in a row "
                          f"of {_ROWS_FILE[letter]} nor retired in {registry}: restore the "
                          f"row, or, if it was dropped on purpose, retire its id with the "
                          f"reason")
        if total > len(first):
            yield Problem(files[letter], "-", ID_REGISTRY,
                          f"{total - len(first)} more {ID_KINDS[letter]} ids up to "
                          f"{format_contrast_id(letter, issued[letter])} were issued but are "
                          f"neither in a row of {_ROWS_FILE[letter]} nor retired (the first "
                          f"{len(first)} are listed)")


def _issued(letter: str, n: int) -> str:
    return f"issued up to {format_contrast_id(letter, n)}" if n else "none issued"
