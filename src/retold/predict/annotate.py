"""One document through the detectors: claims, their frame, stance, attribution and
embedding, as plain JSON-able data (so any engine can carry it between processes).

The text is split by the release's sentence rule without gold protection and tokenised by
its token rule (``retold.text``), exactly as the baselines read a held-out document. Per
sentence the tagger gives claim, nested-claim, source and cue spans (``retold.predict.decode``);
each claim's score is the mean probability of its words' tags. Claims that cannot be written
as standoff are not written and are listed under ``dropped`` with the reason: a claim that
crosses another, or one nested two deep. Each claim names the predicted source span and cue
span nearest to it in its sentence; every predicted source and cue span is kept under
``frames`` with its score (the standoff format keeps only spans a chain uses;
``retold.predict.write`` lists the others).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from retold.predict.decode import (
    CLAIM_LAYERS,
    FRAME_LAYERS,
    bio_spans,
    marked_context,
    nearest_span,
    sentence_claims,
    sentence_cover,
    sentence_tokens,
)
from retold.text.segment import split_sentences

DIGITS = 4
"""Probabilities and cosines are written rounded to this many decimals."""


def _score(words: Sequence[tuple[int, int]], tags: Sequence[tuple[str, float]], start: int,
           end: int) -> float:
    inside = [p for (s, e), (_, p) in zip(words, tags, strict=True) if start <= s and e <= end]
    return round(float(np.mean(inside)), DIGITS) if inside else 0.0


def _resolve(candidates: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Claims the standoff format can hold (no crossing; nesting one level deep, the parent
    the innermost claim around), and the rest with the reason they were left out."""
    kept: list[dict[str, Any]] = []
    dropped = []
    for c in sorted(candidates, key=lambda c: (c["start"], -c["end"], c["layer"])):
        around = [k for k in kept if k["start"] <= c["start"] and c["end"] <= k["end"]]
        if any(k["start"] == c["start"] and k["end"] == c["end"] for k in around):
            continue  # the same span from the other claim layer: one claim
        crossing = [k for k in kept if k["start"] < c["end"] and c["start"] < k["end"]
                    and k not in around]
        if crossing:
            dropped.append({**_span(c), "why": f"crosses the claim [{crossing[0]['start']}, "
                                              f"{crossing[0]['end']})"})
            continue
        if any(k["parent"] is not None for k in around):
            dropped.append({**_span(c), "why": "nested two deep (one level is allowed)"})
            continue
        parent = max(around, key=lambda k: k["start"]) if around else None
        kept.append({**c, "parent": None if parent is None else (parent["start"],
                                                                 parent["end"])})
    return kept, dropped


def _span(c: dict[str, Any]) -> dict[str, Any]:
    return {"start": c["start"], "end": c["end"], "layer": c["layer"], "score": c["score"]}


def annotate_text(detectors: Any, text: str) -> dict[str, Any]:
    """The detectors' output on one text (see the module docstring)."""
    sentences = split_sentences(text)
    tokens = sentence_tokens(text, sentences)
    spoken = [(s, w) for s, w in zip(sentences, tokens, strict=True) if w]
    tagged = detectors.tagger.tag([[text[a:b] for a, b in words] for _, words in spoken])
    candidates: list[dict[str, Any]] = []
    frames: dict[str, list[tuple[int, int, float]]] = {layer: [] for layer in FRAME_LAYERS}
    for (_, words), per_layer in zip(spoken, tagged, strict=True):
        spans = {layer: bio_spans(words, [tag for tag, _ in tags])
                 for layer, tags in per_layer.items()}
        for layer in frames:
            frames[layer] += [(s, e, _score(words, per_layer[layer], s, e))
                              for s, e in spans.get(layer, [])]
        for layer, found in sentence_claims(text, spans).items():
            candidates += [{"start": s, "end": e, "layer": layer,
                            "score": _score(words, per_layer[layer], s, e)}
                           for s, e in found if layer in CLAIM_LAYERS]
    claims, dropped = _resolve(candidates)
    contexts = [marked_context(text, sentences, c["start"], c["end"]) for c in claims]
    probabilities = detectors.classifier.probabilities(contexts)
    heads = detectors.classifier.heads
    vectors = detectors.duplicates.embed([text[c["start"]:c["end"]] for c in claims])
    out = []
    for i, c in enumerate(claims):
        lo, hi = sentence_cover(sentences, c["start"], c["end"])
        link = {}
        for layer in FRAME_LAYERS:
            near = nearest_span([(s, e) for s, e, _ in frames[layer]], lo, hi, c["start"],
                                c["end"])
            link[layer] = near
        attributed = dict(zip(heads["attributed"], probabilities["attributed"][i],
                              strict=True))
        stance = dict(zip(heads["stance"], probabilities["stance"][i], strict=True))
        out.append({"start": c["start"], "end": c["end"], "layer": c["layer"],
                    "score": c["score"], "parent": c["parent"],
                    "attributed": round(float(attributed[True]), DIGITS),
                    "stance": {k: round(float(v), DIGITS) for k, v in stance.items()},
                    "source": link["source"], "cue": link["cue"]})
    return {"claims": out, "dropped": dropped,
            "frames": {layer: [[s, e, p] for s, e, p in sorted(found)]
                       for layer, found in frames.items()},
            "vectors": encode_vectors(vectors)}


def encode_vectors(vectors: np.ndarray) -> str:
    """Embeddings as text for JSON: base64 of little-endian float32 rows (a fifth of the size
    of a list of numbers, and exact)."""
    return base64.b64encode(np.ascontiguousarray(vectors, dtype="<f4").tobytes()).decode()


def decode_vectors(text: str, rows: int) -> np.ndarray:
    """The ``rows`` embeddings ``encode_vectors`` wrote."""
    flat = np.frombuffer(base64.b64decode(text), dtype="<f4")
    return flat.reshape(rows, -1 if rows else 0).astype(np.float32)
