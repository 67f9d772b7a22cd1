"""From a token tagger's output to annotation spans, on raw text alone (no torch here).

The fine-tuned baselines and ``retold predict`` decode the same way, with these functions:

- ``word_tags``: per word and layer, the tag and its probability, read from the tagger's
  sub-word scores (a word's tag sits on its first sub-word);
- ``bio_spans``: character spans of BIO runs;
- ``strip_frame`` and ``trim_claim``: a predicted claim span without the attribution frame
  at its edges, edge punctuation or a leading connective (the guidelines leave them out);
- ``sentence_cover``, ``marked_context`` and ``nearest_span``: a claim's sentence, the
  classifier's input (the claim between markers inside its sentence) and the predicted
  source or cue span nearest to a claim in its sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from retold.schema import BIO_TAGS, label_named
from retold.text.tokens import token_spans

MARK_OPEN, MARK_CLOSE = "<<", ">>"
"""Plain-text markers put around the claim inside its sentence (the vocabulary has them)."""
FRAME_LAYERS = (label_named("TOKEN_LAYERS", "source"), label_named("TOKEN_LAYERS", "cue"))
"""Predicted spans that frame a claim; the guidelines keep them out of the claim span."""
CLAIM_LAYERS = (label_named("TOKEN_LAYERS", "claim"),
                label_named("TOKEN_LAYERS", "nested_claim"))
TAG_O = label_named("BIO_TAGS", "O")
"""The token layers that hold claims: top-level and nested (``schema.TOKEN_LAYERS``)."""

Spans = list[tuple[int, int]]


def word_tags(probabilities: np.ndarray, word_ids: Sequence[int | None], n_words: int,
              layers: Sequence[str]) -> dict[str, list[tuple[str, float]]]:
    """Per layer, ``(tag, probability)`` of each of ``n_words`` words.

    ``probabilities`` has shape (sub-words, layers, tags): each layer's softmax over
    ``BIO_TAGS``. A word's tag is the most probable one on its first sub-word; a word cut
    off by the length limit (no sub-word) is ``O`` with probability 1.
    """
    out = {layer: [(TAG_O, 1.0)] * n_words for layer in layers}
    previous = None
    for position, wid in enumerate(word_ids):
        if wid is not None and wid != previous:
            for k, layer in enumerate(layers):
                best = int(np.argmax(probabilities[position, k]))
                out[layer][wid] = (BIO_TAGS[best], float(probabilities[position, k, best]))
        previous = wid
    return out


def bio_spans(offsets: Sequence[tuple[int, int]], tags: Sequence[str]) -> Spans:
    """Character spans of BIO runs over word ``offsets`` (an I after O starts a span)."""
    spans: Spans = []
    start = end = None
    for (s, e), tag in zip(offsets, tags, strict=True):
        if tag == "B" or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, end))
            start, end = s, e
        elif tag == "I":
            end = e
        else:
            if start is not None:
                spans.append((start, end))
            start = end = None
    if start is not None:
        spans.append((start, end))
    return spans


_QUOTES = "\"'\u201c\u201d\u2018\u2019"
_LEADING = re.compile(rf"(?:(?:that|and|but|while|as)\s+|[,;:.\s{_QUOTES}]+)+", re.IGNORECASE)
_TAIL = rf"[,;:.!?\s{_QUOTES}]"
"""What may close a claim span's sentence after it: punctuation, spaces, quotes."""
_TRAILING = re.compile(rf"{_TAIL}+$")
_TAIL_GAP = re.compile(rf"{_TAIL}*")
_GAP = re.compile(rf"[,;:\s{_QUOTES}]*")


def strip_frame(text: str, start: int, end: int, frame: Spans) -> tuple[int, int]:
    """A predicted claim span without the attribution frame (predicted source and cue spans)
    that opens or closes it: "According to the paper, X" and "X, the paper
    reported" both give X. Frame spans count only as a run at the span's edge, separated by
    punctuation or spaces; a frame span in the middle of the claim is left alone."""
    inside = [(a, b) for a, b in frame if start <= a and b <= end and (a, b) != (start, end)]
    for a, b in inside:  # the opening run
        if _GAP.fullmatch(text, start, a):
            start = b
    for a, b in reversed(inside):  # the closing run
        if a >= start and _TAIL_GAP.fullmatch(text, b, end):
            end = a
    return start, max(start, end)


def trim_claim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A predicted claim span without edge punctuation or a leading connective (the
    guidelines leave both out of claim spans); None if nothing is left."""
    lead = _LEADING.match(text, start, end)
    if lead:
        start = lead.end()
    tail = _TRAILING.search(text, start, end)
    if tail:
        end = tail.start()
    return (start, end) if start < end else None


def sentence_claims(text: str, per_layer: dict[str, Spans]) -> dict[str, Spans]:
    """One sentence's claim spans per claim layer, each without its frame (the predicted
    source and cue spans of the sentence), edge punctuation or a leading connective; a
    span left empty is gone. Only the raw text and the tagger's output go in."""
    frame = sorted(span for layer in per_layer if layer in FRAME_LAYERS
                   for span in per_layer[layer])
    out: dict[str, Spans] = {}
    for layer, spans in per_layer.items():
        if "claim" in layer:
            kept = (trim_claim(text, *strip_frame(text, *span, frame)) for span in spans)
            out[layer] = sorted({t for t in kept if t})
    return out


def claim_spans(text: str, sentences: Sequence[dict[str, Spans]]) -> Spans:
    """The claim spans of a tagged document (every claim layer, sorted, each once): see
    ``sentence_claims``."""
    return sorted({span for per_layer in sentences
                   for spans in sentence_claims(text, per_layer).values() for span in spans})


def sentence_tokens(text: str, sentences: Sequence[tuple[int, int]]
                    ) -> list[list[tuple[int, int]]]:
    """The tokens of each of ``sentences`` (the release's token rule, with every sentence
    edge a token break), from the raw text alone."""
    tokens = token_spans(text, {b for s in sentences for b in s})
    return [[t for t in tokens if lo <= t[0] and t[1] <= hi] for lo, hi in sentences]


def sentence_cover(sentences: Sequence[tuple[int, int]], start: int, end: int
                   ) -> tuple[int, int]:
    """The smallest run of ``sentences`` (sorted spans) that covers ``[start, end)``."""
    inside = [(s, e) for s, e in sentences if s < end and start < e]
    if not inside:
        return start, end
    return min(inside[0][0], start), max(inside[-1][1], end)


def marked_context(text: str, sentences: Sequence[tuple[int, int]], start: int, end: int,
                   window: int = 100) -> str:
    """The claim's sentence with the claim between markers, clipped to ``window`` chars
    either side of the claim (at a space) so that long caption runs keep the claim."""
    lo, hi = sentence_cover(sentences, start, end)
    if start - lo > window:
        cut = text.find(" ", start - window, start)
        lo = cut + 1 if cut >= 0 else start - window
    if hi - end > window:
        cut = text.rfind(" ", end, end + window)
        hi = cut if cut >= 0 else end + window
    return " ".join(
        f"{text[lo:start]}{MARK_OPEN} {text[start:end]} {MARK_CLOSE}{text[end:hi]}".split()
    )


def nearest_span(candidates: Spans, lo: int, hi: int, start: int, end: int
                 ) -> tuple[int, int] | None:
    """The candidate inside ``[lo, hi)`` (the claim's sentence), not overlapping the claim
    ``[start, end)``, nearest to it (the earlier one on a tie); None if there is none."""
    best = None
    for s, e in candidates:
        if s < lo or e > hi or (s < end and start < e):
            continue
        distance = start - e if e <= start else s - end
        if best is None or distance < best[0]:
            best = (distance, (s, e))
    return best[1] if best else None
