"""The side file: what a format cannot hold, so that nothing is dropped.

Every export writes ``sidecar.json`` beside the format's files::

    {
      "about": "...",
      "format": "label-studio",
      "schema_version": "...", "dataset_version": "...",
      "held": {kind: [keys the format holds natively]},
      "field_order": {kind: [every key of a record, in the standoff order]},
      "documents": {doc_id: {"document": {non-list keys of the standoff object},
                             kind: {element id: {keys the format does not hold}}}},
      "files": {"sources.json": [...], "clusters.json": [...], "ids.json": {...}},
      "contrast": {"held": {"edits": [...], "pairs": [...]},
                   "field_order": {"edits": [...], "pairs": [...]},
                   "edits": {contrast_id: {draft keys the format does not hold}},
                   "pairs": {pair_id: {draft keys the format does not hold}},
                   "retired": [...], "rules": "<CONTRAST.md>"}
    }

A format declares, per element kind, the keys of the standoff records it holds (``held``);
every other key of every record goes here, keyed by the element's id, and so do the
registry files. A field added to the standoff format later is not held by any format until
a format says so, so it lands here automatically. The ``contrast`` section (only when the
annotation set has a contrast set) does the same for the contrast drafts, with the keys a
format declares in ``contrast_held`` (see ``retold.export.contrast``).

``merge`` is the import's half: the keys a format holds come from the edited file, the
others from the side file. Elements that are new in the edited file get fresh ids issued
from the id registry (``ids.json``, see ``retold.io.ids``), and removed elements' ids are
retired there, so an id is never reused; both are reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.errors import InvalidInputError, Problem
from retold.export.dataset import ExportSet, Record
from retold.io.ids import ID_LETTERS, ID_WIDTHS, REGISTRY_FILE, format_id
from retold.io.jsonio import dump_json, read_json
from retold.schema import DATASET_VERSION, SCHEMA_VERSION

SIDECAR_FILE = "sidecar.json"
ABOUT = ("What the export format cannot hold, keyed by document, element kind and element id, "
         "plus the source and cluster registries. `retold import` merges it with the edited "
         "file; keep it beside the exported files.")
REGISTRY_KINDS = {"claims": "claim", "source_mentions": "mention", "cues": "cue",
                  "boilerplate": "boilerplate"}
"""The registry's kind name (``io.ids.ID_LETTERS``) of each standoff element kind."""

Held = Mapping[str, frozenset[str]]


def sidecar(export: ExportSet, fmt: str, held: Held,
            contrast_held: Held | None = None) -> dict[str, Any]:
    """The side file of ``export`` for a format that holds ``held`` (and ``contrast_held``
    of the contrast drafts)."""
    from retold.export.contrast import contrast_sidecar

    documents: dict[str, Any] = {}
    order: dict[str, list[str]] = {}
    for doc in export.docs:
        entry: dict[str, Any] = {"document": {k: v for k, v in doc.record.items()
                                              if k not in doc.kinds()}}
        for kind in doc.kinds():
            keep = held.get(kind, frozenset())
            entry[kind] = {e["id"]: {k: v for k, v in e.items() if k not in keep}
                           for e in doc.elements(kind)}
            order.setdefault(kind, [])  # a kind empty in every document is still a kind
            for e in doc.elements(kind):
                order[kind] += [k for k in e if k not in order[kind]]
        documents[doc.doc_id] = entry
    out = {
        "about": ABOUT,
        "format": fmt,
        "schema_version": SCHEMA_VERSION,
        "dataset_version": DATASET_VERSION,
        "held": {kind: sorted(keys) for kind, keys in sorted(held.items())},
        "field_order": order,
        "documents": documents,
        "files": export.files,
    }
    if export.contrast is not None:
        out["contrast"] = contrast_sidecar(export.contrast, contrast_held or {})
    return out


def write_sidecar(out_dir: Path, export: ExportSet, fmt: str, held: Held,
                  contrast_held: Held | None = None) -> Path:
    path = out_dir / SIDECAR_FILE
    path.write_text(dump_json(sidecar(export, fmt, held, contrast_held)), encoding="utf-8")
    return path


def read_sidecar(in_dir: Path, fmt: str) -> dict[str, Any]:
    """The side file of an export folder; InvalidInputError if missing or of another format."""
    path = in_dir / SIDECAR_FILE
    problems: list[Problem] = []
    data = read_json(path, problems)
    if not problems and (not isinstance(data, dict) or data.get("format") != fmt):
        found = data.get("format") if isinstance(data, dict) else None
        problems.append(Problem(str(path), "-", "shape",
                                f"not a side file of a {fmt} export (format {found!r})"))
    if problems:
        raise InvalidInputError(problems)
    return data


@dataclass
class MergeReport:
    """What an import changed relative to the export, per document."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class IdIssuer:
    """Issues new ids and retires removed ones in the side file's copy of the registry."""

    def __init__(self, registry: dict[str, Any] | None) -> None:
        self.registry = registry

    def issue(self, doc_id: str, kind: str) -> str:
        if self.registry is None:
            raise InvalidInputError([Problem(SIDECAR_FILE, doc_id, "missing-file",
                                             f"the export has no {REGISTRY_FILE}, so no new "
                                             f"{kind} id can be issued")])
        letter = ID_LETTERS[REGISTRY_KINDS.get(kind, kind)]
        entry = self.registry.setdefault(doc_id, {"issued": {k: 0 for k in ID_WIDTHS},
                                                  "retired": []})
        entry["issued"][letter] = entry["issued"].get(letter, 0) + 1
        return format_id(doc_id, letter, entry["issued"][letter])

    def retire(self, doc_id: str, element_id: str) -> None:
        if self.registry is not None and doc_id in self.registry:
            retired = self.registry[doc_id]["retired"]
            retired.append(element_id)
            retired.sort()


def merge(side: Mapping[str, Any], doc_id: str, edited: Mapping[str, Sequence[Record]],
          report: MergeReport, issuer: IdIssuer) -> dict[str, Any]:
    """The standoff object of one document: edited held keys + the side file's other keys.

    ``edited`` maps each element kind to the records read from the edited file; a record
    whose ``id`` is missing, or unknown to the side file, is new and gets a fresh id from
    ``issuer`` (references to its old id within ``edited``, from chain links and from a
    nested claim's ``parent``, are renamed too); the id of a record missing from
    ``edited`` is retired.
    """
    entry = side["documents"].get(doc_id)
    if entry is None:
        raise InvalidInputError([Problem(SIDECAR_FILE, doc_id, "unknown-document",
                                         "the edited file has a document the export did "
                                         "not have; add new documents to the corpus first")])
    renamed: dict[str, str] = {}
    merged: dict[str, list[Record]] = {}
    for kind, records in edited.items():
        known = entry.get(kind, {})
        merged[kind] = []
        for record in records:
            old = record.get("id")
            if old in known:
                base = dict(known[old])
            else:
                new = issuer.issue(doc_id, kind)
                if old:
                    renamed[old] = new
                report.added.append(new)
                base = {}
                record = {**record, "id": new}
            merged[kind].append({**base, **record})
        removed = sorted(set(known) - {r.get("id") for r in records})
        for element_id in removed:
            issuer.retire(doc_id, element_id)
        report.removed += removed
    _rename_references(merged, renamed)
    out = dict(entry["document"])
    for kind in side["field_order"]:
        order = side["field_order"][kind]
        if kind in merged:
            rows = sorted(merged[kind], key=lambda r: (r["start"], r["end"], r["id"]))
        else:  # the format does not carry this kind at all: the side file has it whole
            rows = list(entry.get(kind, {}).values())
        out[kind] = [{k: r[k] for k in order if k in r}
                     | {k: v for k, v in r.items() if k not in order} for r in rows]
    return out


def _rename_references(merged: dict[str, list[Record]], renamed: Mapping[str, str]) -> None:
    """Point chain links and parents at the fresh ids of elements new in the edited file."""
    for claim in merged.get("claims", []):
        if claim.get("parent") in renamed:
            claim["parent"] = renamed[claim["parent"]]
        for link in claim.get("chain", []):
            for key in ("mention", "cue"):
                if link.get(key) in renamed:
                    link[key] = renamed[link[key]]
