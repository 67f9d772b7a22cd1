"""Tests written to kill mutants that survived the score tests (docs/mutation.md).

Each checks one scorer rule against an oracle that does not use the scorer: counts worked
out by hand from the committed release (read back with pyarrow), or scikit-learn.

- A pair's fold is the fold of claim_id_a's document (``retold.score.protocol``); scoring
  the natural per-fold AP by claim_id_b's fold survived every score test.
- A missing prediction is the wrong answer. "A missing prediction counts as attributed"
  survives ``test_missing_predictions_are_counted_and_never_help`` (which only asks that the
  main score drop) but not ``tests/test_score_monotone.py`` (the hand counts of
  ``test_a_missing_line_counts_as_the_wrong_decision_with_a_wrong_span``; stances:
  ``test_a_missing_line_is_a_false_positive_of_every_other_stance``); the same rule for
  pairs had no hand count: ``test_a_missing_pair_is_the_wrong_decision``.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from score_gold import RELEASE, perfect
from sklearn.metrics import average_precision_score

from retold.score import score_records


def _config(name: str) -> list[dict]:
    """A config's rows as stored (label ids not decoded), read with pyarrow alone."""
    path = RELEASE / "data" / name / "test-00000-of-00001.parquet"
    return pq.ParquetFile(path).read().to_pylist()


# --------------------------------------------------------------------------------------
# (1) natural per-fold AP: folds of claim_id_a's document
# --------------------------------------------------------------------------------------

def test_per_fold_average_precision_uses_claim_id_a_documents_fold() -> None:
    fold_of_doc = {d["doc_id"]: d["fold"] for d in _config("documents")}
    fold_of_claim = {c["claim_id"]: fold_of_doc[c["doc_id"]] for c in _config("claims")}
    pairs = _config("pairs")
    # a score that ranks imperfectly, so that each fold's AP depends on which pairs it holds
    lines = [{"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
              "score": round(p["similarity"], 3), "duplicate": p["similarity"] > 0.5}
             for p in pairs]
    n_folds = len(fold_of_doc)

    def oracle(which: str) -> list[float | None]:
        out: list[float | None] = []
        for k in range(n_folds):
            mine = [(p["duplicate"], line["score"]) for p, line in zip(pairs, lines, strict=True)
                    if fold_of_claim[p[which]] == k]
            gold = [d for d, _ in mine]
            out.append(average_precision_score(gold, [s for _, s in mine]) if any(gold)
                       else None)
        return out

    by_a, by_b = oracle("claim_id_a"), oracle("claim_id_b")
    assert by_a != by_b  # the release can tell the two rules apart
    got = score_records("duplicated", lines, RELEASE, n_bootstrap=0).values
    assert got["average_precision_per_fold"] == pytest.approx(by_a, rel=1e-12)


# --------------------------------------------------------------------------------------
# (2) a missing pair is the wrong decision and the wrong rank, worked out by hand
# --------------------------------------------------------------------------------------

def test_a_missing_pair_is_the_wrong_decision() -> None:
    pairs = _config("pairs")
    first_dup = next(i for i, p in enumerate(pairs) if p["duplicate"])
    first_not = next(i for i, p in enumerate(pairs) if not p["duplicate"])
    lines = [line for i, line in enumerate(perfect("duplicated"))
             if i not in (first_dup, first_not)]
    got = score_records("duplicated", lines, RELEASE, n_bootstrap=0)
    n_true = sum(p["duplicate"] for p in pairs)
    tp, fp, fn = n_true - 1, 1, 1
    assert got.missing == 2
    assert got.values["pair_precision"] == pytest.approx(tp / (tp + fp))
    assert got.values["pair_recall"] == pytest.approx(tp / (tp + fn))
    # AP: the missing non-duplicate ranks above every pair (rank 1), the missing duplicate
    # below every pair (rank len(pairs)); with a line missing, ties are broken against the
    # prediction, so the n_true - 1 given duplicates (all scored 1) take ranks 2 .. n_true,
    # the j-th earning precision j / (j + 1), and the missing one n_true / len(pairs)
    earned = sum(j / (j + 1) for j in range(1, n_true)) + n_true / len(pairs)
    want = earned / n_true
    assert got.values["average_precision"] == pytest.approx(want, rel=1e-12)
