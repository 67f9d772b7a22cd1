"""The metrics agree with independent implementations on random inputs.

Oracles: scikit-learn (precision/recall/F1, macro F1, confusion matrix, average precision,
adjusted Rand index), scorch (an independent CoNLL-2012 coreference scorer: MUC, B³,
CEAF-e), seqeval (BIO chunks and entity-level F1), and brute force (one-to-one overlap
matching by trying every assignment).
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import scorch.scores
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.metrics.sequence_labeling import get_entities
from sklearn.metrics import (
    adjusted_rand_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from retold.score.metrics.bootstrap import percentile_interval, resample_counts
from retold.score.metrics.classification import (
    binary_outcomes,
    class_outcomes,
    macro_f1,
    prf,
)
from retold.score.metrics.classification import confusion_matrix as our_confusion
from retold.score.metrics.coreference import coref_scores
from retold.score.metrics.ranking import (
    average_precision,
    average_precision_resampled,
    ranked_average_precision,
    recall_at_k,
)
from retold.score.metrics.spans import (
    exact_matches,
    overlap_matches,
    overlapping_pairs,
    spans_from_bio,
)
from retold.score.scorers.clusters import ari

SETTINGS = settings(max_examples=60, deadline=None)


def same(a: float, b: float) -> bool:
    """Equal floats, NaN equal to NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# --------------------------------------------------------------------------------------
# Classification: scikit-learn with zero_division=np.nan.
# --------------------------------------------------------------------------------------

labels_lists = st.integers(1, 40).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 3), min_size=n, max_size=n),
                        st.lists(st.integers(0, 3), min_size=n, max_size=n)))


@SETTINGS
@given(labels_lists)
def test_binary_prf_agrees_with_sklearn(pair: tuple[list[int], list[int]]) -> None:
    gold = np.array(pair[0]) == 3
    pred = np.array(pair[1]) == 3
    ours = prf(*binary_outcomes(gold, pred).sum(axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = precision_recall_fscore_support(gold, pred, labels=[True], average=None,
                                                 zero_division=np.nan)
    for o, t in zip(ours, theirs[:3], strict=False):
        assert same(float(o), float(t[0]))


@SETTINGS
@given(labels_lists)
def test_per_class_and_macro_f1_agree_with_sklearn(pair: tuple[list[int], list[int]]) -> None:
    gold, pred = np.array(pair[0]), np.array(pair[1])
    counts = class_outcomes(gold, pred, 4).sum(axis=0)
    p, r, f = prf(counts[:, 0], counts[:, 1], counts[:, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp, sr, sf, _ = precision_recall_fscore_support(gold, pred, labels=[0, 1, 2, 3],
                                                        average=None, zero_division=np.nan)
        macro = f1_score(gold, pred, labels=[0, 1, 2, 3], average="macro", zero_division=np.nan)
    for ours, theirs in ((p, sp), (r, sr), (f, sf)):
        assert all(same(float(a), float(b)) for a, b in zip(ours, theirs, strict=True))
    assert same(float(macro_f1(f)), float(macro))
    expected = confusion_matrix(gold, pred, labels=[0, 1, 2, 3]).tolist()
    assert our_confusion(gold, pred, 4) == expected


def test_confusion_matrix_leaves_out_missing_predictions() -> None:
    assert our_confusion(np.array([0, 1, 1]), np.array([0, -1, 0]), 2) == [[1, 0], [1, 0]]


# --------------------------------------------------------------------------------------
# Average precision: scikit-learn, ties and weights included.
# --------------------------------------------------------------------------------------

scored = st.integers(1, 60).flatmap(lambda n: st.tuples(
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.lists(st.integers(0, 6).map(lambda x: x / 2), min_size=n, max_size=n),  # many ties
    st.lists(st.integers(0, 3), min_size=n, max_size=n)))


@SETTINGS
@given(scored)
def test_average_precision_agrees_with_sklearn(data: tuple[list[bool], list[float], list[int]]
                                               ) -> None:
    positive, scores, weights = map(np.array, data)
    if not positive.any():
        assert math.isnan(average_precision(positive, scores))
        return
    assert same(average_precision(positive, scores), average_precision_score(positive, scores))
    if (weights * positive).sum() > 0:
        expected = average_precision_score(positive, scores, sample_weight=weights)
        assert same(average_precision(positive, scores, weights), expected)
        resampled = average_precision_resampled(positive, scores, np.stack([weights, weights]))
        assert same(float(resampled[1]), expected)


def test_average_precision_of_tied_scores_is_the_prevalence() -> None:
    positive = np.array([True, False, False, True, False])
    assert average_precision(positive, np.zeros(5)) == pytest.approx(2 / 5)


rankings = st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.permutations([f"c{i}" for i in range(n)]),
    st.sets(st.integers(0, n - 1), min_size=1)))


@SETTINGS
@given(rankings)
def test_ranked_average_precision_of_a_full_ranking_agrees_with_sklearn(
        data: tuple[list[str], set[int]]) -> None:
    ranking, relevant_idx = data
    relevant = {f"c{i}" for i in relevant_idx}
    truth = [c in relevant for c in ranking]
    scores = -np.arange(len(ranking), dtype=float)
    assert same(ranked_average_precision(ranking, relevant),
                average_precision_score(truth, scores))
    k = 3
    assert recall_at_k(ranking, relevant, k) == sum(truth[:k]) / len(relevant)


def test_a_relevant_item_left_out_of_the_ranking_counts_as_never_retrieved() -> None:
    assert ranked_average_precision(["a", "x"], {"a", "b"}) == pytest.approx(0.5)
    assert math.isnan(ranked_average_precision(["a"], set()))


# --------------------------------------------------------------------------------------
# Coreference: scorch, an independent implementation of the CoNLL-2012 metrics.
# --------------------------------------------------------------------------------------

partitions = st.integers(1, 14).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 5), min_size=n, max_size=n),
    st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=n, max_size=n)))


def _as_sets(labels: list) -> list[set[int]]:
    groups: dict = {}
    for i, label in enumerate(labels):
        if label is not None:
            groups.setdefault(label, set()).add(i)
    return list(groups.values())


@settings(max_examples=200, deadline=None)
@given(partitions)
def test_coreference_metrics_agree_with_scorch(data: tuple[list[int], list[int | None]]) -> None:
    """Complete partitions (a missing mention gets a fresh label): the reference scorer's
    values. Missing mentions are charged more than scorch's twinless rule, on purpose
    (docs/metrics.md; tests/test_score_monotone.py)."""
    key, labels = data
    response = [r if r is not None else 100 + i for i, r in enumerate(labels)]
    ours = coref_scores(key, response)
    key_sets, response_sets = _as_sets(key), _as_sets(response)
    for name, theirs in (("muc", scorch.scores.muc), ("b3", scorch.scores.b_cubed),
                         ("ceafe", scorch.scores.ceaf_e)):
        recall, precision, f1 = theirs(key_sets, response_sets)
        p, r, f = getattr(ours, name)
        assert (p, r, f) == pytest.approx((precision, recall, f1), abs=1e-12), name
    assert ours.conll_f1 == pytest.approx(scorch.scores.conll2012(key_sets, response_sets),
                                          abs=1e-12)


@SETTINGS
@given(partitions, st.permutations(list(range(6))))
def test_coreference_ignores_cluster_names(data: tuple[list[int], list[int | None]],
                                           renaming: list[int]) -> None:
    key, response = data
    renamed = [None if r is None else f"x{renaming[r]}" for r in response]
    assert coref_scores(key, response) == coref_scores(key, renamed)


@SETTINGS
@given(partitions)
def test_ari_is_scikit_learns_on_complete_partitions_and_no_more_with_missing_mentions(
        data: tuple[list[int], list[int | None]]) -> None:
    key, response = data
    filled = [r if r is not None else 100 + i for i, r in enumerate(response)]
    assert ari([str(k) for k in key], [str(r) for r in filled]) == \
        pytest.approx(adjusted_rand_score(key, filled))
    assert ari([str(k) for k in key], [None if r is None else str(r) for r in response]) <= \
        adjusted_rand_score(key, filled) + 1e-9


# --------------------------------------------------------------------------------------
# Spans: seqeval for exact matching and BIO decoding; brute force for overlap matching.
# --------------------------------------------------------------------------------------

bio = st.lists(st.sampled_from(["O", "B", "I"]), min_size=1, max_size=25)


@SETTINGS
@given(bio)
def test_spans_from_bio_agree_with_seqeval(tags: list[str]) -> None:
    starts = [3 * i for i in range(len(tags))]
    ends = [s + 2 for s in starts]
    expected = [(starts[b], ends[e]) for _, b, e in get_entities([f"{t}-X" if t != "O" else t
                                                                   for t in tags])]
    assert spans_from_bio(tags, starts, ends) == expected


def test_spans_from_bio_types_and_errors() -> None:
    assert spans_from_bio(["B-A", "I-B", "I-B"], [0, 2, 4], [1, 3, 5]) == [(0, 1), (2, 5)]
    with pytest.raises(ValueError, match="not a BIO tag"):
        spans_from_bio(["X"], [0], [1])


@SETTINGS
@given(st.lists(bio, min_size=1, max_size=4).flatmap(
    lambda sents: st.tuples(st.just(sents),
                            st.tuples(*[st.lists(st.sampled_from(["O", "B", "I"]),
                                                 min_size=len(s), max_size=len(s))
                                        for s in sents]))))
def test_exact_span_f1_agrees_with_seqeval(data: tuple[list[list[str]], tuple]) -> None:
    gold_tags, pred_tags = data[0], list(data[1])

    def spans(sentences: list[list[str]]) -> list[tuple[str, int, int]]:
        return [(f"s{k}", s, e) for k, tags in enumerate(sentences)
                for s, e in spans_from_bio(tags, list(range(len(tags))),
                                           list(range(1, len(tags) + 1)))]

    gold, pred = spans(gold_tags), spans(pred_tags)
    tp = len(exact_matches(gold, pred))
    ours = prf(tp, len(pred) - tp, len(gold) - tp)[2]
    typed = [[f"{t}-X" if t != "O" else t for t in s] for s in gold_tags]
    typed_pred = [[f"{t}-X" if t != "O" else t for t in s] for s in pred_tags]
    if not gold and not pred:
        assert math.isnan(ours)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert float(ours) == pytest.approx(seqeval_f1(typed, typed_pred))


intervals = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=6).map(
    lambda xs: sorted({("d", s, s + n) for s, n in xs}))


def _brute_force_matching(gold: list, pred: list) -> int:
    edges = set(overlapping_pairs(gold, pred))
    best = 0
    for k in range(min(len(gold), len(pred)), 0, -1):
        for chosen in itertools.permutations(range(len(pred)), k):
            for rows in itertools.combinations(range(len(gold)), k):
                if all((i, j) in edges for i, j in zip(rows, chosen, strict=True)):
                    return k
    return best


@settings(max_examples=100, deadline=None)
@given(intervals, intervals)
def test_overlap_matching_is_a_maximum_one_to_one_matching(gold: list, pred: list) -> None:
    matches = overlap_matches(gold, pred)
    assert len({i for i, _ in matches}) == len({j for _, j in matches}) == len(matches)
    for i, j in matches:
        _, gs, ge = gold[i]
        _, ps, pe = pred[j]
        assert max(gs, ps) < min(ge, pe)
    assert len(matches) == _brute_force_matching(gold, pred)


def test_overlap_pairs_ignore_other_documents_and_touching_spans() -> None:
    assert overlapping_pairs([("a", 0, 5)], [("b", 0, 5), ("a", 5, 9), ("a", 4, 5)]) == [(0, 2)]


# --------------------------------------------------------------------------------------
# Bootstrap.
# --------------------------------------------------------------------------------------

def test_resampling_is_seeded_and_draws_every_unit_count_once_per_row() -> None:
    a, b = resample_counts(50, 20, seed=3), resample_counts(50, 20, seed=3)
    assert (a == b).all()
    assert (a.sum(axis=1) == 50).all()
    assert not (a == resample_counts(50, 20, seed=4)).all()


def test_percentile_interval_leaves_out_undefined_resamples() -> None:
    samples = np.array([np.nan, *list(range(101))], dtype=float)
    assert percentile_interval(samples) == pytest.approx((2.5, 97.5))
    assert percentile_interval(np.array([np.nan, np.nan, 1.0])) is None
