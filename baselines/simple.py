"""Majority and random baselines: the floors every other baseline must beat."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from baselines import contrast
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from retold.schema import STANCES


def _majority(values: list[Any]) -> Any:
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], str(v)))


class Majority(Baseline):
    name = "majority"
    tasks = ("attributed", "denied", "duplicated", "clusters", "retrieval")
    description = ("the training documents' most frequent label; every pair the same score "
                   "and the majority decision; every claim its own cluster; candidates in id "
                   "order")

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        train = view.train_claims
        attributed = bool(_majority([c["attributed"] for c in train]))
        stance = _majority([c["stance"] for c in train])
        duplicate = bool(_majority([p["duplicate"] for p in view.train_pairs]))
        out = FoldOutput()
        out.records["attributed"] = [
            {"claim_id": c["claim_id"], "attributed": attributed, "source_start": -1,
             "source_end": -1} for c in view.test_claims]
        out.records["denied"] = [{"claim_id": c["claim_id"], "stance": stance}
                                 for c in view.test_claims]
        out.records["duplicated"] = [
            {"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"], "score": 0.0,
             "duplicate": duplicate} for p in view.test_pairs]
        out.records["clusters"] = [{"claim_id": c["claim_id"], "cluster": c["claim_id"]}
                                   for c in view.test_claims]
        n, m = len(view.test_contrast), len(view.test_contrast_pairs)
        out.contrast = {"attributed": contrast.attributed_lines(view, [attributed] * n),
                        "denied": contrast.denied_lines(view, [stance] * n),
                        "duplicated": contrast.pair_lines(view, [0.0] * m, [duplicate] * m)}
        others = sorted(c["claim_id"] for c in view.corpus.claims)
        out.records["retrieval"] = [
            {"claim_id": q["claim_id"],
             "ranking": [cid for cid in others
                         if view.corpus.claim_by_id[cid]["doc_id"] != q["doc_id"]]}
            for q in view.test_claims]
        return out


class RandomBaseline(Baseline):
    name = "random"
    tasks = ("attributed", "denied", "duplicated", "clusters", "retrieval")
    seeded = True
    description = ("labels drawn at the training documents' label rates; uniform random pair "
                   "scores; as many random clusters as the training documents have per claim; "
                   "random rankings")

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        rng = random.Random(f"{ctx.seed}-{view.fold}")
        train = view.train_claims
        p_attr = sum(c["attributed"] for c in train) / len(train)
        stance_weights = [sum(c["stance"] == s for c in train) for s in STANCES]
        pairs = view.train_pairs
        p_dup = sum(p["duplicate"] for p in pairs) / max(len(pairs), 1)
        n_clusters = max(1, round(len(view.test_claims) * len({c["cluster_id"] for c in train})
                                  / len(train)))
        out = FoldOutput()
        out.records["attributed"] = [
            {"claim_id": c["claim_id"], "attributed": rng.random() < p_attr, "source_start": -1,
             "source_end": -1} for c in view.test_claims]
        out.records["denied"] = [
            {"claim_id": c["claim_id"], "stance": rng.choices(STANCES, stance_weights)[0]}
            for c in view.test_claims]
        out.records["duplicated"] = []
        for p in view.test_pairs:
            score = rng.random()
            out.records["duplicated"].append(
                {"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
                 "score": round(score, 6), "duplicate": score < p_dup})
        crng = random.Random(f"{ctx.seed}-{view.fold}-contrast")  # natural draws unchanged
        pair_scores = [crng.random() for _ in view.test_contrast_pairs]
        out.contrast = {
            "attributed": contrast.attributed_lines(
                view, [crng.random() < p_attr for _ in view.test_contrast]),
            "denied": contrast.denied_lines(
                view, [crng.choices(STANCES, stance_weights)[0] for _ in view.test_contrast]),
            "duplicated": contrast.pair_lines(view, pair_scores,
                                              [s < p_dup for s in pair_scores])}
        out.records["clusters"] = [
            {"claim_id": c["claim_id"], "cluster": f"fold{view.fold}-r{rng.randrange(n_clusters)}"}
            for c in view.test_claims]
        out.records["retrieval"] = []
        for q in view.test_claims:
            ranking = sorted(c["claim_id"] for c in view.corpus.claims
                             if c["doc_id"] != q["doc_id"])
            rng.shuffle(ranking)
            out.records["retrieval"].append({"claim_id": q["claim_id"], "ranking": ranking})
        return out
