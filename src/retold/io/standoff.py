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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.errors import Problem
from retold.io.jsonio import read_json

DOCS_DIR = "docs"
SOURCES_FILE = "sources.json"
CLUSTERS_FILE = "clusters.json"


@dataclass(frozen=True)
class Span:
    id: str
    start: int
    end: int
    text: str


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


@dataclass(frozen=True)
class Source:
    source_id: str
    name: str
    aliases: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Cluster:
    cluster_id: str
    proposition: str


@dataclass(frozen=True)
class AnnotationSet:
    """Every file of one annotation set, as loaded."""

    root: str
    docs: tuple[DocAnnotation, ...]
    sources: tuple[Source, ...]
    clusters: tuple[Cluster, ...]


class _Reader:
    """Pulls typed fields out of JSON objects, recording a Problem for each bad one."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems

    def bad(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, "shape", message))

    def get(self, obj: dict[str, Any], key: str, typ: type | tuple[type, ...], where: str,
            default: Any = None, required: bool = True) -> Any:
        if key not in obj:
            if required:
                self.bad(where, f"missing field {key!r}")
            return default
        value = obj[key]
        # bool is a subclass of int: refuse it where an int is wanted.
        if (typ is int and isinstance(value, bool)) or not isinstance(value, typ):
            names = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
            self.bad(where, f"field {key!r} must be {names}, got {type(value).__name__}")
            return default
        return value

    def objects(self, obj: dict[str, Any], key: str, where: str) -> list[tuple[str, dict]]:
        """The list ``obj[key]`` of objects, each with a label for messages."""
        items = self.get(obj, key, list, where, default=[])
        out = []
        for i, item in enumerate(items):
            label = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.bad(label, f"must be an object, got {type(item).__name__}")
                continue
            item_id = item.get("id")
            out.append((f"{label} {item_id}" if isinstance(item_id, str) else label, item))
        return out

    def span_fields(self, item: dict[str, Any], where: str) -> tuple[str, int, int, str]:
        return (
            self.get(item, "id", str, where, default=""),
            self.get(item, "start", int, where, default=-1),
            self.get(item, "end", int, where, default=-1),
            self.get(item, "text", str, where, default=""),
        )




def load_doc(path: Path, problems: list[Problem]) -> DocAnnotation | None:
    """Load one document annotation file, recording shape problems."""
    data = read_json(path, problems)
    if data is None:
        return None
    r = _Reader(str(path), problems)
    if not isinstance(data, dict):
        r.bad("-", "the file must hold one JSON object")
        return None
    boilerplate = []
    for where, item in r.objects(data, "boilerplate", "-"):
        boilerplate.append(Boilerplate(*r.span_fields(item, where),
                                       kind=r.get(item, "kind", str, where, default="")))
    mentions = []
    for where, item in r.objects(data, "source_mentions", "-"):
        mentions.append(SourceMention(*r.span_fields(item, where),
                                      source=r.get(item, "source", str, where, default="")))
    cues = [Span(*r.span_fields(item, where)) for where, item in r.objects(data, "cues", "-")]
    claims = []
    for where, item in r.objects(data, "claims", "-"):
        chain = []
        for i, link in enumerate(r.get(item, "chain", list, where, default=[])):
            lw = f"{where} chain[{i}]"
            if not isinstance(link, dict):
                r.bad(lw, "must be an object")
                continue
            chain.append(ChainLink(
                source=r.get(link, "source", str, lw, default=""),
                mention=r.get(link, "mention", (str, type(None)), lw, required=False),
                cue=r.get(link, "cue", (str, type(None)), lw, required=False),
            ))
        claims.append(Claim(
            *r.span_fields(item, where),
            stance=r.get(item, "stance", str, where, default=""),
            cluster=r.get(item, "cluster", str, where, default=""),
            source=r.get(item, "source", str, where, default=""),
            chain=tuple(chain),
            note=r.get(item, "note", str, where, default="", required=False),
            parent=r.get(item, "parent", str, where, default="", required=False),
        ))
    return DocAnnotation(
        path=str(path),
        schema_version=r.get(data, "schema_version", str, "-", default=""),
        doc_id=r.get(data, "doc_id", str, "-", default=""),
        boilerplate=tuple(boilerplate),
        source_mentions=tuple(mentions),
        cues=tuple(cues),
        claims=tuple(claims),
    )


def _list_records(path: Path, problems: list[Problem],
                  what: str) -> tuple[_Reader, list[tuple[str, dict[str, Any]]]]:
    """The objects of a JSON-list file, each with a label for messages; problems recorded."""
    r = _Reader(str(path), problems)
    data = read_json(path, problems)
    if data is None:
        return r, []
    if not isinstance(data, list):
        r.bad("-", f"the file must hold a JSON list of {what}")
        return r, []
    records = []
    for i, item in enumerate(data):
        if isinstance(item, dict):
            records.append((f"[{i}]", item))
        else:
            r.bad(f"[{i}]", "must be an object")
    return r, records


def load_sources(path: Path, problems: list[Problem]) -> tuple[Source, ...]:
    r, records = _list_records(path, problems, "sources")
    out = []
    for where, item in records:
        aliases = r.get(item, "aliases", list, where, default=[])
        if not all(isinstance(a, str) for a in aliases):
            r.bad(where, "aliases must be strings")
            aliases = [a for a in aliases if isinstance(a, str)]
        out.append(Source(
            source_id=r.get(item, "source_id", str, where, default=""),
            name=r.get(item, "name", str, where, default=""),
            aliases=tuple(aliases),
            kind=r.get(item, "kind", str, where, default=""),
        ))
    return tuple(out)


def load_clusters(path: Path, problems: list[Problem]) -> tuple[Cluster, ...]:
    r, records = _list_records(path, problems, "clusters")
    return tuple(
        Cluster(
            cluster_id=r.get(item, "cluster_id", str, where, default=""),
            proposition=r.get(item, "proposition", str, where, default=""),
        )
        for where, item in records
    )


def load_annotation_set(root: Path, problems: list[Problem]) -> AnnotationSet:
    """Load every file of an annotation set under ``root``, recording problems."""
    docs_dir = root / DOCS_DIR
    docs = []
    if not docs_dir.is_dir():
        problems.append(Problem(str(docs_dir), "-", "missing-file", "folder does not exist"))
    else:
        for path in sorted(docs_dir.glob("*.json")):
            doc = load_doc(path, problems)
            if doc is not None:
                docs.append(doc)
    return AnnotationSet(
        root=str(root),
        docs=tuple(docs),
        sources=load_sources(root / SOURCES_FILE, problems),
        clusters=load_clusters(root / CLUSTERS_FILE, problems),
    )


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
