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
    """Unit-length embeddings of ``texts`` (rows in input order)."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(texts), batch_size):
        batch = tokenizer(list(texts[i:i + batch_size]), padding=True, truncation=True,
                          max_length=max_length, return_tensors="pt").to(device)
        hidden = model(input_ids=batch["input_ids"],
                       attention_mask=batch["attention_mask"]).last_hidden_state
        out.append(mean_pool(hidden, batch["attention_mask"]).float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, model.config.hidden_size))
