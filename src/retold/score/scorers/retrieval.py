"""Scorer of ``retrieval``: for a claim (the query), rank the claims of the other documents.

The relevant claims of a query are the claims of *other* documents in its cluster. Only
queries with at least one relevant claim are scored (``n_queries``); a line for a claim
without any is valid but has nothing to find (``unscored_queries``). A scored query without
a line scores 0. A ranking may be a prefix of the candidates: a relevant claim it leaves
out counts as never retrieved.

``recall_at_k`` is the share of a query's relevant claims in its first k, averaged over
the queries (so a query with three relevant claims scores at most 1/3 at k = 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retold.io.jsonio import show
from retold.score.formats import Line, Problems, align_items
from retold.score.gold import Release
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.classification import ratio
from retold.score.metrics.ranking import ranked_average_precision, recall_at_k
from retold.score.protocol import new_claims
from retold.score.scorers.base import Computed, interval, n_folds
from retold.score.tasks import Task, per_fold

TRIVIAL_SEED = 0
"""Seed of the trivial predictor's random rankings."""


@dataclass(frozen=True)
class RetrievalGold:
    ids: list[str]
    index: dict[str, int]
    doc: list[str]
    folds: np.ndarray
    n_folds: int
    relevant: list[frozenset[str]]
    new: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def queries(self) -> np.ndarray:
        return np.array([bool(r) for r in self.relevant], dtype=bool)

    @classmethod
    def from_rows(cls, claims: Sequence[dict[str, Any]], n_folds: int) -> RetrievalGold:
        rows = sorted(claims, key=lambda c: c["claim_id"])
        members: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in rows:
            members[c["cluster_id"]].append(c)
        is_new = new_claims(rows)
        ids = [c["claim_id"] for c in rows]
        return cls(
            ids=ids,
            index={c: i for i, c in enumerate(ids)},
            doc=[c["doc_id"] for c in rows],
            folds=np.array([c["fold"] for c in rows], dtype=np.int64),
            n_folds=n_folds,
            relevant=[frozenset(m["claim_id"] for m in members[c["cluster_id"]]
                                if m["doc_id"] != c["doc_id"]) for c in rows],
            new=np.array([is_new[c] for c in ids], dtype=bool),
        )

    def candidates(self, pos: int) -> list[str]:
        return [c for c, d in zip(self.ids, self.doc, strict=True) if d != self.doc[pos]]


@dataclass(frozen=True)
class RetrievalPredictions:
    rankings: list[list[str] | None]


class RetrievalScorer:
    """``retrieval``."""

    def load(self, task: Task, release: Release, subset: str) -> RetrievalGold:
        return RetrievalGold.from_rows(release.rows("claims"), n_folds(release))

    def check(self, task: Task, gold: RetrievalGold, lines: Sequence[Line],
              problems: Problems) -> RetrievalPredictions:
        def value_check(pos: int, record: dict[str, Any]) -> str | None:
            seen: set[str] = set()
            for rank, claim in enumerate(record["ranking"], start=1):
                where = gold.index.get(claim)
                if where is None:
                    return f"ranking[{rank - 1}] {show(claim, as_json=False)} is not a claim id"
                if gold.doc[where] == gold.doc[pos]:
                    return (f"ranking[{rank - 1}] {claim!r} is in the query's own document "
                            f"{gold.doc[pos]}; rank only other documents' claims")
                if claim in seen:
                    return f"ranking[{rank - 1}] {claim!r} is ranked twice"
                seen.add(claim)
            return None

        checked = align_items(lines, task.fields, task.key, gold.index, len(gold), problems,
                              value_check)
        return RetrievalPredictions(list(checked.columns["ranking"]))

    def n_items(self, gold: RetrievalGold) -> int:
        return int(gold.queries.sum())

    def missing(self, gold: RetrievalGold, preds: RetrievalPredictions) -> int:
        return sum(1 for q, r in zip(gold.queries, preds.rankings, strict=True)
                   if q and r is None)

    def references(self, task: Task, gold: RetrievalGold) -> dict[str, RetrievalPredictions]:
        rng = np.random.default_rng(TRIVIAL_SEED)
        trivial = []
        best = []
        for pos in range(len(gold)):
            candidates = gold.candidates(pos)
            trivial.append([candidates[i] for i in rng.permutation(len(candidates))])
            relevant = gold.relevant[pos]
            best.append(sorted(relevant) + [c for c in candidates if c not in relevant])
        return {"floor": RetrievalPredictions([None] * len(gold)),
                "trivial": RetrievalPredictions(trivial),
                "max": RetrievalPredictions(best)}

    def compute(self, task: Task, gold: RetrievalGold, preds: RetrievalPredictions,
                n_boot: int, seed: int) -> Computed:
        queries = np.flatnonzero(gold.queries)
        per_query = {
            "map": [], "recall_at_1": [], "recall_at_5": [],
        }
        for pos in queries:
            ranking = preds.rankings[pos] or []
            relevant = gold.relevant[pos]
            per_query["map"].append(ranked_average_precision(ranking, relevant))
            per_query["recall_at_1"].append(recall_at_k(ranking, relevant, 1))
            per_query["recall_at_5"].append(recall_at_k(ranking, relevant, 5))
        arrays = {k: np.array(v, dtype=float) for k, v in per_query.items()}
        new = gold.new[queries]
        folds = gold.folds[queries]
        values: dict[str, Any] = {}
        for name, scores in arrays.items():
            values[name] = ratio(scores.sum(), scores.size)
            values[f"{name}_new"] = ratio(scores[new].sum(), new.sum())
        values["n_queries"] = int(queries.size)
        values["n_queries_new"] = int(new.sum())
        values["unscored_queries"] = sum(1 for q, r in zip(gold.queries, preds.rankings,
                                                           strict=True) if not q and r is not None)
        values[per_fold("map")] = [
            ratio(arrays["map"][folds == k].sum(), (folds == k).sum()) if (folds == k).any()
            else None for k in range(gold.n_folds)]

        samples: dict[str, Any] = {}
        if n_boot and queries.size:
            w = resample_counts(queries.size, n_boot, seed)
            for name, scores in arrays.items():
                samples[name] = ratio(w @ scores, w.sum(axis=1))
            samples["map_new"] = ratio(w @ (arrays["map"] * new), w @ new)
        return Computed(values, {k: interval(samples[k]) for k in task.ci_scores
                                 if k in samples})
