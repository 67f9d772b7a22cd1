"""Sequence classification of a claim marked inside its sentence (attributed; stance)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    Trainer,
    set_seed,
)

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


@dataclass
class TrainedClassifier:
    model: Any
    tokenizer: Any
    labels: tuple[Any, ...]
    max_length: int
    history: list[dict[str, float]]

    @torch.no_grad()
    def predict_proba(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        model = unwrap(self.model).to(torch_device())
        out = []
        for i in range(0, len(texts), batch_size):
            batch = self.tokenizer(list(texts[i:i + batch_size]), padding=True,
                                   truncation=True, max_length=self.max_length,
                                   return_tensors="pt").to(torch_device())
            out.append(torch.softmax(model(**batch).logits.float(), -1).cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, len(self.labels)))

    def predict(self, texts: Sequence[str]) -> list[Any]:
        if not len(texts):
            return []
        return [self.labels[i] for i in self.predict_proba(texts).argmax(-1)]


def train_classifier(model_name: str, texts: Sequence[str], labels: Sequence[Any],
                     label_set: Sequence[Any], settings: TrainSettings, seed: int,
                     label: str) -> TrainedClassifier:
    """Fine-tune ``AutoModelForSequenceClassification`` on (text, label) with the Trainer.

    ``label_set`` fixes the class order (all classes get an output, seen or not).
    """
    set_seed(seed)
    path = resolve(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    label_set = tuple(label_set)
    index = {v: i for i, v in enumerate(label_set)}
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(label_set),
        id2label={i: str(v) for i, v in enumerate(label_set)},
        label2id={str(v): i for i, v in enumerate(label_set)})
    encoded = tokenizer(list(texts), truncation=True, max_length=settings.max_length)
    rows = [{"input_ids": ids, "attention_mask": mask, "labels": index[y]}
            for ids, mask, y in zip(encoded["input_ids"], encoded["attention_mask"], labels,
                                    strict=True)]
    steps = -(-len(rows) // settings.batch_size)
    trainer = Trainer(model=model, args=training_arguments(settings, seed, steps),
                      train_dataset=ListDataset(rows),
                      data_collator=DataCollatorWithPadding(tokenizer),
                      processing_class=tokenizer)
    quiet(trainer, label).train()
    return TrainedClassifier(trainer.model, tokenizer, label_set, settings.max_length,
                             loss_history(trainer))
