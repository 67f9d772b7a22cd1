"""The hand-worked examples of docs/metrics.md, run verbatim, and the generated task tables.

Each example's JSON block is parsed from the document; the expected values were computed by
hand in the text beside it (fractions are compared exactly, up to float rounding).
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retold.describe.metrics_doc import main as metrics_doc_main
from retold.schema import STANCES
from retold.score.metrics.coreference import coref_scores
from retold.score.metrics.ranking import (
    average_precision,
    ranked_average_precision,
    recall_at_k,
)
from retold.score.protocol import new_claims
from retold.score.scorers.classify import (
    ClassifyGold,
    ClassifyPredictions,
    ClassifyScorer,
    MentionGold,
    MentionPredictions,
)
from retold.score.scorers.spans import SpanGold, SpanPredictions, SpanScorer
from retold.score.tasks import TASKS

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
EXAMPLE = re.compile(r"<!-- example -->\s*```json\n(.*?)\n```", re.S)


def examples() -> list[dict[str, Any]]:
    found = [json.loads(block) for block in EXAMPLE.findall(DOC.read_text(encoding="utf-8"))]
    assert len(found) >= 7, "docs/metrics.md lost its hand-worked examples"
    return found


def _mentions(n: int, **columns: Any) -> MentionGold:
    return MentionGold(
        ids=[f"c{i + 1}" for i in range(n)], index={f"c{i + 1}": i for i in range(n)},
        folds=np.zeros(n, dtype=np.int64), n_folds=1, text_length=np.full(n, 1000),
        attributed=np.asarray(columns.get("attributed", np.zeros(n)), dtype=bool),
        source_start=np.asarray(columns.get("source_start", np.full(n, -1)), dtype=np.int64),
        source_end=np.asarray(columns.get("source_end", np.full(n, -1)), dtype=np.int64),
        stance=np.asarray(columns.get("stance", np.zeros(n)), dtype=np.int64))


def _predictions(rows: list[Any], n: int, width: int
                 ) -> tuple[MentionPredictions, list[Any]]:
    present = np.array([r is not None for r in rows])
    filled = [r if r is not None else [False, -1, -1][:width] for r in rows]
    preds = MentionPredictions.empty(n)
    preds.present[:] = present
    return preds, filled


def run_attributed(data: dict[str, Any]) -> dict[str, Any]:
    gold = np.array(data["gold"], dtype=object)
    n = len(gold)
    g = _mentions(n, attributed=list(gold[:, 0]), source_start=list(gold[:, 1]),
                  source_end=list(gold[:, 2]))
    preds, filled = _predictions(data["pred"], n, 3)
    for i, (a, s, e) in enumerate(filled):
        preds.attributed[i], preds.source_start[i], preds.source_end[i] = a, s, e
    return ClassifyScorer().compute(TASKS["attributed"], ClassifyGold(g),
                                    ClassifyPredictions(preds), 0, 0).values


def run_denied(data: dict[str, Any]) -> dict[str, Any]:
    n = len(data["gold"])
    g = _mentions(n, stance=[STANCES.index(s) for s in data["gold"]])
    preds, _ = _predictions(data["pred"], n, 1)
    for i, label in enumerate(data["pred"]):
        preds.stance[i] = -1 if label is None else STANCES.index(label)
    return ClassifyScorer().compute(TASKS["denied"], ClassifyGold(g), ClassifyPredictions(preds),
                                    0, 0).values


def run_spans(data: dict[str, Any]) -> dict[str, Any]:
    spans = [("d", s, e) for s, e in data["gold"]]
    gold = SpanGold(lengths={"d": 100}, doc_fold={"d": 0}, n_folds=1,
                    sentence_starts={"d": [0]}, sentence_offset={"d": 0}, n_sentences=1,
                    sentences=[("d", 0, 100)], spans=spans,
                    flags={f: np.zeros(len(spans), dtype=bool) for f in ("attributed", "denied")})
    pred = SpanPredictions([("d", s, e) for s, e in data["pred"]], {})
    return SpanScorer().compute(TASKS["claims"], gold, pred, 0, 0).values


def run_coreference(data: dict[str, Any]) -> dict[str, Any]:
    scores = coref_scores(data["key"], data["response"])
    values = {"conll_f1": scores.conll_f1}
    for name in ("muc", "b3", "ceafe"):
        values.update(zip((f"{name}_precision", f"{name}_recall", f"{name}_f1"),
                          getattr(scores, name), strict=True))
    return values


def run_average_precision(data: dict[str, Any]) -> dict[str, Any]:
    return {"average_precision": average_precision(np.array(data["positive"]),
                                                   np.array(data["scores"]))}


def run_retrieval(data: dict[str, Any]) -> dict[str, Any]:
    per_query = {"map": [], "recall_at_1": [], "recall_at_5": []}
    for q in data["queries"]:
        ranking, relevant = q["ranking"] or [], set(q["relevant"])
        per_query["map"].append(ranked_average_precision(ranking, relevant))
        per_query["recall_at_1"].append(recall_at_k(ranking, relevant, 1))
        per_query["recall_at_5"].append(recall_at_k(ranking, relevant, 5))
    return {k: sum(v) / len(v) for k, v in per_query.items()}


def run_new_claims(data: dict[str, Any]) -> dict[str, Any]:
    return new_claims({"claim_id": c, "cluster_id": k, "fold": f} for c, k, f in data["claims"])


RUNNERS = {
    "attributed": run_attributed,
    "denied": run_denied,
    "spans": run_spans,
    "coreference": run_coreference,
    "average_precision": run_average_precision,
    "retrieval": run_retrieval,
    "new_claims": run_new_claims,
}


def expected_value(value: Any) -> Any:
    return float(Fraction(value)) if isinstance(value, str) else value


@pytest.mark.parametrize("example", examples(), ids=lambda e: e["kind"])
def test_hand_worked_example(example: dict[str, Any]) -> None:
    got = RUNNERS[example["kind"]](example["input"])
    for key, value in example["expected"].items():
        want = expected_value(value)
        if isinstance(want, float):
            assert got[key] == pytest.approx(want, abs=1e-12), key
        else:
            assert got[key] == want, key


def test_every_example_kind_is_run() -> None:
    assert {e["kind"] for e in examples()} == set(RUNNERS)


def test_generated_task_tables_are_up_to_date() -> None:
    assert metrics_doc_main([str(DOC), "--check"]) == 0, (
        "run python -m retold.describe.metrics_doc")
