"""Zero-shot sentence embeddings (the local MiniLM by default) for duplicates, retrieval and
clusters: cosine of mean-pooled, unit-length embeddings of the claim texts, no training."""

from __future__ import annotations

from typing import Any

from baselines import contrast
from baselines.backbone import model_info
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from baselines.encoder import embed, load_encoder
from baselines.similarity_tasks import SimilarityTasks

MAX_LENGTH = 64


def encoder(ctx: RunContext) -> tuple[Any, Any]:
    """The untrained encoder (loaded once per run)."""
    key = f"zero-shot-encoder:{ctx.model}"
    if key not in ctx.shared:
        ctx.shared[key] = load_encoder(ctx.model)
    return ctx.shared[key]


def zero_shot_matrix(ctx: RunContext, view: FoldView) -> Any:
    """Cosine matrix of all claims under the untrained encoder (cached per run)."""
    key = f"zero-shot-matrix:{ctx.model}"
    if key not in ctx.shared:
        tokenizer, model = encoder(ctx)
        vectors = embed([c["text"] for c in view.corpus.claims], tokenizer, model,
                        max_length=MAX_LENGTH)
        ctx.shared[key] = vectors @ vectors.T
    return ctx.shared[key]


class ZeroShotEmbeddings(Baseline):
    name = "zero-shot-embeddings"
    tasks = ("duplicated", "retrieval", "clusters")
    description = ("cosine of the untrained encoder's mean-pooled claim embeddings; threshold "
                   "for pair F1 on training pairs; average-linkage clusters cut there")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"model": ctx.model, "max_length": MAX_LENGTH, "pooling": "mean, L2-normalised",
                "threshold": "train-f1", "clustering": "average linkage, cut at 1 - threshold"}

    def model_info(self, ctx: RunContext) -> dict[str, Any]:
        return model_info(ctx.model)

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        tasks = SimilarityTasks(view, zero_shot_matrix(ctx, view), threshold="train-f1")
        out = FoldOutput(records=tasks.all_tasks())
        a, b = contrast.pair_texts(view)
        if a:
            tokenizer, model = encoder(ctx)
            va = embed(a, tokenizer, model, max_length=MAX_LENGTH)
            vb = embed(b, tokenizer, model, max_length=MAX_LENGTH)
            out.contrast["duplicated"] = tasks.contrast_pairs((va * vb).sum(axis=1))
        else:
            out.contrast["duplicated"] = []
        out.notes.append(f"fold {view.fold}: threshold {tasks.threshold:.3f}")
        return out
