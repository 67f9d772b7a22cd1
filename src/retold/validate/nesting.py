"""Nested claims: a claim may lie inside another claim (one level deep), never cross it.

The error codes ``claim-parent`` and ``claim-nesting-depth`` are documented in
``retold.validate.checks``; crossing or identical claim spans are ``claim-overlap``
(``retold.validate.spans``).
"""

from __future__ import annotations

from collections.abc import Iterator

from retold.errors import CLAIM_NESTING_DEPTH, CLAIM_PARENT, Problem
from retold.io.standoff import DocAnnotation, Span
from retold.validate.spans import in_range, inside, where


def check_nesting(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """A nested claim lies inside the claim it names as ``parent``, which is the innermost
    claim around it and is not nested itself; a claim inside another names it."""
    claims = {c.id: c for c in doc.claims if c.id}
    ranged = [c for c in doc.claims if in_range(c, text)]
    for claim in ranged:
        around = [c for c in ranged if c is not claim and _strictly_inside(claim, c)]
        innermost = min(around, key=lambda c: c.end - c.start, default=None)
        parent = claims.get(claim.parent) if claim.parent else None
        if claim.parent and (parent is None or parent is claim):
            yield Problem(doc.path, where(claim), CLAIM_PARENT,
                          f"parent {claim.parent!r} is not another claim of this document")
        elif parent is not None and parent.parent:
            yield Problem(doc.path, where(claim), CLAIM_NESTING_DEPTH,
                          f"the claim is nested in {parent.id!r}, which is itself nested in "
                          f"{parent.parent!r}: claims nest one level deep at most")
        elif parent is not None and not _strictly_inside(claim, parent):
            yield Problem(doc.path, where(claim), CLAIM_PARENT,
                          f"[{claim.start}, {claim.end}) does not lie inside its parent "
                          f"{parent.id!r} [{parent.start}, {parent.end})")
        elif innermost is not None and (parent is None or parent is not innermost):
            yield Problem(doc.path, where(claim), CLAIM_PARENT,
                          f"[{claim.start}, {claim.end}) lies inside claim {innermost.id!r} "
                          f"[{innermost.start}, {innermost.end}) but its parent is "
                          f"{claim.parent!r}; a nested claim names the innermost claim "
                          "around it as its parent")


def _strictly_inside(inner: Span, outer: Span) -> bool:
    return inside(inner, outer) and (inner.start, inner.end) != (outer.start, outer.end)
