"""brat standoff: ``<doc_id>.txt`` (the raw text) and ``<doc_id>.ann`` per document.

Entities ``Claim``, ``Source``, ``Cue`` and ``Boilerplate``; attributes ``Stance`` (on a
claim) and ``Kind`` (on boilerplate); relations ``Link<k>`` from a claim to the source
mention of chain link *k* (outermost first) and ``Cue<k>`` from a claim to that link's cue;
an ``AnnotatorNotes`` comment on every entity carries its retold id, and on a source
mention also its source id (``004-s01 source=iran``). ``annotation.conf`` declares the
types, attributes and relations. Offsets are code points (brat reads the ``.txt`` as UTF-8
text and counts characters), never bytes.

Not held (so in ``sidecar.json``): clusters, claim notes, the claim's chain as a record
(the ``Link``/``Cue`` relations draw it, but a link without a source mention cannot be
drawn), the registries, and any field added later. brat is export-only.
"""

from __future__ import annotations

from pathlib import Path

from retold.export.dataset import (
    BOILERPLATE,
    CLAIMS,
    CUES,
    MENTIONS,
    ExportDoc,
    ExportSet,
    chain_links,
)
from retold.schema import BOILERPLATE_KINDS, STANCES

CONF_FILE = "annotation.conf"
ENTITY_TYPES = {CLAIMS: "Claim", MENTIONS: "Source", CUES: "Cue", BOILERPLATE: "Boilerplate"}

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}


def annotation_conf(depth: int) -> str:
    """brat's ``annotation.conf`` for chains of up to ``depth`` links."""
    relations = []
    for k in range(1, depth + 1):
        relations.append(f"Link{k}\tArg1:Claim, Arg2:Source")
        relations.append(f"Cue{k}\tArg1:Claim, Arg2:Cue")
    return "\n".join([
        "[entities]", *ENTITY_TYPES.values(), "",
        "[relations]", *relations, "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>", "",
        "[events]", "",
        "[attributes]",
        f"Stance\tArg:Claim, Value:{'|'.join(STANCES)}",
        f"Kind\tArg:Boilerplate, Value:{'|'.join(BOILERPLATE_KINDS)}", "",
    ])


def ann_text(doc: ExportDoc) -> str:
    """The ``.ann`` file of one document."""
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
    return "".join(line + "\n" for line in lines)


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    depth = max((len(c.get("chain", [])) for d in export_set.docs
                 for c in d.elements(CLAIMS)), default=1)
    (out_dir / CONF_FILE).write_text(annotation_conf(max(depth, 1)), encoding="utf-8")
    files = [CONF_FILE]
    for doc in export_set.docs:
        (out_dir / f"{doc.doc_id}.txt").write_bytes(doc.text.encode("utf-8"))
        (out_dir / f"{doc.doc_id}.ann").write_text(ann_text(doc), encoding="utf-8")
        files += [f"{doc.doc_id}.txt", f"{doc.doc_id}.ann"]
    return files
