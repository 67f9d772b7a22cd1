"""Writing predictions in the official format (one JSON object per line, sorted by item key).

The line shapes are those of the scorer contract (``retold.score``); nothing here scores.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from retold.score.tasks import CONTRAST, NATURAL, get_task


def sort_records(task: str, records: Iterable[dict[str, Any]], subset: str = NATURAL
                 ) -> list[dict[str, Any]]:
    """Records in the item order of the task's subset (sorted by its declared key); two
    records for one item raise ValueError."""
    keys = get_task(task).subset(subset).key
    rows = sorted(records, key=lambda r: tuple(r[k] for k in keys))
    for before, after in itertools.pairwise(rows):
        if all(before[k] == after[k] for k in keys):
            what = "predictions" if subset == NATURAL else f"{subset} predictions"
            raise ValueError(f"{task}: two {what} for item {tuple(before[k] for k in keys)}")
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
    """The ``--subset contrast`` file (docs/metrics.md): the contrast lines sorted by the
    contrast subset's key, preceded, where the subset declares ``with_natural_lines``
    (``attributed``, ``denied``), by the natural lines (the originals' own predictions; the
    others are checked, not scored) sorted by the natural key."""
    rows = sort_records(task, contrast, CONTRAST)
    if get_task(task).subset(CONTRAST).with_natural_lines:
        rows = sort_records(task, natural) + rows
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    return path
