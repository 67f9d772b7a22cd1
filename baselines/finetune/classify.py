"""Sequence classification of a claim marked inside its sentence: one encoder, one head per
label set (attributed: 2 classes; stance: 4), trained together.

The head is a linear layer on the mean of the token vectors (all-MiniLM-L6-v2 was trained
for mean pooling; a head on its [CLS]/pooler output learns far worse from 120 examples:
attributed F1 .58 against .8+ here). Its outputs are all heads' classes side by side; the
loss is the sum of one cross-entropy per head over its slice. One model serves both tasks,
which halves the training time of two separate classifiers.
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
from retold.predict.detectors import mean_pool


def _slices(heads: dict[str, tuple[Any, ...]]) -> dict[str, slice]:
    out, offset = {}, 0
    for name, labels in heads.items():
        out[name] = slice(offset, offset + len(labels))
        offset += len(labels)
    return out


class MeanPooledClassifier(torch.nn.Module):
    """An encoder, mean pooling, dropout and one linear layer for all heads' classes."""

    def __init__(self, encoder: Any, slices: list[slice], dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.slices = slices
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(encoder.config.hidden_size, slices[-1].stop)

    def forward(self, input_ids, attention_mask, token_type_ids=None,
                labels=None) -> dict[str, torch.Tensor]:
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              **kwargs).last_hidden_state
        logits = self.head(self.dropout(mean_pool(torch, hidden, attention_mask)))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = sum(torch.nn.functional.cross_entropy(logits[:, part], labels[:, k])
                              for k, part in enumerate(self.slices))
        return out


@dataclass
class TrainedClassifier:
    model: Any
    tokenizer: Any
    heads: dict[str, tuple[Any, ...]]
    max_length: int
    history: list[dict[str, float]]

    @torch.no_grad()
    def logits(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        model = unwrap(self.model).to(torch_device())
        out = []
        for i in range(0, len(texts), batch_size):
            batch = self.tokenizer(list(texts[i:i + batch_size]), padding=True,
                                   truncation=True, max_length=self.max_length,
                                   return_tensors="pt").to(torch_device())
            out.append(model(**batch)["logits"].float().cpu().numpy())
        width = sum(len(v) for v in self.heads.values())
        return np.concatenate(out) if out else np.zeros((0, width))

    def predict(self, texts: Sequence[str]) -> dict[str, list[Any]]:
        """Per head, the argmax label of each text."""
        if not len(texts):
            return {name: [] for name in self.heads}
        logits = self.logits(texts)
        return {name: [self.heads[name][i] for i in logits[:, part].argmax(-1)]
                for name, part in _slices(self.heads).items()}


def train_classifier(model_name: str, texts: Sequence[str],
                     targets: dict[str, tuple[Sequence[Any], Sequence[Any]]],
                     settings: TrainSettings, seed: int, label: str) -> TrainedClassifier:
    """Fine-tune one encoder with a head per entry of ``targets``: name -> (labels of the
    texts, the label set in output order; every class gets an output, seen or not)."""
    set_seed(seed)
    path = resolve(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    heads = {name: tuple(label_set) for name, (_, label_set) in targets.items()}
    model = MeanPooledClassifier(AutoModel.from_pretrained(path),
                                 list(_slices(heads).values()))
    encoded = tokenizer(list(texts), truncation=True, max_length=settings.max_length)
    indices = [[heads[name].index(y) for y in labels] for name, (labels, _) in targets.items()]
    rows = [{"input_ids": ids, "attention_mask": mask, "labels": [col[i] for col in indices]}
            for i, (ids, mask) in enumerate(zip(encoded["input_ids"],
                                                encoded["attention_mask"], strict=True))]
    steps = -(-len(rows) // settings.batch_size)
    trainer = Trainer(model=model, args=training_arguments(settings, seed, steps),
                      train_dataset=ListDataset(rows),
                      data_collator=DataCollatorWithPadding(tokenizer),
                      processing_class=tokenizer)
    quiet(trainer, label).train()
    return TrainedClassifier(trainer.model, tokenizer, heads, settings.max_length,
                             loss_history(trainer))
