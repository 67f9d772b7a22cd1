"""Sentence embeddings with a transformer encoder: mean pooling over tokens, unit length.

This is all-MiniLM-L6-v2's own pooling (its ``1_Pooling/config.json`` says mean tokens;
sentence-transformers then normalises), done with the plain ``AutoModel`` so that any
encoder id works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from baselines.backbone import resolve
from retold.predict.detectors import mean_pool as masked_mean


def load_encoder(model: str) -> tuple[Any, Any]:
    """Tokenizer and ``AutoModel`` of ``model`` (a name from ``baselines.backbone``)."""
    from transformers import AutoModel, AutoTokenizer

    path = resolve(model)
    return AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token vectors where ``mask`` is 1 (``detectors.mean_pool``), then
    L2-normalised."""
    return torch.nn.functional.normalize(masked_mean(torch, hidden, mask), dim=-1)


@torch.no_grad()
def embed(texts: Sequence[str], tokenizer: Any, model: Any, *, max_length: int = 64,
          batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (rows in input order). The texts run in batches of
    similar length (sorted by token count), so a batch pads little; a text's vector does
    not depend on the others in its batch (the attention mask hides the padding)."""
    model.eval()
    device = next(model.parameters()).device
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    if not texts:
        return out
    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        batch = tokenizer.pad({"input_ids": [ids[i] for i in rows]},
                              return_tensors="pt").to(device)
        hidden = model(input_ids=batch["input_ids"],
                       attention_mask=batch["attention_mask"]).last_hidden_state
        out[rows] = mean_pool(hidden, batch["attention_mask"]).float().cpu().numpy()
    return out
