"""Zero-shot sentence embeddings (the local MiniLM by default) for duplicates, retrieval and
clusters: cosine of mean-pooled, unit-length embeddings of the claim texts, no training."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from baselines.backbone import model_info
from baselines.base import RunContext
from baselines.encoder import embed, load_encoder
from baselines.families import PairModel
from baselines.items import Mention, Pair

MAX_LENGTH = 64


def encoder(ctx: RunContext) -> tuple[Any, Any]:
    """The untrained encoder (loaded once per run)."""
    key = f"zero-shot-encoder:{ctx.model}"
    if key not in ctx.shared:
        ctx.shared[key] = load_encoder(ctx.model)
    return ctx.shared[key]


def zero_shot_matrix(ctx: RunContext, texts: Sequence[str]) -> Any:
    """Cosine matrix of all claims' ``texts`` under the untrained encoder (cached per run)."""
    key = f"zero-shot-matrix:{ctx.model}"
    if key not in ctx.shared:
        tokenizer, model = encoder(ctx)
        vectors = embed(list(texts), tokenizer, model, max_length=MAX_LENGTH)
        ctx.shared[key] = vectors @ vectors.T
    return ctx.shared[key]


class ZeroShotEmbeddings(PairModel, name="zero-shot-embeddings", kind="zero-shot embeddings"):
    tasks = ("duplicated", "retrieval", "clusters")
    threshold_rule = "train-f1"
    description = ("cosine of the untrained encoder's mean-pooled claim embeddings; threshold "
                   "for pair F1 on training pairs; average-linkage clusters cut there")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"model": ctx.model, "max_length": MAX_LENGTH, "pooling": "mean, L2-normalised",
                "threshold": "train-f1", "clustering": "average linkage, cut at 1 - threshold"}

    def model_info(self, ctx: RunContext) -> dict[str, Any]:
        return model_info(ctx.model)

    def similarity(self, claims: Sequence[Mention]) -> Any:
        return zero_shot_matrix(self.ctx, [c.text for c in claims])

    def score(self, pairs: Sequence[Pair]) -> Any:
        tokenizer, model = encoder(self.ctx)
        va = embed([p.text_a for p in pairs], tokenizer, model, max_length=MAX_LENGTH)
        vb = embed([p.text_b for p in pairs], tokenizer, model, max_length=MAX_LENGTH)
        return (va * vb).sum(axis=1)
