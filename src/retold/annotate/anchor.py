"""Turn a quote-based annotation draft into standoff offsets (``retold anchor``).

Annotators write drafts by quoting the text instead of counting code points. A draft is
JSON Lines, one object per line, of two kinds::

    {"boilerplate": "ReplyDelete", "kind": "comment_thread_control", "occ": "all"}
    {"claim": "Iran has begun to evacuate ...", "stance": "reported",
     "cluster": "evac-begins",
     "chain": [{"source": "new-york-times", "mention": "the New York Times", "cue": "reports"},
               {"source": "unnamed-sources", "mention": "sources", "cue": "citing"}],
     "note": ""}

Rules, all deterministic and none silent:

* A quote must occur in the text at word boundaries, unless the line says
  ``"boundary": false`` (for text glued to its neighbour, as in "ReplyDeleteAmong"); on a
  chain link, ``"boundary": false`` applies to its mention and cue quotes. ``occ``
  (1-based) picks the n-th occurrence; ``"occ": "all"`` (boilerplate only) takes every
  occurrence. Without ``occ`` a claim or boilerplate quote must be unique.
* A chain's ``mention`` and ``cue`` quotes take ``mention_occ`` / ``cue_occ`` the same way;
  without them the occurrence nearest to the claim span is used, and a tie is an error.
* ``mention: null`` or ``cue: null`` records a link whose source or cue is not in the text.
* The claim's ``source`` is the last link's source, or ``"author"`` for an empty chain.

Every problem is reported with the draft's line number; nothing is written unless the
whole draft anchors. The output is then checked by ``retold validate`` like any other file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from retold.errors import InvalidInputError, Problem
from retold.io.jsonio import dump_json
from retold.io.standoff import (
    Boilerplate,
    ChainLink,
    Claim,
    DocAnnotation,
    SourceMention,
    Span,
    doc_to_json,
)
from retold.schema import ANNOTATION_FORMAT_VERSION, AUTHOR


def occurrences(text: str, quote: str, boundary: bool = True) -> list[int]:
    """Start offsets of ``quote`` in ``text``; with ``boundary``, only on word boundaries."""
    if not quote:
        return []
    starts = []
    for match in re.finditer(re.escape(quote), text):
        s, e = match.start(), match.end()
        if not boundary:
            starts.append(s)
            continue
        if quote[0].isalnum() and s > 0 and text[s - 1].isalnum():
            continue
        if quote[-1].isalnum() and e < len(text) and text[e].isalnum():
            continue
        starts.append(s)
    return starts


class _Anchorer:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {line}", "anchor", message))

    def pick(self, line: int, quote: Any, occ: Any, what: str,
             near: tuple[int, int] | None = None, boundary: bool = True,
             ) -> list[tuple[int, int]]:
        if not isinstance(quote, str) or not quote:
            self.fail(line, f"{what} must be a non-empty string")
            return []
        found = occurrences(self.text, quote, boundary)
        if not found:
            hint = "" if not boundary or not occurrences(self.text, quote, False) else (
                ' (it occurs glued to a neighbouring word: add "boundary": false)')
            self.fail(line, f"{what} {quote!r} does not occur in the text{hint}")
            return []
        if occ == "all":
            return [(s, s + len(quote)) for s in found]
        if occ is not None:
            if not isinstance(occ, int) or isinstance(occ, bool) or not 1 <= occ <= len(found):
                self.fail(line, f"{what} {quote!r}: occ {occ!r} not in 1..{len(found)}")
                return []
            s = found[occ - 1]
            return [(s, s + len(quote))]
        if len(found) == 1:
            return [(found[0], found[0] + len(quote))]
        if near is None:
            self.fail(line, f"{what} {quote!r} occurs {len(found)} times; give occ")
            return []
        def gap(s: int) -> int:
            e = s + len(quote)
            return max(near[0] - e, s - near[1], 0)
        best = min(gap(s) for s in found)
        ties = [s for s in found if gap(s) == best]
        if len(ties) > 1:
            self.fail(line, f"{what} {quote!r}: {len(ties)} occurrences equally near the "
                            f"claim (offsets {ties}); give {what}_occ")
            return []
        return [(ties[0], ties[0] + len(quote))]


def anchor_draft(draft_lines: list[str], text: str, doc_id: str, file: str) -> DocAnnotation:
    """Anchor a draft's lines against ``text``; raise InvalidInputError with every problem."""
    a = _Anchorer(text, file)
    boilerplate: list[tuple[int, int, str]] = []
    claims: list[dict[str, Any]] = []
    for number, raw in enumerate(draft_lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as err:
            a.fail(number, f"invalid JSON: {err.msg}")
            continue
        if not isinstance(item, dict):
            a.fail(number, "each line must be a JSON object")
        elif "boilerplate" in item:
            for s, e in a.pick(number, item["boilerplate"], item.get("occ"), "boilerplate",
                               boundary=item.get("boundary", True) is not False):
                boilerplate.append((s, e, str(item.get("kind", ""))))
        elif "claim" in item:
            spans = a.pick(number, item["claim"], item.get("occ"), "claim",
                           boundary=item.get("boundary", True) is not False)
            if not spans:
                continue
            span = spans[0]
            links = []
            chain = item.get("chain", [])
            if not isinstance(chain, list):
                a.fail(number, "chain must be a list")
                chain = []
            for link in chain:
                if not isinstance(link, dict) or not isinstance(link.get("source"), str):
                    a.fail(number, f"chain link {link!r} needs a string 'source'")
                    continue
                resolved: dict[str, Any] = {"source": link["source"], "mention": None, "cue": None}
                for key in ("mention", "cue"):
                    if link.get(key) is not None:
                        hit = a.pick(number, link[key], link.get(f"{key}_occ"), key, near=span,
                                     boundary=link.get("boundary", True) is not False)
                        resolved[key] = hit[0] if hit else None
                links.append(resolved)
            claims.append({"line": number, "span": span, "item": item, "links": links})
        else:
            a.fail(number, "a line needs a 'claim' or a 'boilerplate' key")
    if a.problems:
        raise InvalidInputError(a.problems)
    return _assemble(text, doc_id, boilerplate, claims)


def _assemble(text: str, doc_id: str, boilerplate: list[tuple[int, int, str]],
              claims: list[dict[str, Any]]) -> DocAnnotation:
    prefix = doc_id.split("-", 1)[0]
    mention_keys = sorted({(ln["mention"], ln["source"]) for c in claims for ln in c["links"]
                           if ln["mention"] is not None})
    mention_ids = {key: f"{prefix}-s{i:02d}" for i, key in enumerate(mention_keys, start=1)}
    cue_keys = sorted({ln["cue"] for c in claims for ln in c["links"] if ln["cue"] is not None})
    cue_ids = {key: f"{prefix}-q{i:02d}" for i, key in enumerate(cue_keys, start=1)}
    out_claims = []
    ordered = sorted(claims, key=lambda c: (c["span"], c["line"]))
    for i, c in enumerate(ordered, start=1):
        s, e = c["span"]
        item = c["item"]
        chain = tuple(
            ChainLink(
                source=ln["source"],
                mention=mention_ids[(ln["mention"], ln["source"])] if ln["mention"] else None,
                cue=cue_ids[ln["cue"]] if ln["cue"] else None,
            )
            for ln in c["links"]
        )
        out_claims.append(Claim(
            id=f"{prefix}-c{i:03d}", start=s, end=e, text=text[s:e],
            stance=str(item.get("stance", "")), cluster=str(item.get("cluster", "")),
            source=chain[-1].source if chain else AUTHOR, chain=chain,
            note=str(item.get("note", "")),
        ))
    return DocAnnotation(
        path="",
        schema_version=ANNOTATION_FORMAT_VERSION,
        doc_id=doc_id,
        boilerplate=tuple(
            Boilerplate(id=f"{prefix}-b{i:02d}", start=s, end=e, text=text[s:e], kind=k)
            for i, (s, e, k) in enumerate(sorted(set(boilerplate)), start=1)
        ),
        source_mentions=tuple(
            SourceMention(id=mention_ids[(m, src)], start=m[0], end=m[1], text=text[m[0]:m[1]],
                          source=src)
            for (m, src) in mention_keys
        ),
        cues=tuple(
            Span(id=cue_ids[q], start=q[0], end=q[1], text=text[q[0]:q[1]]) for q in cue_keys
        ),
        claims=tuple(out_claims),
    )


def anchor_file(draft: Path, text: str, doc_id: str, out: Path) -> DocAnnotation:
    """Anchor ``draft`` and write the standoff JSON to ``out``."""
    lines = draft.read_text(encoding="utf-8").splitlines()
    doc = anchor_draft(lines, text, doc_id, str(draft))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dump_json(doc_to_json(doc)), encoding="utf-8")
    return doc
