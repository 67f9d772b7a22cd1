"""A cross-encoder for duplicate pairs: both claims in one input, a mean-pooled head.

The default sequence-classification head (the [CLS] vector) hardly learns from this few
pairs; a linear layer on the mean of the token vectors does (calibration in issue 9).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer, DataCollatorWithPadding, Trainer, set_seed

from baselines.backbone import resolve
from baselines.finetune.common import (
    ListDataset,
    TrainSettings,
    loss_history,
    quiet,
    torch_device,
    training_arguments,
    unwrap,
)


class CrossEncoder(torch.nn.Module):
    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None,
                labels=None) -> dict[str, torch.Tensor]:
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              **kwargs).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        logits = self.head(pooled).squeeze(-1)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, labels.to(logits.dtype))
        return out


@dataclass
class TrainedCrossEncoder:
    model: CrossEncoder
    tokenizer: Any
    max_length: int
    history: list[dict[str, float]]

    @torch.no_grad()
    def predict(self, pairs: Sequence[tuple[str, str]], batch_size: int = 64) -> np.ndarray:
        model = unwrap(self.model).to(torch_device())
        out = []
        for i in range(0, len(pairs), batch_size):
            chunk = pairs[i:i + batch_size]
            batch = self.tokenizer([a for a, _ in chunk], [b for _, b in chunk], padding=True,
                                   truncation=True, max_length=self.max_length,
                                   return_tensors="pt").to(torch_device())
            out.append(torch.sigmoid(model(**batch)["logits"].float()).cpu().numpy())
        return np.concatenate(out) if out else np.zeros(0)


def train_crossencoder(model_name: str, pairs: Sequence[tuple[str, str, int]],
                       settings: TrainSettings, seed: int, label: str) -> TrainedCrossEncoder:
    """Fine-tune on ``(text_a, text_b, label)`` pairs of the training documents."""
    set_seed(seed)
    path = resolve(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = CrossEncoder(AutoModel.from_pretrained(path))
    rows = []
    for a, b, y in pairs:
        enc = tokenizer(a, b, truncation=True, max_length=settings.max_length)
        rows.append({**enc, "labels": float(y)})
    steps = -(-len(rows) // settings.batch_size)
    trainer = Trainer(model=model, args=training_arguments(settings, seed, steps),
                      train_dataset=ListDataset(rows),
                      data_collator=DataCollatorWithPadding(tokenizer))
    quiet(trainer, label).train()
    return TrainedCrossEncoder(trainer.model, tokenizer, settings.max_length,
                               loss_history(trainer))
