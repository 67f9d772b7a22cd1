"""The contrast set in exports and imports: each edited passage a document, each pair a pair.

An annotation set with a contrast set (``contrast/`` beside ``docs/``; ``retold.io.contrast``
describes its files, ``CONTRAST.md`` its rules) exports it beside the natural documents:

- each stance/attribution edit (a line of ``contrast/edits.jsonl``) becomes a document of its
  own whose text is the edited passage, holding one claim (its id is the ``contrast_id``,
  its label the stance), the source mentions and cues of its chain (ids ``<contrast_id>-s<k>``
  and ``<contrast_id>-q<k>`` for chain link *k*) and the chain: the same records as a natural
  document's, so a format writes it as it writes those;
- each duplicate edit (a line of ``contrast/pairs.jsonl``) becomes a text pair: the edited
  claim text and its ``duplicate`` label, beside the natural mention's text;
- ``contrast/retired.json`` and ``CONTRAST.md`` (the rules the validator checks every row
  against) travel whole in the side file.

A format declares in ``contrast_held`` the draft keys it holds, for edits and for pairs; the
side file keeps every other key of every draft line and the lines' key order, so nothing is
dropped. Drafts quote their spans: the export anchors the quotes (``retold.validate.contrast``)
and the import turns the edited spans back into quotes (``retold.text.quotes.quote_for_span``:
a draft's own ``occ``/``boundary`` stay where they still point at the span, and the fewest
options are used otherwise), so an unedited round trip writes the drafts byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.errors import SHAPE, UNKNOWN_DOCUMENT, InvalidInputError, Problem
from retold.export.dataset import CLAIMS, CUES, MENTIONS, ExportDoc, Record
from retold.io.contrast import (
    CONTRAST_DIR,
    EDITS_FILE,
    PAIRS_FILE,
    RETIRED_FILE,
    RULES_FILE,
    has_contrast,
)
from retold.io.corpus import Document
from retold.io.jsonio import dump_json, read_json
from retold.io.standoff import AnnotationSet
from retold.text.quotes import Quote, quote_for_span
from retold.validate.contrast import ContrastEdit, load_contrast_or_raise

EDITS = "edits"
PAIRS = "pairs"
EDIT_DOCS_DIR = "contrast"
"""Folder (brat, XMI) of the edited passages' documents, one per ``contrast_id``."""
PAIR_DOCS_DIR = "contrast_pairs"
"""Folder (brat, XMI) of the pairs' documents, one per ``pair_id``."""

Held = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class PairDoc:
    """One duplicate edit: its draft line and the natural mention it is paired with."""

    pair_id: str
    draft: Record
    doc_id: str
    claim_text: str

    def fields(self) -> Record:
        """What a format shows of the pair (``claim_text`` and ``doc_id`` for reading only)."""
        d = self.draft
        return {"pair_id": self.pair_id, "claim_id": d["claim_id"], "doc_id": self.doc_id,
                "claim_text": self.claim_text, "edited_text": d["edited_text"],
                "duplicate": d["duplicate"], "edit_type": d["edit_type"], "rule": d["rule"]}


@dataclass(frozen=True)
class ContrastExport:
    """The contrast set of an export: passages as documents, pairs, and the whole files."""

    edits: tuple[ExportDoc, ...]
    """One document per edit, in the order of ``edits.jsonl``; ``doc_id`` is the edit's id."""
    drafts: dict[str, Record]
    """Each edit's draft line (a JSON object), by ``contrast_id``."""
    origins: dict[str, str]
    """Each edit's original document id, by ``contrast_id``."""
    pairs: tuple[PairDoc, ...]
    retired: Any
    """``contrast/retired.json`` as JSON (None when the file does not exist)."""
    rules: str
    """``CONTRAST.md``, verbatim."""

    def fields(self, contrast_id: str) -> Record:
        """The draft's labels a format shows beside the passage (``doc_id`` to read only)."""
        d = self.drafts[contrast_id]
        return {"contrast_id": contrast_id, "original_claim_id": d["original_claim_id"],
                "doc_id": self.origins[contrast_id], "edit_type": d["edit_type"],
                "rule": d["rule"], "original": d["original"]}


def _jsonl(path: Path) -> list[Record]:
    """The objects of a JSON Lines file that passed validation (blank lines skipped)."""
    from retold.io.jsonio import problem_list, read_jsonl  # the one strict reader

    problems: list[Problem] = []
    lines = read_jsonl(path, problem_list(str(path), problems))
    if problems or lines is None:
        raise InvalidInputError(problems)
    return [obj for _, obj in lines]


def passage_record(edit: ContrastEdit) -> Record:
    """The standoff-shaped record of an edited passage (see the module docstring)."""
    cid, text = edit.contrast_id, edit.text
    mentions: list[Record] = []
    cues: list[Record] = []
    chain = []
    for k, link in enumerate(edit.chain, start=1):
        mention = cue = None
        if link.source_start >= 0:
            mention = f"{cid}-s{k}"
            mentions.append({"id": mention, "start": link.source_start, "end": link.source_end,
                             "text": text[link.source_start:link.source_end],
                             "source": link.source})
        if link.cue_start >= 0:
            cue = f"{cid}-q{k}"
            cues.append({"id": cue, "start": link.cue_start, "end": link.cue_end,
                         "text": text[link.cue_start:link.cue_end]})
        chain.append({"source": link.source, "mention": mention, "cue": cue})
    claim = {"id": cid, "start": edit.start, "end": edit.end, "text": edit.claim_text,
             "stance": edit.stance, "cluster": "", "source": edit.source, "chain": chain,
             "note": edit.note}
    return {"doc_id": cid, "boilerplate": [], MENTIONS: mentions, CUES: cues, CLAIMS: [claim]}


def load_contrast_export(annotations_dir: Path, docs: Sequence[Document],
                         annotations: AnnotationSet) -> ContrastExport | None:
    """The validated contrast set of an annotation set, or None when it has none."""
    root = Path(annotations_dir)
    if not has_contrast(root):
        return None
    anchored = load_contrast_or_raise(root, docs, annotations)
    folder = root / CONTRAST_DIR
    by_id = {e.contrast_id: e for e in anchored.edits}
    drafts = {d["contrast_id"]: d for d in _jsonl(folder / EDITS_FILE)}
    pairs = {p.pair_id: p for p in anchored.pairs}
    problems: list[Problem] = []
    retired = (read_json(folder / RETIRED_FILE, problems)
               if (folder / RETIRED_FILE).exists() else None)
    if problems:
        raise InvalidInputError(problems)
    return ContrastExport(
        edits=tuple(ExportDoc(cid, by_id[cid].text, passage_record(by_id[cid]), None)
                    for cid in drafts),
        drafts=drafts,
        origins={cid: by_id[cid].doc_id for cid in drafts},
        pairs=tuple(PairDoc(d["pair_id"], d, pairs[d["pair_id"]].doc_id,
                            pairs[d["pair_id"]].claim_text)
                    for d in _jsonl(folder / PAIRS_FILE)),
        retired=retired,
        rules=(root / RULES_FILE).read_text(encoding="utf-8"),
    )


# --------------------------------------------------------------------------------------
# The side file's contrast section.
# --------------------------------------------------------------------------------------
def _key_order(rows: Sequence[Record]) -> list[str]:
    """One key order for all rows: a key first seen in a row goes right after the key
    before it in that row (so optional keys keep their place among the others)."""
    order: list[str] = []
    for row in rows:
        previous = None
        for key in row:
            if key not in order:
                order.insert(order.index(previous) + 1 if previous is not None else 0, key)
            previous = key
    return order


def contrast_sidecar(contrast: ContrastExport, held: Held) -> dict[str, Any]:
    """The side file's ``contrast`` section for a format that holds ``held``."""
    keep_edits, keep_pairs = held.get(EDITS, frozenset()), held.get(PAIRS, frozenset())
    return {
        "held": {EDITS: sorted(keep_edits), PAIRS: sorted(keep_pairs)},
        "field_order": {EDITS: _key_order(list(contrast.drafts.values())),
                        PAIRS: _key_order([p.draft for p in contrast.pairs])},
        EDITS: {cid: {k: v for k, v in d.items() if k not in keep_edits}
                for cid, d in contrast.drafts.items()},
        PAIRS: {p.pair_id: {k: v for k, v in p.draft.items() if k not in keep_pairs}
                for p in contrast.pairs},
        "retired": contrast.retired,
        "rules": contrast.rules,
    }


# --------------------------------------------------------------------------------------
# Import: edited passages and pairs back into draft lines.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EditedPassage:
    """One edited passage as a format read it back."""

    text: str
    elements: Mapping[str, Sequence[Record]]
    """The passage's claims, source mentions and cues (standoff-shaped records)."""
    fields: Mapping[str, Any]
    """The other draft keys the format holds (e.g. ``edit_type``), by draft key."""


@dataclass(frozen=True)
class EditedContrast:
    """Everything a format read back of the contrast set."""

    edits: Mapping[str, EditedPassage]
    pairs: Mapping[str, Mapping[str, Any]]
    """Per ``pair_id``, the draft keys the format holds."""


def _ordered(row: Record, order: Sequence[str]) -> Record:
    return {k: row[k] for k in order if k in row} | {k: v for k, v in row.items()
                                                      if k not in order}


def _set_options(draft: Record, quote: Quote, hint: Quote, occ_key: str,
                 boundary_key: str) -> None:
    if quote is hint:  # the draft's own options still point at the span: keep them as written
        return
    draft.pop(occ_key, None)
    draft.pop(boundary_key, None)
    if quote.occ is not None:
        draft[occ_key] = quote.occ
    if not quote.boundary:
        draft[boundary_key] = False


def _link_quotes(text: str, spans: Sequence[tuple[int, int] | None],
                 near: tuple[int, int]) -> tuple[list[Quote | None], bool] | None:
    """The quotes of a chain link's mention and cue, sharing one ``boundary`` option."""
    for boundary in (True, False):
        quotes = [None if s is None else quote_for_span(text, *s, near=near,
                                                        boundaries=(boundary,))
                  for s in spans]
        if all(q is not None for q, s in zip(quotes, spans, strict=True) if s is not None):
            return quotes, boundary
    return None


def _chain(cid: str, text: str, claim: Record, elements: Mapping[str, Sequence[Record]],
           near: tuple[int, int], where: str, problems: list[Problem]) -> list[Record] | None:
    spans = {kind: {e["id"]: (e["start"], e["end"]) for e in elements.get(kind, [])}
             for kind in (MENTIONS, CUES)}
    chain = []
    for k, link in enumerate(claim.get("chain", []), start=1):
        wanted = []
        for kind, key in ((MENTIONS, "mention"), (CUES, "cue")):
            ref = link.get(key)
            if ref is not None and ref not in spans[kind]:
                problems.append(Problem(where, cid, SHAPE, f"chain link {k}: its {key} "
                                        f"{ref!r} is not a span of the passage"))
                return None
            wanted.append(None if ref is None else spans[kind][ref])
        found = _link_quotes(text, wanted, near)
        if found is None:
            problems.append(Problem(where, cid, SHAPE, f"chain link {k}: a span cannot be "
                                    "quoted (empty or outside the text)"))
            return None
        (mention, cue), boundary = found
        out: Record = {"source": link.get("source", ""),
                       "mention": mention.quote if mention else None,
                       "cue": cue.quote if cue else None}
        if mention and mention.occ is not None:
            out["mention_occ"] = mention.occ
        if cue and cue.occ is not None:
            out["cue_occ"] = cue.occ
        if not boundary:
            out["boundary"] = False
        chain.append(out)
    return chain


def edit_draft(cid: str, side: Mapping[str, Any], passage: EditedPassage, where: str,
               problems: list[Problem]) -> Record | None:
    """The draft line of one edited passage: the side file's keys + what the format held."""
    held = set(side["held"][EDITS])
    draft: Record = dict(side[EDITS][cid])
    draft.update({k: v for k, v in passage.fields.items() if k in held})
    if "contrast_id" in held:
        draft["contrast_id"] = cid
    if "text" in held:
        draft["text"] = passage.text
    text = draft["text"]
    claims = list(passage.elements.get(CLAIMS, []))
    if {"claim", "stance", "chain"} & held and len(claims) != 1:
        problems.append(Problem(where, cid, SHAPE, f"a contrast passage holds exactly one "
                                f"claim; the edited file has {len(claims)}"))
        return None
    if "claim" in held:
        claim = claims[0]
        hint = Quote(text[claim["start"]:claim["end"]], draft.get("occ"),
                     draft.get("boundary", True))
        quote = quote_for_span(text, claim["start"], claim["end"], hint=hint)
        if quote is None:
            problems.append(Problem(where, cid, SHAPE, f"the claim span [{claim['start']}, "
                                    f"{claim['end']}) cannot be quoted in the passage"))
            return None
        draft["claim"] = quote.quote
        _set_options(draft, quote, hint, "occ", "boundary")
    if "stance" in held:
        draft["stance"] = claims[0].get("stance", "")
    if "note" in held and claims:
        draft["note"] = claims[0].get("note", "")
    if "chain" in held:
        claim = claims[0]
        if not _only_the_chain(cid, claim, passage.elements, where, problems):
            return None
        chain = _chain(cid, text, claim, passage.elements, (claim["start"], claim["end"]),
                       where, problems)
        if chain is None:
            return None
        draft["chain"] = chain
    return _ordered(draft, side["field_order"][EDITS])


def _only_the_chain(cid: str, claim: Record, elements: Mapping[str, Sequence[Record]],
                    where: str, problems: list[Problem]) -> bool:
    """A passage's draft holds its claim and that claim's chain only: anything else made in
    the tool (a boilerplate span, a nested claim, a source or cue no link uses) would be
    lost, so it is an error, never dropped."""
    used = {ref for link in claim.get("chain", []) for ref in (link.get("mention"),
                                                               link.get("cue"))}
    found = []
    for kind, records in elements.items():
        if kind in (MENTIONS, CUES):
            found += [f"{kind} {e['id']}" for e in records if e["id"] not in used]
        elif kind != CLAIMS:
            found += [f"{kind} {e['id']}" for e in records]
    if claim.get("parent"):
        found.append(f"parent {claim['parent']}")
    if found:
        problems.append(Problem(where, cid, SHAPE, "a contrast passage holds one claim and "
                                "its chain; the edited file also has " + ", ".join(found)
                                + " (a source or cue must be linked to the claim)"))
    return not found


def merge_contrast(side: Mapping[str, Any], edited: EditedContrast,
                   where: str) -> tuple[list[Record], list[Record]]:
    """The draft lines of the edits and the pairs, in the order of the export.

    InvalidInputError when a passage or pair of the export is missing from the edited
    files, or one is there that the export did not have (contrast rows are added to the
    drafts, not in a tool), or a passage cannot be read back.
    """
    problems: list[Problem] = []
    for kind, got in ((EDITS, edited.edits), (PAIRS, edited.pairs)):
        for row_id in side[kind]:
            if row_id not in got:
                problems.append(Problem(where, row_id, "missing-annotation",
                                        "the edited export lacks this contrast row"))
        for row_id in got:
            if row_id not in side[kind]:
                problems.append(Problem(where, row_id, UNKNOWN_DOCUMENT,
                                        "not a contrast row of the export; add contrast "
                                        "rows to the drafts (annotations/contrast/)"))
    if problems:
        raise InvalidInputError(problems)
    edits = []
    for cid, passage in edited.edits.items():
        draft = edit_draft(cid, side, passage, where, problems)
        if draft is not None:
            edits.append((cid, draft))
    if problems:
        raise InvalidInputError(problems)
    order = list(side[EDITS])
    edits.sort(key=lambda item: order.index(item[0]))
    held_pairs = set(side["held"][PAIRS])
    pairs = []
    for pid in side[PAIRS]:
        row = dict(side[PAIRS][pid]) | {k: v for k, v in edited.pairs[pid].items()
                                        if k in held_pairs}
        if "pair_id" in held_pairs:
            row["pair_id"] = pid
        pairs.append(_ordered(row, side["field_order"][PAIRS]))
    return [d for _, d in edits], pairs


def jsonl_text(rows: Sequence[Record]) -> str:
    """JSON Lines as the drafts are written: one ``json.dumps`` object a line, UTF-8 kept."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write_contrast(out_dir: Path, side: Mapping[str, Any], edits: Sequence[Record],
                   pairs: Sequence[Record]) -> list[str]:
    """Write the contrast drafts, ``retired.json`` and ``CONTRAST.md``; return the files."""
    folder = out_dir / CONTRAST_DIR
    folder.mkdir()
    written = {f"{CONTRAST_DIR}/{EDITS_FILE}": jsonl_text(edits),
               f"{CONTRAST_DIR}/{PAIRS_FILE}": jsonl_text(pairs),
               RULES_FILE: side["rules"]}
    if side["retired"] is not None:
        written[f"{CONTRAST_DIR}/{RETIRED_FILE}"] = dump_json(side["retired"])
    for rel, text in written.items():
        (out_dir / rel).write_text(text, encoding="utf-8")
    return sorted(written)
