"""Writing predictions in the official format (one JSON object per line, sorted by item key).

The line shapes are those of the scorer contract (``retold.score``); nothing here scores.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SORT_KEYS: dict[str, tuple[str, ...]] = {
    "attributed": ("claim_id",),
    "denied": ("claim_id",),
    "duplicated": ("claim_id_a", "claim_id_b"),
    "clusters": ("claim_id",),
    "retrieval": ("claim_id",),
    "claims": ("doc_id", "start", "end"),
    "end2end": ("doc_id", "start", "end"),
}


def sort_records(task: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records in the task's item order; two records for one item raise ValueError."""
    keys = SORT_KEYS[task]
    rows = sorted(records, key=lambda r: tuple(r[k] for k in keys))
    for before, after in itertools.pairwise(rows):
        if all(before[k] == after[k] for k in keys):
            raise ValueError(f"{task}: two predictions for item "
                             f"{tuple(before[k] for k in keys)}")
    return rows


def write_predictions(task: str, records: Iterable[dict[str, Any]], path: Path) -> Path:
    """Write pooled out-of-fold predictions as JSON Lines; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = sort_records(task, records)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def read_predictions(path: Path) -> list[dict[str, Any]]:
    """The records of a predictions file (for figures and tests); read as ``retold score``
    reads it (``retold.score.formats.read_jsonl``: a bad line raises ``PredictionError``)."""
    from retold.score.formats import read_jsonl

    return [record for _, record in read_jsonl(path)]


def write_contrast_predictions(task: str, contrast: Iterable[dict[str, Any]],
                               natural: Iterable[dict[str, Any]], path: Path) -> Path:
    """The ``--subset contrast`` file (docs/metrics.md): for ``duplicated`` the contrast pair
    lines (``pair_id``); for ``attributed`` and ``denied`` the natural lines (``claim_id``,
    the originals' own predictions; the others are checked, not scored) and then the
    contrast lines (``contrast_id``), each part sorted by its key."""
    key = "pair_id" if task == "duplicated" else "contrast_id"
    rows = sorted(contrast, key=lambda r: r[key])
    for before, after in itertools.pairwise(rows):
        if before[key] == after[key]:
            raise ValueError(f"{task}: two contrast predictions for {before[key]}")
    if task != "duplicated":
        rows = sort_records(task, natural) + rows
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path
