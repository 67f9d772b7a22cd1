"""A document's text as HTML with every annotated span marked, nesting kept well-formed.

Spans may nest (a claim inside a claim, a source inside a claim) and may even cross; the
HTML must nest. Spans are opened in order of start (longest first) and closed at their
end; a span that must close while a later-opened span is still open is closed and
re-opened around it, so it is split into fragments that share its ``data-`` id. Only the
first fragment of a claim carries the focusable handle and the stance label.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Mark:
    """One span to mark: its offsets, an HTML tag with attributes, and an optional label."""

    start: int
    end: int
    order: int
    open_tag: Callable[[bool], str]
    """The opening tag; the argument says whether this is the span's first fragment."""
    close_tag: str


def render_marks(text: str, marks: Sequence[Mark]) -> str:
    """``text`` escaped, with every mark's tags inserted (split where spans cross)."""
    ordered = sorted(marks, key=lambda m: (m.start, -m.end, m.order))
    boundaries = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    stack: list[Mark] = []
    opened: set[int] = set()
    pending = list(reversed(ordered))
    for position, next_position in itertools.pairwise(boundaries):
        # close every mark that ends here (re-opening the ones above it)
        ending = [m for m in stack if m.end == position]
        if ending:
            depth = min(i for i, s in enumerate(stack) if any(s is m for m in ending))
            above = stack[depth:]
            for m in reversed(above):
                out.append(m.close_tag)
            stack = stack[:depth]
            for m in above:
                if m.end != position:
                    out.append(m.open_tag(False))
                    stack.append(m)
        while pending and pending[-1].start == position:
            m = pending.pop()
            out.append(m.open_tag(id(m) not in opened))
            opened.add(id(m))
            stack.append(m)
        out.append(escape(text[position:next_position], quote=False))
    for m in reversed(stack):
        out.append(m.close_tag)
    return "".join(out)
