"""INCEpTION / UIMA CAS XMI with a type system, written and read with ``dkpro-cassis``.

Export: ``typesystem.xml`` and one ``<doc_id>.xmi`` per document (the raw text is the
sofa). Types (namespace ``retold``), all span types being ``uima.tcas.Annotation``:

- ``retold.Claim``: ``retoldId``, ``stance``, ``cluster``, ``note``, ``parent`` (on a nested
  claim: the ``retold.Claim`` it is nested in), and two INCEpTION-style link features:
  ``sourceLinks`` (``retold.ClaimSourceLink``: ``role`` = chain position *k*, outermost
  first, ``target`` = a ``retold.SourceMention``) and ``cueLinks`` (``retold.ClaimCueLink``:
  ``role`` = *k*, ``target`` = a ``retold.Cue``);
- ``retold.SourceMention``: ``retoldId``, ``source``; ``retold.Cue``: ``retoldId``;
- ``retold.Boilerplate``: ``retoldId``, ``kind``.

Contrast set: ``contrast/<contrast_id>.xmi`` per edited passage (the passage is the sofa),
annotated as a document (its one ``retold.Claim``, with the draft's note, its sources, cues
and links) plus one ``retold.ContrastEdit`` over the passage: ``contrastId``,
``originalClaimId``, ``docId`` (to read), ``editType``, ``rule`` and ``original`` (the
unedited passage); ``contrast_pairs/<pair_id>.xmi`` per pair (the edited claim text is the
sofa) with one ``retold.ContrastPair`` over it: ``pairId``, ``claimId``, ``docId`` and
``claimText`` (the natural mention, to read), ``duplicate`` (``uima.cas.Boolean``),
``editType`` and ``rule``.

Offsets: UIMA (Java) counts ``begin``/``end`` in UTF-16 code units; retold counts code
points. ``cassis`` converts both ways (they differ only after characters outside the Basic
Multilingual Plane, such as emoji; curly quotes and dashes are one unit in both).

Not held (so in ``sidecar.json``): the registries, the standoff file's document-level keys,
a chain link without a source mention (refused at export, never dropped) and any field
added later; of the contrast drafts, the edit and the anchoring options of the unedited
passage. Import reads the same layout; an annotation without ``retoldId`` (made in
INCEpTION) is new and gets a fresh id. A contrast passage keeps its file name's id and
must keep exactly one claim and its chain (an unlinked source or cue is an error, not
dropped); its spans are quoted back into the draft.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retold.errors import NOT_EXPORTABLE, SHAPE, InvalidInputError, Problem
from retold.export.contrast import (
    EDIT_DOCS_DIR,
    EDITS,
    PAIR_DOCS_DIR,
    PAIRS,
    EditedContrast,
    EditedPassage,
)
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
CONTRAST_EDIT = "retold.ContrastEdit"
CONTRAST_PAIR = "retold.ContrastPair"
BOOLEAN = "uima.cas.Boolean"
_FEATURES = {CLAIMS: ("stance", "cluster", "note"), MENTIONS: ("source",), CUES: (),
             BOILERPLATE: ("kind",)}
EDIT_FEATURES = {"contrastId": "contrast_id", "originalClaimId": "original_claim_id",
                 "docId": "doc_id", "editType": "edit_type", "rule": "rule",
                 "original": "original"}
"""Features of ``retold.ContrastEdit`` and the draft keys (or, ``doc_id``, fields) they show."""
PAIR_FEATURES = {"pairId": "pair_id", "claimId": "claim_id", "docId": "doc_id",
                 "claimText": "claim_text", "duplicate": "duplicate", "editType": "edit_type",
                 "rule": "rule"}

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance", "cluster", "source", "chain",
                       "note", "parent"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}
contrast_held = {
    EDITS: frozenset({"contrast_id", "original_claim_id", "edit_type", "rule", "original",
                      "text", "claim", "stance", "chain", "note"}),
    PAIRS: frozenset({"pair_id", "claim_id", "edited_text", "duplicate", "edit_type", "rule"}),
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
    ts.create_feature(claim, "parent", TYPES[CLAIMS])
    for name, features in ((CONTRAST_EDIT, EDIT_FEATURES), (CONTRAST_PAIR, PAIR_FEATURES)):
        t = ts.create_type(name, supertypeName="uima.tcas.Annotation")
        for feature in features:
            ts.create_feature(t, feature, BOOLEAN if feature == "duplicate" else STRING)
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
        fs = claim_type(begin=c["start"], end=c["end"], retoldId=c["id"],
                        sourceLinks=fs_array(elements=sources),
                        cueLinks=fs_array(elements=cues),
                        **{f: c[f] for f in _FEATURES[CLAIMS]})
        cas.add(fs)
        made[c["id"]] = fs
    for c in doc.elements(CLAIMS):
        if c.get("parent"):
            made[c["id"]].parent = made[c["parent"]]
    return cas


def pair_cas(fields: Record, ts: Any) -> Any:
    """The CAS of one contrast pair: the edited claim text and a ``retold.ContrastPair``."""
    from cassis import Cas

    cas = Cas(typesystem=ts)
    cas.sofa_string = fields["edited_text"]
    cas.add(ts.get_type(CONTRAST_PAIR)(begin=0, end=len(fields["edited_text"]),
                                       **{f: fields[k] for f, k in PAIR_FEATURES.items()}))
    return cas


def _write(cas: Any, path: Path) -> None:
    path.write_text(cas.to_xmi(pretty_print=True), encoding="utf-8")


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    """Write the type system and one XMI file per document; return the files written."""
    ts = type_system()
    (out_dir / TYPESYSTEM_FILE).write_text(ts.to_xml(), encoding="utf-8")
    files = [TYPESYSTEM_FILE]
    for doc in export_set.docs:
        name = f"{doc.doc_id}.xmi"
        _write(document_cas(doc, ts), out_dir / name)
        files.append(name)
    contrast = export_set.contrast
    if contrast is None:
        return files
    (out_dir / EDIT_DOCS_DIR).mkdir()
    edit_type = ts.get_type(CONTRAST_EDIT)
    for doc in contrast.edits:
        cas = document_cas(doc, ts)
        fields = contrast.fields(doc.doc_id)
        cas.add(edit_type(begin=0, end=len(doc.text),
                          **{f: fields[k] for f, k in EDIT_FEATURES.items()}))
        name = f"{EDIT_DOCS_DIR}/{doc.doc_id}.xmi"
        _write(cas, out_dir / name)
        files.append(name)
    (out_dir / PAIR_DOCS_DIR).mkdir()
    for pair in contrast.pairs:
        name = f"{PAIR_DOCS_DIR}/{pair.pair_id}.xmi"
        _write(pair_cas(pair.fields(), ts), out_dir / name)
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


def _typesystem(in_dir: Path) -> Any:
    from cassis import load_typesystem

    ts_path = in_dir / TYPESYSTEM_FILE
    try:
        with ts_path.open("rb") as f:
            ts = load_typesystem(f)
    except (OSError, ValueError) as err:
        raise InvalidInputError([Problem(str(ts_path), "-", "missing-file",
                                         f"cannot read the type system: {err}")]) from None
    return ts


def read_edited(in_dir: Path) -> dict[str, dict[str, list[Record]]]:
    """Per document id (the XMI file's name), the elements held by the format."""
    ts = _typesystem(in_dir)
    return {path.stem: _elements(_load(path, ts)) for path in sorted(in_dir.glob("*.xmi"))}


def _one(cas: Any, type_name: str, path: Path, problems: list[Problem]) -> Any:
    found = list(cas.select(type_name))
    if len(found) != 1:
        problems.append(Problem(str(path), path.stem, SHAPE,
                                f"needs exactly one {type_name}, found {len(found)}"))
        return None
    return found[0]


def _contrast_files(folder: Path, ts: Any, type_name: str, features: dict[str, str],
                    problems: list[Problem]) -> Iterator[tuple[Path, Any, Any, dict[str, Any]]]:
    """Each XMI file of ``folder`` with its one ``type_name`` element and that element's
    ``features`` (renamed to draft keys); a file without exactly one is reported in
    ``problems`` and skipped."""
    for path in sorted(folder.glob("*.xmi")):
        cas = _load(path, ts)
        meta = _one(cas, type_name, path, problems)
        if meta is not None:
            yield path, cas, meta, {k: meta.get(f) or "" for f, k in features.items()}


def read_edited_contrast(in_dir: Path) -> EditedContrast:
    """The edited passages and pairs (by the XMI files' names) and what they hold."""
    ts = _typesystem(in_dir)
    problems: list[Problem] = []
    edits = {}
    for path, cas, _, fields in _contrast_files(in_dir / EDIT_DOCS_DIR, ts, CONTRAST_EDIT,
                                                EDIT_FEATURES, problems):
        edits[path.stem] = EditedPassage(cas.sofa_string, _elements(cas), fields)
    pairs = {}
    for path, cas, meta, fields in _contrast_files(in_dir / PAIR_DOCS_DIR, ts, CONTRAST_PAIR,
                                                   PAIR_FEATURES, problems):
        fields["duplicate"] = meta.get("duplicate")
        if not isinstance(fields["duplicate"], bool):
            problems.append(Problem(str(path), path.stem, SHAPE,
                                    "duplicate must be set to true or false"))
            continue
        fields["edited_text"] = cas.sofa_string
        pairs[path.stem] = fields
    if problems:
        raise InvalidInputError(problems)
    return EditedContrast(edits, pairs)


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
                if fs.parent is not None:
                    record["parent"] = _rid(fs.parent)
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
