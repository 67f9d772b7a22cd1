"""Scorer of the mention classification tasks (``attributed``, ``denied``: the ``mentions``
family). What a task scores comes from its declaration: the binary scores of its
``Task.decision``; source-span scores when its lines have ``source_start``/``source_end``;
per-label scores (macro F1, accuracy, confusion matrix, ``<field>_consistency`` on the
contrast set) when its decision is read from a label field.

One prediction per gold claim mention (natural) or contrast row (contrast). A missing
prediction scores, in every count, no better than any prediction could, so leaving a line
out never raises a score:

- attributed: the opposite of the gold decision; for the source span, a wrong span where
  the gold has one (a false positive and a false negative) and a spurious one where it has
  none (a false positive);
- denied: ``denied`` for a claim that is not denied, ``asserted`` for one that is (the
  binary scores); for the per-class stance scores, a false negative of its gold stance and
  a false positive of *every other* stance, so no class's precision, recall or F1 (nor
  their macro average) is higher than under any label;
- contrast: a missing row or original is never right (consistency, accuracy by edit type).

The stance confusion matrix counts the predicted items only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retold.schema import STANCES
from retold.score.formats import Line, Problems, align_items, span_problem
from retold.score.gold import Release
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.classification import (
    binary_outcomes,
    class_outcomes,
    confusion_matrix,
    macro_f1,
    prf,
    ratio,
)
from retold.score.scorers.base import (
    Computed,
    accuracy_by_edit_type,
    add_prf,
    f1_per_fold,
    interval,
    n_folds,
    prf_samples,
)
from retold.score.tasks import CONTRAST, LABEL, NATURAL, Decision, Task, per_fold, prf_keys

DENIED_CODE = STANCES.index("denied")
NO_SPAN = -1
SOURCE_FIELDS: tuple[str, ...] = ("source_start", "source_end")
"""Fields of the immediate source's span: a task whose lines have them is scored on it."""
_STANCE_CODE: dict[Any, int] = {label: i for i, label in enumerate(STANCES)}


@dataclass(frozen=True)
class MentionGold:
    """Gold of one set of mentions (natural claims or contrast rows), in id order."""

    ids: list[str]
    index: dict[str, int]
    folds: np.ndarray
    n_folds: int
    text_length: np.ndarray
    attributed: np.ndarray
    source_start: np.ndarray
    source_end: np.ndarray
    stance: np.ndarray
    original: list[str] | None = None
    edit_type: list[str] | None = None

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, Any]], id_field: str,
                  text_length: Sequence[int], n_folds: int) -> MentionGold:
        order = sorted(range(len(rows)), key=lambda i: rows[i][id_field])
        rows = [rows[i] for i in order]
        ids = [r[id_field] for r in rows]
        contrast = id_field == "contrast_id"

        def column(name: str, dtype: Any) -> np.ndarray:
            return np.array([r[name] for r in rows], dtype=dtype)

        return cls(
            ids=ids,
            index={cid: i for i, cid in enumerate(ids)},
            folds=column("fold", np.int64),
            n_folds=n_folds,
            text_length=np.array([text_length[i] for i in order], dtype=np.int64),
            attributed=column("attributed", bool),
            source_start=column("source_start", np.int64),
            source_end=column("source_end", np.int64),
            stance=np.array([STANCES.index(r["stance"]) for r in rows], dtype=np.int64),
            original=[r["original_claim_id"] for r in rows] if contrast else None,
            edit_type=[r["edit_type"] for r in rows] if contrast else None,
        )

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ClassifyGold:
    items: MentionGold
    natural: MentionGold | None = None
    """Contrast only: the natural claims, for the originals' predictions."""


@dataclass(frozen=True)
class MentionPredictions:
    """Predictions aligned to a ``MentionGold``; missing items hold placeholders."""

    present: np.ndarray
    attributed: np.ndarray
    source_start: np.ndarray
    source_end: np.ndarray
    stance: np.ndarray
    """Stance codes, -1 where missing."""

    @classmethod
    def empty(cls, n: int) -> MentionPredictions:
        none = np.full(n, NO_SPAN, dtype=np.int64)
        return cls(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), none, none.copy(),
                   none.copy())


@dataclass(frozen=True)
class ClassifyPredictions:
    items: MentionPredictions
    natural: MentionPredictions | None = None


def _natural_gold(release: Release) -> MentionGold:
    lengths = {d["doc_id"]: len(d["text"]) for d in release.rows("documents")}
    claims = release.rows("claims")
    return MentionGold.from_rows(claims, "claim_id", [lengths[c["doc_id"]] for c in claims],
                                 n_folds(release))


def _columns(task: Task, gold: MentionGold, lines: Sequence[Line], subset: str,
             problems: Problems) -> MentionPredictions:
    def value_check(pos: int, record: dict[str, Any]) -> str | None:
        start, end = record["source_start"], record["source_end"]
        if start == NO_SPAN and end == NO_SPAN:
            return None
        if not record["attributed"]:
            return "a claim predicted not attributed has no source span (use -1, -1)"
        return span_problem(start, end, int(gold.text_length[pos]), "source span")

    fields = task.fields_for(subset)
    has_source = set(SOURCE_FIELDS) <= {f.name for f in fields}
    checked = align_items(lines, fields, task.key_for(subset), gold.index, len(gold), problems,
                          value_check if has_source else None)
    cols = checked.columns
    n = len(gold)
    none = np.full(n, NO_SPAN, dtype=np.int64)
    if "attributed" in cols:
        attributed = np.array([v is True for v in cols["attributed"]], dtype=bool)
        start = np.array([NO_SPAN if v is None else v for v in cols["source_start"]],
                         dtype=np.int64)
        end = np.array([NO_SPAN if v is None else v for v in cols["source_end"]],
                       dtype=np.int64)
    else:
        attributed, start, end = np.zeros(n, dtype=bool), none, none.copy()
    if "stance" in cols:
        stance = np.array([_STANCE_CODE.get(v, -1) for v in cols["stance"]], dtype=np.int64)
    else:
        stance = none.copy()
    return MentionPredictions(np.array(checked.present, dtype=bool), attributed, start, end,
                              stance)


class ClassifyScorer:
    """``attributed`` and ``denied``, natural and contrast."""

    def load(self, task: Task, release: Release, subset: str) -> ClassifyGold:
        natural = _natural_gold(release)
        if subset != CONTRAST:
            return ClassifyGold(items=natural)
        rows = release.rows("contrast")
        items = MentionGold.from_rows(rows, "contrast_id", [len(r["text"]) for r in rows],
                                      n_folds(release))
        return ClassifyGold(items=items, natural=natural)

    def check(self, task: Task, gold: ClassifyGold, lines: Sequence[Line],
              problems: Problems) -> ClassifyPredictions:
        if gold.natural is None:
            return ClassifyPredictions(_columns(task, gold.items, lines, "natural", problems))
        contrast_key, natural_key = task.subset(CONTRAST).key[0], task.key[0]
        contrast_lines, natural_lines = [], []
        for number, record in lines:
            if isinstance(record, dict) and natural_key in record and contrast_key not in record:
                natural_lines.append((number, record))
            else:
                contrast_lines.append((number, record))
        return ClassifyPredictions(
            items=_columns(task, gold.items, contrast_lines, CONTRAST, problems),
            natural=_columns(task, gold.natural, natural_lines, "natural", problems))

    def n_items(self, gold: ClassifyGold) -> int:
        return len(gold.items)

    def missing(self, gold: ClassifyGold, preds: ClassifyPredictions) -> int:
        return int((~preds.items.present).sum())

    # -- reference predictions ----------------------------------------------------------

    def references(self, task: Task, gold: ClassifyGold) -> dict[str, ClassifyPredictions]:
        def build(g: MentionGold | None, kind: str) -> MentionPredictions | None:
            if g is None:
                return None
            n = len(g)
            if kind == "floor":
                return MentionPredictions.empty(n)
            if kind == "max":
                return MentionPredictions(np.ones(n, dtype=bool), g.attributed.copy(),
                                          g.source_start.copy(), g.source_end.copy(),
                                          g.stance.copy())
            none = np.full(n, NO_SPAN, dtype=np.int64)
            return MentionPredictions(np.ones(n, dtype=bool), np.ones(n, dtype=bool), none,
                                      none.copy(), np.full(n, DENIED_CODE, dtype=np.int64))

        return {kind: ClassifyPredictions(build(gold.items, kind),  # type: ignore[arg-type]
                                          build(gold.natural, kind))
                for kind in ("floor", "trivial", "max")}

    # -- scores --------------------------------------------------------------------------

    def compute(self, task: Task, gold: ClassifyGold, preds: ClassifyPredictions,
                n_boot: int, seed: int) -> Computed:
        # one draw of the mentions for every score of the mentions
        w = resample_counts(len(gold.items), n_boot, seed) if n_boot else None
        values, samples = _decision_scores(task, gold.items, preds.items, w)
        if set(SOURCE_FIELDS) <= set(task.field_names):
            extra, extra_samples = _source_spans(gold.items, preds.items, w)
            values.update(extra)
            samples.update(extra_samples)
        if _label_field(task) is not None:
            extra, extra_samples = _labels(task, gold.items, preds.items, w)
            values.update(extra)
            samples.update(extra_samples)
        if gold.natural is not None and preds.natural is not None:
            extra, extra_samples = _contrast_extras(task, gold, preds, n_boot, seed)
            values.update(extra)
            samples.update(extra_samples)
        ci_names = task.ci_scores_for(CONTRAST if gold.natural is not None else NATURAL)
        return Computed(values, {k: interval(samples[k]) for k in ci_names if k in samples})


def _decision(task: Task) -> Decision:
    if task.decision is None:
        raise ValueError(f"task {task.name!r} declares no decision to classify")
    return task.decision


def _label_field(task: Task) -> str | None:
    """The decision's field where it is a label field (per-label scores), else None."""
    field = task.field(_decision(task).field)
    return field.name if field.kind == LABEL else None


def _code(task: Task, value: Any) -> Any:
    """A decision value as ``MentionGold`` stores it (a label as its index)."""
    field = task.field(_decision(task).field)
    return field.labels.index(value) if field.kind == LABEL else value


def _decisions(task: Task, gold: MentionGold, preds: MentionPredictions
               ) -> tuple[np.ndarray, np.ndarray]:
    """(gold decision, predicted decision) of the main score, missing = the wrong decision."""
    decision = _decision(task)
    positive = _code(task, decision.positive)
    g = getattr(gold, decision.field) == positive
    p = getattr(preds, decision.field) == positive
    return g, np.where(preds.present, p, ~g)


def _decision_scores(task: Task, gold: MentionGold, preds: MentionPredictions,
                     w: np.ndarray | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Precision, recall and F1 of the decision (``<name>_*``), per fold, and per resample
    of the mentions (``w``: resamples x mentions, None for no intervals)."""
    name = _decision(task).name
    outcomes = binary_outcomes(*_decisions(task, gold, preds))
    values: dict[str, Any] = {}
    add_prf(values, prf_keys(name), outcomes.sum(axis=0))
    values[per_fold(f"{name}_f1")] = f1_per_fold(outcomes, gold.folds, gold.n_folds)
    samples: dict[str, Any] = {}
    if w is not None:
        samples.update(zip(prf_keys(name), prf_samples(w, outcomes), strict=True))
    return values, samples


def _source_spans(gold: MentionGold, preds: MentionPredictions, w: np.ndarray | None
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {}
    gold_has = gold.source_start >= 0
    # a missing prediction has a span that matches nothing: a false positive, and a false
    # negative where the gold has a span (a wrong span is worse than no span)
    pred_has = np.where(preds.present, preds.source_start >= 0, True)
    exact = gold_has & pred_has & preds.present & (gold.source_start == preds.source_start) & (
        gold.source_end == preds.source_end)
    overlap = gold_has & pred_has & preds.present & (
        np.maximum(gold.source_start, preds.source_start)
        < np.minimum(gold.source_end, preds.source_end))
    span_outcomes = {}
    for mode, tp in (("exact", exact), ("overlap", overlap)):
        o = np.stack([tp, pred_has & ~tp, gold_has & ~tp], axis=1).astype(np.int64)
        span_outcomes[mode] = o
        add_prf(values, prf_keys("source_span", f"_{mode}"), o.sum(axis=0))

    samples: dict[str, Any] = {}
    if w is not None:
        for mode, o in span_outcomes.items():
            samples[f"source_span_f1_{mode}"] = prf_samples(w, o)[2]
    return values, samples


def _labels(task: Task, gold: MentionGold, preds: MentionPredictions, w: np.ndarray | None
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per-label scores of the decision's label field (``<field>_macro_f1``, ...)."""
    decision = _decision(task)
    field = task.field(decision.field)
    name, n_labels = field.name, len(field.labels)
    codes, predicted = getattr(gold, name), getattr(preds, name)
    positive = _code(task, decision.positive)
    # a missing item is filled with a label that gets the decision wrong
    filled = np.where(preds.present, predicted,
                      np.where(codes == positive, _code(task, decision.negative), positive))
    per_class = class_outcomes(codes, filled, n_labels)
    # a missing item: a false negative of its gold label, a false positive of every other
    missing = ~preds.present
    per_class[missing, :, 0] = 0
    per_class[missing, :, 1] = codes[missing, None] != np.arange(n_labels)
    per_class[missing, :, 2] = codes[missing, None] == np.arange(n_labels)
    values: dict[str, Any] = {}
    class_counts = per_class.sum(axis=0)
    p, r, f = prf(class_counts[:, 0], class_counts[:, 1], class_counts[:, 2])
    values[f"{name}_macro_f1"] = macro_f1(f)
    values[f"{name}_accuracy"] = ratio((filled == codes).sum(), len(gold))
    for i, label in enumerate(field.labels):
        values.update(zip(prf_keys(f"{name}_{label}"), (p[i], r[i], f[i]), strict=True))
    values[f"{name}_confusion_matrix"] = confusion_matrix(
        codes, np.where(preds.present, predicted, -1), n_labels)

    samples: dict[str, Any] = {}
    if w is not None:
        summed = np.einsum("bn,nck->bck", w, per_class)
        class_f1 = prf(summed[..., 0], summed[..., 1], summed[..., 2])[2]
        samples[f"{name}_macro_f1"] = macro_f1(class_f1)
    return values, samples


def _contrast_extras(task: Task, gold: ClassifyGold, preds: ClassifyPredictions,
                     n_boot: int, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    items, natural = gold.items, gold.natural
    assert natural is not None and preds.natural is not None and items.original is not None
    g, p = _decisions(task, items, preds.items)
    right = (g == p) & preds.items.present
    ng, np_ = _decisions(task, natural, preds.natural)
    natural_right = (ng == np_) & preds.natural.present

    groups: dict[str, list[int]] = defaultdict(list)
    for pos, original in enumerate(items.original):
        groups[original].append(pos)
    originals = sorted(groups)

    def consistent(edit_right: np.ndarray, original_right: np.ndarray) -> np.ndarray:
        out = []
        for original in originals:
            pos = natural.index.get(original)
            ok = pos is not None and bool(original_right[pos])
            out.append(ok and bool(edit_right[groups[original]].all()))
        return np.array(out, dtype=float)

    flags = consistent(right, natural_right)
    values: dict[str, Any] = {
        "contrast_consistency": ratio(flags.sum(), len(flags)),
        "n_originals": len(originals),
        "accuracy_by_edit_type": accuracy_by_edit_type(items.edit_type or [], right),
    }
    label = _label_field(task)
    if label is not None:
        label_right = (getattr(items, label) == getattr(preds.items, label)) & (
            preds.items.present)
        natural_label = (getattr(natural, label) == getattr(preds.natural, label)) & (
            preds.natural.present)
        values[f"{label}_consistency"] = ratio(
            consistent(label_right, natural_label).sum(), len(originals))
    samples: dict[str, Any] = {}
    if n_boot and len(originals):
        w = resample_counts(len(originals), n_boot, seed)
        samples["contrast_consistency"] = ratio(w @ flags, w.sum(axis=1))
    return values, samples
