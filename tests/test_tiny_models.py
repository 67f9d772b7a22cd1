"""The tiny random models the tests train and prompt: their tokenizer must read the corpus
(a tokenizer that maps every word to [UNK] would make every model test vacuous). Oracle: the
vocabulary file the builder writes, read back line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("transformers")

from transformers import AutoTokenizer

from baselines.tiny import build_tiny_causal_lm, build_tiny_encoder
from retold.io.release import read_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("build", [build_tiny_encoder, build_tiny_causal_lm])
def test_the_tiny_tokenizer_reads_the_corpus(build: object, tmp_path: Path) -> None:
    texts = [d["text"] for d in read_config(ROOT / "release", "documents")]
    folder = build(tmp_path / "model", texts)  # type: ignore[operator]
    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")[:-1]
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert len(tokenizer) == len(vocab) > 100
    words = "Iran denied the report".lower().split()
    assert "iran" in vocab and "the" in vocab
    pieces = tokenizer.tokenize("Iran denied the report")
    assert "[UNK]" not in pieces
    assert pieces[0] == "iran" and "the" in pieces
    # every piece is a vocabulary entry, and the pieces spell the words again
    assert all(p in vocab for p in pieces)
    assert "".join(p.removeprefix("##") for p in pieces) == "".join(words)
