"""What an export reads: the validated corpus and standoff annotations, as JSON records.

Each document is kept as the JSON object of its standoff file (``io.standoff.doc_to_json``),
so every field of the format, present or future, reaches the exporters and the side file
without being named here. The *element kinds* are the list-valued keys of that object whose
items are spans (objects with ``id``, ``start`` and ``end``; an empty list counts): today
``boilerplate``, ``source_mentions``, ``cues`` and ``claims``. The contrast set, when the
annotation set has one, comes along as ``ExportSet.contrast`` (``retold.export.contrast``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retold.errors import InvalidInputError, Problem
from retold.io.ids import REGISTRY_FILE
from retold.io.jsonio import read_json
from retold.io.standoff import CLUSTERS_FILE, SOURCES_FILE, DocAnnotation, doc_to_json
from retold.schema import AUTHOR
from retold.validate import load_validated

if TYPE_CHECKING:
    from retold.export.contrast import ContrastExport

Record = dict[str, Any]

CLAIMS = "claims"
MENTIONS = "source_mentions"
CUES = "cues"
BOILERPLATE = "boilerplate"


SET_FILES: tuple[str, ...] = (SOURCES_FILE, CLUSTERS_FILE, REGISTRY_FILE)
"""The annotation set's files besides ``docs/``, carried whole by every side file."""


@dataclass(frozen=True)
class ExportDoc:
    """One document: its id, raw text, standoff JSON object and loaded annotation.

    A contrast passage (``retold.export.contrast``) is one too: its id is the
    ``contrast_id``, and it has no loaded annotation (``annotation`` is None)."""

    doc_id: str
    text: str
    record: Record
    annotation: DocAnnotation | None

    def kinds(self) -> list[str]:
        """The element kinds of the record, in the record's key order."""
        return [k for k, v in self.record.items() if _is_span_list(v)]

    def elements(self, kind: str) -> list[Record]:
        return list(self.record.get(kind, []))

    def by_id(self, kind: str) -> dict[str, Record]:
        return {e["id"]: e for e in self.elements(kind)}


@dataclass(frozen=True)
class ExportSet:
    """Every document of the annotation set, plus the registry files as JSON."""

    docs: tuple[ExportDoc, ...]
    files: dict[str, Any]
    """The set's other files (``SET_FILES``: sources, clusters, the id registry) as JSON."""
    contrast: ContrastExport | None = None
    """The contrast set (passages, pairs, retired ids, rules), or None without one."""

    def sources(self) -> list[str]:
        return sorted(s["source_id"] for s in self.files[SOURCES_FILE])


def _is_span_list(value: Any) -> bool:
    """A top-level list of the document object: a list of span records (maybe empty)."""
    return isinstance(value, list) and all(
        isinstance(v, dict) and {"id", "start", "end"} <= set(v) for v in value)


def load_export_set(corpus_dir: Path, annotations_dir: Path) -> ExportSet:
    """The validated annotation set and contrast set (``InvalidInputError`` with every
    problem otherwise)."""
    from retold.export.contrast import load_contrast_export

    docs, annotations = load_validated(corpus_dir, annotations_dir)
    texts = {d.doc_id: d.text for d in docs}
    ordered = sorted(annotations.docs, key=lambda a: a.doc_id)
    problems: list[Problem] = []
    files = {name: read_json(Path(annotations_dir) / name, problems) for name in SET_FILES
             if (Path(annotations_dir) / name).is_file()}
    if problems:  # cannot happen after validation, unless a file changed meanwhile
        raise InvalidInputError(problems)
    return ExportSet(docs=tuple(ExportDoc(a.doc_id, texts[a.doc_id], doc_to_json(a), a)
                                for a in ordered), files=files,
                     contrast=load_contrast_export(Path(annotations_dir), docs, annotations))


def chain_links(claim: Record) -> Iterator[tuple[int, Record]]:
    """The claim's chain links numbered from 1, outermost first."""
    yield from enumerate(claim.get("chain", []), start=1)


def source_of_chain(chain: list[Record]) -> str:
    """A claim's ``source``: the last link's source, or ``schema.AUTHOR`` for no chain."""
    return chain[-1]["source"] if chain else AUTHOR
