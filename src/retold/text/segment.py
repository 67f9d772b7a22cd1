r"""Sentences, tokens and BIO tags for the ``tokens`` config.

Sentence segmentation rule (printed in the dataset card from ``SEGMENTATION_RULE``; a test
checks that this docstring and the constant say the same):

A document is split at every line break, and after a sentence terminator (`.`, `!` or `?`,
optionally followed by closing quotes `”` `"` `’` `'`) when it is followed by whitespace
and then an upper-case letter or an opening quote (`"` `“` `‘` `'`). A candidate split
point that falls strictly inside an annotated claim, source or cue span is suppressed, so
no annotated span is ever cut. Sentences are trimmed of surrounding whitespace; empty
lines give no sentence; lines of boilerplate only are sentences like any other (their tags
are all O). There is no abbreviation list: "Dec. 4" and "Mr. al-Assad" stay whole because
a digit or a lower-case letter follows the full stop.

Tokens are the matches of the regular expression `\w+|[^\w\s]` (runs of word characters,
or single punctuation marks), with boilerplate span boundaries as forced token breaks
("ReplyDeleteAmong" gives "ReplyDelete" and "Among"). Every claim, source and cue span
lies within one sentence and starts and ends on token boundaries (the build fails
otherwise; spans are never re-aligned). Tags are BIO per layer (claim, source, cue); a
span shared by several claims is one BIO span.

Why these rules: the BIO tags come from the standoff spans, so the split only has to be
stable and never cut an annotation. A span off token boundaries, or two different spans of
one layer sharing a token, cannot be written as BIO: the build fails naming the document
and span ids instead of moving the span.

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from retold.errors import InvalidInputError, Problem
from retold.io.standoff import DocAnnotation
from retold.schema import TOKEN_LAYERS, TOKEN_PATTERN, label_named
from retold.text.tokens import token_spans

SEGMENTATION_RULE = (
    "A document is split at every line break, and after a sentence terminator (`.`, `!` or "
    "`?`, optionally followed by closing quotes `”` `\"` `’` `'`) when it is followed by "
    "whitespace and then an upper-case letter or an opening quote (`\"` `“` `‘` `'`). A "
    "candidate split point that falls strictly inside an annotated claim, source or cue "
    "span is suppressed, so no annotated span is ever cut. Sentences are trimmed of "
    "surrounding whitespace; empty lines give no sentence; lines of boilerplate only are "
    "sentences like any other (their tags are all O). There is no abbreviation list: "
    '"Dec. 4" and "Mr. al-Assad" stay whole because a digit or a lower-case letter '
    "follows the full stop.\n\n"
    "Tokens are the matches of the regular expression `" + TOKEN_PATTERN + "` "
    "(runs of word characters, or single punctuation marks), with boilerplate span "
    'boundaries as forced token breaks ("ReplyDeleteAmong" gives "ReplyDelete" and '
    '"Among"). Every claim, source and cue span lies within one sentence and starts and '
    "ends on token boundaries (the build fails otherwise; spans are never re-aligned). Tags "
    "are BIO per layer (claim, source, cue); a span shared by several claims is one BIO span."
)

TAG_O = label_named("BIO_TAGS", "O")
TAG_B = label_named("BIO_TAGS", "B")
TAG_I = label_named("BIO_TAGS", "I")
_TERMINATOR_RE = re.compile(r"[.!?][”\"’']*")
_OPENING_QUOTES = frozenset("\"“‘'")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029")


class SpanError(ValueError):
    """A span that cannot be tagged: off token boundaries, across sentences, or overlapping."""

    def __init__(self, code: str, ids: Sequence[str], message: str) -> None:
        self.code = code
        self.ids = tuple(ids)
        super().__init__(message)


@dataclass(frozen=True)
class Sentence:
    """One sentence row: its offsets, tokens, token offsets and tags per layer."""

    start: int
    end: int
    tokens: tuple[str, ...]
    token_starts: tuple[int, ...]
    token_ends: tuple[int, ...]
    tags: dict[str, tuple[str, ...]]


def _inside(p: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s < p < e for s, e in spans)


def split_points(text: str, protected: Iterable[tuple[int, int]] = ()) -> list[int]:
    """Candidate sentence split offsets of ``text`` that are not inside a protected span."""
    spans = sorted(set(protected))
    candidates = [i for i, ch in enumerate(text) if ch in _LINE_BREAKS]
    for match in _TERMINATOR_RE.finditer(text):
        j = match.end()
        k = j
        while k < len(text) and text[k].isspace() and text[k] not in _LINE_BREAKS:
            k += 1
        if k == j or k == len(text):
            continue
        if text[k].isupper() or text[k] in _OPENING_QUOTES:
            candidates.append(j)
    return sorted(p for p in set(candidates) if not _inside(p, spans))


def split_sentences(text: str, protected: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets, trimmed, empty ones dropped (see the module rule)."""
    cuts = [0, *split_points(text, protected), len(text)]
    sentences = []
    for lo, hi in pairwise(cuts):
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if lo < hi:
            sentences.append((lo, hi))
    return sentences


def bio_tags(tokens: Sequence[tuple[int, int]],
             spans: dict[tuple[int, int], Sequence[str]]) -> list[str]:
    """BIO tags of ``tokens`` for one layer's ``spans`` ((start, end) → the ids using it).

    Every span must start at a token start and end at a token end of ``tokens``; two
    different spans may not share a token. Raises ``SpanError`` naming the span ids.
    """
    starts = {s: i for i, (s, _) in enumerate(tokens)}
    ends = {e: i for i, (_, e) in enumerate(tokens)}
    tags = [TAG_O] * len(tokens)
    owner: list[tuple[int, int] | None] = [None] * len(tokens)
    for span in sorted(spans):
        s, e = span
        ids = spans[span]
        if s not in starts or e not in ends or starts[s] > ends[e]:
            raise SpanError("token-boundary", ids,
                            f"span [{s}, {e}) does not start and end on token boundaries")
        first, last = starts[s], ends[e]
        for i in range(first, last + 1):
            if owner[i] is not None:
                other = spans[owner[i]]
                raise SpanError("bio-overlap", [*other, *ids],
                                f"spans {owner[i]} and {span} share a token; BIO cannot "
                                "represent overlapping spans of one layer")
            owner[i] = span
            tags[i] = TAG_B if i == first else TAG_I
    return tags


LayerSpans = dict[str, dict[tuple[int, int], list[str]]]
"""Per BIO layer, each distinct span ``(start, end)`` and the ids of the annotations using it."""


def layer_spans(doc: DocAnnotation) -> LayerSpans:
    """Per BIO layer, each distinct span and the ids of the annotations that have it."""
    layers: LayerSpans = {layer: {} for layer in TOKEN_LAYERS}
    sources: dict[str, list] = {"claim": list(doc.claims), "source": list(doc.source_mentions),
                                "cue": list(doc.cues)}
    for layer in TOKEN_LAYERS:
        for span in sources[layer]:
            layers[layer].setdefault((span.start, span.end), []).append(span.id)
    return layers


def sentence_tokens(text: str, sentences: Sequence[tuple[int, int]],
                    doc: DocAnnotation) -> list[list[tuple[int, int]]]:
    """The token offsets of each sentence.

    Boilerplate span edges and sentence edges are forced token breaks. Sentences are trimmed
    and whitespace makes no token, so every token falls inside exactly one sentence.
    """
    breaks = {b for bp in doc.boilerplate for b in (bp.start, bp.end)}
    breaks.update(b for span in sentences for b in span)
    per_sentence: list[list[tuple[int, int]]] = [[] for _ in sentences]
    index = 0
    for tok in token_spans(text, breaks):
        while index < len(sentences) and sentences[index][1] <= tok[0]:
            index += 1
        per_sentence[index].append(tok)
    return per_sentence


def spans_by_sentence(text: str, doc: DocAnnotation, layers: LayerSpans,
                      sentences: Sequence[tuple[int, int]],
                      problems: list[Problem]) -> list[LayerSpans]:
    """Each sentence's spans per layer; a span inside no single sentence becomes a problem."""
    by_sentence: list[LayerSpans] = [{layer: {} for layer in TOKEN_LAYERS} for _ in sentences]
    for layer, spans in layers.items():
        for (s, e), ids in spans.items():
            home = [i for i, (lo, hi) in enumerate(sentences) if lo <= s and e <= hi]
            if not home:
                problems.append(Problem(doc.path, ", ".join(ids), "sentence-boundary",
                                        f"{layer} span [{s}, {e}) {text[s:e]!r} is not inside "
                                        "one sentence"))
                continue
            by_sentence[home[0]][layer][(s, e)] = ids
    return by_sentence


def sentence_tags(text: str, doc: DocAnnotation, tokens: Sequence[tuple[int, int]],
                  spans: LayerSpans, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """BIO tags of one sentence per layer; an untaggable layer is all O and a problem."""
    tags: dict[str, tuple[str, ...]] = {}
    for layer in TOKEN_LAYERS:
        try:
            tags[layer] = tuple(bio_tags(tokens, spans[layer]))
        except SpanError as err:
            spans_text = "; ".join(
                f"[{s}, {e}) {text[s:e]!r}" for (s, e), ids in spans[layer].items()
                if set(ids) & set(err.ids)
            )
            problems.append(Problem(doc.path, ", ".join(err.ids), err.code,
                                    f"{layer} layer of {doc.doc_id}: {err} ({spans_text})"))
            tags[layer] = (TAG_O,) * len(tokens)
    return tags


def make_sentence(text: str, bounds: tuple[int, int], tokens: Sequence[tuple[int, int]],
                  tags: dict[str, tuple[str, ...]]) -> Sentence:
    """The ``Sentence`` of ``bounds`` with its token strings and offsets."""
    return Sentence(
        start=bounds[0], end=bounds[1],
        tokens=tuple(text[s:e] for s, e in tokens),
        token_starts=tuple(s for s, _ in tokens),
        token_ends=tuple(e for _, e in tokens),
        tags=tags,
    )


def segment_document(text: str, doc: DocAnnotation) -> list[Sentence]:
    """Sentences of one document with tokens and BIO tags; raise InvalidInputError if untaggable.

    Every problem of the document is collected (each names the annotation file and the span
    ids) before raising, as the validator does, so one run shows all of them: first the
    spans that lie in no single sentence, then the untaggable spans, sentence by sentence.
    """
    layers = layer_spans(doc)
    sentences = split_sentences(text, [span for spans in layers.values() for span in spans])
    tokens = sentence_tokens(text, sentences, doc)
    problems: list[Problem] = []
    spans = spans_by_sentence(text, doc, layers, sentences, problems)
    out = [make_sentence(text, bounds, toks, sentence_tags(text, doc, toks, owned, problems))
           for bounds, toks, owned in zip(sentences, tokens, spans, strict=True)]
    if problems:
        raise InvalidInputError(problems)
    return out
