"""The model interface by task family, and the runner's side of it.

A model implements ``fit(train)`` and one method per family it belongs to:

- :class:`ClassifierModel` (``attributed``, ``denied``): ``predict(mentions)`` gives one
  :class:`Label` per :class:`~baselines.items.Mention`; natural mentions and contrast rows
  are both mentions, so both go through the same method.
- :class:`PairModel` (``duplicated``, ``retrieval``, ``clusters``): ``score(pairs)`` gives one
  similarity per :class:`~baselines.items.Pair` (a model may override ``similarity`` with a
  faster claim-by-claim matrix). The runner decides duplicates at the threshold that the
  class's ``threshold_rule`` picks from the *training* pairs' scores and labels, ranks
  candidates and clusters (``baselines.similarity_tasks``).
- :class:`SpanModel` (``claims``, ``end2end``): ``spans(documents)`` gives each
  :class:`~baselines.items.Document`'s claim spans (:class:`Span`, with their attributed and
  denied flags for ``end2end``).

The runner owns everything else: the training view (training documents only, plus their
contrast rows when ``train_contrast``), the label-free test items, thresholds, line formats of
every task and subset, seeds and results. A model's ``ctx`` (seed, quick, encoder, caches) is
set before ``fit``; ``loss_history`` and ``notes`` it fills are written into the results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from baselines import items as it
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from baselines.items import Document, Mention, Pair, TrainView
from baselines.similarity_tasks import SimilarityTasks
from retold.score.tasks import (
    CONTRAST,
    MENTIONS,
    NATURAL,
    PAIRS,
    PARTITION,
    RANKING,
    SPANS,
    get_task,
)


@dataclass(frozen=True)
class Label:
    """A classifier's answer for one mention: attributed (with the source span, or (-1, -1))
    and the stance."""

    attributed: bool = False
    stance: str = ""
    source: tuple[int, int] = (-1, -1)


@dataclass(frozen=True)
class Span:
    """A predicted claim span of a document, with its ``end2end`` flags."""

    start: int
    end: int
    attributed: bool = False
    denied: bool = False


class Model(Baseline):
    """A family model: the runner calls ``fit`` once per (seed, fold), then the family methods."""

    ctx: RunContext
    fold: int

    def fit(self, train: TrainView) -> None:
        """Train on ``train`` (the fold's training documents); nothing by default."""

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        self.ctx, self.fold = ctx, view.fold
        self.loss_history: dict[str, list[dict[str, float]]] = {}
        self.notes: list[str] = []
        self.fit(it.training_view(view, contrast=self.train_contrast))
        out = FoldOutput()
        texts = it.test_texts(view)
        for family in FAMILIES:
            if isinstance(self, family):
                family.predict_fold(self, view, texts, out)
        out.loss_history = dict(self.loss_history)
        out.notes = [*self.notes, *out.notes]
        return out

    def predict_fold(self, view: FoldView, texts: Any, out: FoldOutput) -> None:
        raise NotImplementedError


LABEL_FIELDS: dict[str, Callable[[Label], Any]] = {
    "attributed": lambda label: bool(label.attributed),
    "source_start": lambda label: int(label.source[0]) if label.attributed else -1,
    "source_end": lambda label: int(label.source[1]) if label.attributed else -1,
    "stance": lambda label: str(label.stance),
}
"""The value of each prediction field a :class:`Label` answers (field names of the tasks of
the mentions family, ``retold.score.tasks``)."""
SPAN_FIELDS: dict[str, Callable[[Document, Span], Any]] = {
    "doc_id": lambda document, span: document.doc_id,
    "start": lambda document, span: span.start,
    "end": lambda document, span: span.end,
    "attributed": lambda document, span: bool(span.attributed),
    "denied": lambda document, span: bool(span.denied),
}
"""The value of each prediction field of the spans family, from a document and a span."""


def label_line(task: str, subset: str, item_id: str, label: Label) -> dict[str, Any]:
    """The prediction line of one mention (natural) or contrast row: the subset's key, then
    every other declared field in declaration order."""
    declared = get_task(task).subset(subset)
    key = declared.key[0]
    return {key: item_id, **{f.name: LABEL_FIELDS[f.name](label) for f in declared.fields
                             if f.name != key}}


def _family(task: str) -> str:
    return get_task(task).family


class ClassifierModel(Model):
    """``attributed`` and ``denied`` on a given claim mention."""

    tasks = ("attributed", "denied")

    def predict(self, items: Sequence[Mention]) -> Sequence[Label]:
        raise NotImplementedError

    def predict_fold(self, view: FoldView, texts: Any, out: FoldOutput) -> None:
        natural = it.natural_mentions(view, texts)
        edited = it.contrast_mentions(view, texts)
        on_natural = list(self.predict(natural))
        on_contrast = list(self.predict(edited)) if edited else []
        for task in self.tasks:
            if _family(task) == MENTIONS:
                out.records[task] = [label_line(task, NATURAL, m.item_id, label)
                                     for m, label in zip(natural, on_natural, strict=True)]
                out.contrast[task] = [label_line(task, CONTRAST, m.item_id, label)
                                      for m, label in zip(edited, on_contrast, strict=True)]


class PairModel(Model):
    """``duplicated``, ``retrieval`` and ``clusters`` from pair scores (higher: more alike)."""

    tasks = ("duplicated", "retrieval", "clusters")
    threshold_rule = "train-f1"
    """How the runner turns scores into decisions: ``similarity_tasks.THRESHOLD_RULES``, a
    function of the training pairs' scores and labels only."""

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        raise NotImplementedError

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        """The claim-by-claim score matrix (1 on the diagonal); by default from ``score``."""
        n = len(claims)
        index = list(combinations(range(n), 2))
        scores = self.score([Pair(claims[i].item_id, claims[j].item_id, claims[i].text,
                                  claims[j].text) for i, j in index]) if index else []
        matrix = np.eye(n)
        for (i, j), s in zip(index, scores, strict=True):
            matrix[i, j] = matrix[j, i] = s
        return matrix

    def predict_fold(self, view: FoldView, texts: Any, out: FoldOutput) -> None:
        matrix = np.asarray(self.similarity(it.claim_mentions(view.corpus)), dtype=float)
        tasks = SimilarityTasks(view, matrix, threshold=self.threshold_rule)
        records = tasks.all_tasks()
        for task in self.tasks:
            if task in records:
                out.records[task] = records[task]
        pairs = it.contrast_pairs(view)
        for task in self.tasks:
            if _family(task) == PAIRS and get_task(task).has_contrast:
                scores = np.asarray(self.score(pairs), dtype=float) if pairs else np.zeros(0)
                out.contrast[task] = tasks.contrast_pairs(scores)
        out.notes.append(f"fold {view.fold}: threshold {tasks.threshold:.3f}")


class SpanModel(Model):
    """``claims`` (spans) and ``end2end`` (spans with attributed and denied flags)."""

    tasks = ("claims", "end2end")

    def spans(self, documents: Sequence[Document]) -> Sequence[Sequence[Span]]:
        raise NotImplementedError

    def predict_fold(self, view: FoldView, texts: Any, out: FoldOutput) -> None:
        documents = it.test_documents(view, texts)
        found = list(self.spans(documents))
        for task in self.tasks:
            if _family(task) == SPANS:
                fields = get_task(task).fields
                out.records[task] = [{f.name: SPAN_FIELDS[f.name](d, s) for f in fields}
                                     for d, spans in zip(documents, found, strict=True)
                                     for s in spans]


@dataclass(frozen=True)
class FoldItems:
    """Every label-free test item of one fold, for a :class:`JointModel`: the held-out
    document's mentions, the fold's contrast rows (as mentions), its natural and contrast
    pairs, and every claim of the release as a retrieval candidate (label-free too)."""

    mentions: tuple[Mention, ...]
    contrast: tuple[Mention, ...]
    pairs: tuple[Pair, ...]
    contrast_pairs: tuple[Pair, ...]
    candidates: tuple[Mention, ...]


@dataclass
class Joint:
    """A :class:`JointModel`'s predictions for one fold, item for item in ``FoldItems`` order;
    ``None`` for a task the model does not predict."""

    labels: Sequence[Label] | None = None
    contrast_labels: Sequence[Label] | None = None
    pair_scores: Sequence[float] | None = None
    pair_decisions: Sequence[bool] | None = None
    contrast_pair_scores: Sequence[float] | None = None
    contrast_pair_decisions: Sequence[bool] | None = None
    clusters: Sequence[str] | None = None
    rankings: Sequence[Sequence[str]] | None = None


def _given(values: Any) -> Any:
    return () if values is None else values


class JointModel(Model):
    """A model that predicts a fold's items together rather than one by one (the floors'
    random draws, a re-ranker that decides itself): ``predict_all(test)`` gives a
    :class:`Joint`; the runner still owns every line format."""

    def predict_all(self, test: FoldItems) -> Joint:
        raise NotImplementedError

    def predict_fold(self, view: FoldView, texts: Any, out: FoldOutput) -> None:
        test = FoldItems(tuple(it.natural_mentions(view, texts)),
                         tuple(it.contrast_mentions(view, texts)),
                         tuple(it.natural_pairs(view)), tuple(it.contrast_pairs(view)),
                         tuple(it.claim_mentions(view.corpus)))
        joint = self.predict_all(test)
        for task in self.tasks:
            family = _family(task)
            if family == MENTIONS and joint.labels is not None:
                out.records[task] = [label_line(task, NATURAL, m.item_id, label) for m, label
                                     in zip(test.mentions, joint.labels, strict=True)]
                out.contrast[task] = [label_line(task, CONTRAST, m.item_id, label)
                                      for m, label in zip(test.contrast,
                                                          _given(joint.contrast_labels),
                                                          strict=True)]
            elif family == PAIRS:
                out.records[task] = [
                    {"claim_id_a": p.id_a, "claim_id_b": p.id_b, "score": round(float(s), 6),
                     "duplicate": bool(d)}
                    for p, s, d in zip(test.pairs, _given(joint.pair_scores),
                                       _given(joint.pair_decisions), strict=True)]
                out.contrast[task] = [
                    {"pair_id": p.id_b, "score": round(float(s), 6), "duplicate": bool(d)}
                    for p, s, d in zip(test.contrast_pairs, _given(joint.contrast_pair_scores),
                                       _given(joint.contrast_pair_decisions), strict=True)]
            elif family == PARTITION:
                out.records[task] = [{"claim_id": m.item_id, "cluster": c} for m, c
                                     in zip(test.mentions, _given(joint.clusters), strict=True)]
            elif family == RANKING:
                out.records[task] = [{"claim_id": m.item_id, "ranking": list(r)} for m, r
                                     in zip(test.mentions, _given(joint.rankings), strict=True)]


FAMILIES: tuple[type[Model], ...] = (ClassifierModel, PairModel, SpanModel, JointModel)
