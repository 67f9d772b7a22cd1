"""brat standoff: ``<doc_id>.txt`` (the raw text) and ``<doc_id>.ann`` per document.

Entities ``Claim``, ``Source``, ``Cue`` and ``Boilerplate``; attributes ``Stance`` (on a
claim) and ``Kind`` (on boilerplate); relations ``Link<k>`` from a claim to the source
mention of chain link *k* (outermost first), ``Cue<k>`` from a claim to that link's cue,
and ``NestedIn`` from a nested claim to the claim it is nested in (its ``parent``); an
``AnnotatorNotes`` comment on every entity carries its retold id, and on a source mention
also its source id (``004-s01 source=iran``). ``annotation.conf`` declares the types,
attributes and relations. Offsets are code points (brat reads the ``.txt`` as UTF-8 text
and counts characters), never bytes.

Contrast set: ``contrast/<contrast_id>.txt`` and ``.ann`` per edited passage, annotated as a
document (its one ``Claim``, whose note is ``<contrast_id> original_claim_id=... edit_type=...
rule=...``, its sources, cues and ``Link``/``Cue`` relations); ``contrast_pairs/<pair_id>.txt``
(the edited claim text) and ``.ann`` per pair: one ``EditedClaim`` entity over the text with
the attributes ``Duplicate`` (``true``/``false``) and ``EditType``, and the note
``<pair_id> claim_id=<the natural mention> rule=...``.

Not held (so in ``sidecar.json``): clusters, claim notes, the claim's chain as a record
(the ``Link``/``Cue`` relations draw it, but a link without a source mention cannot be
drawn), the registries, and any field added later; of the contrast drafts, the unedited
passage, the edit, the notes and the chain as quotes. brat is export-only.
"""

from __future__ import annotations

from pathlib import Path

from retold.export.contrast import EDIT_DOCS_DIR, EDITS, PAIR_DOCS_DIR, PAIRS, PairDoc
from retold.export.dataset import (
    BOILERPLATE,
    CLAIMS,
    CUES,
    MENTIONS,
    ExportDoc,
    ExportSet,
    chain_links,
)
from retold.schema import BOILERPLATE_KINDS, CONTRAST_PAIR_EDIT_TYPES, STANCES

CONF_FILE = "annotation.conf"
ENTITY_TYPES = {CLAIMS: "Claim", MENTIONS: "Source", CUES: "Cue", BOILERPLATE: "Boilerplate"}
PAIR_ENTITY = "EditedClaim"
NESTED_IN = "NestedIn"

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance", "parent"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}
contrast_held = {
    EDITS: frozenset({"contrast_id", "original_claim_id", "edit_type", "rule", "text", "claim",
                      "stance"}),
    PAIRS: frozenset({"pair_id", "claim_id", "edited_text", "duplicate", "edit_type", "rule"}),
}


def annotation_conf(depth: int) -> str:
    """brat's ``annotation.conf`` for chains of up to ``depth`` links."""
    relations = []
    for k in range(1, depth + 1):
        relations.append(f"Link{k}\tArg1:Claim, Arg2:Source")
        relations.append(f"Cue{k}\tArg1:Claim, Arg2:Cue")
    return "\n".join([
        "[entities]", *ENTITY_TYPES.values(), PAIR_ENTITY, "",
        "[relations]", *relations, f"{NESTED_IN}\tArg1:Claim, Arg2:Claim",
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "",
        "[events]", "",
        "[attributes]",
        f"Stance\tArg:Claim, Value:{'|'.join(STANCES)}",
        f"Kind\tArg:Boilerplate, Value:{'|'.join(BOILERPLATE_KINDS)}",
        f"Duplicate\tArg:{PAIR_ENTITY}, Value:true|false",
        f"EditType\tArg:{PAIR_ENTITY}, Value:{'|'.join(CONTRAST_PAIR_EDIT_TYPES)}", "",
    ])


def ann_text(doc: ExportDoc, notes: dict[str, str] | None = None) -> str:
    """The ``.ann`` file of one document (``notes``: more text for an element's note)."""
    lines: list[str] = []
    t_ids: dict[str, str] = {}
    counters = {"T": 0, "A": 0, "R": 0, "#": 0}

    def next_id(prefix: str) -> str:
        counters[prefix] += 1
        return f"{prefix}{counters[prefix]}"

    elements = sorted(((e["start"], e["end"], kind, e) for kind in ENTITY_TYPES
                       for e in doc.elements(kind)), key=lambda x: (x[0], x[1], x[3]["id"]))
    for start, end, kind, e in elements:
        tid = next_id("T")
        t_ids[e["id"]] = tid
        lines.append(f"{tid}\t{ENTITY_TYPES[kind]} {start} {end}\t{e['text']}")
        note = e["id"] + (f" source={e['source']}" if kind == MENTIONS else "")
        if notes and e["id"] in notes:
            note += " " + notes[e["id"]]
        lines.append(f"{next_id('#')}\tAnnotatorNotes {tid}\t{note}")
        if kind == CLAIMS:
            lines.append(f"{next_id('A')}\tStance {tid} {e['stance']}")
        elif kind == BOILERPLATE:
            lines.append(f"{next_id('A')}\tKind {tid} {e['kind']}")
    for c in doc.elements(CLAIMS):
        for k, link in chain_links(c):
            if link["mention"] is not None:
                lines.append(f"{next_id('R')}\tLink{k} Arg1:{t_ids[c['id']]} "
                             f"Arg2:{t_ids[link['mention']]}")
            if link["cue"] is not None:
                lines.append(f"{next_id('R')}\tCue{k} Arg1:{t_ids[c['id']]} "
                             f"Arg2:{t_ids[link['cue']]}")
        if c.get("parent"):
            lines.append(f"{next_id('R')}\t{NESTED_IN} Arg1:{t_ids[c['id']]} "
                         f"Arg2:{t_ids[c['parent']]}")
    return "".join(line + "\n" for line in lines)


def pair_ann_text(pair: PairDoc) -> str:
    """The ``.ann`` file of one contrast pair (its text is the edited claim text)."""
    f = pair.fields()
    text = f["edited_text"]
    duplicate = "true" if f["duplicate"] else "false"
    return (f"T1\t{PAIR_ENTITY} 0 {len(text)}\t{text}\n"
            f"#1\tAnnotatorNotes T1\t{pair.pair_id} claim_id={f['claim_id']} rule={f['rule']}\n"
            f"A1\tDuplicate T1 {duplicate}\nA2\tEditType T1 {f['edit_type']}\n")


def _export_contrast(export_set: ExportSet, out_dir: Path) -> list[str]:
    contrast = export_set.contrast
    if contrast is None:
        return []
    files = []
    (out_dir / EDIT_DOCS_DIR).mkdir()
    for doc in contrast.edits:
        f = contrast.fields(doc.doc_id)
        note = {doc.doc_id: f"original_claim_id={f['original_claim_id']} "
                            f"edit_type={f['edit_type']} rule={f['rule']}"}
        base = f"{EDIT_DOCS_DIR}/{doc.doc_id}"
        (out_dir / f"{base}.txt").write_bytes(doc.text.encode("utf-8"))
        (out_dir / f"{base}.ann").write_text(ann_text(doc, note), encoding="utf-8")
        files += [f"{base}.txt", f"{base}.ann"]
    (out_dir / PAIR_DOCS_DIR).mkdir()
    for pair in contrast.pairs:
        base = f"{PAIR_DOCS_DIR}/{pair.pair_id}"
        (out_dir / f"{base}.txt").write_bytes(pair.fields()["edited_text"].encode("utf-8"))
        (out_dir / f"{base}.ann").write_text(pair_ann_text(pair), encoding="utf-8")
        files += [f"{base}.txt", f"{base}.ann"]
    return files


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    passages = export_set.contrast.edits if export_set.contrast else ()
    depth = max((len(c.get("chain", [])) for d in (*export_set.docs, *passages)
                 for c in d.elements(CLAIMS)), default=1)
    (out_dir / CONF_FILE).write_text(annotation_conf(max(depth, 1)), encoding="utf-8")
    files = [CONF_FILE]
    for doc in export_set.docs:
        (out_dir / f"{doc.doc_id}.txt").write_bytes(doc.text.encode("utf-8"))
        (out_dir / f"{doc.doc_id}.ann").write_text(ann_text(doc), encoding="utf-8")
        files += [f"{doc.doc_id}.txt", f"{doc.doc_id}.ann"]
    return files + _export_contrast(export_set, out_dir)
