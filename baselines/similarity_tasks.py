"""Duplicates, retrieval and clusters from one claim-by-claim similarity matrix.

Every similarity baseline (string similarity, character TF-IDF, sentence embeddings, the
fine-tuned bi-encoder) gives the model of fold k a matrix over all claims; this module turns
it into the three tasks' predictions for fold k, with every threshold chosen on the training
documents only: a threshold is a function of the training pairs' scores and labels, never of
the held-out fold's scores, so one held-out pair's decision does not depend on the others.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import precision_recall_curve

from baselines import contrast
from baselines.data import FoldView


def best_f1_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The score threshold that maximises pair F1 on (training) pairs; +inf without positives."""
    if not labels.any():
        return float("inf")
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-12)
    return float(thresholds[int(np.argmax(f1))])


def prior_threshold(scores: np.ndarray, positive_rate: float) -> float:
    """The threshold that marks the top ``positive_rate`` share of ``scores`` as positive."""
    if len(scores) == 0 or positive_rate <= 0:
        return float("inf")
    return float(np.quantile(scores, 1 - positive_rate, method="higher"))


def train_rate_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The training pairs' own score quantile at their positive rate: the cut that marks as
    many training pairs duplicate as are duplicates (+inf without training pairs)."""
    rate = float(np.mean(labels)) if len(labels) else 0.0
    return prior_threshold(scores, rate)


THRESHOLD_RULES = {"train-f1": best_f1_threshold, "train-rate": train_rate_threshold}
"""Each rule maps the training pairs' (scores, labels) to a threshold; nothing else goes in."""


def training_threshold(rule: str, scores: np.ndarray, labels: np.ndarray) -> float:
    """The decision threshold of ``rule`` from the training pairs' scores and labels only."""
    if rule not in THRESHOLD_RULES:
        raise ValueError(f"unknown threshold rule {rule!r}; known: {', '.join(THRESHOLD_RULES)}")
    return THRESHOLD_RULES[rule](np.asarray(scores, dtype=float), np.asarray(labels, dtype=bool))


class SimilarityTasks:
    """The three tasks' predictions for one fold from a similarity matrix over all claims."""

    def __init__(self, view: FoldView, matrix: np.ndarray, *, threshold: str = "train-f1"):
        claims = view.corpus.claims
        if matrix.shape != (len(claims), len(claims)):
            raise ValueError(f"similarity matrix {matrix.shape} is not {len(claims)} square")
        self.view = view
        self.matrix = matrix
        self.index = {c["claim_id"]: i for i, c in enumerate(claims)}
        train = view.train_pairs
        self.train_scores = self._scores(train)
        self.train_labels = np.array([p["duplicate"] for p in train], dtype=bool)
        self.test_scores = self._scores(view.test_pairs)
        self.threshold = training_threshold(threshold, self.train_scores, self.train_labels)
        self.threshold_rule = threshold

    def _scores(self, pairs: list[dict[str, Any]]) -> np.ndarray:
        rows = [self.index[p["claim_id_a"]] for p in pairs]
        cols = [self.index[p["claim_id_b"]] for p in pairs]
        return self.matrix[rows, cols].astype(float)

    def duplicated(self) -> list[dict[str, Any]]:
        return [{"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
                 "score": round(float(s), 6), "duplicate": bool(s >= self.threshold)}
                for p, s in zip(self.view.test_pairs, self.test_scores, strict=True)]

    def retrieval(self) -> list[dict[str, Any]]:
        claims = self.view.corpus.claims
        records = []
        for query in self.view.test_claims:
            row = self.matrix[self.index[query["claim_id"]]]
            candidates = [c["claim_id"] for c in claims if c["doc_id"] != query["doc_id"]]
            candidates.sort(key=lambda cid: (-row[self.index[cid]], cid))
            records.append({"claim_id": query["claim_id"], "ranking": candidates})
        return records

    def clusters(self) -> list[dict[str, Any]]:
        """Average-linkage agglomerative clustering over training and held-out claims at the
        training-chosen threshold; a held-out claim takes the gold cluster that most
        training claims of its cluster belong to, or a new label of this fold."""
        view = self.view
        members = view.train_claims + view.test_claims
        idx = [self.index[c["claim_id"]] for c in members]
        sim = np.clip(self.matrix[np.ix_(idx, idx)], -1.0, 1.0)
        distance = np.maximum(1.0 - sim, 0.0)
        np.fill_diagonal(distance, 0.0)
        cut = 1.0 - self.threshold if np.isfinite(self.threshold) else 0.0
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed",
                                         linkage="average",
                                         distance_threshold=max(cut, 1e-9)).fit_predict(distance)
        gold: dict[int, Counter[str]] = {}
        for claim, label in zip(view.train_claims, labels, strict=False):
            gold.setdefault(int(label), Counter())[claim["cluster_id"]] += 1
        records = []
        for claim, label in zip(view.test_claims, labels[len(view.train_claims):], strict=True):
            votes = gold.get(int(label))
            name = (min(votes, key=lambda k: (-votes[k], k)) if votes
                    else f"fold{view.fold}-new{int(label)}")
            records.append({"claim_id": claim["claim_id"], "cluster": name})
        return records

    def contrast_pairs(self, scores: np.ndarray) -> list[dict[str, Any]]:
        """The fold's contrast pair lines from their similarity ``scores`` (natural text vs
        edited text), decided at this fold's threshold."""
        return contrast.thresholded(self.view, np.asarray(scores, dtype=float), self.threshold)

    def all_tasks(self) -> dict[str, list[dict[str, Any]]]:
        return {"duplicated": self.duplicated(), "retrieval": self.retrieval(),
                "clusters": self.clusters()}
