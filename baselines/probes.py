"""Artefact probes as baselines of their own kind: partial-input models, the same classes
the build runs on the contrast sets (``retold.validate.probes``), so the leaderboard shows
how far above them each model is.

On the contrast columns a probe is trained on the contrast rows of the training documents
only (never an edit of the held-out one), exactly as the build's check: its pooled contrast
score is the score ``probes.json`` reports. On the natural columns the same probe is
trained on the natural items of the training documents. Decisions: a pair is a duplicate
from the threshold that maximises F1 on the training pairs; a row is denied where the probe
says P(denied) >= 0.5, and otherwise takes the training rows' most frequent other stance.

These are diagnostics, not models: ``probe-source-only`` reads a test item's gold
``source`` on purpose (how far does the speaker alone predict a denial?). No probe reads
an analysis-only column (``schema.Field.analysis_only``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from baselines import contrast
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from baselines.similarity_tasks import best_f1_threshold
from retold.schema import label_named
from retold.validate.probes import (
    PAIR_FEATURES,
    SurfaceProbe,
    TextProbe,
    feature_matrix,
    masked_passage,
    source_text,
)

DENIED = label_named("STANCES", "denied")


def _other_stance(rows: Sequence[dict[str, Any]]) -> str:
    """The most frequent non-denied stance of the training rows (ties: label order)."""
    counts = Counter(r["stance"] for r in rows if r["stance"] != DENIED)
    return min(counts, key=lambda s: (-counts[s], s)) if counts else "asserted"


def _stances(scores: np.ndarray, other: str) -> list[str]:
    return [DENIED if s >= 0.5 else other for s in scores]


class PairSurfaceProbe(Baseline):
    name = "probe-surface-pairs"
    tasks = ("duplicated",)
    description = (f"artefact probe: logistic regression on surface features only "
                   f"({', '.join(PAIR_FEATURES)}) of the two claim texts; contrast pairs: "
                   "trained on the training documents' contrast pairs")
    train_contrast = True

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        if "probe-pair-features" not in ctx.shared:  # the same for every fold: once a run
            text = {c["claim_id"]: c["text"] for c in view.corpus.claims}
            pairs = view.corpus.pairs
            matrix = feature_matrix([text[p["claim_id_a"]] for p in pairs],
                                    [text[p["claim_id_b"]] for p in pairs])
            ctx.shared["probe-pair-features"] = {
                (p["claim_id_a"], p["claim_id_b"]): row for p, row in zip(pairs, matrix,
                                                                          strict=True)}
        features = ctx.shared["probe-pair-features"]

        def x(pairs: Sequence[dict[str, Any]]) -> np.ndarray:
            return np.array([features[(p["claim_id_a"], p["claim_id_b"])] for p in pairs],
                            dtype=float).reshape(len(pairs), len(PAIR_FEATURES))

        train, test = view.train_pairs, view.test_pairs
        labels = np.array([p["duplicate"] for p in train], dtype=bool)
        probe = SurfaceProbe().fit(x(train), labels)
        cut = best_f1_threshold(probe.score(x(train)), labels)
        scores = probe.score(x(test))
        out = FoldOutput()
        out.records["duplicated"] = [
            {"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
             "score": round(float(s), 6), "duplicate": bool(s >= cut)}
            for p, s in zip(test, scores, strict=True)]
        c_train = [r for r in view.corpus.contrast_pairs if r["fold"] != view.fold]
        if view.test_contrast_pairs:
            c_labels = np.array([r["duplicate"] for r in c_train], dtype=bool)
            c_x = feature_matrix([r["claim_text"] for r in c_train],
                                 [r["edited_text"] for r in c_train])
            c_probe = SurfaceProbe().fit(c_x, c_labels)
            c_cut = best_f1_threshold(c_probe.score(c_x), c_labels)
            a, b = contrast.pair_texts(view)
            c_scores = c_probe.score(feature_matrix(a, b))
            out.contrast["duplicated"] = contrast.pair_lines(view, c_scores,
                                                             c_scores >= c_cut)
        return out


class _RowProbe(Baseline):
    """A ``TextProbe`` on one text per claim (natural) and per contrast row (contrast)."""

    tasks = ("denied",)
    train_contrast = True
    ngram_range: tuple[int, int] = (1, 2)

    def natural_text(self, view: FoldView, claim: dict[str, Any]) -> str:
        raise NotImplementedError

    def contrast_text(self, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        out = FoldOutput()
        train = view.train_claims
        probe = TextProbe(self.ngram_range).fit(
            [self.natural_text(view, c) for c in train],
            np.array([c["stance"] == DENIED for c in train], dtype=bool))
        scores = probe.score([self.natural_text(view, c) for c in view.test_claims])
        out.records["denied"] = [
            {"claim_id": c["claim_id"], "stance": s}
            for c, s in zip(view.test_claims, _stances(scores, _other_stance(train)),
                            strict=True)]
        if view.test_contrast:
            rows = view.train_contrast
            c_probe = TextProbe(self.ngram_range).fit(
                [self.contrast_text(r) for r in rows],
                np.array([r["stance"] == DENIED for r in rows], dtype=bool))
            c_scores = c_probe.score([self.contrast_text(r) for r in view.test_contrast])
            out.contrast["denied"] = contrast.denied_lines(
                view, _stances(c_scores, _other_stance(rows)))
        return out


class SourceOnlyProbe(_RowProbe):
    name = "probe-source-only"
    ngram_range = (1, 1)
    description = ("artefact probe: logistic regression on the immediate source id alone "
                   "(the gold `source`, read on purpose); denied where P >= 0.5")

    def natural_text(self, view: FoldView, claim: dict[str, Any]) -> str:
        return source_text(claim["source"])

    def contrast_text(self, row: dict[str, Any]) -> str:
        return source_text(row["source"])


class MaskedPassageProbe(_RowProbe):
    name = "probe-masked-passage"
    description = ("artefact probe: bag-of-words logistic regression on the claim's sentence "
                   "(contrast: the edited passage) with the claim span and every denial-"
                   "lexicon word removed; denied where P >= 0.5")

    def natural_text(self, view: FoldView, claim: dict[str, Any]) -> str:
        lo, hi = view.corpus.claim_sentence(claim["doc_id"], claim["start"], claim["end"])
        text = view.corpus.texts[claim["doc_id"]][lo:hi]
        return masked_passage(text, claim["start"] - lo, claim["end"] - lo)

    def contrast_text(self, row: dict[str, Any]) -> str:
        return masked_passage(row["text"], row["start"], row["end"])


PROBES: tuple[type[Baseline], ...] = (PairSurfaceProbe, SourceOnlyProbe, MaskedPassageProbe)
KIND = "artefact probes"
