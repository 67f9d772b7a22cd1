"""Scoring predictions against the release: tasks, prediction formats and metrics.

    from retold.score import TASKS, score_file, score_records

    scores = score_file("duplicated", "predictions.jsonl", "release")
    scores.main, scores.ci["average_precision"], scores.to_json()

Pure Python with numpy, scipy and scikit-learn; the gold is read with pyarrow. It never
imports torch, transformers, datasets or the builder, so it runs with the light install.
See docs/metrics.md for every task, format, score and convention. The task declarations
import nothing heavy; the scorer (numpy, scipy) is imported on first use.
"""

from __future__ import annotations

from typing import Any

from retold.score.tasks import (
    SUBSETS,
    TASK_NAMES,
    TASKS,
    Decision,
    PredictionField,
    Subset,
    Task,
    get_task,
)

__all__ = [
    "SUBSETS",
    "TASKS",
    "TASK_NAMES",
    "Decision",
    "PredictionField",
    "Scores",
    "Subset",
    "Task",
    "get_task",
    "score_file",
    "score_lines",
    "score_records",
]

_LAZY = ("Scores", "score_file", "score_lines", "score_records")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from retold.score import api

        return getattr(api, name)
    raise AttributeError(f"module 'retold.score' has no attribute {name!r}")
