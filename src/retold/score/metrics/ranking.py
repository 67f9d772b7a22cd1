"""Average precision of scored items (scikit-learn's definition) and of ranked lists.

``average_precision`` is scikit-learn's ``average_precision_score``: the sum over the
distinct score thresholds, highest first, of the recall gained at the threshold times the
precision there. Items with equal scores are one threshold: ties are neither broken in the
model's favour nor against it. ``average_precision_resampled`` computes the same figure for
many weight vectors at once (the bootstrap), sorting the scores only once.

With ``against_ties=True`` both instead break every tie against the prediction: within
equal scores non-positives come first, and every positive (every bootstrap copy of one
included) has a rank of its own, earning the precision at that rank. That AP is never above
scikit-learn's for the same scores (a positive in a tied group earns at most the group's
end precision), and moving a positive down or a non-positive up never raises it, which
scikit-learn's tie rule does not guarantee: a tied group of positives earns its end
precision, so moving one positive from above the group to below it can raise the sum. The
scorer uses it when predictions are missing, so that leaving a line out never raises AP.

``ranked_average_precision`` and ``recall_at_k`` score one ranked list against a set of
relevant items (as trec_eval does): a relevant item that the list leaves out counts as
never retrieved.
"""

from __future__ import annotations

from collections.abc import Sequence, Set

import numpy as np

_CHUNK = 64
"""Bootstrap rows handled at once (bounds the memory of the cumulative sums)."""


def _thresholds(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The descending order of ``scores`` and the last position of each distinct score."""
    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    ends = np.append(np.flatnonzero(np.diff(ordered)), len(ordered) - 1)
    return order, ends


def _ap_rows(positive: np.ndarray, weights: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """AP of each weight row; ``positive`` and ``weights`` are already in score order."""
    tp = np.cumsum(weights * positive, axis=1)[:, ends]
    fp = np.cumsum(weights * ~positive, axis=1)[:, ends]
    total = tp[:, -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1), 0.0)
        recall = np.where(total > 0, tp / np.where(total > 0, total, 1), 0.0)
    gained = np.diff(recall, axis=1, prepend=0.0)
    ap = (gained * precision).sum(axis=1)
    return np.where(total[:, 0] > 0, ap, np.nan)


def _ap_rows_against_ties(positive: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AP of each weight row with every copy of every item at a rank of its own;
    ``positive`` and ``weights`` (whole counts) are already in ranked order."""
    n_cum = np.cumsum(weights, axis=1)
    tp_cum = np.cumsum(weights * positive, axis=1)
    before_n, before_tp = n_cum - weights, tp_cum - weights * positive
    earned = np.zeros(weights.shape[0])
    copies = weights * positive
    for i in range(1, int(copies.max(initial=0)) + 1):
        at = copies >= i
        earned += np.where(at, (before_tp + i) / np.where(at, before_n + i, 1), 0.0).sum(axis=1)
    total = tp_cum[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, earned / np.where(total > 0, total, 1), np.nan)


def _order_against_ties(positive: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Descending score order; within equal scores the non-positives first."""
    return np.lexsort((positive, -scores))


def average_precision(positive: np.ndarray, scores: np.ndarray,
                      weights: np.ndarray | None = None, *, against_ties: bool = False
                      ) -> float:
    """AP of ``scores`` for the binary gold ``positive``; NaN when there is no positive.
    ``against_ties``: every tie broken against the prediction (module docstring)."""
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    w = np.ones(positive.size) if weights is None else np.asarray(weights, dtype=float)
    return float(average_precision_resampled(positive, scores, w[None, :],
                                             against_ties=against_ties)[0])


def average_precision_resampled(positive: np.ndarray, scores: np.ndarray,
                                weights: np.ndarray, *, against_ties: bool = False
                                ) -> np.ndarray:
    """AP for each row of ``weights`` (shape: resamples x items); NaN for rows without positives.
    ``against_ties``: every tie broken against the prediction (module docstring)."""
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if positive.size == 0:
        return np.full(weights.shape[0], np.nan)
    if against_ties:
        order = _order_against_ties(positive, scores)
        pos = positive[order]
        out = [_ap_rows_against_ties(pos, weights[i:i + _CHUNK][:, order])
               for i in range(0, weights.shape[0], _CHUNK)]
    else:
        order, ends = _thresholds(scores)
        pos = positive[order]
        out = [_ap_rows(pos, weights[i:i + _CHUNK][:, order], ends)
               for i in range(0, weights.shape[0], _CHUNK)]
    return np.concatenate(out) if out else np.empty(0)


def ranked_average_precision(ranking: Sequence[str], relevant: Set[str]) -> float:
    """AP of one ranked list: mean over the relevant items of the precision at their rank
    (0 for a relevant item the list leaves out); NaN when nothing is relevant."""
    if not relevant:
        return float("nan")
    hits = 0
    total = 0.0
    for rank, item in enumerate(ranking, start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def recall_at_k(ranking: Sequence[str], relevant: Set[str], k: int) -> float:
    """Share of the relevant items among the first ``k`` of the list; NaN when none is relevant."""
    if not relevant:
        return float("nan")
    return sum(1 for item in ranking[:k] if item in relevant) / len(relevant)
