"""A bi-encoder fine-tuned with in-batch negatives (multiple-negatives ranking loss).

Each training example is a positive pair of claims of the training documents (same
cluster). In a batch of B pairs, a's embedding must score its own b above the other B-1
b's (and the reverse); other pairs of the same cluster are masked out, not counted as
negatives. Embeddings are mean-pooled and unit length, so scores are cosines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer, Trainer, set_seed

from baselines.backbone import resolve
from baselines.encoder import embed, mean_pool
from baselines.finetune.common import (
    ListDataset,
    TrainSettings,
    loss_history,
    quiet,
    torch_device,
    training_arguments,
    unwrap,
)

SCALE = 20.0
"""Cosines are multiplied by this before the softmax (sentence-transformers' default)."""


class BiEncoder(torch.nn.Module):
    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return mean_pool(hidden.last_hidden_state, attention_mask)

    def forward(self, a_input_ids, a_attention_mask, b_input_ids, b_attention_mask,
                cluster) -> dict[str, torch.Tensor]:
        a = self.encode(a_input_ids, a_attention_mask)
        b = self.encode(b_input_ids, b_attention_mask)
        logits = SCALE * a @ b.T
        same = cluster.unsqueeze(0) == cluster.unsqueeze(1)
        eye = torch.eye(len(cluster), dtype=torch.bool, device=logits.device)
        logits = logits.masked_fill(same & ~eye, float("-inf"))
        target = torch.arange(len(cluster), device=logits.device)
        loss = (torch.nn.functional.cross_entropy(logits, target)
                + torch.nn.functional.cross_entropy(logits.T, target)) / 2
        return {"loss": loss}


class PairCollator:
    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        batch: dict[str, torch.Tensor] = {}
        for side in ("a", "b"):
            padded = self.tokenizer.pad([{"input_ids": r[f"{side}_input_ids"]} for r in rows],
                                        return_tensors="pt")
            batch[f"{side}_input_ids"] = padded["input_ids"]
            batch[f"{side}_attention_mask"] = padded["attention_mask"]
        batch["cluster"] = torch.tensor([r["cluster"] for r in rows])
        return batch


@dataclass
class TrainedBiEncoder:
    model: BiEncoder
    tokenizer: Any
    max_length: int
    history: list[dict[str, float]]
    vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """Every text embedded so far, by text: the fold's models share one trained encoder
    (``finetuned._cached``), and each text is embedded once for all of them."""

    def embeddings(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (rows in input order). Texts not seen before
        are embedded once each, in order of first appearance."""
        new = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if new:
            encoder = unwrap(self.model).encoder.to(torch_device())
            found = embed(new, self.tokenizer, encoder, max_length=self.max_length)
            self.vectors.update(zip(new, found, strict=True))
        if not texts:
            return np.zeros((0, unwrap(self.model).encoder.config.hidden_size))
        return np.stack([self.vectors[t] for t in texts])

    def similarity_matrix(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self.embeddings(texts)
        return vectors @ vectors.T

    def pair_scores(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The cosine of each pair ``(text_a, text_b)``."""
        a = self.embeddings([x for x, _ in pairs])
        b = self.embeddings([y for _, y in pairs])
        return np.einsum("ij,ij->i", a, b)


def train_biencoder(model_name: str, pairs: Sequence[tuple[str, str, str]],
                    settings: TrainSettings, seed: int, label: str) -> TrainedBiEncoder:
    """Fine-tune on positive pairs ``(text_a, text_b, cluster_id)`` of training documents."""
    set_seed(seed)
    path = resolve(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = BiEncoder(AutoModel.from_pretrained(path))
    clusters = {c: i for i, c in enumerate(sorted({p[2] for p in pairs}))}

    def ids(text: str) -> list[int]:
        return tokenizer(text, truncation=True, max_length=settings.max_length)["input_ids"]

    rows = [{"a_input_ids": ids(a), "b_input_ids": ids(b), "cluster": clusters[c]}
            for a, b, c in pairs]
    steps = -(-len(rows) // settings.batch_size)
    trainer = Trainer(model=model,
                      args=training_arguments(settings, seed, steps, group_by_length=False,
                                              remove_unused_columns=False),
                      train_dataset=ListDataset(rows), data_collator=PairCollator(tokenizer))
    quiet(trainer, label).train()
    return TrainedBiEncoder(trainer.model, tokenizer, settings.max_length, loss_history(trainer))
