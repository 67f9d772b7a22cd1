"""Tiny random models built from a config, for tests and smoke runs (no download).

``build_tiny_encoder(dir)`` writes a 2-layer BERT with a word-piece vocabulary made from the
release's own texts; ``build_tiny_causal_lm(dir)`` a 2-layer GPT-2 sharing that tokenizer.
Both load with the ``Auto*`` classes like any model folder (``--model DIR``, ``--llm DIR``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

SPECIALS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def tiny_vocab(texts: Iterable[str], size: int = 600) -> list[str]:
    """Special tokens, every character seen (alone and as ``##`` continuation), then the
    most frequent lower-cased words."""
    words: Counter[str] = Counter()
    chars: set[str] = set()
    for text in texts:
        lowered = text.lower()
        words.update(re.findall(r"\w+", lowered))
        chars.update(ch for ch in lowered if not ch.isspace())
    vocab = list(SPECIALS) + sorted(chars) + [f"##{c}" for c in sorted(chars)]
    seen = set(vocab)
    for word, _ in words.most_common():
        if len(vocab) >= size:
            break
        if word not in seen:
            vocab.append(word)
            seen.add(word)
    return vocab


def _tokenizer(folder: Path, texts: Iterable[str]):
    from transformers import BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(tiny_vocab(texts)) + "\n", encoding="utf-8")
    # transformers 5 reads the vocabulary from ``vocab`` (it ignores ``vocab_file``)
    tokenizer = BertTokenizerFast(vocab=str(folder / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(folder)
    return tokenizer


def build_tiny_encoder(folder: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A random 2-layer, 32-wide BERT and its tokenizer, saved to ``folder``."""
    import torch
    from transformers import BertConfig, BertModel

    tokenizer = _tokenizer(folder, texts)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=512)
    BertModel(config).save_pretrained(folder)
    return folder


def build_tiny_causal_lm(folder: Path, texts: Iterable[str], seed: int = 0) -> Path:
    """A random 2-layer GPT-2 with the tiny word-piece tokenizer, saved to ``folder``."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = _tokenizer(folder, texts)
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(tokenizer), n_embd=32, n_layer=2, n_head=2,
                        n_positions=2048, bos_token_id=tokenizer.cls_token_id,
                        eos_token_id=tokenizer.sep_token_id,
                        pad_token_id=tokenizer.pad_token_id)
    GPT2LMHeadModel(config).save_pretrained(folder)
    return folder
