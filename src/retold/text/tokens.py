"""Tokenisation shared by the validator and the builder.

Tokens are the matches of ``schema.TOKEN_PATTERN`` (runs of word characters, or single
punctuation marks). Boilerplate in scraped text is often glued to the next word
("ReplyDeleteAmong"), so the boundaries of boilerplate spans are *forced* token breaks:
the pattern is applied separately to each stretch of text between consecutive breaks.
Without forced breaks, ``token_spans`` is exactly ``re.finditer(TOKEN_PATTERN, text)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from retold.schema import TOKEN_PATTERN

_TOKEN_RE = re.compile(TOKEN_PATTERN)


def token_spans(text: str, breaks: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Half-open ``(start, end)`` offsets of the tokens of ``text``, split at ``breaks``."""
    cuts = sorted({0, len(text), *(b for b in breaks if 0 < b < len(text))})
    spans: list[tuple[int, int]] = []
    for lo, hi in pairwise(cuts):
        spans.extend((m.start() + lo, m.end() + lo) for m in _TOKEN_RE.finditer(text[lo:hi]))
    return spans

