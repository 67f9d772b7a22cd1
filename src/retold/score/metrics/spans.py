"""Span matching (exact and overlap) and BIO decoding.

A span is ``(doc_id, start, end)``, half-open, in code points.

- **exact**: a predicted span matches a gold span with the same document, start and end.
- **overlap**: a predicted span may match a gold span of the same document that shares at
  least one character with it. Matching is one-to-one: the largest set of disjoint
  (gold, predicted) pairs (maximum bipartite matching, scipy), so one long predicted span
  over three gold claims earns one true positive, not three.

Precision is matches over predicted spans, recall matches over gold spans.

``spans_from_bio`` turns one sentence's BIO tags into character spans with the conventions
of conlleval and seqeval: a chunk starts at ``B``, or at an ``I`` that follows ``O`` (or
opens the sentence); it ends before the next ``O`` or ``B``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

Span = tuple[str, int, int]


def exact_matches(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """(gold index, predicted index) of every identical pair; spans are assumed distinct."""
    where = {span: i for i, span in enumerate(gold)}
    return [(where[span], j) for j, span in enumerate(pred) if span in where]


def overlapping_pairs(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """Every (gold index, predicted index) pair of spans that share at least one character."""
    by_doc: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for j, (doc, start, end) in enumerate(pred):
        by_doc[doc].append((start, end, j))
    for spans in by_doc.values():
        spans.sort()
    starts = {doc: [s for s, _, _ in spans] for doc, spans in by_doc.items()}
    pairs = []
    for i, (doc, start, end) in enumerate(gold):
        spans = by_doc.get(doc)
        if not spans:
            continue
        # predicted spans that start before the gold span ends, and end after it starts
        stop = bisect.bisect_left(starts[doc], end)
        pairs.extend((i, j) for s, e, j in spans[:stop] if e > start)
    return pairs


def overlap_matches(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of overlapping gold and predicted spans."""
    pairs = overlapping_pairs(gold, pred)
    if not pairs:
        return []
    from scipy.sparse import csr_matrix  # here: a slow import the pair tasks never need
    from scipy.sparse.csgraph import maximum_bipartite_matching

    rows, cols = zip(*pairs, strict=True)
    graph = csr_matrix((np.ones(len(pairs), dtype=np.int8), (rows, cols)),
                       shape=(len(gold), len(pred)))
    match = maximum_bipartite_matching(graph, perm_type="column")
    return [(i, int(j)) for i, j in enumerate(match) if j >= 0]


def spans_from_bio(tags: Sequence[str], token_starts: Sequence[int],
                   token_ends: Sequence[int]) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the chunks of one sentence's BIO tags.

    Tags are ``O``, ``B`` and ``I`` (``schema.BIO_TAGS``), optionally typed (``B-X``); a typed
    ``I`` that continues a chunk of another type starts a new chunk, as in conlleval.
    """
    if not len(tags) == len(token_starts) == len(token_ends):
        raise ValueError("tags, token_starts and token_ends must have one entry per token")
    spans: list[tuple[int, int]] = []
    open_start: int | None = None
    open_type = ""
    for i, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix not in ("O", "B", "I"):
            raise ValueError(f"token {i}: {tag!r} is not a BIO tag")
        continues = prefix == "I" and open_start is not None and kind == open_type
        if open_start is not None and not continues:
            spans.append((open_start, token_ends[i - 1]))
            open_start = None
        if prefix in ("B", "I") and not continues:
            open_start, open_type = token_starts[i], kind
    if open_start is not None:
        spans.append((open_start, token_ends[len(tags) - 1]))
    return spans
