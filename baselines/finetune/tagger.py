"""Token classification of claim, source and cue spans: one encoder, one BIO head per layer.

The layers are the release's (``schema.TOKEN_LAYERS``: claim, source, cue, and any layer
added later, such as nested claims). One ``AutoModelForTokenClassification`` has
3 x (number of layers) outputs per token; the loss is the sum of one cross-entropy per
layer. Words are the release's tokens; a word's label sits on its first sub-word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
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
from retold.predict.decode import word_tags
from retold.schema import BIO_TAGS, TOKEN_LAYERS

N_TAGS = len(BIO_TAGS)
IGNORE = -100


class LayeredTrainer(Trainer):
    """Cross-entropy per layer on logits reshaped to (batch, tokens, layers, tags)."""

    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        batch, length, _ = outputs.logits.shape
        logits = outputs.logits.view(batch, length, -1, N_TAGS)
        layers = logits.shape[2]
        labels = labels.view(batch, length, layers)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, N_TAGS), labels.reshape(-1),
                                                 ignore_index=IGNORE) * layers
        return (loss, outputs) if return_outputs else loss


def layers_of(rows: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """The schema's token layers that the ``tokens`` rows carry (``<layer>_tags``)."""
    if not rows:
        return TOKEN_LAYERS
    return tuple(layer for layer in TOKEN_LAYERS if f"{layer}_tags" in rows[0])


def _align(word_ids: list[int | None], word_tags: list[list[int]], layers: int) -> list[int]:
    labels: list[int] = []
    previous = None
    for wid in word_ids:
        if wid is None or wid == previous:
            labels.extend([IGNORE] * layers)
        else:
            labels.extend(word_tags[wid])
        previous = wid
    return labels


@dataclass
class TrainedTagger:
    model: Any
    tokenizer: Any
    layers: tuple[str, ...]
    max_length: int
    history: list[dict[str, float]]

    @torch.no_grad()
    def predict_words(self, sentences: Sequence[Sequence[str]]) -> list[dict[str, list[str]]]:
        """Per sentence and layer, one BIO tag name per word (words past the length are O)."""
        return [{layer: [tag for tag, _ in tags] for layer, tags in per_layer.items()}
                for per_layer in self.predict_scored(sentences)]

    @torch.no_grad()
    def predict_scored(self, sentences: Sequence[Sequence[str]]
                       ) -> list[dict[str, list[tuple[str, float]]]]:
        """Per sentence and layer, ``(tag, probability)`` per word (``decode.word_tags``)."""
        model = unwrap(self.model).to(torch_device())
        out = []
        for words in sentences:
            enc = self.tokenizer(list(words), is_split_into_words=True, truncation=True,
                                 max_length=self.max_length, return_tensors="pt")
            logits = model(**enc.to(torch_device())).logits[0].float()
            probabilities = logits.view(logits.shape[0], len(self.layers), N_TAGS).softmax(-1)
            out.append(word_tags(probabilities.cpu().numpy(), enc.word_ids(0), len(words),
                                 self.layers))
        return out


def train_tagger(model_name: str, rows: Sequence[dict[str, Any]], settings: TrainSettings,
                 seed: int, label: str) -> TrainedTagger:
    """Fine-tune on the ``tokens`` rows of the training documents."""
    set_seed(seed)
    path = resolve(model_name)
    tokenizer = AutoTokenizer.from_pretrained(path)
    layers = layers_of(rows)
    index = {t: i for i, t in enumerate(BIO_TAGS)}
    model = AutoModelForTokenClassification.from_pretrained(path,
                                                            num_labels=N_TAGS * len(layers))
    examples = []
    for row in rows:
        word_tags = [[index[row[f"{layer}_tags"][w]] for layer in layers]
                     for w in range(len(row["tokens"]))]
        enc = tokenizer(row["tokens"], is_split_into_words=True, truncation=True,
                        max_length=settings.max_length)
        examples.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                         "labels": _align(enc.word_ids(), word_tags, len(layers))})
    collator = _FlatCollator(tokenizer, len(layers))
    steps = -(-len(examples) // settings.batch_size)
    trainer = LayeredTrainer(model=model, args=training_arguments(settings, seed, steps),
                             train_dataset=ListDataset(examples), data_collator=collator,
                             processing_class=tokenizer)
    quiet(trainer, label).train()
    return TrainedTagger(trainer.model, tokenizer, layers, settings.max_length,
                         loss_history(trainer))


class _FlatCollator:
    """Pads input ids, and labels (tokens x layers, flattened) with -100 to the same length."""

    def __init__(self, tokenizer: Any, layers: int) -> None:
        self.tokenizer = tokenizer
        self.layers = layers

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        padded = self.tokenizer.pad([{"input_ids": r["input_ids"],
                                      "attention_mask": r["attention_mask"]} for r in rows],
                                    return_tensors="pt")
        length = padded["input_ids"].shape[1]
        labels = [r["labels"] + [IGNORE] * (length * self.layers - len(r["labels"]))
                  for r in rows]
        padded["labels"] = torch.tensor(labels)
        return dict(padded)
