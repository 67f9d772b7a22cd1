"""Pair models that combine a similarity with the slot conflicts of ``baselines.slots``.

Two combinations: a fixed penalty per conflict (the slot-diff rule on character TF-IDF, and
the fine-tuned bi-encoder with the same penalty), and a logistic regression over the
bi-encoder's cosine and one column per slot type (the slot ranker). Each fold's penalty or
regression is fitted on that fold's training pairs and on rewrites generated from its
training claims (``slots.generated_pairs``); the alias table holds the places table and the
sources its training claims cite. No held-out row is read (``docs/slots.md``). The
bi-encoder models share the fold's trained bi-encoder and its embeddings
(``TrainedBiEncoder.embeddings``), so each costs little more than its slot reading.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from baselines.base import RunContext
from baselines.classic import CharTfidf
from baselines.families import PairModel
from baselines.finetuned import FinetunedBiEncoder, _cached
from baselines.items import Mention, Pair, TrainView
from baselines.slots import (
    ACTIONS,
    PLACES,
    RANKER_C,
    SLOT_TYPES,
    WEIGHTS,
    AliasTable,
    alias_table,
    choose_weight,
    conflict_tensor,
    fit_ranker,
    generated_pairs,
    pair_conflicts,
)
from retold.io.release import read_config


def training_sources(train: TrainView) -> list[dict[str, Any]]:
    """The release's sources that the training claims cite (anywhere in their chain)."""
    cited = {s for c in train.claims for s in c.get("source_chain") or ()}
    return [s for s in read_config(train.corpus.release_dir, "sources")
            if s["source_id"] in cited]


class _SlotAware(PairModel):
    """The base pair model (the next class in the method order) with the slot conflicts of
    each pair combined into its score by :meth:`combine`, fitted by :meth:`fit_combination`."""

    table: AliasTable

    def slot_config(self) -> dict[str, Any]:
        return {"slot_types": list(SLOT_TYPES),
                "places_table_sha256": hashlib.sha256(PLACES.read_bytes()).hexdigest(),
                "actions_table_sha256": hashlib.sha256(ACTIONS.read_bytes()).hexdigest()}

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {**super().config(ctx), **self.slot_config()}

    def fit(self, train: TrainView) -> None:
        super().fit(train)
        texts = [c["text"] for c in train.claims]
        self.table = _cached(self.ctx, train.fold, "slot-table",  # shared by the slot models
                             lambda: alias_table(texts, training_sources(train)))
        claims = train.corpus.claim_by_id
        natural = [Pair(p["claim_id_a"], p["claim_id_b"], claims[p["claim_id_a"]]["text"],
                        claims[p["claim_id_b"]]["text"]) for p in train.pairs]
        labels = np.array([bool(p["duplicate"]) for p in train.pairs])
        generated = generated_pairs(texts, self.table, seed=train.fold)
        made = [Pair("", "", x, y) for x, y, _ in generated]
        made_labels = np.array([d for *_, d in generated], dtype=bool)
        summary = self.fit_combination(
            super().score(natural), self.conflicts(natural), labels,
            super().score(made) if made else np.zeros(0), self.conflicts(made), made_labels)
        self.notes.append(
            f"fold {train.fold}: {summary}; from {len(labels)} training pairs and "
            f"{len(generated)} generated pairs ({int(made_labels.sum())} meaning-preserving)")

    def conflicts(self, pairs: Sequence[Pair]) -> np.ndarray:
        return pair_conflicts([(p.text_a, p.text_b) for p in pairs], self.table)

    def fit_combination(self, base: np.ndarray, conflict: np.ndarray, labels: np.ndarray,
                        made_base: np.ndarray, made_conflict: np.ndarray,
                        made_labels: np.ndarray) -> str:
        """Fit the combination on training data; return a line for the results' notes."""
        raise NotImplementedError

    def combine(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        """The score of pairs with base scores ``base`` (n) and slot conflicts ``conflict``
        (n by slot types)."""
        raise NotImplementedError

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        base = np.asarray(super().similarity(claims), dtype=float)
        tensor = conflict_tensor([c.text for c in claims], self.table)
        matrix = self.combine(base.ravel(), tensor.reshape(-1, len(SLOT_TYPES)))
        matrix = matrix.reshape(base.shape)
        np.fill_diagonal(matrix, 1.0)
        return matrix

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        return self.combine(np.asarray(super().score(pairs), dtype=float),
                            self.conflicts(pairs))


class _SlotPenalty(_SlotAware):
    """The base score minus ``weight`` per slot conflict (``slots.choose_weight``)."""

    weight: float

    def slot_config(self) -> dict[str, Any]:
        return {**super().slot_config(), "weights_tried": list(WEIGHTS),
                "weight_choice": "mean AP of training pairs and pairs generated from "
                                 "training claims"}

    def fit_combination(self, base: np.ndarray, conflict: np.ndarray, labels: np.ndarray,
                        made_base: np.ndarray, made_conflict: np.ndarray,
                        made_labels: np.ndarray) -> str:
        self.weight, objective = choose_weight(base, conflict.sum(1), labels, made_base,
                                               made_conflict.sum(1), made_labels)
        return (f"penalty {self.weight} per slot conflict; objective by weight "
                + ", ".join(f"{w}: {v:.3f}" for w, v in objective.items()))

    def combine(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        return base - self.weight * conflict.sum(1)


class _SlotRanker(_SlotAware):
    """P(duplicate) from a logistic regression over the base score and one 0/1 column per
    slot type (``slots.fit_ranker``): each slot type gets a weight of its own."""

    ranker: Any

    def slot_config(self) -> dict[str, Any]:
        return {**super().slot_config(), "combination": "logistic regression on the base "
                "score and one conflict column per slot type; training pairs and generated "
                "pairs weigh half each", "C": RANKER_C}

    def fit_combination(self, base: np.ndarray, conflict: np.ndarray, labels: np.ndarray,
                        made_base: np.ndarray, made_conflict: np.ndarray,
                        made_labels: np.ndarray) -> str:
        self.ranker = fit_ranker(base, conflict, labels, made_base, made_conflict,
                                 made_labels)
        names = ("base", *SLOT_TYPES)
        return "ranker weights " + ", ".join(
            f"{n} {w:+.2f}" for n, w in zip(names, self.ranker.coef_[0], strict=True))

    def combine(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        if not len(base):
            return np.zeros(0)
        return self.ranker.predict_proba(np.column_stack([base, conflict]))[:, 1]


class SlotDiff(_SlotPenalty, CharTfidf, name="slot-diff", kind="rules"):
    description = ("character TF-IDF cosine minus a penalty per slot conflict (names after "
                   "aliases, numbers, quantifiers, time words, actions, negation); penalty "
                   "chosen on training pairs and rewrites of training claims")


class BiEncoderSlots(_SlotPenalty, FinetunedBiEncoder, name="finetuned-biencoder+slots"):
    description = ("the fine-tuned bi-encoder's cosine (the same fold's model) minus a "
                   "penalty per slot conflict, chosen on training pairs and rewrites of "
                   "training claims")


class BiEncoderSlotRanker(_SlotRanker, FinetunedBiEncoder,
                          name="finetuned-biencoder+slot-ranker"):
    description = ("a logistic regression over the fine-tuned bi-encoder's cosine (the same "
                   "fold's model) and one conflict column per slot type, trained on training "
                   "pairs and rewrites of training claims")
