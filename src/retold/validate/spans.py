"""Checks of one document's spans against its text: offsets, stored text, token
alignment, overlaps and line breaks. The error codes are documented in
``retold.validate.checks``.

The token rule is exactly the build's (``retold.text.segment``): a claim, source mention or
cue must start where a token starts and end where a token ends, tokens being
``retold.text.tokens.token_spans`` of the text cut at every boilerplate edge. The build's
sentence edges are token edges too (a sentence is trimmed of white space and is cut only
at a line break or after a terminator followed by white space), so they add no cut. A
start that is a token end but no token start lies on white space, and so does an end that
is a token start but no token end: ``whitespace-edge``. Any other start or end off its
kind of token edge lies inside a token: ``not-token-aligned``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from retold.errors import (
    BOILERPLATE_OVERLAP,
    CLAIM_OVERLAP,
    CROSSES_LINE,
    NOT_TOKEN_ALIGNED,
    OFFSET_OUT_OF_RANGE,
    SPAN_OVERLAP,
    SPAN_TEXT_MISMATCH,
    WHITESPACE_EDGE,
    Problem,
)
from retold.io.standoff import DocAnnotation, Span
from retold.text.tokens import token_spans


def layers(doc: DocAnnotation) -> tuple[tuple[str, str, Sequence[Span]], ...]:
    """The document's span lists: (key in the file, kind for messages, spans)."""
    return (("boilerplate", "boilerplate", doc.boilerplate),
            ("source_mentions", "source mention", doc.source_mentions),
            ("cues", "cue", doc.cues),
            ("claims", "claim", doc.claims))


def spans(doc: DocAnnotation) -> Iterator[tuple[str, Span]]:
    """Every span of a document with its kind, for messages."""
    for _, kind, items in layers(doc):
        for span in items:
            yield kind, span


def where(span: Span) -> str:
    """The span's id for a problem's ``where``, or ``-``."""
    return span.id if span.id and "id" not in span.bad else "-"


def _has_offsets(span: Span) -> bool:
    return not {"start", "end"} & span.bad


def in_range(span: Span, text: str | None) -> bool:
    """The span's offsets were read, are non-empty and (when the text is known) inside it."""
    limit = len(text) if text is not None else span.end
    return _has_offsets(span) and 0 <= span.start < span.end <= limit


def inside(inner: Span, outer: Span) -> bool:
    """``inner`` lies within ``outer`` (equal spans included)."""
    return outer.start <= inner.start and inner.end <= outer.end


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _clip(s: str, n: int = 60) -> str:
    return repr(s if len(s) <= n else s[: n - 3] + "...")


def check_spans(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """Every span-against-text problem of one document (``text`` None: not loaded)."""
    yield from _check_offsets(doc, text)
    yield from _check_alignment(doc, text)
    yield from _check_overlaps(doc, text)


def _check_offsets(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """Offsets inside the text and non-empty; stored text equal to the covered text."""
    for kind, span in spans(doc):
        if not _has_offsets(span):
            continue  # a shape problem already
        if span.start < 0 or span.start >= span.end:
            yield Problem(doc.path, where(span), OFFSET_OUT_OF_RANGE,
                          f"{kind} span [{span.start}, {span.end}) is empty, reversed or "
                          f"negative")
            continue
        if text is None:
            continue
        if span.end > len(text):
            yield Problem(doc.path, where(span), OFFSET_OUT_OF_RANGE,
                          f"{kind} span [{span.start}, {span.end}) ends past the text "
                          f"(length {len(text)})")
            continue
        covered = text[span.start:span.end]
        if "text" not in span.bad and covered != span.text:
            yield Problem(doc.path, where(span), SPAN_TEXT_MISMATCH,
                          f"{kind} stored text {_clip(span.text)} is not "
                          f"text[{span.start}:{span.end}] = {_clip(covered)}")


def _check_alignment(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """Claim, mention and cue starts on token starts, ends on token ends.

    Skipped for a document whose boilerplate could not all be read or lies outside the
    text (reported already): its token cuts are unknown.
    """
    if text is None or "boilerplate" in doc.bad:
        return
    if not all(in_range(b, text) for b in doc.boilerplate):
        return
    tokens = token_spans(text, [edge for b in doc.boilerplate for edge in (b.start, b.end)])
    starts = {s for s, _ in tokens}
    ends = {e for _, e in tokens}
    for kind, span in spans(doc):
        if kind == "boilerplate" or not in_range(span, text):
            continue
        for name, offset, edges, char in (("start", span.start, starts, span.start),
                                          ("end", span.end, ends, span.end - 1)):
            if offset in edges:
                continue
            context = f"{_clip(text[max(0, offset - 15):offset])} | " \
                      f"{_clip(text[offset:offset + 15])}"
            if text[char].isspace():
                yield Problem(doc.path, where(span), WHITESPACE_EDGE,
                              f"{kind} {name}s on white space {text[char]!r} at {char}: "
                              f"{context}; a span must {name} on a token, so trim it")
            else:
                yield Problem(doc.path, where(span), NOT_TOKEN_ALIGNED,
                              f"{kind} {name} {offset} falls inside a token: {context}")


def _check_overlaps(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """No claim, mention or cue overlaps boilerplate or crosses a line; no two claims cross
    or share a span (nesting is checked by ``retold.validate.nesting``); no two boilerplate
    spans, no two different mentions and no two different cues overlap."""
    boilerplate = [b for b in doc.boilerplate if in_range(b, text)]
    for kind, span in spans(doc):
        if kind == "boilerplate" or not in_range(span, text):
            continue
        for b in boilerplate:
            if _overlap(span, b):
                yield Problem(doc.path, where(span), BOILERPLATE_OVERLAP,
                              f"{kind} [{span.start}, {span.end}) overlaps boilerplate "
                              f"{b.id!r} [{b.start}, {b.end})")
        if text is not None and "\n" in text[span.start:span.end]:
            yield Problem(doc.path, where(span), CROSSES_LINE,
                          f"{kind} [{span.start}, {span.end}) contains a line break")
    layers: tuple[tuple[str, str, Sequence[Span], bool], ...] = (
        ("boilerplate", BOILERPLATE_OVERLAP, doc.boilerplate, False),
        ("claim", CLAIM_OVERLAP, doc.claims, False),
        ("source mention", SPAN_OVERLAP, doc.source_mentions, True),
        ("cue", SPAN_OVERLAP, doc.cues, True),
    )
    for kind, code, layer, same_allowed in layers:
        ordered = sorted((x for x in layer if in_range(x, text)),
                         key=lambda x: (x.start, x.end))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if b.start >= a.end:
                    break
                same = (a.start, a.end) == (b.start, b.end)
                if same and same_allowed:
                    continue
                nested = not same and (inside(a, b) or inside(b, a))
                if code == CLAIM_OVERLAP and nested:
                    continue  # a nested claim: retold.validate.nesting checks it
                verb = ("has the same span as" if code == CLAIM_OVERLAP else "repeats") if same \
                    else ("crosses" if code == CLAIM_OVERLAP else "overlaps")
                yield Problem(doc.path, where(b), code,
                              f"{kind} [{b.start}, {b.end}) {verb} {kind} {a.id!r} "
                              f"[{a.start}, {a.end})")
