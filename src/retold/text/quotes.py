"""Finding quoted strings in a text: the anchoring rules of quote-based drafts.

These are the rules of ``retold anchor`` (``retold.annotate.anchor``, which imports
``occurrences`` from here), kept at the text layer so that the validator and the builder,
which sit below ``annotate``, anchor the contrast set's drafts by the very same rules.

* A quote must occur at word boundaries (an alphanumeric first or last character may not
  touch another alphanumeric character), unless ``boundary`` is false.
* ``occ`` (1-based) picks the n-th occurrence; without it the quote must be unique, or,
  when a ``near`` span is given, the occurrence nearest to it is taken and a tie is an
  error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NOT_FOUND = "not-found"
AMBIGUOUS = "ambiguous"


def occurrences(text: str, quote: str, boundary: bool = True) -> list[int]:
    """Start offsets of ``quote`` in ``text``; with ``boundary``, only on word boundaries."""
    if not quote:
        return []
    starts = []
    for match in re.finditer(re.escape(quote), text):
        s, e = match.start(), match.end()
        if boundary:
            if quote[0].isalnum() and s > 0 and text[s - 1].isalnum():
                continue
            if quote[-1].isalnum() and e < len(text) and text[e].isalnum():
                continue
        starts.append(s)
    return starts


@dataclass(frozen=True)
class QuoteResult:
    """A quote's span, or why it has none (``NOT_FOUND`` or ``AMBIGUOUS``) and a message."""

    span: tuple[int, int] | None
    failure: str = ""
    message: str = ""


def find_quote(text: str, quote: str, occ: int | None = None, boundary: bool = True,
               near: tuple[int, int] | None = None) -> QuoteResult:
    """The span of ``quote`` in ``text`` by the rules in the module docstring."""
    found = occurrences(text, quote, boundary)
    if not found:
        glued = boundary and bool(occurrences(text, quote, False))
        hint = ' (it occurs glued to a neighbouring word: add "boundary": false)' if glued else ""
        return QuoteResult(None, NOT_FOUND, f"{quote!r} does not occur{hint}")
    if occ is not None:
        if not 1 <= occ <= len(found):
            return QuoteResult(None, NOT_FOUND,
                               f"{quote!r}: occ {occ} not in 1..{len(found)}")
        return QuoteResult((found[occ - 1], found[occ - 1] + len(quote)))
    if len(found) == 1:
        return QuoteResult((found[0], found[0] + len(quote)))
    if near is None:
        return QuoteResult(None, AMBIGUOUS, f"{quote!r} occurs {len(found)} times; give occ")

    def gap(s: int) -> int:
        return max(near[0] - (s + len(quote)), s - near[1], 0)

    best = min(gap(s) for s in found)
    ties = [s for s in found if gap(s) == best]
    if len(ties) > 1:
        return QuoteResult(None, AMBIGUOUS,
                           f"{quote!r}: {len(ties)} occurrences equally near the claim "
                           f"(offsets {ties}); give its occ")
    return QuoteResult((ties[0], ties[0] + len(quote)))


@dataclass(frozen=True)
class Quote:
    """How a draft quotes a span: the quote and the options ``find_quote`` needs for it."""

    quote: str
    occ: int | None = None
    boundary: bool = True


def quote_for_span(text: str, start: int, end: int, near: tuple[int, int] | None = None,
                   hint: Quote | None = None,
                   boundaries: tuple[bool, ...] = (True, False)) -> Quote | None:
    """The quote of ``text[start:end]`` that ``find_quote`` anchors back to that span.

    ``hint`` (the quote as a draft wrote it) is kept when it still anchors to the span, so
    an unchanged span keeps its options exactly; otherwise the fewest options are used: no
    ``occ`` when the quote is unique (or nearest to ``near``), ``boundary`` false only when
    the span touches a neighbouring word (``boundaries`` lists the ``boundary`` values to
    try, in order). None when no quote can name the span (an empty span, or an occurrence
    hidden inside an overlapping one).
    """
    if not 0 <= start < end <= len(text):
        return None
    quote = text[start:end]
    if hint is not None and hint.quote == quote and find_quote(
            text, quote, hint.occ, hint.boundary, near).span == (start, end):
        return hint
    for boundary in boundaries:
        found = occurrences(text, quote, boundary)
        if start not in found:
            continue
        if find_quote(text, quote, None, boundary, near).span == (start, end):
            return Quote(quote, None, boundary)
        return Quote(quote, found.index(start) + 1, boundary)
    return None
