"""Average precision of scored items (scikit-learn's definition) and of ranked lists.

``average_precision`` is scikit-learn's ``average_precision_score``: the sum over the
distinct score thresholds, highest first, of the recall gained at the threshold times the
precision there. Items with equal scores are one threshold: ties are neither broken in the
model's favour nor against it. ``average_precision_resampled`` computes the same figure for
many weight vectors at once (the bootstrap), sorting the scores only once;
``average_precision_grouped`` gives the very same floats when the weights are those of
resampled groups of items (the pair bootstrap draws claim_id_a mentions), in time that
grows with resamples x (groups + positive items) instead of resamples x items.

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

from retold.score.metrics.pairwise import sparse_row_sums

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
    return _ap_from_counts(tp, fp)


def _ap_from_counts(tp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """AP of each row from the true- and false-positive counts at each threshold."""
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


def average_precision_of_ranks(positive: np.ndarray, ranks: np.ndarray,
                               mask: np.ndarray | None = None) -> float:
    """``average_precision(positive[mask], ranks[mask])`` for whole-number ranks (higher is
    better) that are dense, as ``np.unique``'s inverse gives them: the same float, with the
    items counted per rank (``np.bincount``) instead of sorted."""
    pos = np.asarray(positive, dtype=bool)
    r = np.asarray(ranks, dtype=np.int64)
    if mask is not None:
        keep = np.asarray(mask, dtype=bool)
        pos, r = pos[keep], r[keep]
    if r.size == 0:
        return float("nan")
    below_top = r.max() - r  # 0: the highest rank
    n_at = np.bincount(below_top)
    tp_at = np.bincount(below_top, weights=pos)
    used = n_at > 0
    tp = np.cumsum(tp_at[used])
    fp = np.cumsum(n_at[used]) - tp
    return float(_ap_from_counts(tp[None, :], fp[None, :])[0])


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


def _before_counts(group: np.ndarray, n_groups: int, bucket: np.ndarray, n_buckets: int
                   ) -> np.ndarray:
    """(n_groups, n_buckets) counts: entry [g, j] is how many of the items (of ``group``)
    have a bucket <= j; items with bucket ``n_buckets`` count nowhere."""
    counts = np.zeros((n_groups, n_buckets + 1))
    np.add.at(counts, (group, bucket), 1.0)
    return np.cumsum(counts[:, :n_buckets], axis=1)


def average_precision_grouped(positive: np.ndarray, scores: np.ndarray,
                              group_weights: np.ndarray, group: np.ndarray,
                              mask: np.ndarray | None = None, *, against_ties: bool = False
                              ) -> np.ndarray:
    """``average_precision_resampled(positive, scores, group_weights[:, group] * mask)``,
    the same floats bit for bit, without the (resamples, items) weight matrix.

    ``group_weights`` (resamples x groups) holds whole counts (``resample_counts``);
    ``group`` is each item's group and ``mask`` the items scored (the others weigh 0). The
    weighted true- and false-positive counts are needed only where a positive item sits,
    and there they are the products of ``group_weights`` with per-group counts (exact: whole
    numbers far below 2**53); the sum of the AP terms is then numpy's own pairwise sum of
    the dense rows (``pairwise.sparse_row_sums``), so nothing is rounded differently. How
    numpy adds a row depends on the layout of the array: ``average_precision_resampled``
    takes the rows ``_CHUNK`` at a time, and the arrays of a chunk of two rows or more are
    column-major (added left to right), those of a chunk of one row are summed pairwise.
    """
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    w = np.asarray(group_weights, dtype=float)
    keep = np.ones(positive.size, bool) if mask is None else np.asarray(mask, dtype=bool)
    n_boot = w.shape[0]
    if positive.size == 0:
        return np.full(n_boot, np.nan)
    if n_boot % _CHUNK == 1:  # the last row is a chunk of its own: summed pairwise
        head = average_precision_grouped(positive, scores, w[:-1], group, mask,
                                         against_ties=against_ties)
        last = _grouped(positive, scores, w[-1:], group, keep, against_ties, pairwise=True)
        return np.concatenate([head, last])
    return _grouped(positive, scores, w, group, keep, against_ties, pairwise=False)


def _grouped(positive: np.ndarray, scores: np.ndarray, w: np.ndarray, group: np.ndarray,
             keep: np.ndarray, against_ties: bool, *, pairwise: bool) -> np.ndarray:
    n_boot, n_groups = w.shape
    if against_ties:
        order = _order_against_ties(positive, scores)
        length = positive.size
    else:
        order, ends = _thresholds(scores)
        length = ends.size
    pos, grp, kept = positive[order], group[order], keep[order]
    hits = np.flatnonzero(pos & kept)
    if against_ties:
        where = hits
        items = np.flatnonzero(kept)
        bucket = np.searchsorted(hits, items, side="right")
        before_n = w @ _before_counts(grp[items], n_groups, bucket, hits.size)
        bucket = np.searchsorted(hits, hits, side="right")
        before_tp = w @ _before_counts(grp[hits], n_groups, bucket, hits.size)
        copies = w[:, grp[hits]]
        earned = np.zeros(n_boot)
        for i in range(1, int(copies.max(initial=0)) + 1):
            at = copies >= i
            terms = np.where(at, (before_tp + i) / np.where(at, before_n + i, 1), 0.0)
            earned += sparse_row_sums(terms, where, length, pairwise=pairwise)
        total = w @ np.bincount(grp[hits], minlength=n_groups).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, earned / np.where(total > 0, total, 1), np.nan)
    threshold = np.searchsorted(ends, np.arange(pos.size))
    where = np.unique(threshold[hits])
    items = np.flatnonzero(kept)
    bucket = np.searchsorted(where, threshold[items])
    tp = w @ _before_counts(grp[hits], n_groups, np.searchsorted(where, threshold[hits]),
                            where.size)
    seen = w @ _before_counts(grp[items], n_groups, bucket, where.size)
    fp = seen - tp
    total = tp[:, -1:] if where.size else np.zeros((n_boot, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / np.where(tp + fp > 0, tp + fp, 1), 0.0)
        recall = np.where(total > 0, tp / np.where(total > 0, total, 1), 0.0)
    gained = np.diff(recall, axis=1, prepend=0.0)
    ap = sparse_row_sums(gained * precision, where, length, pairwise=pairwise)
    return np.where(total[:, 0] > 0, ap, np.nan)


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
