"""Corpus statistics: one computation, three renderings (text, JSON, Markdown).

``retold stats`` and the dataset card's statistics section both call ``compute_stats`` and
``format_stats``, so the numbers printed on the command line and the numbers published
in the card cannot drift apart. Pair figures come from ``rows.pairs_rows``, the same
function that writes the ``pairs`` config.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from retold.build.rows import DENIED, Row, cluster_sizes, pairs_rows
from retold.describe.markdown import table
from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet
from retold.schema import AUTHOR, REUSE_LABELS, SOURCE_KINDS, STANCES

FORMATS: tuple[str, ...] = ("text", "json", "markdown")


@dataclass(frozen=True)
class DocStats:
    """Counts for one document."""

    doc_id: str
    claims: int
    clusters: int
    boilerplate: int
    source_mentions: int


@dataclass(frozen=True)
class PairStats:
    """Counts over the ``pairs`` config."""

    total: int
    duplicate: int
    contradiction: int
    reuse: dict[str, int]


@dataclass(frozen=True)
class Stats:
    """Every published figure of the corpus. Mappings keep schema (or numeric) order."""

    documents: int
    claims: int
    clusters: int
    sources: int
    per_document: tuple[DocStats, ...]
    stances: dict[str, int]
    source_kinds: dict[str, int]
    cluster_sizes: dict[int, int]
    cross_document_clusters: int
    nested_mentions: int
    denied_mentions: int
    duplicated_mentions: int
    chain_depths: dict[int, int]
    pairs: PairStats


def compute_stats(docs: Sequence[Document], annotations: AnnotationSet,
                  pairs: Sequence[Row] | None = None) -> Stats:
    """Compute every figure from validated input.

    ``pairs`` lets the builder pass the pair rows it has already computed (the quadratic
    part); without it they are computed here with the same function.
    """
    if pairs is None:
        pairs = pairs_rows(docs, annotations)
    annotated = sorted(annotations.docs, key=lambda a: a.doc_id)
    claims = [c for a in annotated for c in a.claims]
    kinds = {s.source_id: s.kind for s in annotations.sources}
    sizes = cluster_sizes(annotations)
    docs_of: dict[str, set[str]] = {}
    for a in annotated:
        for c in a.claims:
            docs_of.setdefault(c.cluster, set()).add(a.doc_id)
    # Every registered cluster counts, a mention-less one with size 0.
    all_clusters = {k.cluster_id for k in annotations.clusters} | set(sizes)
    size_counts = Counter(sizes.get(k, 0) for k in all_clusters)
    stance_counts = Counter(c.stance for c in claims)
    kind_counts = Counter(AUTHOR if c.source == AUTHOR else kinds[c.source] for c in claims)
    depth_counts = Counter(len(c.chain) for c in claims)
    reuse_counts = Counter(p["reuse"] for p in pairs)
    return Stats(
        documents=len(docs),
        claims=len(claims),
        clusters=len(all_clusters),
        sources=len(annotations.sources),
        per_document=tuple(
            DocStats(
                doc_id=a.doc_id,
                claims=len(a.claims),
                clusters=len({c.cluster for c in a.claims}),
                boilerplate=len(a.boilerplate),
                source_mentions=len(a.source_mentions),
            )
            for a in annotated
        ),
        stances={s: stance_counts[s] for s in STANCES},
        source_kinds={k: kind_counts[k] for k in (AUTHOR, *SOURCE_KINDS)},
        cluster_sizes=dict(sorted(size_counts.items())),
        cross_document_clusters=sum(1 for d in docs_of.values() if len(d) >= 2),
        nested_mentions=sum(1 for c in claims if c.parent),
        denied_mentions=sum(1 for c in claims if c.stance == DENIED),
        duplicated_mentions=sum(1 for c in claims if sizes[c.cluster] >= 2),
        chain_depths=dict(sorted(depth_counts.items())),
        pairs=PairStats(
            total=len(pairs),
            duplicate=sum(1 for p in pairs if p["duplicate"]),
            contradiction=sum(1 for p in pairs if p["contradiction"]),
            reuse={label: reuse_counts[label] for label in REUSE_LABELS},
        ),
    )


def _summary_rows(stats: Stats) -> list[tuple[str, int]]:
    return [
        ("documents", stats.documents),
        ("claim mentions", stats.claims),
        ("clusters", stats.clusters),
        ("clusters spanning >= 2 documents", stats.cross_document_clusters),
        ("sources", stats.sources),
        ("nested claim mentions (inside another claim)", stats.nested_mentions),
        ("denied mentions", stats.denied_mentions),
        ("duplicated mentions (cluster has >= 2 mentions)", stats.duplicated_mentions),
        ("pairs", stats.pairs.total),
        ("duplicate pairs", stats.pairs.duplicate),
        ("contradiction pairs", stats.pairs.contradiction),
    ]


def _sections(stats: Stats) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    """(title, header, rows) of every table, shared by the text and Markdown renderings."""
    return [
        ("Summary", ("figure", "count"), _summary_rows(stats)),
        ("Per document", ("document", "claims", "clusters", "boilerplate spans",
                          "source mentions"),
         [(d.doc_id, d.claims, d.clusters, d.boilerplate, d.source_mentions)
          for d in stats.per_document]),
        ("Stances", ("stance", "mentions"), list(stats.stances.items())),
        ("Immediate source kinds", ("source kind", "mentions"),
         list(stats.source_kinds.items())),
        ("Cluster sizes", ("mentions in cluster", "clusters"),
         list(stats.cluster_sizes.items())),
        ("Attribution chain depth", ("links in chain", "mentions"),
         list(stats.chain_depths.items())),
        ("Pair reuse labels", ("reuse", "pairs"), list(stats.pairs.reuse.items())),
    ]


def _text(stats: Stats) -> str:
    blocks = []
    for title, header, rows in _sections(stats):
        cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
        lines = [title, "-" * len(title)]
        for r in cells:
            first = r[0].ljust(widths[0])
            rest = [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
            lines.append("  ".join([first, *rest]).rstrip())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _markdown(stats: Stats, heading: str = "###") -> str:
    blocks = []
    for title, header, rows in _sections(stats):
        blocks.append(f"{heading} {title}\n\n{table(header, rows)}")
    return "\n\n".join(blocks)


def stats_to_json(stats: Stats) -> dict[str, Any]:
    """A JSON-ready dict of the figures (int mapping keys stay ints until dumped)."""
    return asdict(stats)


def format_stats(stats: Stats, fmt: str = "text") -> str:
    """Render the figures as ``text`` (aligned tables), ``json`` (sorted keys) or ``markdown``."""
    if fmt == "text":
        return _text(stats)
    if fmt == "json":
        return json.dumps(stats_to_json(stats), indent=2, sort_keys=True, ensure_ascii=False)
    if fmt == "markdown":
        return _markdown(stats)
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
