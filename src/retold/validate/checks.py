"""Check an annotation set against the corpus and the schema; report every problem.

``validate(corpus_dir, annotations_dir)`` loads the corpus and the annotation set (the
loaders record shape problems and go on), then runs every semantic check below and
returns *all* problems, sorted. It never stops at the first one. ``load_validated``
returns the loaded data, or raises ``InvalidInputError`` carrying every problem.

Each ``Problem`` names the file, the id (or line, or ``-``) and one of these stable
error codes:

``shape``
    A file is not valid JSON or UTF-8, or a record lacks a field or has a field of the
    wrong type (reported by the loaders).
``missing-file``
    The manifest, a text file, ``sources.json``, ``clusters.json`` or the ``docs/``
    folder does not exist (reported by the loaders).
``checksum``
    A text's SHA-256 differs from the manifest's: the text was changed.
``schema-version``
    A document file's ``schema_version`` is not ``schema.ANNOTATION_FORMAT_VERSION``.
``unknown-document``
    A document file's ``doc_id`` is not in the manifest, or its file name is not
    ``<doc_id>.json``.
``missing-annotation``
    A manifest document has no annotation file.
``offset-out-of-range``
    A span (claim, boilerplate, source mention, cue) has ``start < 0``,
    ``end > len(text)`` or ``start >= end`` (empty or reversed).
``span-text-mismatch``
    A span's stored ``text`` is not ``text[start:end]``.
``unknown-label``
    A stance, boilerplate kind, source kind, genre or rights status not in the schema.
``unknown-source``
    A claim's ``source``, a chain link's ``source``, a source mention's ``source`` or a
    manifest ``relays`` entry is not in ``sources.json``. The reserved id
    ``schema.AUTHOR`` is valid only as the ``source`` of a claim with an empty chain;
    anywhere else (a chain link, a mention, the registry itself) it is this error.
``dangling-reference``
    A claim's ``cluster`` is not in ``clusters.json``, or a chain link's ``mention`` or
    ``cue`` id is not among the document's source mentions or cues.
``mention-source-mismatch``
    A chain link's ``source`` differs from the ``source`` of the mention it points to.
``duplicate-id``
    An id used twice: claim, boilerplate, source-mention and cue ids (unique across the
    whole set, not only within a document), document ids of annotation files,
    ``source_id`` in ``sources.json``, ``cluster_id`` in ``clusters.json``, ``doc_id``
    in the manifest.
``boilerplate-overlap``
    A claim, source mention or cue span overlaps a boilerplate span.
``claim-overlap``
    Two claim spans of one document overlap.
``span-overlap``
    Two different source-mention spans, or two different cue spans, of one document
    overlap (the BIO layers of the ``tokens`` config cannot hold that). Two mentions with
    the very same offsets are allowed.
``crosses-line``
    A claim, source-mention or cue span contains a line break; sentences never cross
    lines, so such a span could not be tagged in the ``tokens`` config.
``chain-source-mismatch``
    A claim's chain is non-empty and its last link's ``source`` is not the claim's
    ``source``, or the chain is empty and the ``source`` is not ``schema.AUTHOR``.
``empty-proposition``
    A cluster's ``proposition`` is empty or only white space.
``unused-cluster``
    A cluster in ``clusters.json`` that no claim uses.
``unused-source``
    A source in ``sources.json`` that no claim, chain link, mention or manifest
    ``relays`` entry refers to.
``not-token-aligned``
    A claim, source mention or cue boundary falls inside a token. Tokens are the matches
    of ``schema.TOKEN_PATTERN`` in the text after it is cut at every boilerplate edge (see
    ``retold.text.tokens``), so a claim may start right after glued boilerplate, as in
    "ReplyDelete|Among". Boilerplate spans themselves are not checked.
``unused-span``
    A source mention or cue that no chain link refers to.

When a whole file cannot be read (``missing-file``, or a ``shape`` problem for the file
itself), the checks that need its contents are skipped rather than reported once per use:
no ``unknown-source`` without a readable ``sources.json``; no cluster
``dangling-reference`` without a readable ``clusters.json``; no ``unused-cluster`` or
``unused-source`` while the manifest or a document file is unreadable or a manifest
document has no annotation file; no span-against-text checks for a document whose text
failed to load. Offsets are Python ``str`` indices (code points), half-open.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retold import schema
from retold.errors import (
    BOILERPLATE_OVERLAP,
    CHAIN_SOURCE_MISMATCH,
    CLAIM_OVERLAP,
    CROSSES_LINE,
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    EMPTY_PROPOSITION,
    MENTION_SOURCE_MISMATCH,
    MISSING_ANNOTATION,
    NOT_TOKEN_ALIGNED,
    OFFSET_OUT_OF_RANGE,
    SPAN_OVERLAP,
    SPAN_TEXT_MISMATCH,
    UNKNOWN_DOCUMENT,
    UNKNOWN_LABEL,
    UNKNOWN_SOURCE,
    UNUSED_CLUSTER,
    UNUSED_SOURCE,
    UNUSED_SPAN,
    WRONG_SCHEMA_VERSION,
    InvalidInputError,
    Problem,
)
from retold.io import corpus
from retold.io import standoff as annotation
from retold.io.corpus import Document, load_corpus
from retold.io.jsonio import read_json
from retold.io.standoff import AnnotationSet, Claim, DocAnnotation, Span, load_annotation_set
from retold.text.tokens import token_boundaries


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------
def validate(corpus_dir: Path, annotations_dir: Path) -> list[Problem]:
    """Every problem of the annotation set against the corpus, sorted; empty if valid."""
    return _load_and_check(Path(corpus_dir), Path(annotations_dir))[2]


def load_validated(
    corpus_dir: Path, annotations_dir: Path
) -> tuple[tuple[Document, ...], AnnotationSet]:
    """The corpus and the annotation set; raise ``InvalidInputError`` with every problem."""
    docs, annotations, problems = _load_and_check(Path(corpus_dir), Path(annotations_dir))
    if problems:
        raise InvalidInputError(problems)
    return docs, annotations


# --------------------------------------------------------------------------------------
# Driver.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Files:
    """The set-wide files, named as the loaders name them in problems."""

    manifest: str
    sources: str
    clusters: str


@dataclass(frozen=True)
class _ManifestRecord:
    """A manifest record as written (also when its text failed to load)."""

    index: int
    doc_id: str
    relays: tuple[str, ...]

    @property
    def where(self) -> str:
        return f"[{self.index}] {self.doc_id}"


def _load_and_check(
    corpus_dir: Path, annotations_dir: Path
) -> tuple[tuple[Document, ...], AnnotationSet, list[Problem]]:
    problems: list[Problem] = []
    docs = load_corpus(corpus_dir, problems)
    annotations = load_annotation_set(annotations_dir, problems)
    files = _Files(
        manifest=str(corpus_dir / corpus.MANIFEST_FILE),
        sources=str(Path(annotations.root) / annotation.SOURCES_FILE),
        clusters=str(Path(annotations.root) / annotation.CLUSTERS_FILE),
    )
    read = _read_manifest(corpus_dir)
    manifest = read or []
    # A file that could not be read at all has its own missing-file or shape problem;
    # the checks that need its contents are skipped instead of flooding the report.
    sources_read = not _unreadable(problems, files.sources)
    clusters_read = not _unreadable(problems, files.clusters)
    everything_read = read is not None and _all_docs_read(annotations, annotations_dir, manifest)

    problems += _check_manifest_ids(files, manifest)
    problems += _check_doc_files(annotations, annotations_dir, manifest)
    problems += _check_duplicate_ids(annotations, files)
    problems += _check_labels(annotations, files)
    if sources_read:
        problems += _check_sources(annotations, manifest, files)
    problems += _check_propositions(annotations, files)
    if everything_read:
        problems += _check_registry_use(annotations, manifest, files)
    cluster_ids = {c.cluster_id for c in annotations.clusters} if clusters_read else None
    texts = {d.doc_id: d.text for d in docs}
    for doc in annotations.docs:
        text = texts.get(doc.doc_id)  # None when the text failed to load
        problems += _check_spans(doc, text)
        problems += _check_alignment(doc, text)
        problems += _check_overlaps(doc, text)
        problems += _check_references(doc, cluster_ids)
        problems += _check_chains(doc)
    return docs, annotations, sorted(set(problems))


def _read_manifest(corpus_dir: Path) -> list[_ManifestRecord] | None:
    """The manifest's doc ids and relays; None if it cannot be read (load_corpus says why)."""
    data = read_json(corpus_dir / corpus.MANIFEST_FILE, [])
    if not isinstance(data, list):
        return None
    out = []
    for i, record in enumerate(data):
        if isinstance(record, dict) and isinstance(record.get("doc_id"), str):
            relays = record.get("relays")
            relays = relays if isinstance(relays, list) else []
            out.append(_ManifestRecord(
                i, record["doc_id"], tuple(r for r in relays if isinstance(r, str))))
    return out


def _unreadable(problems: list[Problem], file: str) -> bool:
    """The loader could not read the file at all (missing, not JSON, not a list)."""
    return any(p.file == file and not p.where.startswith("[") for p in problems)


def _all_docs_read(
    annotations: AnnotationSet, annotations_dir: Path, manifest: list[_ManifestRecord]
) -> bool:
    """Every annotation file was read and every manifest document has one."""
    docs_dir = annotations_dir / annotation.DOCS_DIR
    annotated = {doc.doc_id for doc in annotations.docs}
    return (
        docs_dir.is_dir()
        and len(annotations.docs) == len(list(docs_dir.glob("*.json")))
        and all(record.doc_id in annotated for record in manifest)
    )


# --------------------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------------------
def _spans(doc: DocAnnotation) -> Iterator[tuple[str, Span]]:
    """Every span of a document with its kind, for messages."""
    for b in doc.boilerplate:
        yield "boilerplate", b
    for m in doc.source_mentions:
        yield "source mention", m
    for c in doc.cues:
        yield "cue", c
    for claim in doc.claims:
        yield "claim", claim


def _in_range(span: Span, text: str | None) -> bool:
    """The span is non-empty and (when the text is known) inside it."""
    limit = len(text) if text is not None else span.end
    return 0 <= span.start < span.end <= limit


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _clip(s: str, n: int = 60) -> str:
    return repr(s if len(s) <= n else s[: n - 3] + "...")


def _id(span: Span) -> str:
    return span.id or "-"


# --------------------------------------------------------------------------------------
# Checks: files and ids.
# --------------------------------------------------------------------------------------
def _check_manifest_ids(files: _Files, manifest: list[_ManifestRecord]) -> Iterator[Problem]:
    seen: set[str] = set()
    for record in manifest:
        if record.doc_id in seen:
            yield Problem(files.manifest, record.where, DUPLICATE_ID,
                          f"doc_id {record.doc_id!r} is listed more than once in the manifest")
        seen.add(record.doc_id)


def _check_doc_files(
    annotations: AnnotationSet, annotations_dir: Path, manifest: list[_ManifestRecord]
) -> Iterator[Problem]:
    known = {r.doc_id for r in manifest}
    for doc in annotations.docs:
        where = doc.doc_id or "-"
        if doc.schema_version != schema.ANNOTATION_FORMAT_VERSION:
            yield Problem(doc.path, where, WRONG_SCHEMA_VERSION,
                          f"schema_version {doc.schema_version!r} is not "
                          f"{schema.ANNOTATION_FORMAT_VERSION!r}")
        if doc.doc_id not in known:
            yield Problem(doc.path, where, UNKNOWN_DOCUMENT,
                          f"doc_id {doc.doc_id!r} is not in the manifest")
        expected = f"{doc.doc_id}.json"
        if Path(doc.path).name != expected:
            yield Problem(doc.path, where, UNKNOWN_DOCUMENT,
                          f"file name {Path(doc.path).name!r} is not {expected!r}")
    annotated = {doc.doc_id for doc in annotations.docs}
    docs_dir = annotations_dir / annotation.DOCS_DIR
    for doc_id in sorted(known - annotated):
        path = docs_dir / f"{doc_id}.json"
        if not path.exists():  # an existing but unreadable file is reported by the loader
            yield Problem(str(path), doc_id, MISSING_ANNOTATION,
                          f"manifest document {doc_id!r} has no annotation file")


def _check_duplicate_ids(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    first_doc: dict[str, str] = {}
    first_span: dict[str, tuple[str, str]] = {}
    for doc in annotations.docs:
        if doc.doc_id in first_doc:
            yield Problem(doc.path, doc.doc_id, DUPLICATE_ID,
                          f"doc_id {doc.doc_id!r} is also annotated in {first_doc[doc.doc_id]}")
        first_doc.setdefault(doc.doc_id, doc.path)
        for kind, span in _spans(doc):
            if not span.id:
                continue  # a missing id is a shape problem already
            if span.id in first_span:
                other_kind, other_file = first_span[span.id]
                yield Problem(doc.path, span.id, DUPLICATE_ID,
                              f"{kind} id {span.id!r} is already used by a {other_kind} "
                              f"in {other_file}")
            else:
                first_span[span.id] = (kind, doc.path)
    for file, what, ids in (
        (files.sources, "source_id", [s.source_id for s in annotations.sources]),
        (files.clusters, "cluster_id", [c.cluster_id for c in annotations.clusters]),
    ):
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                yield Problem(file, item_id, DUPLICATE_ID, f"{what} {item_id!r} is listed twice")
            seen.add(item_id)


# --------------------------------------------------------------------------------------
# Checks: labels and the registries.
# --------------------------------------------------------------------------------------
def _check_labels(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    """Stances, boilerplate kinds and source kinds (genre and rights: ``load_corpus``)."""
    for doc in annotations.docs:
        for claim in doc.claims:
            if claim.stance not in schema.STANCES:
                yield Problem(doc.path, _id(claim), UNKNOWN_LABEL,
                              f"unknown stance {claim.stance!r}; known: {schema.STANCES}")
        for b in doc.boilerplate:
            if b.kind not in schema.BOILERPLATE_KINDS:
                yield Problem(doc.path, _id(b), UNKNOWN_LABEL,
                              f"unknown boilerplate kind {b.kind!r}; "
                              f"known: {schema.BOILERPLATE_KINDS}")
    for source in annotations.sources:
        if source.kind not in schema.SOURCE_KINDS:
            yield Problem(files.sources, source.source_id or "-", UNKNOWN_LABEL,
                          f"unknown source kind {source.kind!r}; known: {schema.SOURCE_KINDS}")


def _check_sources(
    annotations: AnnotationSet, manifest: list[_ManifestRecord], files: _Files
) -> Iterator[Problem]:
    """Every source id used must be in the registry; ``author`` only on a bare claim."""
    registry = {s.source_id for s in annotations.sources}
    author = schema.AUTHOR
    if author in registry:
        yield Problem(files.sources, author, UNKNOWN_SOURCE,
                      f"the reserved source id {author!r} must not be in the registry")

    def check(file: str, where: str, what: str, source: str) -> Iterator[Problem]:
        if source == author:
            yield Problem(file, where, UNKNOWN_SOURCE,
                          f"{what} is the reserved {author!r}, which is valid only as the "
                          f"source of a claim with an empty chain")
        elif source not in registry:
            yield Problem(file, where, UNKNOWN_SOURCE,
                          f"{what} {source!r} is not in {annotation.SOURCES_FILE}")

    for doc in annotations.docs:
        for m in doc.source_mentions:
            yield from check(doc.path, _id(m), "source mention's source", m.source)
        for claim in doc.claims:
            if claim.source != author or claim.chain:
                yield from check(doc.path, _id(claim), "claim source", claim.source)
            for i, link in enumerate(claim.chain):
                yield from check(doc.path, f"{_id(claim)} chain[{i}]", "chain link source",
                                 link.source)
    for record in manifest:
        for relay in record.relays:
            yield from check(files.manifest, record.where, "relayed source", relay)


def _check_propositions(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    for cluster in annotations.clusters:
        if not cluster.proposition.strip():
            yield Problem(files.clusters, cluster.cluster_id or "-", EMPTY_PROPOSITION,
                          f"cluster {cluster.cluster_id!r} has an empty proposition")


def _check_registry_use(
    annotations: AnnotationSet, manifest: list[_ManifestRecord], files: _Files
) -> Iterator[Problem]:
    """Every cluster is used by a claim; every source is referred to somewhere."""
    used_clusters = {c.cluster for doc in annotations.docs for c in doc.claims}
    used_sources = {relay for record in manifest for relay in record.relays}
    for doc in annotations.docs:
        used_sources.update(m.source for m in doc.source_mentions)
        for claim in doc.claims:
            used_sources.add(claim.source)
            used_sources.update(link.source for link in claim.chain)
    for cluster in annotations.clusters:
        if cluster.cluster_id not in used_clusters:
            yield Problem(files.clusters, cluster.cluster_id or "-", UNUSED_CLUSTER,
                          f"cluster {cluster.cluster_id!r} is used by no claim")
    for source in annotations.sources:
        if source.source_id != schema.AUTHOR and source.source_id not in used_sources:
            yield Problem(files.sources, source.source_id or "-", UNUSED_SOURCE,
                          f"source {source.source_id!r} is referred to by no claim, chain "
                          f"link, source mention or manifest relay")


# --------------------------------------------------------------------------------------
# Checks: spans against the text.
# --------------------------------------------------------------------------------------
def _check_spans(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """Offsets inside the text and non-empty; stored text equal to the covered text."""
    for kind, span in _spans(doc):
        if span.start < 0 or span.start >= span.end:
            yield Problem(doc.path, _id(span), OFFSET_OUT_OF_RANGE,
                          f"{kind} span [{span.start}, {span.end}) is empty, reversed or "
                          f"negative")
            continue
        if text is None:
            continue
        if span.end > len(text):
            yield Problem(doc.path, _id(span), OFFSET_OUT_OF_RANGE,
                          f"{kind} span [{span.start}, {span.end}) ends past the text "
                          f"(length {len(text)})")
            continue
        covered = text[span.start:span.end]
        if covered != span.text:
            yield Problem(doc.path, _id(span), SPAN_TEXT_MISMATCH,
                          f"{kind} stored text {_clip(span.text)} is not "
                          f"text[{span.start}:{span.end}] = {_clip(covered)}")


def _check_alignment(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """Claim, mention and cue boundaries on token boundaries (boilerplate edges cut)."""
    if text is None:
        return
    cuts = [edge for b in doc.boilerplate if _in_range(b, text) for edge in (b.start, b.end)]
    boundaries = token_boundaries(text, cuts)
    for kind, span in _spans(doc):
        if kind == "boilerplate" or not _in_range(span, text):
            continue
        for name, offset in (("start", span.start), ("end", span.end)):
            if offset not in boundaries:
                yield Problem(doc.path, _id(span), NOT_TOKEN_ALIGNED,
                              f"{kind} {name} {offset} falls inside a token: "
                              f"{_clip(text[max(0, offset - 15):offset])} | "
                              f"{_clip(text[offset:offset + 15])}")


def _check_overlaps(doc: DocAnnotation, text: str | None) -> Iterator[Problem]:
    """No claim, mention or cue overlaps boilerplate or crosses a line; no two claims,
    no two different mentions and no two different cues overlap."""
    boilerplate = [b for b in doc.boilerplate if _in_range(b, text)]
    for kind, span in _spans(doc):
        if kind == "boilerplate" or not _in_range(span, text):
            continue
        for b in boilerplate:
            if _overlap(span, b):
                yield Problem(doc.path, _id(span), BOILERPLATE_OVERLAP,
                              f"{kind} [{span.start}, {span.end}) overlaps boilerplate "
                              f"{b.id!r} [{b.start}, {b.end})")
        if text is not None and "\n" in text[span.start:span.end]:
            yield Problem(doc.path, _id(span), CROSSES_LINE,
                          f"{kind} [{span.start}, {span.end}) contains a line break")
    layers: tuple[tuple[str, str, Sequence[Span]], ...] = (
        ("claim", CLAIM_OVERLAP, doc.claims),
        ("source mention", SPAN_OVERLAP, doc.source_mentions),
        ("cue", SPAN_OVERLAP, doc.cues),
    )
    for kind, code, layer in layers:
        spans = sorted((x for x in layer if _in_range(x, text)), key=lambda x: (x.start, x.end))
        for i, a in enumerate(spans):
            for b in spans[i + 1:]:
                if b.start >= a.end:
                    break
                if code == SPAN_OVERLAP and (a.start, a.end) == (b.start, b.end):
                    continue
                yield Problem(doc.path, _id(b), code,
                              f"{kind} [{b.start}, {b.end}) overlaps {kind} {a.id!r} "
                              f"[{a.start}, {a.end})")


# --------------------------------------------------------------------------------------
# Checks: references and chains within a document.
# --------------------------------------------------------------------------------------
def _check_references(doc: DocAnnotation, cluster_ids: set[str] | None) -> Iterator[Problem]:
    """Clusters, mentions and cues referred to exist; every mention and cue is used.

    ``cluster_ids`` is None when ``clusters.json`` could not be read.
    """
    mentions = {m.id: m for m in doc.source_mentions}
    cue_ids = {c.id for c in doc.cues}
    used: set[str] = set()
    for claim in doc.claims:
        if cluster_ids is not None and claim.cluster not in cluster_ids:
            yield Problem(doc.path, _id(claim), DANGLING_REFERENCE,
                          f"cluster {claim.cluster!r} is not in {annotation.CLUSTERS_FILE}")
        for i, link in enumerate(claim.chain):
            where = f"{_id(claim)} chain[{i}]"
            if link.mention is not None:
                used.add(link.mention)
                mention = mentions.get(link.mention)
                if mention is None:
                    yield Problem(doc.path, where, DANGLING_REFERENCE,
                                  f"mention {link.mention!r} is not a source mention of "
                                  f"this document")
                elif mention.source != link.source:
                    yield Problem(doc.path, where, MENTION_SOURCE_MISMATCH,
                                  f"link source {link.source!r} differs from the source "
                                  f"{mention.source!r} of mention {mention.id!r}")
            if link.cue is not None:
                used.add(link.cue)
                if link.cue not in cue_ids:
                    yield Problem(doc.path, where, DANGLING_REFERENCE,
                                  f"cue {link.cue!r} is not a cue of this document")
    for kind, spans in (("source mention", doc.source_mentions), ("cue", doc.cues)):
        for span in spans:
            if span.id not in used:
                yield Problem(doc.path, _id(span), UNUSED_SPAN,
                              f"{kind} {span.id!r} is referred to by no chain link")


def _check_chains(doc: DocAnnotation) -> Iterator[Problem]:
    """The chain's last link is the claim's source; an empty chain means ``author``."""
    for claim in doc.claims:
        message = _chain_mismatch(claim)
        if message:
            yield Problem(doc.path, _id(claim), CHAIN_SOURCE_MISMATCH, message)


def _chain_mismatch(claim: Claim) -> str | None:
    if claim.chain and claim.chain[-1].source != claim.source:
        return (f"the chain's last link has source {claim.chain[-1].source!r} but the "
                f"claim's source is {claim.source!r}")
    if not claim.chain and claim.source != schema.AUTHOR:
        return (f"the chain is empty but the claim's source is {claim.source!r}, "
                f"not {schema.AUTHOR!r}")
    return None
