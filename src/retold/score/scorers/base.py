"""What every task scorer provides, and helpers they share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from retold.score.formats import Line, Problems
from retold.score.gold import Release
from retold.score.metrics.bootstrap import percentile_interval
from retold.score.metrics.classification import prf
from retold.score.tasks import Task

Interval = tuple[float, float] | None


@dataclass(frozen=True)
class Computed:
    """Point estimates (NaN where undefined) and their bootstrap intervals."""

    values: dict[str, Any]
    intervals: dict[str, Interval]


class TaskScorer(Protocol):
    """The interface of a task family's scorer (see ``retold.score.api``)."""

    def load(self, task: Task, release: Release, subset: str) -> Any: ...

    def check(self, task: Task, gold: Any, lines: Sequence[Line], problems: Problems
              ) -> Any: ...

    def compute(self, task: Task, gold: Any, preds: Any, n_boot: int, seed: int
                ) -> Computed: ...

    def references(self, task: Task, gold: Any) -> dict[str, Any]: ...

    def n_items(self, gold: Any) -> int: ...

    def missing(self, gold: Any, preds: Any) -> int: ...


def n_folds(release: Release) -> int:
    """Number of folds: one per document."""
    return len(release.columns("documents", ("doc_id",))["doc_id"])


def add_prf(values: dict[str, Any], names: Sequence[str], counts: np.ndarray) -> None:
    """Set ``names`` (precision, recall, F1 keys) from summed (tp, fp, fn) counts."""
    p, r, f = prf(*counts)
    values.update(zip(names, (p, r, f), strict=True))


def prf_samples(weights: np.ndarray, outcomes: np.ndarray) -> tuple[Any, Any, Any]:
    """(precision, recall, F1) per resample from per-unit (tp, fp, fn) outcomes."""
    summed = weights @ outcomes
    return prf(summed[:, 0], summed[:, 1], summed[:, 2])


def interval(samples: Any) -> Interval:
    return percentile_interval(np.asarray(samples, dtype=float))


def f1_per_fold(outcomes: np.ndarray, folds: np.ndarray, n: int) -> list[float | None]:
    """F1 of each fold's items, None where the fold has no gold positive item."""
    out: list[float | None] = []
    for fold in range(n):
        tp, fp, fn = outcomes[folds == fold].sum(axis=0)
        out.append(prf(tp, fp, fn)[2] if tp + fn > 0 else None)
    return out


def accuracy_by_edit_type(edit_types: Sequence[str], right: np.ndarray) -> dict[str, float]:
    """Share of right decisions per contrast edit type (missing predictions are wrong)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for edit_type, ok in zip(edit_types, right, strict=True):
        totals[edit_type][0] += int(ok)
        totals[edit_type][1] += 1
    return {k: totals[k][0] / totals[k][1] for k in sorted(totals)}
