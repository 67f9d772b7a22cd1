"""Four other ways to combine the bi-encoder's cosine with the slot conflicts
(``docs/slots.md``, "Other combinations tried"). These are development variants of
``finetuned-biencoder+slot-ranker``, not part of the official run; ``docs/slots.md`` gives
the command that runs them.

Each is a logistic regression over the fold's training pairs and the rewrites of its
training claims, as the shipped ranker is. Only its columns, or the weight of the two sets,
differ.
"""

from __future__ import annotations

import numpy as np

from baselines.finetuned import FinetunedBiEncoder
from baselines.slot_models import _SlotRanker
from baselines.slots import fit_ranker


class _Variant(_SlotRanker):
    natural_share = 0.5
    """The share of the total weight that the training pairs get (the rewrites get the rest)."""

    def features(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        """The regression's columns after the base score."""
        return conflict

    def fit_combination(self, base: np.ndarray, conflict: np.ndarray, labels: np.ndarray,
                        made_base: np.ndarray, made_conflict: np.ndarray,
                        made_labels: np.ndarray) -> str:
        self.ranker = fit_ranker(base, self.features(base, conflict), labels, made_base,
                                 self.features(made_base, made_conflict), made_labels,
                                 natural_share=self.natural_share)
        return "weights " + " ".join(f"{w:+.2f}" for w in self.ranker.coef_[0])

    def combine(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        if not len(base):
            return np.zeros(0)
        return self.ranker.predict_proba(
            np.column_stack([base, self.features(base, conflict)]))[:, 1]


class NaturalWeighsMore(_Variant, FinetunedBiEncoder, name="dev-ranker-nat75"):
    description = "the slot ranker with the training pairs weighing 0.75, the rewrites 0.25"
    natural_share = 0.75


class Interactions(_Variant, FinetunedBiEncoder, name="dev-ranker-interact"):
    description = "the slot ranker plus one column per slot type: cosine x conflict"

    def features(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        return np.column_stack([conflict, conflict * base[:, None]])


class ConflictCount(_Variant, FinetunedBiEncoder, name="dev-ranker-count"):
    description = "a logistic regression over the cosine and the number of slot conflicts"

    def features(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        return conflict.sum(1)[:, None]


class AnyConflict(_Variant, FinetunedBiEncoder, name="dev-ranker-any"):
    description = ("a logistic regression over the cosine, whether any slot conflicts, and "
                   "their product")

    def features(self, base: np.ndarray, conflict: np.ndarray) -> np.ndarray:
        anything = (conflict.sum(1) > 0).astype(float)
        return np.column_stack([anything, base * anything])
