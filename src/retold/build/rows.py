"""The rows of the six release configs, computed from validated documents and annotations.

Rows are plain dicts with label *names* (not ids), fields in schema order, sorted by the
config's ``sort_key``; ``features.encode_row`` turns them into what the Parquet files
store. Keeping the semantics here, apart from the writing, lets the statistics and the
tests use exactly the rows that are released.

The input must already be valid (``validate.load_validated``): ids resolve, spans match
the text. This module only derives; it does not re-check what the validator checks,
except what only the build needs (sentence and token alignment, in ``segment``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

from tqdm import tqdm

from retold.build.chains import immediate_offsets
from retold.build.contrast_rows import contrast_pairs_rows, contrast_rows
from retold.errors import InvalidInputError, Problem
from retold.io.corpus import Document
from retold.io.ids import sentence_id
from retold.io.standoff import AnnotationSet, Claim, DocAnnotation
from retold.schema import AUTHOR, CONFIG_NAMES, TOKEN_LAYERS, get_config, label_named
from retold.text.reuse import reuse_label, reuse_tokens, similarity
from retold.text.segment import segment_document

Row = dict[str, Any]

PROGRESS_MIN_PAIRS = 20_000
"""Below this many pairs the loop takes well under a second: no progress bar."""

DENIED = label_named("STANCES", "denied")


def sort_rows(config_name: str, rows: list[Row]) -> list[Row]:
    """Rows sorted by the config's ``sort_key`` (a stable, total order on its primary key)."""
    key = get_config(config_name).sort_key
    return sorted(rows, key=lambda row: tuple(row[k] for k in key))


def _docs_by_id(docs: Sequence[Document]) -> dict[str, Document]:
    return {d.doc_id: d for d in docs}


def _annotated_docs(annotations: AnnotationSet) -> list[DocAnnotation]:
    return sorted(annotations.docs, key=lambda a: a.doc_id)


def documents_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per document: manifest fields, raw text, boilerplate spans, fold."""
    boilerplate = {a.doc_id: a.boilerplate for a in annotations.docs}
    rows = []
    for d in docs:
        spans = sorted((b.start, b.end, b.kind) for b in boilerplate.get(d.doc_id, ()))
        rows.append({
            "doc_id": d.doc_id,
            "source_file": d.source_file,
            "text": d.text,
            "outlet": d.outlet,
            "genre": d.genre,
            "language": d.language,
            "published": d.published,
            "url": d.url,
            "relays": list(d.relays),
            "rights": d.rights,
            "sha256": d.sha256,
            "boilerplate": [{"start": s, "end": e, "kind": k} for s, e, k in spans],
            "fold": d.fold,
        })
    return sort_rows("documents", rows)


def cluster_sizes(annotations: AnnotationSet) -> Counter[str]:
    """Number of mentions of each cluster id across the corpus."""
    return Counter(c.cluster for a in annotations.docs for c in a.claims)


def claims_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per claim mention, with its chain resolved to source and cue offsets."""
    by_id = _docs_by_id(docs)
    sizes = cluster_sizes(annotations)
    rows = []
    for a in _annotated_docs(annotations):
        text = by_id[a.doc_id].text
        mentions = {m.id: (m.start, m.end) for m in a.source_mentions}
        cues = {q.id: (q.start, q.end) for q in a.cues}
        for c in a.claims:
            chain = []
            for link in c.chain:
                ss, se = mentions[link.mention] if link.mention is not None else (-1, -1)
                cs, ce = cues[link.cue] if link.cue is not None else (-1, -1)
                chain.append({"source": link.source, "source_start": ss, "source_end": se,
                              "cue_start": cs, "cue_end": ce})
            ss, se, cs, ce = immediate_offsets(chain)
            rows.append({
                "claim_id": c.id,
                "doc_id": a.doc_id,
                "start": c.start,
                "end": c.end,
                "text": text[c.start:c.end],
                "parent_claim_id": c.parent,
                "cluster_id": c.cluster,
                "stance": c.stance,
                "source": c.source,
                "source_chain": [link.source for link in c.chain],
                "source_start": ss,
                "source_end": se,
                "cue_start": cs,
                "cue_end": ce,
                "source_text": text[ss:se] if ss >= 0 else "",
                "cue_text": text[cs:ce] if cs >= 0 else "",
                "chain": chain,
                "attributed": c.source != AUTHOR,
                "denied": c.stance == DENIED,
                "duplicated": sizes[c.cluster] >= 2,
                "fold": by_id[a.doc_id].fold,
            })
    return sort_rows("claims", rows)


def clusters_rows(annotations: AnnotationSet) -> list[Row]:
    """One row per cluster with its mentions and documents, both sorted."""
    claim_ids: dict[str, list[str]] = defaultdict(list)
    doc_ids: dict[str, set[str]] = defaultdict(set)
    for a in annotations.docs:
        for c in a.claims:
            claim_ids[c.cluster].append(c.id)
            doc_ids[c.cluster].add(a.doc_id)
    rows = [{
        "cluster_id": k.cluster_id,
        "proposition": k.proposition,
        "claim_ids": sorted(claim_ids[k.cluster_id]),
        "doc_ids": sorted(doc_ids[k.cluster_id]),
    } for k in annotations.clusters]
    return sort_rows("clusters", rows)


def sources_rows(annotations: AnnotationSet) -> list[Row]:
    """The source registry, one row per source id, aliases as annotated."""
    rows = [{"source_id": s.source_id, "name": s.name, "aliases": list(s.aliases),
             "kind": s.kind} for s in annotations.sources]
    return sort_rows("sources", rows)


def _all_claims(annotations: AnnotationSet) -> list[tuple[str, Claim]]:
    return sorted(((a.doc_id, c) for a in annotations.docs for c in a.claims),
                  key=lambda item: item[1].id)


def pairs_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """Every unordered pair of claim mentions, ``claim_id_a < claim_id_b``.

    The similarity is computed for every pair (not only duplicates) so that a reuse
    detector can be evaluated on the whole table; the label uses the exact value.
    """
    by_id = _docs_by_id(docs)
    claims = _all_claims(annotations)
    tokens = {c.id: reuse_tokens(by_id[d].text[c.start:c.end]) for d, c in claims}
    total = len(claims) * (len(claims) - 1) // 2
    rows = []
    progress = tqdm(combinations(claims, 2), total=total, desc="pairs", unit="pair",
                    disable=True if total < PROGRESS_MIN_PAIRS else None, leave=False)
    for (doc_a, a), (doc_b, b) in progress:
        duplicate = a.cluster == b.cluster
        sim = similarity(tokens[a.id], tokens[b.id])
        rows.append({
            "claim_id_a": a.id,
            "claim_id_b": b.id,
            "doc_id_a": doc_a,
            "doc_id_b": doc_b,
            "same_doc": doc_a == doc_b,
            "duplicate": duplicate,
            "reuse": reuse_label(duplicate, sim),
            "similarity": sim,
            "contradiction": duplicate and ((a.stance == DENIED) != (b.stance == DENIED)),
            "fold": by_id[doc_a].fold,
        })
    return sort_rows("pairs", rows)


def tokens_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per sentence with tokens and BIO tags; every document's problems are raised."""
    by_id = _docs_by_id(docs)
    rows = []
    problems: list[Problem] = []
    for a in _annotated_docs(annotations):
        document = by_id[a.doc_id]
        try:
            sentences = segment_document(document.text, a)
        except InvalidInputError as err:
            problems.extend(err.problems)
            continue
        for s in sentences:
            row: Row = {
                "sentence_id": sentence_id(a.doc_id, s.start),
                "doc_id": a.doc_id,
                "start": s.start,
                "end": s.end,
                "tokens": list(s.tokens),
                "token_starts": list(s.token_starts),
                "token_ends": list(s.token_ends),
            }
            for layer in TOKEN_LAYERS:
                row[f"{layer}_tags"] = list(s.tags[layer])
            row["fold"] = document.fold
            rows.append(row)
    if problems:
        raise InvalidInputError(problems)
    return sort_rows("tokens", rows)


_BUILDERS: dict[str, Callable[[Sequence[Document], AnnotationSet], list[Row]]] = {
    "documents": documents_rows,
    "claims": claims_rows,
    "clusters": lambda docs, annotations: clusters_rows(annotations),
    "sources": lambda docs, annotations: sources_rows(annotations),
    "pairs": pairs_rows,
    "tokens": tokens_rows,
    "contrast": contrast_rows,
    "contrast_pairs": contrast_pairs_rows,
}


def config_rows(config_name: str, docs: Sequence[Document],
                annotations: AnnotationSet) -> list[Row]:
    """The rows of one config by name."""
    return _BUILDERS[config_name](docs, annotations)


def compute_rows(docs: Sequence[Document], annotations: AnnotationSet) -> dict[str, list[Row]]:
    """The rows of every config, in ``schema.CONFIG_NAMES`` order."""
    return {name: config_rows(name, docs, annotations) for name in CONFIG_NAMES}
