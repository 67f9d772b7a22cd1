"""The rule baselines as runnable baselines (lexicons in ``baselines.lexicons``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from baselines import contrast
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import Corpus, FoldView
from baselines.lexicons import CUE_PATTERNS, DENIAL_PATTERNS, HEDGE_PATTERNS
from baselines.rules import find_cue, rule_stance, sentence_claims
from baselines.similarity_tasks import SimilarityTasks
from retold.text.reuse import reuse_tokens, similarity


def attributed_record(corpus: Corpus, claim_id: str, doc_id: str, start: int,
                      end: int) -> dict[str, Any]:
    cue = find_cue(corpus, doc_id, start, end)
    return {"claim_id": claim_id, "attributed": cue is not None,
            "source_start": cue.source_start if cue else -1,
            "source_end": cue.source_end if cue else -1}


class CueRules(Baseline):
    name = "rules"
    tasks = ("attributed", "denied", "claims", "end2end")
    description = ("attribution-cue lexicon on the claim's sentence (source: the words the cue "
                   "introduces); denial lexicon with scope, then hedges, then cues; every "
                   "sentence of four or more words is one claim")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"cue_patterns": list(CUE_PATTERNS), "denial_patterns": list(DENIAL_PATTERNS),
                "hedge_patterns": list(HEDGE_PATTERNS)}

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        corpus = view.corpus
        out = FoldOutput()
        out.records["attributed"] = [
            attributed_record(corpus, c["claim_id"], c["doc_id"], c["start"], c["end"])
            for c in view.test_claims]
        out.records["denied"] = [
            {"claim_id": c["claim_id"],
             "stance": rule_stance(corpus, c["doc_id"], c["start"], c["end"])}
            for c in view.test_claims]
        passages = corpus.passages
        cues = [find_cue(passages, cid, s, e) for cid, s, e in contrast.spans(view)]
        out.contrast["attributed"] = contrast.attributed_lines(
            view, [cue is not None for cue in cues],
            [(cue.source_start, cue.source_end) if cue else (-1, -1) for cue in cues])
        out.contrast["denied"] = contrast.denied_lines(
            view, [rule_stance(passages, cid, s, e) for cid, s, e in contrast.spans(view)])
        spans = sentence_claims(corpus, view.test_doc)
        out.records["claims"] = [{"doc_id": view.test_doc, "start": s, "end": e}
                                 for s, e in spans]
        out.records["end2end"] = [
            {"doc_id": view.test_doc, "start": s, "end": e,
             "attributed": find_cue(corpus, view.test_doc, s, e) is not None,
             "denied": rule_stance(corpus, view.test_doc, s, e) == "denied"}
            for s, e in spans]
        return out


def string_similarity_matrix(corpus: Corpus) -> np.ndarray:
    """Token-LCS Dice similarity (``retold.text.reuse``) of every two claim texts."""
    tokens = [reuse_tokens(c["text"]) for c in corpus.claims]
    n = len(tokens)
    matrix = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = similarity(tokens[i], tokens[j])
    return matrix


class StringSimilarity(Baseline):
    name = "string-similarity"
    tasks = ("duplicated", "retrieval", "clusters")
    description = ("token-LCS Dice similarity of the two claim texts; decision threshold and "
                   "clustering cut chosen for pair F1 on the training documents' pairs")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"similarity": "token-LCS Dice (retold.text.reuse)", "threshold": "train-f1",
                "clustering": "average linkage, cut at 1 - threshold"}

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        key = "string-similarity-matrix"
        if key not in ctx.shared:
            ctx.shared[key] = string_similarity_matrix(view.corpus)
        tasks = SimilarityTasks(view, ctx.shared[key], threshold="train-f1")
        out = FoldOutput(records=tasks.all_tasks())
        a, b = contrast.pair_texts(view)
        out.contrast["duplicated"] = tasks.contrast_pairs(np.array(
            [similarity(reuse_tokens(x), reuse_tokens(y)) for x, y in zip(a, b, strict=True)]))
        out.notes.append(f"fold {view.fold}: threshold {tasks.threshold:.3f}")
        return out
