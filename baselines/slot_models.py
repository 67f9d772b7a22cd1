"""Pair models that subtract a penalty per slot conflict from a similarity
(``baselines.slots``): the slot-diff rule on character TF-IDF, and the fine-tuned bi-encoder
with the same penalty.

Each fold's penalty is chosen on that fold's training pairs and on rewrites generated from
its training claims (``slots.choose_weight``); the alias table holds the places table and
the sources its training claims cite. Both are opt-in (``--baselines``): development runs
only, not yet in the official run (``docs/slots.md``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity

from baselines.base import RunContext
from baselines.classic import CharTfidf
from baselines.families import PairModel
from baselines.finetuned import FinetunedBiEncoder
from baselines.items import Mention, Pair, TrainView
from baselines.slots import (
    PLACES,
    SLOT_TYPES,
    WEIGHTS,
    AliasTable,
    alias_table,
    choose_weight,
    conflict_matrix,
    conflicts,
    generated_pairs,
    slots,
)
from retold.io.release import read_config


def training_sources(train: TrainView) -> list[dict[str, Any]]:
    """The release's sources that the training claims cite (anywhere in their chain)."""
    cited = {s for c in train.claims for s in c.get("source_chain") or ()}
    return [s for s in read_config(train.corpus.release_dir, "sources")
            if s["source_id"] in cited]


class _SlotPenalty(PairModel):
    """A pair model's similarity minus ``weight`` per slot conflict."""

    table: AliasTable
    weight: float

    def base_matrix(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError

    def base_scores(self, pairs: Sequence[Pair]) -> np.ndarray:
        raise NotImplementedError

    def slot_config(self) -> dict[str, Any]:
        return {"slot_types": list(SLOT_TYPES), "weights_tried": list(WEIGHTS),
                "weight_choice": "mean AP of training pairs and pairs generated from "
                                 "training claims",
                "places_table_sha256": hashlib.sha256(PLACES.read_bytes()).hexdigest()}

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {**super().config(ctx), **self.slot_config()}

    def fit(self, train: TrainView) -> None:
        super().fit(train)  # the base model (the next class in the method order)
        self.fit_penalty(train)

    def fit_penalty(self, train: TrainView) -> None:
        claims = train.claims
        texts = [c["text"] for c in claims]
        self.table = alias_table(texts, training_sources(train))
        index = {c["claim_id"]: i for i, c in enumerate(claims)}
        a = np.array([index[p["claim_id_a"]] for p in train.pairs], dtype=int)
        b = np.array([index[p["claim_id_b"]] for p in train.pairs], dtype=int)
        labels = np.array([bool(p["duplicate"]) for p in train.pairs])
        base = self.base_matrix(texts)[a, b]
        conflict = conflict_matrix(texts, self.table)[a, b]
        generated = generated_pairs(texts, self.table, seed=train.fold)
        made = [Pair("", "", x, y) for x, y, _ in generated]
        made_base = self.base_scores(made) if made else np.zeros(0)
        made_conflict = np.array([conflicts(slots(x, self.table), slots(y, self.table))
                                  for x, y, _ in generated], dtype=float)
        made_labels = np.array([d for *_, d in generated], dtype=bool)
        self.weight, objective = choose_weight(base, conflict, labels, made_base,
                                               made_conflict, made_labels)
        self.notes.append(
            f"fold {train.fold}: penalty {self.weight} per slot conflict, from "
            f"{len(labels)} training pairs and {len(generated)} generated pairs "
            f"({int(made_labels.sum())} meaning-preserving); objective by weight "
            + ", ".join(f"{w}: {v:.3f}" for w, v in objective.items()))

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        texts = [c.text for c in claims]
        matrix = self.base_matrix(texts) - self.weight * conflict_matrix(texts, self.table)
        np.fill_diagonal(matrix, 1.0)
        return matrix

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        penalty = np.array([conflicts(slots(p.text_a, self.table), slots(p.text_b, self.table))
                            for p in pairs], dtype=float)
        return np.asarray(self.base_scores(pairs), dtype=float) - self.weight * penalty


class SlotDiff(_SlotPenalty, CharTfidf, name="slot-diff", kind="rules", opt_in=True):
    description = ("character TF-IDF cosine minus a penalty per slot conflict (names after "
                   "aliases, numbers, quantifiers, time words, negation); penalty chosen on "
                   "training pairs and rewrites of training claims")

    def base_matrix(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(cosine_similarity(self.vectorizer.transform(list(texts))))

    def base_scores(self, pairs: Sequence[Pair]) -> np.ndarray:
        return CharTfidf.score(self, pairs)


class BiEncoderSlots(_SlotPenalty, FinetunedBiEncoder, name="finetuned-biencoder+slots",
                     opt_in=True):
    description = ("the fine-tuned bi-encoder's cosine (the same fold's model) minus a "
                   "penalty per slot conflict, chosen on training pairs and rewrites of "
                   "training claims")

    def base_matrix(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.similarity_matrix(list(texts))

    def base_scores(self, pairs: Sequence[Pair]) -> np.ndarray:
        return FinetunedBiEncoder.score(self, pairs)
