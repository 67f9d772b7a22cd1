"""The fast paths of the scorer give the very floats of the slow ones they replaced.

Oracles: the pair bootstrap as it was before it was vectorised over groups (kept here,
copied unchanged: dense (resamples x pairs) weights, 64 rows at a time, through
``_old_average_precision_resampled``), numpy's own ``np.sum`` of dense rows, and
``read_config``'s rows for the column-wise reader. Every comparison is bit for bit
(``assert_bits``), on the committed release and on seeded random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from score_gold import RELEASE

from retold.io.release import read_columns, read_config
from retold.schema import CONFIG_NAMES, get_config
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.pairwise import sparse_row_sums
from retold.score.metrics.ranking import average_precision_grouped, average_precision_of_ranks
from retold.score.scorers.pairs import PairScorer
from retold.score.tasks import TASKS

# ---- the implementation before vectorisation (the oracle), unchanged -------------------
_CHUNK = 64


def _thresholds(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind="mergesort")
    ordered = scores[order]
    ends = np.append(np.flatnonzero(np.diff(ordered)), len(ordered) - 1)
    return order, ends


def _ap_rows(positive: np.ndarray, weights: np.ndarray, ends: np.ndarray) -> np.ndarray:
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


def _old_average_precision_resampled(positive: np.ndarray, scores: np.ndarray,
                                     weights: np.ndarray, *, against_ties: bool = False
                                     ) -> np.ndarray:
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if positive.size == 0:
        return np.full(weights.shape[0], np.nan)
    if against_ties:
        order = np.lexsort((positive, -scores))
        pos = positive[order]
        out = [_ap_rows_against_ties(pos, weights[i:i + _CHUNK][:, order])
               for i in range(0, weights.shape[0], _CHUNK)]
    else:
        order, ends = _thresholds(scores)
        pos = positive[order]
        out = [_ap_rows(pos, weights[i:i + _CHUNK][:, order], ends)
               for i in range(0, weights.shape[0], _CHUNK)]
    return np.concatenate(out) if out else np.empty(0)


def old_pair_bootstrap(positive: np.ndarray, score: np.ndarray, w: np.ndarray,
                       group: np.ndarray, mask: np.ndarray, against_ties: bool) -> np.ndarray:
    """``pairs._resampled``'s AP samples before the change: dense weights, 64 rows a time."""
    parts = []
    for i in range(0, w.shape[0], _CHUNK):
        weights = w[i:i + _CHUNK][:, group] * mask
        parts.append(_old_average_precision_resampled(positive, score, weights,
                                                      against_ties=against_ties))
    return np.concatenate(parts)
# -----------------------------------------------------------------------------------------


def assert_bits(got: np.ndarray, want: np.ndarray) -> None:
    """The same float64 values bit for bit (NaN where NaN)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.nan_to_num(got).view(np.int64), np.nan_to_num(want).view(np.int64))


@pytest.fixture(scope="module")
def release_pairs() -> tuple[object, np.ndarray, np.ndarray]:
    """The natural pair gold of the committed release and a model-like score per pair."""
    from retold.score.gold import open_release

    gold = PairScorer().load(TASKS["duplicated"], open_release(RELEASE), "natural")
    similarity = np.array([p["similarity"] for p in read_config(RELEASE, "pairs")])
    return gold, similarity, np.round(similarity, 2)


@pytest.mark.parametrize("n_boot", [1000, 65, 1])
@pytest.mark.parametrize("missing", [False, True])
def test_pair_bootstrap_equals_the_old_loop_on_the_release(release_pairs, n_boot: int,
                                                           missing: bool) -> None:
    gold, similarity, rounded = release_pairs
    rng = np.random.default_rng(11)
    present = rng.random(len(gold)) < 0.8 if missing else np.ones(len(gold), bool)
    # missing pairs get the wrong answer's rank, as PairPredictions.filled does
    score = np.where(present, rounded, np.where(gold.duplicate, -1.0, 2.0))
    w = resample_counts(gold.n_groups, n_boot, 0)
    masks = {"": np.ones(len(gold), bool), "_new": ~gold.duplicate | gold.new,
             "_seen": ~gold.duplicate | ~gold.new}
    for mask in masks.values():
        for scores in (score, similarity):
            want = old_pair_bootstrap(gold.duplicate, scores, w, gold.group, mask, missing)
            got = average_precision_grouped(gold.duplicate, scores, w, gold.group, mask,
                                            against_ties=missing)
            assert_bits(got, want)


@pytest.mark.parametrize("seed", range(40))
def test_grouped_average_precision_equals_the_old_loop_on_random_input(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, n_groups = int(rng.integers(1, 1500)), int(rng.integers(1, 50))
    group = rng.integers(0, n_groups, n)
    positive = rng.random(n) < rng.random() * 0.3
    scores = (rng.integers(0, int(rng.integers(1, 30)), n).astype(float) if seed % 2
              else rng.random(n))
    mask = rng.random(n) < 0.7 if seed % 3 else np.ones(n, bool)
    w = resample_counts(n_groups, int(rng.choice([1, 2, 64, 65, 129, 300])), seed)
    for against_ties in (False, True):
        want = old_pair_bootstrap(positive, scores, w, group, mask, against_ties)
        got = average_precision_grouped(positive, scores, w, group, mask,
                                        against_ties=against_ties)
        assert_bits(got, want)


@pytest.mark.parametrize("seed", range(60))
def test_average_precision_of_ranks_equals_the_sorting_one(seed: int) -> None:
    """Counted per rank, AP is the sorting implementation's float bit for bit, and
    scikit-learn's ``average_precision_score`` to 1e-12."""
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 2000))
    scores = (rng.integers(0, int(rng.integers(1, 40)), n).astype(float) if seed % 2
              else rng.random(n))
    positive = rng.random(n) < rng.random()
    mask = rng.random(n) < 0.6 if seed % 3 else np.ones(n, bool)
    ranks = np.unique(scores, return_inverse=True)[1] + 1.0  # dense, as pairs.filled gives
    got = average_precision_of_ranks(positive, ranks, mask)
    want = _old_average_precision_resampled(positive[mask], ranks[mask],
                                            np.ones((1, int(mask.sum()))))
    assert_bits(np.array([got]), want)
    if positive[mask].any():
        assert got == pytest.approx(average_precision_score(positive[mask], scores[mask]),
                                    abs=1e-12)


@pytest.mark.parametrize("seed", range(30))
def test_sparse_row_sums_are_numpys_sums(seed: int) -> None:
    rng = np.random.default_rng(seed)
    length = int(rng.choice([1, 7, 8, 9, 100, 128, 129, 257, 1000, 12_246, 100_128]))
    m = int(rng.integers(0, min(length, 600) + 1))
    positions = np.sort(rng.choice(length, size=m, replace=False))
    values = rng.random((3, m)) * 10.0 ** rng.integers(-8, 3, size=(3, m))
    values[rng.random((3, m)) < 0.2] = 0.0
    dense = np.zeros((3, length))
    dense[:, positions] = values
    assert_bits(sparse_row_sums(values, positions, length), dense.sum(axis=1))
    column_major = np.asfortranarray(dense)
    assert_bits(sparse_row_sums(values, positions, length, pairwise=False),
                column_major.sum(axis=1))


def test_sparse_row_sums_refuse_unsorted_positions() -> None:
    with pytest.raises(ValueError, match="increase strictly"):
        sparse_row_sums(np.ones((1, 2)), np.array([3, 1]), 5)


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_column_reader_gives_the_rows_values(config: str) -> None:
    rows = read_config(RELEASE, config)
    names = get_config(config).field_names
    columns = read_columns(RELEASE, config, names)
    for name in names:
        column = columns[name]
        values = column.tolist() if isinstance(column, np.ndarray) else column
        want = [row[name] for row in rows]
        assert values == want
        assert [type(v) for v in values] == [type(v) for v in want]
