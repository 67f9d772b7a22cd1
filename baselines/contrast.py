"""Contrast predictions in the scorer's ``--subset contrast`` format (docs/metrics.md).

A contrast row (``contrast`` config) is predicted exactly as a natural mention, by the model
of the row's ``fold``: its edited passage is a document of ``Corpus.passages`` whose id is
the ``contrast_id``. A contrast pair (``contrast_pairs``) is the natural mention's text
against ``edited_text``, scored by the fold's similarity and decided at the threshold the
fold chose on its training documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from baselines.data import FoldView
from retold.score.tasks import TASKS

CONTRAST_TASKS: tuple[str, ...] = tuple(t.name for t in TASKS.values() if t.has_contrast)
"""The tasks with a contrast subset, read from their declarations (``Task.contrast``)."""


def pair_lines(view: FoldView, scores: Sequence[float] | np.ndarray,
               decisions: Sequence[bool] | np.ndarray) -> list[dict[str, Any]]:
    return [{"pair_id": r["pair_id"], "score": round(float(s), 6), "duplicate": bool(d)}
            for r, s, d in zip(view.test_contrast_pairs, scores, decisions, strict=True)]


def thresholded(view: FoldView, scores: np.ndarray, threshold: float) -> list[dict[str, Any]]:
    """Contrast pair lines decided at the fold's (training-chosen) threshold."""
    return pair_lines(view, scores, [s >= threshold for s in scores])
