"""The saved detectors: their folder layout, and loading them for prediction.

``python -m baselines train-detectors --out DIR`` writes (and only it)::

    DIR/retold-manifest.json   every file with its SHA-256 (``retold.io.owned``)
    DIR/detectors.json         provenance: release checksum, versions, seed, settings, scores
    DIR/README.md              the model card of the three detectors together
    DIR/sources.json           the training release's source registry (known names, aliases)
    DIR/tagger/                AutoModelForTokenClassification: claim/source/cue BIO layers
    DIR/classifier/            AutoModel encoder + head.safetensors: attributed and stance
    DIR/duplicates/            AutoModel encoder: mean-pooled unit embeddings (bi-encoder)

Each model folder holds ``save_pretrained`` files, its tokenizer, a ``README.md`` card and
``retold-detector.json`` (``DETECTOR_FILE``: what the model is and how to decode it). The
folder is refused unless its manifest lists exactly its files with matching digests: an
edited or truncated detector never runs. torch and transformers are imported only when a
detector is loaded (``pip install 'retold[predict]'``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retold.errors import UNREADABLE_INPUT, InvalidInputError, Problem
from retold.io.owned import manifest_owner
from retold.predict.decode import word_tags
from retold.schema import BIO_TAGS

WRITER = "python -m baselines train-detectors"
"""The command that writes a detectors folder (named in its manifest)."""
FORMAT_VERSION = 1
DETECTOR_FILE = "retold-detector.json"
INFO_FILE = "detectors.json"
SOURCES_FILE = "sources.json"
HEAD_FILE = "head.safetensors"
PARTS = ("tagger", "classifier", "duplicates")
"""The model folders of a detectors folder, in the order they run."""
BATCH = 32


class MissingDependencyError(RuntimeError):
    """torch or transformers is not installed."""


def _torch() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as err:
        raise MissingDependencyError(
            f"retold predict needs torch and transformers ({err.name} is missing): "
            "pip install -c constraints.txt -e '.[predict]'") from None
    return torch, transformers


def _problem(folder: Path, message: str) -> InvalidInputError:
    return InvalidInputError([Problem(str(folder), "-", UNREADABLE_INPUT, message)])


def read_detector_file(folder: Path) -> dict[str, Any]:
    """A model folder's ``retold-detector.json``."""
    try:
        data = json.loads((folder / DETECTOR_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise _problem(folder, f"cannot read {DETECTOR_FILE}: {err}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
        raise _problem(folder, f"{DETECTOR_FILE} is not a retold detector of format "
                               f"{FORMAT_VERSION}")
    return data


def mean_pool(torch: Any, hidden: Any, mask: Any) -> Any:
    """Mean of the token vectors where ``mask`` is 1 (all-MiniLM-L6-v2's own pooling)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def pooled_rows(encoder: Any, tokenizer: Any, texts: Sequence[str], max_length: int,
                finish: Callable[[Any, Any], Any], width: int) -> np.ndarray:
    """``finish(torch, mean-pooled vectors)`` of ``texts``, in batches, as float32 rows
    (``width`` columns when there is no text)."""
    torch, _ = _torch()
    rows = []
    with torch.no_grad():
        for i in range(0, len(texts), BATCH):
            enc = tokenizer(list(texts[i:i + BATCH]), padding=True, truncation=True,
                            max_length=max_length, return_tensors="pt")
            hidden = encoder(input_ids=enc["input_ids"],
                             attention_mask=enc["attention_mask"]).last_hidden_state
            rows.append(finish(torch, mean_pool(torch, hidden, enc["attention_mask"]))
                        .float().numpy())
    return np.concatenate(rows) if rows else np.zeros((0, width), dtype=np.float32)


@dataclass
class Tagger:
    """Claim, source and cue spans: one BIO softmax per layer and word."""

    model: Any
    tokenizer: Any
    layers: tuple[str, ...]
    max_length: int

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[dict[str, list[tuple[str, float]]]]:
        """Per sentence (a list of words) and layer, ``(tag, probability)`` per word."""
        torch, _ = _torch()
        out = []
        with torch.no_grad():
            for i in range(0, len(sentences), BATCH):
                batch = [list(words) for words in sentences[i:i + BATCH]]
                enc = self.tokenizer(batch, is_split_into_words=True, truncation=True,
                                     max_length=self.max_length, padding=True,
                                     return_tensors="pt")
                logits = self.model(**enc).logits.float()
                shape = (*logits.shape[:2], len(self.layers), len(BIO_TAGS))
                probabilities = logits.view(shape).softmax(-1).numpy()
                for k, words in enumerate(batch):
                    out.append(word_tags(probabilities[k], enc.word_ids(k), len(words),
                                         self.layers))
        return out


@dataclass
class Classifier:
    """One encoder, mean pooling and a linear layer holding every head's classes."""

    encoder: Any
    head: Any
    tokenizer: Any
    heads: dict[str, tuple[Any, ...]]
    max_length: int

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Per head, an array (texts x the head's labels) of softmax probabilities."""
        width = sum(len(v) for v in self.heads.values())
        logits = pooled_rows(self.encoder, self.tokenizer, texts, self.max_length,
                             lambda torch, pooled: self.head(pooled), width)
        out, offset = {}, 0
        for name, labels in self.heads.items():
            part = logits[:, offset:offset + len(labels)]
            offset += len(labels)
            shifted = np.exp(part - part.max(axis=1, keepdims=True))
            out[name] = shifted / shifted.sum(axis=1, keepdims=True)
        return out


@dataclass
class DuplicateEncoder:
    """A bi-encoder: unit-length mean-pooled embeddings; a pair is a duplicate when its
    cosine reaches ``threshold`` (chosen on the training pairs, see its card)."""

    encoder: Any
    tokenizer: Any
    max_length: int
    threshold: float

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return pooled_rows(self.encoder, self.tokenizer, texts, self.max_length,
                           lambda torch, pooled: torch.nn.functional.normalize(pooled, dim=-1),
                           self.encoder.config.hidden_size)


@dataclass
class Detectors:
    folder: Path
    tagger: Tagger
    classifier: Classifier
    duplicates: DuplicateEncoder
    sources: list[dict[str, Any]]
    info: dict[str, Any]
    manifest_sha256: str


def check_detectors(folder: Path) -> str:
    """The SHA-256 of the folder's manifest, once the manifest proves every file is as
    ``train-detectors`` wrote it; ``InvalidInputError`` saying what is wrong otherwise."""
    from retold.io.owned import MANIFEST_FILE, sha256_bytes

    folder = Path(folder)
    if not folder.is_dir():
        raise _problem(folder, "is not a folder of detectors (python -m baselines "
                               "train-detectors --out DIR writes one)")
    reason = manifest_owner(WRITER)(folder)
    if reason is not None:
        raise _problem(folder, f"is not a detectors folder as {WRITER} wrote it: {reason}")
    return sha256_bytes((folder / MANIFEST_FILE).read_bytes())


def load_detectors(folder: Path, threads: int | None = None) -> Detectors:
    """The three detectors of ``folder`` (checked first, see ``check_detectors``), in eval
    mode on the CPU. ``threads`` sets torch's intra-op threads (None: torch's default)."""
    folder = Path(folder)
    digest = check_detectors(folder)
    torch, transformers = _torch()
    transformers.utils.logging.disable_progress_bar()
    if threads is not None:
        torch.set_num_threads(threads)
    from safetensors.torch import load_file

    def tokenizer(part: str) -> Any:
        return transformers.AutoTokenizer.from_pretrained(folder / part)

    tag_info = read_detector_file(folder / "tagger")
    tag_model = transformers.AutoModelForTokenClassification.from_pretrained(
        folder / "tagger").eval()
    cls_info = read_detector_file(folder / "classifier")
    encoder = transformers.AutoModel.from_pretrained(folder / "classifier").eval()
    weights = load_file(str(folder / "classifier" / HEAD_FILE))
    head = torch.nn.Linear(weights["weight"].shape[1], weights["weight"].shape[0])
    head.load_state_dict(weights)
    head.eval()
    dup_info = read_detector_file(folder / "duplicates")
    dup_encoder = transformers.AutoModel.from_pretrained(folder / "duplicates").eval()
    info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    sources = json.loads((folder / SOURCES_FILE).read_text(encoding="utf-8"))
    return Detectors(
        folder=folder,
        tagger=Tagger(tag_model, tokenizer("tagger"), tuple(tag_info["layers"]),
                      int(tag_info["max_length"])),
        classifier=Classifier(encoder, head, tokenizer("classifier"),
                              {k: tuple(v) for k, v in cls_info["heads"].items()},
                              int(cls_info["max_length"])),
        duplicates=DuplicateEncoder(dup_encoder, tokenizer("duplicates"),
                                    int(dup_info["max_length"]), float(dup_info["threshold"])),
        sources=sources, info=info, manifest_sha256=digest)
