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


# --------------------------------------------------------------------------------------
# (3) survivors of scripts/mutation.sh (docs/mutation.md)
# --------------------------------------------------------------------------------------

def test_perfect_contrast_pairs_are_all_consistent_and_one_wrong_pair_breaks_one() -> None:
    # survivor: `decision != gold.duplicate` in pairs._group_flags (the existing contrast
    # test has one right and one wrong original, which the flip maps onto each other)
    rows = _config("contrast_pairs")
    originals = {r["claim_id"] for r in rows}
    lines = [{"pair_id": r["pair_id"], "score": float(r["duplicate"]),
              "duplicate": bool(r["duplicate"])} for r in rows]
    got = score_records("duplicated", lines, RELEASE, subset="contrast", n_bootstrap=0)
    assert got.values["n_originals"] == len(originals)
    assert got.values["contrast_consistency"] == 1.0
    assert got.reference["floor"]["contrast_consistency"] == 0.0
    lines[0] = {**lines[0], "duplicate": not lines[0]["duplicate"]}
    got = score_records("duplicated", lines, RELEASE, subset="contrast", n_bootstrap=0)
    assert got.values["contrast_consistency"] == pytest.approx(
        (len(originals) - 1) / len(originals))


@pytest.mark.parametrize("task", ["attributed", "denied", "duplicated", "clusters"])
def test_every_declared_interval_is_given(task: str) -> None:
    # survivor: attributed_recall's samples dropped in classify._attributed (no interval)
    from retold.score.tasks import TASKS

    lines = perfect(task)
    for line in lines[::3]:  # imperfect, so that no interval is degenerate
        if "attributed" in line:
            line.update(attributed=not line["attributed"], source_start=-1, source_end=-1)
        elif "stance" in line:
            line["stance"] = "denied" if line["stance"] != "denied" else "asserted"
        elif "duplicate" in line:
            line.update(duplicate=not line["duplicate"], score=0.5)
        else:
            line["cluster"] = "other"
    got = score_records(task, lines, RELEASE, n_bootstrap=50)
    assert set(got.ci) == set(TASKS[task].ci_scores_for("natural"))


def test_the_table_prints_each_folds_value() -> None:
    # survivor: report._folds printing '-' for every fold
    from retold.score.report import render_table

    got = score_records("duplicated", perfect("duplicated"), RELEASE, n_bootstrap=0)
    per_fold = got.values["average_precision_per_fold"]
    line = next(t for t in render_table(got).splitlines() if t.startswith("  0: "))
    assert line.split("  ")[1:] == [f"{k}: {'-' if v is None else f'{v:.4f}'}"
                                    for k, v in enumerate(per_fold)]
