"""The standoff annotation format: data classes and a loader that reports every shape problem.

Layout of an annotation set (the gold set is ``annotations/``, the second read is
``annotations/second_read/``)::

    docs/<doc_id>.json   one file per document (see DocAnnotation)
    sources.json         the source registry: [{source_id, name, aliases, kind}]
    clusters.json        the claim clusters:  [{cluster_id, proposition}]

A document file::

    {
      "schema_version": "1.0.0",
      "doc_id": "004-state-media",
      "boilerplate":     [{"id", "start", "end", "text", "kind"}],
      "source_mentions": [{"id", "start", "end", "text", "source"}],
      "cues":            [{"id", "start", "end", "text"}],
      "claims": [{
          "id", "start", "end", "text", "stance", "cluster", "source",
          "chain": [{"source", "mention": <source_mentions id or null>,
                     "cue": <cues id or null>}],
          "note": "",
          "parent": <claims id>            (only on a nested claim; schema 1.1.0)
      }]
    }

Offsets index the Python ``str`` of the raw text (Unicode code points), half-open.
Every span stores its covered ``text`` as a check. ``chain`` lists the attribution links
outermost first; its last link's ``source`` must equal the claim's ``source``, and an
unattributed claim has an empty chain and ``source == "author"``. A claim nested inside
another claim's span (a gloss inside the claim it glosses) names that claim as its
``parent``; a top-level claim has no ``parent`` key (read as ``""``), so files written at
schema 1.0.0, which had no nesting, read unchanged.

Loading never stops at the first problem: shape problems are collected as ``Problem``
records and the rest of the file is still read, so the validator can report everything.
Loading is strict: a key not listed below (``DOC_KEYS`` ... ``CLUSTER_KEYS``) is an
``unknown-key`` problem, a key repeated in one object a ``duplicate-key`` problem
(``retold.io.jsonio``), and a missing or wrong-typed field, at any depth, a ``shape``
problem; each loaded record names its bad fields in ``bad`` (see ``retold.io.records``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.errors import MISSING_FILE, SHAPE, Problem
from retold.io.records import Fields, json_type
from retold.io.toplevel import read_json_as

DOCS_DIR = "docs"
SOURCES_FILE = "sources.json"
CLUSTERS_FILE = "clusters.json"
AGREEMENT_FILE = "agreement.json"
"""Optional: the agreement figures of the two reads (a JSON object), shown in the card."""

# The keys of each kind of JSON object, in canonical order. Any other key is an
# ``unknown-key`` problem. Every key is required except a claim's ``note`` and a chain
# link's ``mention`` and ``cue``.
DOC_KEYS = ("schema_version", "doc_id", "boilerplate", "source_mentions", "cues", "claims")
SPAN_KEYS = ("id", "start", "end", "text")
BOILERPLATE_KEYS = (*SPAN_KEYS, "kind")
MENTION_KEYS = (*SPAN_KEYS, "source")
CUE_KEYS = SPAN_KEYS
CLAIM_KEYS = (*SPAN_KEYS, "stance", "cluster", "source", "chain", "note", "parent")
LINK_KEYS = ("source", "mention", "cue")
SOURCE_KEYS = ("source_id", "name", "aliases", "kind")
CLUSTER_KEYS = ("cluster_id", "proposition")


def _bad() -> Any:
    """The ``bad`` field of every loaded record: keyword-only, so subclasses add fields.

    It names the fields that failed to load (missing or of the wrong type): their values
    are defaults, not the file's, and the validator checks them no further. For the
    containers (``DocAnnotation``, ``AnnotationSet``) it also names a list or file of
    which some item could not be read at all.
    """
    return field(default=frozenset(), kw_only=True, repr=False)


@dataclass(frozen=True)
class Span:
    id: str
    start: int
    end: int
    text: str
    bad: frozenset[str] = _bad()


@dataclass(frozen=True)
class Boilerplate(Span):
    kind: str


@dataclass(frozen=True)
class SourceMention(Span):
    source: str


@dataclass(frozen=True)
class ChainLink:
    source: str
    mention: str | None
    cue: str | None
    bad: frozenset[str] = _bad()


@dataclass(frozen=True)
class Claim(Span):
    stance: str
    cluster: str
    source: str
    chain: tuple[ChainLink, ...]
    note: str
    parent: str = ""
    """The id of the claim this one is nested in, or "" for a top-level claim."""


@dataclass(frozen=True)
class DocAnnotation:
    path: str
    schema_version: str
    doc_id: str
    boilerplate: tuple[Boilerplate, ...]
    source_mentions: tuple[SourceMention, ...]
    cues: tuple[Span, ...]
    claims: tuple[Claim, ...]
    bad: frozenset[str] = _bad()


@dataclass(frozen=True)
class Source:
    source_id: str
    name: str
    aliases: tuple[str, ...]
    kind: str
    bad: frozenset[str] = _bad()


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    proposition: str
    bad: frozenset[str] = _bad()


@dataclass(frozen=True)
class AnnotationSet:
    """Every file of one annotation set, as loaded.

    ``bad`` holds ``"docs"`` when the ``docs/`` folder or one of its files could not be
    read, and ``"sources"`` / ``"clusters"`` when that file or one of its items could not.
    """

    root: str
    docs: tuple[DocAnnotation, ...]
    sources: tuple[Source, ...]
    clusters: tuple[Cluster, ...]
    bad: frozenset[str] = _bad()


class _Loader:
    """Reads the objects of one file, recording every shape problem."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def bad(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, SHAPE, message))

    def fields(self, obj: dict[str, Any], where: str, known: tuple[str, ...]) -> Fields:
        return Fields(self.file, self.problems, obj, where, known)

    def objects(self, parent: Fields, key: str) -> tuple[list[tuple[str, dict[str, Any]]], bool]:
        """The objects of the list ``parent[key]``, each with a label for messages, and
        whether the list and every item could be read."""
        items = parent.get(key, list, None)
        if items is None:
            return [], False
        out, complete = [], True
        for i, item in enumerate(items):
            label = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.bad(label, f"must be an object, got {json_type(item)}")
                complete = False
                continue
            item_id = item.get("id")
            out.append((f"{label} {item_id}" if isinstance(item_id, str) else label, item))
        return out, complete

    def span(self, item: dict[str, Any], where: str,
             known: tuple[str, ...]) -> tuple[Fields, dict[str, Any]]:
        f = self.fields(item, where, known)
        values = {"id": f.get("id", str, ""), "start": f.get("start", int, 0),
                  "end": f.get("end", int, 0), "text": f.get("text", str, "")}
        return f, values

    def link(self, link: Any, where: str) -> ChainLink | None:
        if not isinstance(link, dict):
            self.bad(where, f"must be an object, got {json_type(link)}")
            return None
        f = self.fields(link, where, LINK_KEYS)
        return ChainLink(
            source=f.get("source", str, ""),
            mention=f.get("mention", (str, type(None)), None, required=False),
            cue=f.get("cue", (str, type(None)), None, required=False),
            bad=frozenset(f.bad),
        )

    def claim(self, item: dict[str, Any], where: str) -> Claim:
        f, values = self.span(item, where, CLAIM_KEYS)
        chain: list[ChainLink] = []
        links = f.get("chain", list, None)
        for i, raw in enumerate(links or []):
            link = self.link(raw, f"{where} chain[{i}]")
            if link is None:
                f.bad.add("chain")
            else:
                chain.append(link)
        return Claim(
            **values,
            stance=f.get("stance", str, ""),
            cluster=f.get("cluster", str, ""),
            source=f.get("source", str, ""),
            chain=tuple(chain),
            note=f.get("note", str, "", required=False),
            parent=f.get("parent", str, "", required=False),
            bad=frozenset(f.bad),
        )


def load_doc(path: Path, problems: list[Problem]) -> DocAnnotation | None:
    """Load one document annotation file, recording shape problems."""
    data = read_json_as(path, problems, dict, "one JSON object (a document's annotations)")
    if data is None:
        return None
    r = _Loader(str(path), problems)
    top = r.fields(data, "-", DOC_KEYS)
    incomplete: set[str] = set()

    def objects(key: str) -> list[tuple[str, dict[str, Any]]]:
        items, complete = r.objects(top, key)
        if not complete:
            incomplete.add(key)
        return items

    boilerplate = []
    for where, item in objects("boilerplate"):
        f, values = r.span(item, where, BOILERPLATE_KEYS)
        kind = f.get("kind", str, "")
        boilerplate.append(Boilerplate(**values, kind=kind, bad=frozenset(f.bad)))
    mentions = []
    for where, item in objects("source_mentions"):
        f, values = r.span(item, where, MENTION_KEYS)
        source = f.get("source", str, "")
        mentions.append(SourceMention(**values, source=source, bad=frozenset(f.bad)))
    cues = []
    for where, item in objects("cues"):
        f, values = r.span(item, where, CUE_KEYS)
        cues.append(Span(**values, bad=frozenset(f.bad)))
    claims = [r.claim(item, where) for where, item in objects("claims")]
    schema_version = top.get("schema_version", str, "")
    doc_id = top.get("doc_id", str, "")
    return DocAnnotation(
        path=str(path),
        schema_version=schema_version,
        doc_id=doc_id,
        boilerplate=tuple(boilerplate),
        source_mentions=tuple(mentions),
        cues=tuple(cues),
        claims=tuple(claims),
        bad=frozenset(top.bad | incomplete),
    )


def _list_records(path: Path, problems: list[Problem],
                  what: str) -> tuple[_Loader, list[tuple[str, dict[str, Any]]], bool]:
    """The objects of a JSON-list file, each with a label for messages, and whether the
    file and every item could be read; problems recorded."""
    r = _Loader(str(path), problems)
    data = read_json_as(path, problems, list, f"a JSON list of {what}")
    if data is None:
        return r, [], False
    records, complete = [], True
    for i, item in enumerate(data):
        if isinstance(item, dict):
            records.append((f"[{i}]", item))
        else:
            r.bad(f"[{i}]", f"must be an object, got {json_type(item)}")
            complete = False
    return r, records, complete


def load_sources(path: Path, problems: list[Problem]) -> tuple[Source, ...]:
    return _load_sources(path, problems)[0]


def _load_sources(path: Path, problems: list[Problem]) -> tuple[tuple[Source, ...], bool]:
    r, records, complete = _list_records(path, problems, "sources")
    out = []
    for where, item in records:
        f = r.fields(item, where, SOURCE_KEYS)
        out.append(Source(
            source_id=f.get("source_id", str, ""),
            name=f.get("name", str, ""),
            aliases=f.strings("aliases"),
            kind=f.get("kind", str, ""),
            bad=frozenset(f.bad),
        ))
    return tuple(out), complete


def load_clusters(path: Path, problems: list[Problem]) -> tuple[Cluster, ...]:
    return _load_clusters(path, problems)[0]


def _load_clusters(path: Path, problems: list[Problem]) -> tuple[tuple[Cluster, ...], bool]:
    r, records, complete = _list_records(path, problems, "clusters")
    out = []
    for where, item in records:
        f = r.fields(item, where, CLUSTER_KEYS)
        out.append(Cluster(
            cluster_id=f.get("cluster_id", str, ""),
            proposition=f.get("proposition", str, ""),
            bad=frozenset(f.bad),
        ))
    return tuple(out), complete


def load_annotation_set(root: Path, problems: list[Problem]) -> AnnotationSet:
    """Load every file of an annotation set under ``root``, recording problems."""
    docs_dir = root / DOCS_DIR
    docs = []
    bad: set[str] = set()
    if not docs_dir.is_dir():
        problems.append(Problem(str(docs_dir), "-", MISSING_FILE, "folder does not exist"))
        bad.add("docs")
    else:
        for path in sorted(docs_dir.glob("*.json")):
            doc = load_doc(path, problems)
            if doc is None:
                bad.add("docs")
            else:
                docs.append(doc)
    sources, sources_complete = _load_sources(root / SOURCES_FILE, problems)
    clusters, clusters_complete = _load_clusters(root / CLUSTERS_FILE, problems)
    if not sources_complete:
        bad.add("sources")
    if not clusters_complete:
        bad.add("clusters")
    return AnnotationSet(root=str(root), docs=tuple(docs), sources=sources, clusters=clusters,
                         bad=frozenset(bad))


def doc_to_json(doc: DocAnnotation) -> dict[str, Any]:
    """The JSON object of a document annotation, in canonical key and row order."""

    def span(s: Span) -> dict[str, Any]:
        return {"id": s.id, "start": s.start, "end": s.end, "text": s.text}

    return {
        "schema_version": doc.schema_version,
        "doc_id": doc.doc_id,
        "boilerplate": [{**span(b), "kind": b.kind} for b in doc.boilerplate],
        "source_mentions": [{**span(m), "source": m.source} for m in doc.source_mentions],
        "cues": [span(c) for c in doc.cues],
        "claims": [
            {
                **span(c),
                "stance": c.stance,
                "cluster": c.cluster,
                "source": c.source,
                "chain": [
                    {"source": ln.source, "mention": ln.mention, "cue": ln.cue} for ln in c.chain
                ],
                "note": c.note,
                **({"parent": c.parent} if c.parent else {}),
            }
            for c in doc.claims
        ],
    }
