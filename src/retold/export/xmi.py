"""INCEpTION / UIMA CAS XMI with a type system, written and read with ``dkpro-cassis``.

Export: ``typesystem.xml`` and one ``<doc_id>.xmi`` per document (the raw text is the
sofa). Types (namespace ``retold``), all span types being ``uima.tcas.Annotation``:

- ``retold.Claim``: ``retoldId``, ``stance``, ``cluster``, ``note``, and two INCEpTION-style
  link features: ``sourceLinks`` (``retold.ClaimSourceLink``: ``role`` = chain position
  *k*, outermost first, ``target`` = a ``retold.SourceMention``) and ``cueLinks``
  (``retold.ClaimCueLink``: ``role`` = *k*, ``target`` = a ``retold.Cue``);
- ``retold.SourceMention``: ``retoldId``, ``source``; ``retold.Cue``: ``retoldId``;
- ``retold.Boilerplate``: ``retoldId``, ``kind``.

Offsets: UIMA (Java) counts ``begin``/``end`` in UTF-16 code units; retold counts code
points. ``cassis`` converts both ways (they differ only after characters outside the Basic
Multilingual Plane, such as emoji; curly quotes and dashes are one unit in both).

Not held (so in ``sidecar.json``): the registries, the standoff file's document-level keys,
a chain link without a source mention (refused at export, never dropped) and any field
added later. Import reads the same layout; an annotation without ``retoldId`` (made in
INCEpTION) is new and gets a fresh id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.errors import NOT_EXPORTABLE, InvalidInputError, Problem
from retold.export.dataset import (
    BOILERPLATE,
    CLAIMS,
    CUES,
    MENTIONS,
    ExportDoc,
    ExportSet,
    Record,
    chain_links,
    source_of_chain,
)

TYPESYSTEM_FILE = "typesystem.xml"
STRING = "uima.cas.String"
TYPES = {CLAIMS: "retold.Claim", MENTIONS: "retold.SourceMention", CUES: "retold.Cue",
         BOILERPLATE: "retold.Boilerplate"}
SOURCE_LINK = "retold.ClaimSourceLink"
CUE_LINK = "retold.ClaimCueLink"
_FEATURES = {CLAIMS: ("stance", "cluster", "note"), MENTIONS: ("source",), CUES: (),
             BOILERPLATE: ("kind",)}

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance", "cluster", "source", "chain",
                       "note"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}


def type_system() -> Any:
    """The ``cassis`` type system of the export."""
    from cassis import TypeSystem

    ts = TypeSystem()
    for kind, name in TYPES.items():
        t = ts.create_type(name, supertypeName="uima.tcas.Annotation")
        ts.create_feature(t, "retoldId", STRING)
        for feature in _FEATURES[kind]:
            ts.create_feature(t, feature, STRING)
    for name, target in ((SOURCE_LINK, TYPES[MENTIONS]), (CUE_LINK, TYPES[CUES])):
        link = ts.create_type(name, supertypeName="uima.cas.TOP")
        ts.create_feature(link, "role", STRING)
        ts.create_feature(link, "target", target)
    claim = ts.get_type(TYPES[CLAIMS])
    ts.create_feature(claim, "sourceLinks", "uima.cas.FSArray", elementType=SOURCE_LINK,
                      multipleReferencesAllowed=True)
    ts.create_feature(claim, "cueLinks", "uima.cas.FSArray", elementType=CUE_LINK,
                      multipleReferencesAllowed=True)
    return ts


def document_cas(doc: ExportDoc, ts: Any) -> Any:
    """The CAS of one document."""
    from cassis import Cas

    cas = Cas(typesystem=ts)
    cas.sofa_string = doc.text
    made: dict[str, Any] = {}
    for kind in (BOILERPLATE, MENTIONS, CUES):
        T = ts.get_type(TYPES[kind])
        for e in doc.elements(kind):
            fs = T(begin=e["start"], end=e["end"], retoldId=e["id"],
                   **{f: e[f] for f in _FEATURES[kind]})
            cas.add(fs)
            made[e["id"]] = fs
    claim_type, fs_array = ts.get_type(TYPES[CLAIMS]), ts.get_type("uima.cas.FSArray")
    source_link, cue_link = ts.get_type(SOURCE_LINK), ts.get_type(CUE_LINK)
    for c in doc.elements(CLAIMS):
        sources, cues = [], []
        for k, link in chain_links(c):
            if link["mention"] is None:
                raise InvalidInputError([Problem(doc.doc_id, c["id"], NOT_EXPORTABLE,
                                                 f"chain link {k} has no source mention; "
                                                 "an XMI link feature cannot hold it")])
            sources.append(source_link(role=str(k), target=made[link["mention"]]))
            if link["cue"] is not None:
                cues.append(cue_link(role=str(k), target=made[link["cue"]]))
        cas.add(claim_type(begin=c["start"], end=c["end"], retoldId=c["id"],
                           sourceLinks=fs_array(elements=sources),
                           cueLinks=fs_array(elements=cues),
                           **{f: c[f] for f in _FEATURES[CLAIMS]}))
    return cas


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    """Write the type system and one XMI file per document; return the files written."""
    ts = type_system()
    (out_dir / TYPESYSTEM_FILE).write_text(ts.to_xml(), encoding="utf-8")
    files = [TYPESYSTEM_FILE]
    for doc in export_set.docs:
        name = f"{doc.doc_id}.xmi"
        (out_dir / name).write_text(document_cas(doc, ts).to_xmi(pretty_print=True),
                                    encoding="utf-8")
        files.append(name)
    return files


# --------------------------------------------------------------------------------------
# Import.
# --------------------------------------------------------------------------------------
def _load(path: Path, ts: Any) -> Any:
    from cassis import load_cas_from_xmi

    try:
        with path.open("rb") as f:
            return load_cas_from_xmi(f, typesystem=ts)
    except Exception as err:  # cassis raises many types for a malformed file
        raise InvalidInputError([Problem(str(path), "-", "shape",
                                         f"not a readable XMI file: {err}")]) from None


def read_edited(in_dir: Path) -> dict[str, dict[str, list[Record]]]:
    """Per document id (the XMI file's name), the elements held by the format."""
    from cassis import load_typesystem

    ts_path = in_dir / TYPESYSTEM_FILE
    try:
        with ts_path.open("rb") as f:
            ts = load_typesystem(f)
    except (OSError, ValueError) as err:
        raise InvalidInputError([Problem(str(ts_path), "-", "missing-file",
                                         f"cannot read the type system: {err}")]) from None
    out = {}
    for path in sorted(in_dir.glob("*.xmi")):
        out[path.stem] = _elements(_load(path, ts))
    return out


def _rid(fs: Any) -> str:
    """The element's retold id, or a temporary one for an annotation made in the tool."""
    return fs.retoldId or f"new-xmi-{fs.xmiID}"


def _elements(cas: Any) -> dict[str, list[Record]]:
    text = cas.sofa_string
    out: dict[str, list[Record]] = {}
    for kind, type_name in TYPES.items():
        records = []
        for fs in cas.select(type_name):
            record: Record = {"id": _rid(fs), "start": fs.begin, "end": fs.end,
                              "text": text[fs.begin:fs.end]}
            for feature in _FEATURES[kind]:
                record[feature] = fs.get(feature) or ""
            if kind == CLAIMS:
                record["chain"] = _chain(fs)
                record["source"] = source_of_chain(record["chain"])
            records.append(record)
        out[kind] = records
    return out


def _chain(claim: Any) -> list[Record]:
    def by_role(array: Any) -> dict[int, Any]:
        elements = array.elements if array is not None else []
        return {int(link.role): link.target for link in elements}

    sources, cues = by_role(claim.sourceLinks), by_role(claim.cueLinks)
    chain = []
    for k in sorted(sources):
        mention, cue = sources[k], cues.get(k)
        chain.append({"source": mention.source or "", "mention": _rid(mention),
                      "cue": _rid(cue) if cue is not None else None})
    return chain
