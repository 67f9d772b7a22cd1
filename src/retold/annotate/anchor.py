"""Turn a quote-based annotation draft into standoff offsets (``retold anchor``).

Annotators write drafts by quoting the text instead of counting code points. A draft is
JSON Lines, one object per line, of two kinds::

    {"id": "004-b01", "boilerplate": "Read Entire Article", "kind": "aggregator_residue"}
    {"boilerplate": "ReplyDelete", "kind": "comment_thread_control", "occ": "all",
     "ids": ["000-b01", "000-b02"]}
    {"id": "004-c002", "claim": "Iran has begun to evacuate ...", "stance": "reported",
     "cluster": "evac-begins",
     "chain": [{"source": "new-york-times", "mention": "the New York Times",
                "mention_id": "004-s02", "cue": "reports", "cue_id": "004-q02"},
               {"source": "unnamed-sources", "mention": "sources", "mention_id": "004-s03",
                "cue": "citing", "cue_id": "004-q03"}],
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
* A claim nested inside another claim's span (a gloss inside the claim it glosses) names
  it with ``"parent": "<claim id>"``; the validator checks that the span lies inside the
  parent's and that the parent is not nested itself.

Ids never move. Every id is written in the draft once and copied into the standoff file;
nothing is numbered by position, so adding, removing or editing one annotation changes no
other id. The form is ``<prefix>-<letter><number>`` (``retold.io.ids``): ``c`` claims,
``b`` boilerplate, ``s`` source mentions, ``q`` cues, the prefix being the document id up
to its first hyphen.

* A claim line carries ``"id"``; a chain link carries ``"mention_id"`` with its mention
  quote and ``"cue_id"`` with its cue quote (neither when the quote is null). A source
  mention is its span and its source: every link that quotes the same mention of the same
  source gives the same id, and so does every link that quotes the same cue.
* A boilerplate line carries ``"id"``; an ``"occ": "all"`` line carries ``"ids"``, one per
  occurrence in text order, and a count that differs from the occurrences is an error.
* A line without its id, an id of the wrong form (another document's prefix, the wrong
  kind letter), an id given to two lines or two different spans, and a span given two
  ids are errors.
* A new annotation gets a new id from ``retold next-id DOC KIND``, which records it in the
  annotation set's registry ``ids.json``. A removed annotation's id is added to the
  registry's ``retired`` list and never used again. A split claim keeps its id on one
  part; the other part gets a new id. ``retold validate`` checks the standoff files
  against the registry: every id in use was issued, no retired id is in use, and every
  issued id is in use or retired.

Every problem is reported with the draft's line number; nothing is written unless the
whole draft anchors. The output is then checked by ``retold validate`` like any other file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.errors import ANCHOR, InvalidInputError, Problem
from retold.io.ids import ID_LETTERS, id_error
from retold.io.jsonio import dump_json
from retold.io.owned import refusal, write_file
from retold.io.standoff import (
    DOC_KEYS,
    Boilerplate,
    ChainLink,
    Claim,
    DocAnnotation,
    SourceMention,
    Span,
    doc_to_json,
)
from retold.schema import AUTHOR, SCHEMA_VERSION
from retold.text.quotes import occurrences

Offsets = tuple[int, int]




# --------------------------------------------------------------------------------------
# What a draft resolves to.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Link:
    """A chain link with the ids of its mention and cue (None when not in the text)."""

    source: str
    mention: str | None
    cue: str | None


@dataclass(frozen=True)
class _ClaimLine:
    """A claim line: its id, span, the draft object and the resolved chain."""

    id: str
    span: Offsets
    line: int
    item: dict[str, Any]
    links: tuple[_Link, ...]


class _IdTable:
    """The spans of one kind and the ids the draft gives them: one id per span and one span
    per id. ``shared`` kinds (mentions, cues) may be named by several lines with one id."""

    def __init__(self, what: str, shared: bool, describe: Callable[[Any], str]) -> None:
        self.what = what
        self.shared = shared
        self.describe = describe
        self.by_id: dict[str, tuple[Any, int]] = {}
        self.by_key: dict[Any, tuple[str, int]] = {}

    def bind(self, line: int, span_id: str, key: Any) -> str | None:
        """Record that ``line`` gives the span ``key`` the id ``span_id``; why not, if that
        conflicts. A ``key`` of None (the quote was not found) only reserves the id."""
        first = self.by_id.get(span_id)
        if first is not None and (not self.shared or first[0] is None or key is None):
            return f"duplicate {self.what} id {span_id!r} (also on line {first[1]})"
        if key is None:
            self.by_id[span_id] = (None, line)
            return None
        if first is not None:
            if first[0] == key:
                return None
            return (f"{self.what} id {span_id!r} names two different {self.what}s: "
                    f"{self.describe(key)} here and {self.describe(first[0])} on line "
                    f"{first[1]}")
        if key in self.by_key:
            other_id, other_line = self.by_key[key]
            return (f"{self.what} {self.describe(key)} has two ids: {span_id!r} here and "
                    f"{other_id!r} on line {other_line}")
        self.by_id[span_id] = (key, line)
        self.by_key[key] = (span_id, line)
        return None

    def items(self) -> list[tuple[Any, str]]:
        """Every (span key, id), sorted by span key."""
        return sorted((key, span_id) for key, (span_id, _) in self.by_key.items())


class _Anchorer:
    """The state of one draft being anchored: resolved spans, their ids, and the problems."""

    def __init__(self, text: str, doc_id: str, file: str) -> None:
        self.text = text
        self.doc_id = doc_id
        self.file = file
        self.problems: list[Problem] = []
        self.claims: list[_ClaimLine] = []
        self.boilerplate_kinds: dict[Offsets, str] = {}
        self.claim_ids = _IdTable("claim", False, self.describe)
        self.boilerplate_ids = _IdTable("boilerplate", False, self.describe)
        self.mention_ids = _IdTable("mention", True, self.describe)
        self.cue_ids = _IdTable("cue", True, self.describe)

    def fail(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, f"line {line}", ANCHOR, message))

    def describe(self, key: tuple[Any, ...]) -> str:
        s, e = key[0], key[1]
        source = f" of source {key[2]!r}" if len(key) > 2 else ""
        return f"[{s}, {e}) {self.text[s:e]!r}{source}"

    def pick(self, line: int, quote: Any, occ: Any, what: str, near: Offsets | None = None,
             boundary: bool = True, every: bool = False) -> list[Offsets]:
        """The spans a quote names (several only for ``occ: "all"``, allowed with ``every``);
        [] after a failure."""
        if not isinstance(quote, str) or not quote:
            self.fail(line, f"{what} must be a non-empty string")
            return []
        if occ == "all" and not every:
            self.fail(line, f'{what} {quote!r}: "occ": "all" is for boilerplate lines only')
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
        return self._nearest(line, quote, found, near, what)

    def _nearest(self, line: int, quote: str, found: list[int], near: Offsets,
                 what: str) -> list[Offsets]:
        def gap(s: int) -> int:
            return max(near[0] - (s + len(quote)), s - near[1], 0)

        best = min(gap(s) for s in found)
        ties = [s for s in found if gap(s) == best]
        if len(ties) > 1:
            self.fail(line, f"{what} {quote!r}: {len(ties)} occurrences equally near the "
                            f"claim (offsets {ties}); give {what}_occ")
            return []
        return [(ties[0], ties[0] + len(quote))]

    def draft_id(self, line: int, value: Any, kind: str, what: str) -> str | None:
        """``value`` if it is a well-formed id of ``kind`` for this document; else a problem."""
        if value is None:
            self.fail(line, f"{what} has no id; get a new one with "
                            f"`retold next-id {self.doc_id} {kind}`")
            return None
        message = id_error(value, self.doc_id, ID_LETTERS[kind])
        if message is not None:
            self.fail(line, f"{what} id: {message}")
            return None
        return str(value)

    def bind(self, table: _IdTable, line: int, span_id: str | None, key: Any) -> str | None:
        """Give ``key`` the id ``span_id`` in ``table``; None (and a problem) on a conflict."""
        if span_id is None:
            return None
        message = table.bind(line, span_id, key)
        if message is not None:
            self.fail(line, message)
            return None
        return span_id


# --------------------------------------------------------------------------------------
# Reading the draft, line by line.
# --------------------------------------------------------------------------------------
def _draft_objects(a: _Anchorer, lines: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-empty line's number and JSON object; problems for the others."""
    from retold.io.jsonio import StrictDecoder, parse_json_line  # the one strict line reader

    decoder = StrictDecoder()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        ok, item = parse_json_line(raw.strip(), number, lambda n, _, m: a.fail(n, m), decoder)
        if not ok:
            continue
        if not isinstance(item, dict):
            a.fail(number, "each line must be a JSON object")
            continue
        yield number, item


def _boundary(obj: dict[str, Any]) -> bool:
    return obj.get("boundary", True) is not False


def _anchor_line(a: _Anchorer, number: int, item: dict[str, Any]) -> None:
    if "boilerplate" in item:
        _anchor_boilerplate(a, number, item)
    elif "claim" in item:
        _anchor_claim(a, number, item)
    else:
        a.fail(number, "a line needs a 'claim' or a 'boilerplate' key")


def _boilerplate_ids(a: _Anchorer, number: int, item: dict[str, Any],
                     count: int | None) -> list[str]:
    """The ids a boilerplate line gives its ``count`` spans (None: the quote was not
    found), checked; [] after a failure."""
    if item.get("occ") != "all":
        if "ids" in item:
            a.fail(number, 'only an "occ": "all" line takes "ids"; give one "id"')
            return []
        span_id = a.draft_id(number, item.get("id"), "boilerplate", "boilerplate")
        return [span_id] if span_id is not None else []
    if "id" in item:
        a.fail(number, 'an "occ": "all" line takes "ids", one per occurrence, not "id"')
        return []
    ids = item.get("ids")
    if not isinstance(ids, list):
        a.fail(number, f'an "occ": "all" line needs "ids", a list of {count} ids, one per '
                       f"occurrence in text order")
        return []
    if count is not None and len(ids) != count:
        a.fail(number, f'"ids" has {len(ids)} ids but the quote occurs {count} times')
        return []
    checked = [a.draft_id(number, value, "boilerplate", "boilerplate") for value in ids]
    return [i for i in checked if i is not None] if None not in checked else []


def _anchor_boilerplate(a: _Anchorer, number: int, item: dict[str, Any]) -> None:
    spans = a.pick(number, item["boilerplate"], item.get("occ"), "boilerplate",
                   boundary=_boundary(item), every=True)
    ids = _boilerplate_ids(a, number, item, len(spans) if spans else None)
    if not spans:
        for span_id in ids:
            a.bind(a.boilerplate_ids, number, span_id, None)
    for span, span_id in zip(spans, ids, strict=False):
        if a.bind(a.boilerplate_ids, number, span_id, span) is not None:
            a.boilerplate_kinds[span] = str(item.get("kind", ""))


def _anchor_claim(a: _Anchorer, number: int, item: dict[str, Any]) -> None:
    claim_id = a.draft_id(number, item.get("id"), "claim", "claim")
    spans = a.pick(number, item["claim"], item.get("occ"), "claim", boundary=_boundary(item))
    if not spans:
        a.bind(a.claim_ids, number, claim_id, None)
        return
    span = spans[0]
    claim_id = a.bind(a.claim_ids, number, claim_id, span)
    chain = item.get("chain", [])
    if not isinstance(chain, list):
        a.fail(number, "chain must be a list")
        chain = []
    links = tuple(link for link in (_anchor_link(a, number, raw, span) for raw in chain)
                  if link is not None)
    if "parent" in item:
        parent = item["parent"]
        if not isinstance(parent, str) or not parent:
            a.fail(number, f"the parent of a nested claim must be the id of a claim of this "
                           f"document, got {parent!r}")
        else:
            a.draft_id(number, parent, "claim", "the parent of a nested claim")
    if claim_id is not None:
        a.claims.append(_ClaimLine(claim_id, span, number, item, links))


def _anchor_link(a: _Anchorer, number: int, link: Any, near: Offsets) -> _Link | None:
    if not isinstance(link, dict) or not isinstance(link.get("source"), str):
        a.fail(number, f"chain link {link!r} needs a string 'source'")
        return None
    source = link["source"]
    mention = _link_span(a, number, link, "mention", near)
    cue = _link_span(a, number, link, "cue", near)
    return _Link(
        source,
        a.bind(a.mention_ids, number, mention[0], (*mention[1], source)) if mention else None,
        a.bind(a.cue_ids, number, cue[0], cue[1]) if cue else None,
    )


def _link_span(a: _Anchorer, number: int, link: dict[str, Any], key: str,
               near: Offsets) -> tuple[str | None, Offsets] | None:
    """The id and span of a link's mention or cue quote; None when the quote is null."""
    id_key = f"{key}_id"
    if link.get(key) is None:
        if link.get(id_key) is not None:
            a.fail(number, f"chain link of {link['source']!r} has {id_key} but no {key} quote")
        return None
    span_id = a.draft_id(number, link.get(id_key), key,
                         f"the {key} {link[key]!r} of the chain link of {link['source']!r}")
    hit = a.pick(number, link[key], link.get(f"{key}_occ"), key, near=near,
                 boundary=_boundary(link))
    return (span_id, hit[0]) if hit else None


# --------------------------------------------------------------------------------------
# Assembling the standoff annotation.
# --------------------------------------------------------------------------------------
def _boilerplate(a: _Anchorer) -> tuple[Boilerplate, ...]:
    return tuple(
        Boilerplate(id=span_id, start=s, end=e, text=a.text[s:e],
                    kind=a.boilerplate_kinds[(s, e)])
        for (s, e), span_id in a.boilerplate_ids.items()
    )


def _source_mentions(a: _Anchorer) -> tuple[SourceMention, ...]:
    return tuple(
        SourceMention(id=span_id, start=s, end=e, text=a.text[s:e], source=source)
        for (s, e, source), span_id in a.mention_ids.items()
    )


def _cues(a: _Anchorer) -> tuple[Span, ...]:
    return tuple(Span(id=span_id, start=s, end=e, text=a.text[s:e])
                 for (s, e), span_id in a.cue_ids.items())


def _claim(a: _Anchorer, c: _ClaimLine) -> Claim:
    s, e = c.span
    chain = tuple(ChainLink(source=ln.source, mention=ln.mention, cue=ln.cue) for ln in c.links)
    return Claim(
        id=c.id, start=s, end=e, text=a.text[s:e],
        stance=str(c.item.get("stance", "")), cluster=str(c.item.get("cluster", "")),
        source=chain[-1].source if chain else AUTHOR, chain=chain,
        note=str(c.item.get("note", "")), parent=str(c.item.get("parent", "")),
    )


def _assemble(a: _Anchorer) -> DocAnnotation:
    """The standoff annotation: every kind sorted by offsets, each span with its draft id."""
    return DocAnnotation(
        path="",
        schema_version=SCHEMA_VERSION,
        doc_id=a.doc_id,
        boilerplate=_boilerplate(a),
        source_mentions=_source_mentions(a),
        cues=_cues(a),
        claims=tuple(_claim(a, c) for c in sorted(a.claims, key=lambda c: (c.span, c.line))),
    )


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------
def anchor_draft(draft_lines: list[str], text: str, doc_id: str, file: str) -> DocAnnotation:
    """Anchor a draft's lines against ``text``; raise InvalidInputError with every problem."""
    a = _Anchorer(text, doc_id, file)
    for number, item in _draft_objects(a, draft_lines):
        _anchor_line(a, number, item)
    if a.problems:
        raise InvalidInputError(a.problems)
    return _assemble(a)


def read_draft(draft: Path) -> list[str]:
    """The lines of a draft file; InvalidInputError if it cannot be read as UTF-8 text."""
    from retold.io.files import UnreadableFileError, read_bytes_bounded
    from retold.io.jsonio import MAX_JSONL_FILE_BYTES

    try:
        return read_bytes_bounded(draft, MAX_JSONL_FILE_BYTES).decode("utf-8").splitlines()
    except UnreadableFileError as err:
        message = f"the draft {err.reason}"
    except FileNotFoundError:
        message = "the draft does not exist"
    except IsADirectoryError:
        message = "the draft is a folder, not a file"
    except UnicodeDecodeError as err:
        message = f"the draft is not UTF-8 text: {err}"
    except OSError as err:
        message = f"the draft cannot be read: {err.strerror}"
    raise InvalidInputError([Problem(str(draft), "-", ANCHOR, message)])


def standoff_owner(doc_id: str) -> Callable[[Any], str | None]:
    """Whether an existing ``--out`` file is one ``retold anchor`` may overwrite: a standoff
    document (exactly the standoff keys) of the same ``doc_id``. Returns why not, or None."""

    def why_not(existing: Any) -> str | None:
        if not isinstance(existing, dict) or set(existing) != set(DOC_KEYS):
            return "exists and is not a retold standoff annotation file"
        if existing["doc_id"] != doc_id:
            return (f"is the standoff file of {existing['doc_id']!r}, not of {doc_id!r}")
        return None

    return why_not


def anchor_file(draft: Path, text: str, doc_id: str, out: Path) -> DocAnnotation:
    """Anchor ``draft`` and write the standoff JSON to ``out`` (atomically).

    ``out`` may be new, or the standoff file of the same document (re-anchoring after an
    edit of the draft); any other existing file is refused and left as it was.
    """
    doc = anchor_draft(read_draft(draft), text, doc_id, str(draft))
    try:
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise refusal(out, f"cannot create its folder: {err.strerror or err}") from None
    write_file(out, dump_json(doc_to_json(doc)).encode("utf-8"), standoff_owner(doc_id))
    return doc
