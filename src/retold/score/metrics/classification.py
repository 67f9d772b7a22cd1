"""Precision, recall and F1 from counts; per-class and macro F1; confusion matrices.

Conventions (documented in docs/metrics.md, checked against scikit-learn with
``zero_division=np.nan``): a ratio whose denominator is zero is *undefined* (NaN here,
``null`` in the JSON), never silently 0 or 1. F1 is ``2 tp / (2 tp + fp + fn)``, so it is
defined whenever the class occurs in the gold or in the predictions. The macro average
leaves out the classes whose F1 is undefined.

Every function accepts counts as scalars or as numpy arrays (one row per bootstrap
resample), so the point estimate and the bootstrap share one formula.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def ratio(num: Any, den: Any) -> Any:
    """``num / den`` elementwise, NaN where ``den == 0``."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out if out.ndim else float(out)


def prf(tp: Any, fp: Any, fn: Any) -> tuple[Any, Any, Any]:
    """(precision, recall, F1) from true-positive, false-positive and false-negative counts."""
    tp = np.asarray(tp, dtype=float)
    return ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn)


def binary_outcomes(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Per item, the (tp, fp, fn) indicators of a binary decision: an (n, 3) int array."""
    gold = np.asarray(gold, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    return np.stack([gold & pred, ~gold & pred, gold & ~pred], axis=1).astype(np.int64)


def class_outcomes(gold: np.ndarray, pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Per item and class, the (tp, fp, fn) indicators: an (n, n_classes, 3) int array.

    ``pred`` may hold -1 for "no prediction", which matches no class.
    """
    gold = np.asarray(gold, dtype=np.int64)
    pred = np.asarray(pred, dtype=np.int64)
    classes = np.arange(n_classes)
    g = gold[:, None] == classes[None, :]
    p = pred[:, None] == classes[None, :]
    return np.stack([g & p, ~g & p, g & ~p], axis=2).astype(np.int64)


def macro_f1(f1: np.ndarray) -> Any:
    """Mean of the per-class F1 over the last axis, leaving out undefined (NaN) classes."""
    f1 = np.asarray(f1, dtype=float)
    defined = ~np.isnan(f1)
    count = defined.sum(axis=-1)
    total = np.where(defined, f1, 0.0).sum(axis=-1)
    return ratio(total, count)


def confusion_matrix(gold: np.ndarray, pred: np.ndarray, n_classes: int) -> list[list[int]]:
    """Rows: gold class; columns: predicted class. Items with ``pred == -1`` are left out."""
    gold = np.asarray(gold, dtype=np.int64)
    pred = np.asarray(pred, dtype=np.int64)
    keep = pred >= 0
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (gold[keep], pred[keep]), 1)
    return matrix.tolist()
