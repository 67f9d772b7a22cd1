"""Scorer of ``clusters``: one cluster label per gold claim mention, scored as a partition.

A mention without a prediction is charged, metric by metric, the most that any label
could cost it, so leaving a line out never raises a score: MUC, B³ and CEAF-e as
``retold.score.metrics.coreference`` says; the adjusted Rand index as ``ari`` says. With
every mention predicted, the scores are the reference scorer's and scikit-learn's.

``_new`` scores restrict both partitions to the mentions whose cluster is new to their
fold (``retold.score.protocol``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retold.score.formats import Line, Problems, align_items
from retold.score.gold import Release
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.coreference import (
    CorefCounts,
    contingency,
    counts_from_table,
    scores_from_counts,
)
from retold.score.protocol import new_claims
from retold.score.scorers.base import Computed, interval
from retold.score.tasks import COREF_METRICS, Task, prf_keys


@dataclass(frozen=True)
class ClusterGold:
    ids: list[str]
    index: dict[str, int]
    cluster: list[str]
    new: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(cls, claims: Sequence[dict[str, Any]]) -> ClusterGold:
        rows = sorted(claims, key=lambda c: c["claim_id"])
        is_new = new_claims(rows)
        ids = [c["claim_id"] for c in rows]
        return cls(ids=ids, index={c: i for i, c in enumerate(ids)},
                   cluster=[c["cluster_id"] for c in rows],
                   new=np.array([is_new[c] for c in ids], dtype=bool))


@dataclass(frozen=True)
class ClusterPredictions:
    labels: list[str | None]
    """The predicted label of each gold mention, None where missing."""


def _pairs(sizes: np.ndarray) -> float:
    sizes = np.asarray(sizes, dtype=float)
    return float((sizes * (sizes - 1) / 2).sum())


def _ari_from_pairs(together: float, key_pairs: float, response_pairs: float,
                    all_pairs: float) -> float:
    """ARI from pair counts: mention pairs together in both partitions, in the key, in the
    response, and in all. 1 where the index is degenerate (scikit-learn's convention)."""
    expected = key_pairs * response_pairs / all_pairs
    top = (key_pairs + response_pairs) / 2
    if top == expected:
        return 1.0
    return (together - expected) / (top - expected)


def ari(key: Sequence[str], response: Sequence[str | None]) -> float:
    """Adjusted Rand index (scikit-learn's) of a complete response; a lower bound otherwise.

    With missing mentions, no completion of the partition can score below the returned
    value, so leaving a line out never raises it. For fixed key pairs the ARI rises with the
    pairs together in both partitions and is monotone in the response pairs in between
    the two ends of their range (a ratio of linear functions with a positive denominator).
    A completion keeps every pair together in both that the predicted mentions have and
    has between ``b0`` (the predicted mentions' response pairs) and ``b0`` plus the pairs
    gained by putting every missing mention into the largest predicted cluster (the most a
    completion can have) response pairs; the bound is the smaller ARI of the two ends.
    A key of one cluster or of singletons only gives every completion an ARI of 0 or 1
    (scikit-learn), and the bound is 0.
    """
    from sklearn.metrics import adjusted_rand_score

    if all(r is not None for r in response) or len(key) < 2:
        filled = [("label", r) if r is not None else ("missing", i)
                  for i, r in enumerate(response)]
        codes: dict[Any, int] = {}
        return float(adjusted_rand_score(list(key), [codes.setdefault(f, len(codes))
                                                     for f in filled]))
    table, missing, _, _ = contingency(key, response)
    n = len(key)
    all_pairs = n * (n - 1) / 2
    key_pairs = _pairs(table.sum(axis=1) + missing)
    if key_pairs in (0, all_pairs):
        return 0.0
    sizes = table.sum(axis=0)
    together = _pairs(table)
    low = _pairs(sizes)
    largest = float(sizes.max(initial=0))
    n_missing = float(missing.sum())
    high = low - _pairs(np.array([largest])) + _pairs(np.array([largest + n_missing]))
    return min(_ari_from_pairs(together, key_pairs, b, all_pairs) for b in (low, high))


def _coref_values(key: Sequence[str], response: Sequence[str | None], suffix: str,
                  full: bool) -> dict[str, Any]:
    table, missing, _, _ = contingency(key, response)
    scores = scores_from_counts(counts_from_table(table, missing))
    values: dict[str, Any] = {f"conll_f1{suffix}": scores.conll_f1}
    for name in COREF_METRICS:
        prf = getattr(scores, name)
        if full:
            values.update(zip(prf_keys(name, suffix), prf, strict=True))
        else:
            values[f"{name}_f1{suffix}"] = prf[2]
    values[f"ari{suffix}"] = ari(key, response) if len(key) else float("nan")
    return values


def _resampled_counts(key: Sequence[str], response: Sequence[str | None], weights: np.ndarray,
                      cluster_ids: dict[str, int]) -> list[CorefCounts]:
    """Summed counts per resample of gold clusters (``weights``: resamples x clusters).

    A cluster drawn k times enters as k copies; copy j of every cluster drawn at least j
    times forms one disjoint block, with the response restricted to it.
    """
    table, missing, key_codes, _ = contingency(key, response)
    # rows of ``table`` follow the order of first appearance in ``key``; map them to the
    # global cluster numbering of ``weights``
    first = {}
    for label, code in zip(key, key_codes, strict=True):
        first.setdefault(int(code), cluster_ids[label])
    columns = np.array([first[i] for i in range(table.shape[0])], dtype=np.int64)
    out = []
    for row in weights:
        drawn = row[columns]
        total = CorefCounts()
        for j in range(1, int(drawn.max(initial=0)) + 1):
            keep = drawn >= j
            total = total + counts_from_table(table[keep], missing[keep])
        out.append(total)
    return out


class ClusterScorer:
    """``clusters``."""

    def load(self, task: Task, release: Release, subset: str) -> ClusterGold:
        return ClusterGold.from_rows(release.rows("claims"))

    def check(self, task: Task, gold: ClusterGold, lines: Sequence[Line],
              problems: Problems) -> ClusterPredictions:
        checked = align_items(lines, task.fields, task.key, gold.index, len(gold), problems)
        return ClusterPredictions(list(checked.columns["cluster"]))

    def n_items(self, gold: ClusterGold) -> int:
        return len(gold)

    def missing(self, gold: ClusterGold, preds: ClusterPredictions) -> int:
        return preds.labels.count(None)

    def references(self, task: Task, gold: ClusterGold) -> dict[str, ClusterPredictions]:
        return {"floor": ClusterPredictions([None] * len(gold)),
                "trivial": ClusterPredictions(list(gold.ids)),
                "max": ClusterPredictions(list(gold.cluster))}

    def compute(self, task: Task, gold: ClusterGold, preds: ClusterPredictions, n_boot: int,
                seed: int) -> Computed:
        values = _coref_values(gold.cluster, preds.labels, "", full=True)
        keep = np.flatnonzero(gold.new)
        new_key = [gold.cluster[i] for i in keep]
        new_response = [preds.labels[i] for i in keep]
        values.update(_coref_values(new_key, new_response, "_new", full=False))
        values["n_items_new"] = len(keep)

        samples: dict[str, Any] = {}
        if n_boot and len(gold):
            cluster_ids: dict[str, int] = {}
            for c in gold.cluster:
                cluster_ids.setdefault(c, len(cluster_ids))
            w = resample_counts(len(cluster_ids), n_boot, seed)
            resampled = [scores_from_counts(c) for c in
                         _resampled_counts(gold.cluster, preds.labels, w, cluster_ids)]
            samples["conll_f1"] = np.array([s.conll_f1 for s in resampled])
            for name in COREF_METRICS:
                samples[f"{name}_f1"] = np.array([getattr(s, name)[2] for s in resampled])
            if len(keep):
                samples["conll_f1_new"] = np.array([
                    scores_from_counts(c).conll_f1
                    for c in _resampled_counts(new_key, new_response, w, cluster_ids)])
        return Computed(values, {k: interval(samples[k]) for k in task.ci_scores
                                 if k in samples})
