"""The rule baselines as runnable baselines (lexicons in ``baselines.lexicons``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from baselines.families import ClassifierModel, Label, PairModel, Span, SpanModel
from baselines.items import Document, Mention, Pair
from baselines.lexicons import CUE_PATTERNS, DENIAL_PATTERNS, HEDGE_PATTERNS
from baselines.rules import find_cue, rule_stance, sentence_claims
from retold.text.reuse import reuse_tokens, similarity


@dataclass(frozen=True)
class RulesSettings:
    cue_patterns: tuple[str, ...] = CUE_PATTERNS
    denial_patterns: tuple[str, ...] = DENIAL_PATTERNS
    hedge_patterns: tuple[str, ...] = HEDGE_PATTERNS


class CueRules(ClassifierModel, SpanModel, name="rules", kind="rules"):
    tasks = ("attributed", "denied", "claims", "end2end")
    description = ("attribution-cue lexicon on the claim's sentence (source: the words the cue "
                   "introduces); denial lexicon with scope, then hedges, then cues; every "
                   "sentence of four or more words is one claim")

    settings = RulesSettings()

    def predict(self, items: Sequence[Mention]) -> list[Label]:
        labels = []
        for m in items:
            cue = find_cue(m.texts, m.doc_id, m.start, m.end)
            labels.append(Label(attributed=cue is not None,
                                stance=rule_stance(m.texts, m.doc_id, m.start, m.end),
                                source=(cue.source_start, cue.source_end) if cue else (-1, -1)))
        return labels

    def spans(self, documents: Sequence[Document]) -> list[list[Span]]:
        return [[Span(s, e, attributed=find_cue(d.texts, d.doc_id, s, e) is not None,
                      denied=rule_stance(d.texts, d.doc_id, s, e) == "denied")
                 for s, e in sentence_claims(d.texts, d.doc_id)] for d in documents]


def _dice_matrix(texts: Sequence[str]) -> np.ndarray:
    tokens = [reuse_tokens(t) for t in texts]
    n = len(tokens)
    matrix = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = similarity(tokens[i], tokens[j])
    return matrix


@dataclass(frozen=True)
class StringSimilaritySettings:
    similarity: str = "token-LCS Dice (retold.text.reuse)"
    threshold: str = "train-f1"
    clustering: str = "average linkage, cut at 1 - threshold"


class StringSimilarity(PairModel, name="string-similarity", kind="rules"):
    tasks = ("duplicated", "retrieval", "clusters")
    threshold_rule = "train-f1"
    description = ("token-LCS Dice similarity of the two claim texts; decision threshold and "
                   "clustering cut chosen for pair F1 on the training documents' pairs")

    settings = StringSimilaritySettings()

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        key = "string-similarity-matrix"
        if key not in self.ctx.shared:
            self.ctx.shared[key] = _dice_matrix([c.text for c in claims])
        return self.ctx.shared[key]

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        return np.array([similarity(reuse_tokens(p.text_a), reuse_tokens(p.text_b))
                         for p in pairs])
