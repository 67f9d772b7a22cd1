"""Write examples/predictions/: one dummy, valid predictions file per task and subset.

    .venv/bin/python scripts/example_predictions.py [--release release] [--out examples/predictions]

Each file holds one line per test item of every fold (``retold.protocol``), in the layout
``retold results add`` reads (``<task>.jsonl``, ``<task>.contrast.jsonl``). A line copies
its item's key fields and fills every other field with a fixed value of its kind (false,
-1, 0.0, the first label, the item's own id as a cluster label, an empty ranking): valid
input that predicts nothing useful. The two ``attributed`` files are left as they are:
they are the ``rules`` baseline's real predictions (examples/README.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from retold.protocol import folds
from retold.results import predictions_name
from retold.score.tasks import (
    BOOL,
    ID_LIST,
    LABEL,
    NUMBER,
    OFFSET,
    STRING,
    SUBSETS,
    TASKS,
    PredictionField,
    Task,
)

ROOT = Path(__file__).resolve().parents[1]
REAL = ("attributed.jsonl", "attributed.contrast.jsonl")
"""Files of examples/predictions/ that hold a baseline's real output (not written here)."""


def _value(field: PredictionField, item: dict[str, Any], key: tuple[str, ...]) -> Any:
    if field.kind == BOOL:
        return False
    if field.kind == OFFSET:
        return -1
    if field.kind == NUMBER:
        return 0.0
    if field.kind == LABEL:
        return field.labels[0]
    if field.kind == STRING:
        return str(item[key[0]])  # every item its own cluster
    if field.kind == ID_LIST:
        return []
    raise ValueError(f"no dummy value for field kind {field.kind!r}")


def _line(task: Task, subset: str, item: dict[str, Any]) -> dict[str, Any]:
    key = task.key_for(subset)
    if not task.aligned:  # a span task: one span over each document's whole text
        item = {**item, "start": 0, "end": len(item["text"])}
    return {f.name: item[f.name] if f.name in key else _value(f, item, key)
            for f in task.fields_for(subset)}


def example_files(release: Path) -> dict[str, str]:
    """File name -> JSON Lines text of every dummy predictions file."""
    views = folds(release)
    out = {}
    for task in TASKS.values():
        for subset in SUBSETS:
            if subset not in task.subsets:
                continue
            name = predictions_name(task.name, subset)
            if name in REAL:
                continue
            lines = [_line(task, subset, item) for view in views
                     for item in view.test_items(task.name, subset)]
            out[name] = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"
                                for line in lines)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--release", type=Path, default=ROOT / "release")
    parser.add_argument("--out", type=Path, default=ROOT / "examples" / "predictions")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in example_files(args.release).items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
