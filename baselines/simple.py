"""Majority and random baselines: the floors every other baseline must beat."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from baselines.families import FoldItems, Joint, JointModel, Label
from baselines.items import TrainView
from retold.schema import STANCES


def _majority(values: list[Any]) -> Any:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], str(v)))


class Majority(JointModel, name="majority", kind="floor"):
    tasks = ("attributed", "denied", "duplicated", "clusters", "retrieval")
    description = ("the training documents' most frequent label; every pair the same score "
                   "and the majority decision; every claim its own cluster; candidates in id "
                   "order")

    def fit(self, train: TrainView) -> None:
        self.attributed = bool(_majority([c["attributed"] for c in train.claims]))
        self.stance = _majority([c["stance"] for c in train.claims])
        self.duplicate = bool(_majority([p["duplicate"] for p in train.pairs]))

    def predict_all(self, test: FoldItems) -> Joint:
        label = Label(attributed=self.attributed, stance=self.stance)
        others = sorted(test.candidates, key=lambda c: c.item_id)
        return Joint(labels=[label] * len(test.mentions),
                     contrast_labels=[label] * len(test.contrast),
                     pair_scores=[0.0] * len(test.pairs),
                     pair_decisions=[self.duplicate] * len(test.pairs),
                     contrast_pair_scores=[0.0] * len(test.contrast_pairs),
                     contrast_pair_decisions=[self.duplicate] * len(test.contrast_pairs),
                     clusters=[m.item_id for m in test.mentions],
                     rankings=[[c.item_id for c in others if c.doc_id != q.doc_id]
                               for q in test.mentions])


class RandomBaseline(JointModel, name="random", kind="floor"):
    tasks = ("attributed", "denied", "duplicated", "clusters", "retrieval")
    seeded = True
    description = ("labels drawn at the training documents' label rates; uniform random pair "
                   "scores; as many random clusters as the training documents have per claim; "
                   "random rankings")

    def fit(self, train: TrainView) -> None:
        claims = train.claims
        self.p_attr = sum(c["attributed"] for c in claims) / len(claims)
        self.stance_weights = [sum(c["stance"] == s for c in claims) for s in STANCES]
        self.p_dup = sum(p["duplicate"] for p in train.pairs) / max(len(train.pairs), 1)
        self.train_clusters = len({c["cluster_id"] for c in claims})
        self.train_claims = len(claims)

    def predict_all(self, test: FoldItems) -> Joint:
        rng = random.Random(f"{self.ctx.seed}-{self.fold}")
        n_clusters = max(1, round(len(test.mentions) * self.train_clusters
                                  / self.train_claims))
        attributed = [rng.random() < self.p_attr for _ in test.mentions]
        stances = [rng.choices(STANCES, self.stance_weights)[0] for _ in test.mentions]
        pair_scores = [rng.random() for _ in test.pairs]
        crng = random.Random(f"{self.ctx.seed}-{self.fold}-contrast")  # natural draws unchanged
        contrast_scores = [crng.random() for _ in test.contrast_pairs]
        contrast_attributed = [crng.random() < self.p_attr for _ in test.contrast]
        contrast_stances = [crng.choices(STANCES, self.stance_weights)[0]
                            for _ in test.contrast]
        clusters = [f"fold{self.fold}-r{rng.randrange(n_clusters)}" for _ in test.mentions]
        rankings = []
        for q in test.mentions:
            ranking = sorted(c.item_id for c in test.candidates if c.doc_id != q.doc_id)
            rng.shuffle(ranking)
            rankings.append(ranking)
        return Joint(
            labels=[Label(a, s) for a, s in zip(attributed, stances, strict=True)],
            contrast_labels=[Label(a, s) for a, s in
                             zip(contrast_attributed, contrast_stances, strict=True)],
            pair_scores=pair_scores, pair_decisions=[s < self.p_dup for s in pair_scores],
            contrast_pair_scores=contrast_scores,
            contrast_pair_decisions=[s < self.p_dup for s in contrast_scores],
            clusters=clusters, rankings=rankings)
