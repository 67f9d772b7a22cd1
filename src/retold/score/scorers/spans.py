"""Scorer of the span tasks: ``claims`` (claim spans) and ``end2end`` (flagged claim spans).

Predictions are a set of spans, one line each; the same span twice is rejected. A gold
span that no prediction matches is a false negative, so there is nothing "missing" to
count. Every score comes in two named matching modes, ``_exact`` and ``_overlap``
(``retold.score.metrics.spans``); neither is a default.

A task whose lines flag each span (``end2end``) scores the attributed mentions (gold spans
with ``attributed``, predicted spans flagged ``attributed``) and the denied ones separately,
and the claim spans regardless of the flags under the ``claims`` task's names.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retold.io.jsonio import show
from retold.score.formats import (
    DUPLICATE_PREDICTION,
    PREDICTION_VALUE,
    UNKNOWN_ID,
    FieldChecker,
    Line,
    Problems,
    span_problem,
)
from retold.score.gold import Release
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.classification import prf
from retold.score.metrics.spans import Span, exact_matches, overlap_matches
from retold.score.scorers.base import Computed, interval, prf_samples
from retold.score.tasks import BOOL, Task, per_fold, prf_keys

MODES: dict[str, Callable[[Sequence[Span], Sequence[Span]], list[tuple[int, int]]]] = {
    "exact": exact_matches,
    "overlap": overlap_matches,
}


def _flagged(task: Task) -> list[str]:
    """The flags the task's lines give: its boolean fields, each a boolean column of the
    gold claims, scored on its own layer of spans (``<flag>_span_*``)."""
    return [f.name for f in task.fields if f.kind == BOOL]


@dataclass(frozen=True)
class SpanGold:
    lengths: dict[str, int]
    doc_fold: dict[str, int]
    n_folds: int
    sentence_starts: dict[str, list[int]]
    sentence_offset: dict[str, int]
    n_sentences: int
    sentences: list[Span]
    spans: list[Span]
    flags: dict[str, np.ndarray]

    def unit(self, span: Span) -> int:
        """The sentence a span belongs to: the last one starting at or before it."""
        doc, start, _ = span
        starts = self.sentence_starts.get(doc, [])
        return self.sentence_offset.get(doc, 0) + max(bisect.bisect_right(starts, start) - 1, 0)

    @classmethod
    def from_rows(cls, documents: Sequence[dict[str, Any]], claims: Sequence[dict[str, Any]],
                  sentences: Sequence[dict[str, Any]], flags: Sequence[str] = ()) -> SpanGold:
        docs = sorted(documents, key=lambda d: d["doc_id"])
        by_doc: dict[str, list[int]] = {d["doc_id"]: [] for d in docs}
        for s in sentences:
            by_doc[s["doc_id"]].append(s["start"])
        offsets, total = {}, 0
        for doc_id, starts in by_doc.items():
            starts.sort()
            offsets[doc_id] = total
            total += max(len(starts), 1)
        rows = sorted(claims, key=lambda c: (c["doc_id"], c["start"], c["end"], c["claim_id"]))
        return cls(
            lengths={d["doc_id"]: len(d["text"]) for d in docs},
            doc_fold={d["doc_id"]: d["fold"] for d in docs},
            n_folds=len(docs),
            sentence_starts=by_doc,
            sentence_offset=offsets,
            n_sentences=total,
            sentences=sorted((s["doc_id"], s["start"], s["end"]) for s in sentences),
            spans=[(c["doc_id"], c["start"], c["end"]) for c in rows],
            flags={f: np.array([c[f] for c in rows], dtype=bool) for f in flags},
        )


@dataclass(frozen=True)
class SpanPredictions:
    spans: list[Span]
    flags: dict[str, np.ndarray]


class SpanScorer:
    """``claims`` and ``end2end``."""

    def load(self, task: Task, release: Release, subset: str) -> SpanGold:
        return SpanGold.from_rows(release.rows("documents"), release.rows("claims"),
                                  release.rows("tokens"), _flagged(task))

    def check(self, task: Task, gold: SpanGold, lines: Sequence[Line],
              problems: Problems) -> SpanPredictions:
        check = FieldChecker(task.fields)
        flagged = _flagged(task)
        spans: list[Span] = []
        flags: dict[str, list[bool]] = {f: [] for f in flagged}
        seen: dict[Span, int] = {}
        for number, record in lines:
            if not check(number, record, problems):
                continue
            doc, start, end = record["doc_id"], record["start"], record["end"]
            if doc not in gold.lengths:
                problems.add(number, UNKNOWN_ID,
                             f"doc_id {show(doc, as_json=False)} is not a document id")
                continue
            message = span_problem(start, end, gold.lengths[doc], "span")
            if message:
                problems.add(number, PREDICTION_VALUE, message)
                continue
            span = (doc, start, end)
            if span in seen:
                problems.add(number, DUPLICATE_PREDICTION,
                             f"span {doc} [{start}, {end}) is already predicted on line "
                             f"{seen[span]}; predict each span once")
                continue
            seen[span] = number
            spans.append(span)
            for f in flagged:
                flags[f].append(record[f])
        return SpanPredictions(spans, {f: np.array(v, dtype=bool) for f, v in flags.items()})

    def n_items(self, gold: SpanGold) -> int:
        return len(gold.spans)

    def missing(self, gold: SpanGold, preds: SpanPredictions) -> int:
        return 0

    def references(self, task: Task, gold: SpanGold) -> dict[str, SpanPredictions]:
        n = len(gold.sentences)
        return {
            "floor": SpanPredictions([], {f: np.zeros(0, dtype=bool) for f in gold.flags}),
            "trivial": SpanPredictions(list(gold.sentences),
                                       {f: np.ones(n, dtype=bool) for f in gold.flags}),
            "max": SpanPredictions(list(gold.spans), {f: v.copy() for f, v in gold.flags.items()}),
        }

    def compute(self, task: Task, gold: SpanGold, preds: SpanPredictions, n_boot: int,
                seed: int) -> Computed:
        layers: dict[str, tuple[list[Span], list[Span]]] = {"span": (gold.spans, preds.spans)}
        for f in _flagged(task):
            layers[f"{f}_span"] = (
                [s for s, keep in zip(gold.spans, gold.flags[f], strict=True) if keep],
                [s for s, keep in zip(preds.spans, preds.flags[f], strict=True) if keep])
        values: dict[str, Any] = {"n_gold": len(gold.spans), "n_predicted": len(preds.spans)}
        outcomes: dict[str, np.ndarray] = {}
        for layer, (g, p) in layers.items():
            for mode, match in MODES.items():
                per_unit, per_fold_counts = _outcomes(gold, g, p, match(g, p))
                outcomes[f"{layer}_f1_{mode}"] = per_unit
                values.update(zip(prf_keys(layer, f"_{mode}"), prf(*per_unit.sum(axis=0)),
                                  strict=True))
                key = f"{layer}_f1_{mode}"
                if per_fold(key) in task.scores:
                    values[per_fold(key)] = [
                        prf(*counts)[2] if counts[0] + counts[2] > 0 else None
                        for counts in per_fold_counts]
        samples: dict[str, Any] = {}
        if n_boot:
            w = resample_counts(gold.n_sentences, n_boot, seed)
            for key in task.ci_scores:
                samples[key] = prf_samples(w, outcomes[key])[2]
        return Computed(values, {k: interval(samples[k]) for k in task.ci_scores
                                 if k in samples})


def _outcomes(gold: SpanGold, g: Sequence[Span], p: Sequence[Span],
              matches: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(tp, fp, fn) per sentence unit and per fold."""
    units = np.zeros((gold.n_sentences, 3), dtype=np.int64)
    folds = np.zeros((gold.n_folds, 3), dtype=np.int64)
    matched_gold = {i for i, _ in matches}
    matched_pred = {j for _, j in matches}
    for i, span in enumerate(g):
        col = 0 if i in matched_gold else 2
        units[gold.unit(span), col] += 1
        folds[gold.doc_fold[span[0]], col] += 1
    for j, span in enumerate(p):
        if j not in matched_pred:
            units[gold.unit(span), 1] += 1
            folds[gold.doc_fold[span[0]], 1] += 1
    return units, folds
