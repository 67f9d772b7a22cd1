"""Check an annotation set against the corpus and the schema; report every problem.

``validate(corpus_dir, annotations_dir)`` loads the corpus and the annotation set (the
loaders record shape problems and go on), then runs every semantic check below and
returns *all* problems, sorted. It never stops at the first one. ``load_validated``
returns the loaded data, or raises ``InvalidInputError`` carrying every problem.

Each ``Problem`` names the file, the id (or line, or ``-``) and one of these stable
error codes:

``shape``
    A file is not valid JSON (reported with its line and column and the parser's whole
    message; ``NaN`` and ``Infinity`` are not JSON) or not UTF-8, a file holds a top-level
    value of another type than its format's (``null``, a number, a list for an object: the
    one problem of that file, never read as empty), an id counter of ``ids.json`` is above
    ``retold.io.ids.MAX_ISSUED``, a string holds an
    unpaired surrogate escape, or a record lacks a field or has a field of the wrong type,
    at any depth (a manifest ``relays`` entry or a source alias that is not a string, a
    chain link that is not an object). A wrong-typed value is reported once, as this
    problem: the checks below skip a field that failed to load, so no second problem
    quotes a value that is not in the file. Also ``agreement.json``, when present, must
    hold one JSON object (the build prints it in the card). Reported by the loaders.
``unknown-key``
    An object has a key its format does not define (a misspelling such as ``strat``
    is named with the closest known key), in a document file, a claim, a chain link, a
    span, ``sources.json``, ``clusters.json`` or a manifest record.
``duplicate-key``
    A key appears twice in one JSON object. Python's ``json`` would keep the last value
    silently; the first is kept for the other checks and the file is refused.
``missing-file``
    The manifest, a text file, ``sources.json``, ``clusters.json``, ``ids.json`` or the
    ``docs/`` folder does not exist or cannot be read (reported by the loaders), or a file
    is not a regular file (a FIFO, a device, a folder: refused before it is opened, so
    nothing blocks) or is larger than its limit.
``checksum``
    A text's SHA-256 differs from the manifest's: the text was changed.
``converted-text``
    A text whose checksum fails starts with a UTF-8 byte-order mark or has CRLF line
    endings, so it was probably converted on checkout or by an editor (given in addition
    to ``checksum``; the message says whether undoing the conversion restores the
    checksum). ``.gitattributes`` keeps git from converting the texts.
``empty-id``
    An id is empty, only white space, or has leading or trailing white space: a claim,
    boilerplate, source-mention or cue id, a document file's or the manifest's ``doc_id``,
    a ``source_id`` or a ``cluster_id``.
``fold-out-of-range``
    A manifest record's ``fold`` is not in ``0..n-1``, n being the number of records.
``duplicate-fold``
    Two manifest records have the same ``fold``. Each fold holds exactly one document
    (leave-one-document-out); with these two checks every fold ``0..n-1`` is used once.
``invalid-date``
    A manifest ``published`` is neither empty nor an ISO 8601 calendar date
    ``YYYY-MM-DD``.
``invalid-language``
    A manifest ``language`` is not a well-formed (RFC 5646 syntax) and valid (registered
    subtags) BCP 47 tag; see ``retold.validate.manifest``.
``schema-version``
    A document file's ``schema_version`` is not one this schema reads
    (``schema.reads_schema_version``: the major version of ``schema.SCHEMA_VERSION`` and a
    minor version not above its own; the frozen 1.0.0 reads stay valid under 1.1.0).
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
    in the manifest (a duplicate doc_id: the spans of its annotation file are not checked
    against either record's text until it names one).
``boilerplate-overlap``
    A claim, source mention or cue span overlaps a boilerplate span, or two boilerplate
    spans of one document overlap or repeat the same offsets.
``claim-overlap``
    Two claim spans of one document cross (they overlap and neither lies inside the
    other) or have the very same offsets. A claim may lie inside another one (nesting,
    below); claims never cross.
``claim-parent``
    A claim's ``parent`` disagrees with the spans: the parent is not a claim of this
    document (or is the claim itself), the claim does not lie inside its parent's span,
    or the claim lies inside another claim's span without naming the innermost such claim
    as its ``parent`` (an accidental overlap is never read as nesting).
``claim-nesting-depth``
    A claim is nested in a nested claim. Claims nest one level deep at most: the ``tokens``
    config has two claim layers (``claim_tags``, ``nested_claim_tags``), and no gloss in
    the corpus needs a third.
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
``whitespace-edge``
    A claim, source mention or cue starts or ends on white space (for example a claim
    starting on the space before its first word). The build tags tokens, so it needs every
    start on a token start and every end on a token end; with ``not-token-aligned`` this is
    exactly what the build's tagger refuses (``retold.validate.spans`` says why).
``unused-span``
    A source mention or cue that no chain link refers to.
``id-registry``
    A claim, boilerplate, source-mention or cue id disagrees with the set's id registry
    ``ids.json`` (see ``retold.io.ids``; checked in ``retold.validate.id_registry``): the
    id is not ``<prefix>-<letter><number>`` for its document and kind; it was never
    issued; it is retired (a retired id never comes back); an issued id is neither in use
    nor retired (a removed annotation's id must be retired); a retired entry is malformed,
    listed twice or was never issued; a document has no registry entry, or the registry
    has an entry for a document without an annotation file.

When a file, a record or a field cannot be read (``missing-file``, ``shape``), the checks
that need it are skipped rather than reported again as a derived problem: no
``unknown-source`` unless every entry of ``sources.json`` was read with its id; no cluster
``dangling-reference`` unless every entry of ``clusters.json`` was; no mention or cue
``dangling-reference`` unless the document's mentions or cues were all read with their ids;
no ``unused-span`` unless every chain link was read; no ``unused-cluster`` or
``unused-source`` while the manifest, a document file or any reference in them is
unreadable, or a manifest document has no annotation file; no ``unknown-document`` unless
every manifest ``doc_id`` was read; no span-against-text checks for a document whose text
failed to load, and no token checks for one whose boilerplate could not all be placed;
no span checks of a document file whose ``doc_id`` is listed twice in the manifest
(``duplicate-id``) or is not its file name (``unknown-document``), and no id-registry
checks of the latter; no
``id-registry`` problem "issued but neither in use nor retired" past the first ten ids of a
document and kind (the rest are counted in one problem).
Offsets are Python ``str`` indices (code points), half-open.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retold import schema
from retold.errors import (
    CHAIN_SOURCE_MISMATCH,
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    EMPTY_ID,
    EMPTY_PROPOSITION,
    MENTION_SOURCE_MISMATCH,
    MISSING_ANNOTATION,
    SHAPE,
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
from retold.io import corpus as corpus_io
from retold.io import standoff as annotation
from retold.io.agreement import shape_problem
from retold.io.corpus import Corpus, Document, read_corpus
from retold.io.standoff import AnnotationSet, Claim, DocAnnotation, load_annotation_set
from retold.io.toplevel import read_json_as
from retold.validate.contrast import check_contrast
from retold.validate.id_registry import check_id_registry
from retold.validate.manifest import check_manifest, id_problem
from retold.validate.nesting import check_nesting
from retold.validate.spans import check_spans, layers, where


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------
def validate(corpus_dir: Path, annotations_dir: Path, *, contrast: bool = True) -> list[Problem]:
    """Every problem of the annotation set against the corpus, sorted; empty if valid.

    Once the natural annotations are valid, the contrast set (if the set has one) is
    checked too (``retold.validate.contrast``), unless ``contrast`` is False (what
    ``retold anchor --contrast`` needs before the contrast standoff exists)."""
    return _load_and_check(Path(corpus_dir), Path(annotations_dir), contrast)[2]


def load_validated(
    corpus_dir: Path, annotations_dir: Path, *, contrast: bool = True
) -> tuple[tuple[Document, ...], AnnotationSet]:
    """The corpus and the annotation set; raise ``InvalidInputError`` with every problem
    (of the contrast set too, unless ``contrast`` is False: see ``validate``)."""
    docs, annotations, problems = _load_and_check(Path(corpus_dir), Path(annotations_dir),
                                                  contrast)
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


def _load_and_check(
    corpus_dir: Path, annotations_dir: Path, contrast: bool = True
) -> tuple[tuple[Document, ...], AnnotationSet, list[Problem]]:
    problems: list[Problem] = []
    corpus = read_corpus(corpus_dir, problems)
    annotations = load_annotation_set(annotations_dir, problems)
    files = _Files(
        manifest=str(corpus_dir / corpus_io.MANIFEST_FILE),
        sources=str(Path(annotations.root) / annotation.SOURCES_FILE),
        clusters=str(Path(annotations.root) / annotation.CLUSTERS_FILE),
    )
    problems += check_manifest(files.manifest, corpus)
    problems += _check_agreement(annotations_dir)
    problems += _check_doc_files(annotations, annotations_dir, corpus)
    problems += _check_ids(annotations, files)
    problems += _check_labels(annotations, files)
    if _registry_read(annotations, "sources"):
        problems += _check_sources(annotations, corpus, files)
    problems += _check_propositions(annotations, files)
    if _everything_read(annotations, corpus):
        problems += _check_registry_use(annotations, corpus, files)
    cluster_ids = ({c.cluster_id for c in annotations.clusters}
                   if _registry_read(annotations, "clusters") else None)
    texts = _texts(corpus)
    for doc in annotations.docs:
        text = texts.get(doc.doc_id) if _names_its_text(doc) else None
        problems += check_spans(doc, text)  # text None: it failed to load
        problems += check_nesting(doc, text)
        problems += _check_references(doc, cluster_ids)
        problems += _check_chains(doc)
    problems += check_id_registry(annotations, annotations_dir)
    if contrast and not problems:  # the contrast rows refer to valid natural annotations
        problems += check_contrast(annotations_dir, corpus.docs, annotations)
    return corpus.docs, annotations, sorted(set(problems))


def _texts(corpus: Corpus) -> dict[str, str]:
    """The text of each document id, leaving out an id the manifest lists twice.

    Which of two records' texts a duplicated doc_id annotates is unknown: checking its
    spans against either would report every span of the file, burying the one problem
    (``duplicate-id`` in the manifest) under hundreds that follow from it.
    """
    count: dict[str, int] = {}
    for record in corpus.records:
        if "doc_id" not in record.bad:
            count[record.doc_id] = count.get(record.doc_id, 0) + 1
    return {d.doc_id: d.text for d in corpus.docs if count.get(d.doc_id) == 1}


def _names_its_text(doc: DocAnnotation) -> bool:
    """The document file's ``doc_id`` was read and its file name is ``<doc_id>.json``.

    A file whose ``doc_id`` disagrees with its name (an ``unknown-document`` problem) may
    be the annotations of another document: its spans are not checked against the text
    its ``doc_id`` names, nor its ids against that document's registry entry, until the
    two agree.
    """
    return "doc_id" not in doc.bad and Path(doc.path).name == f"{doc.doc_id}.json"


def _registry_read(annotations: AnnotationSet, name: str) -> bool:
    """``sources.json`` or ``clusters.json`` was read whole, every entry with its id."""
    if name in annotations.bad:
        return False
    if name == "sources":
        return all("source_id" not in s.bad for s in annotations.sources)
    return all("cluster_id" not in c.bad for c in annotations.clusters)


def _manifest_ids_read(corpus: Corpus) -> bool:
    return corpus.complete and all("doc_id" not in r.bad for r in corpus.records)


def _references_read(doc: DocAnnotation) -> bool:
    """Every cluster and source reference of the document was read."""
    return (
        not {"doc_id", "claims", "source_mentions"} & doc.bad
        and all("source" not in m.bad for m in doc.source_mentions)
        and all(not {"cluster", "source", "chain"} & c.bad
                and all("source" not in link.bad for link in c.chain)
                for c in doc.claims)
    )


def _everything_read(annotations: AnnotationSet, corpus: Corpus) -> bool:
    """Every file, record and reference was read, and every manifest document has an
    annotation file: only then can a cluster or a source be called unused."""
    annotated = {doc.doc_id for doc in annotations.docs}
    return (
        _manifest_ids_read(corpus)
        and all("relays" not in r.bad for r in corpus.records)
        and "docs" not in annotations.bad
        and all(r.doc_id in annotated for r in corpus.records)
        and all(_references_read(doc) for doc in annotations.docs)
    )


# --------------------------------------------------------------------------------------
# Checks: files and ids.
# --------------------------------------------------------------------------------------
def _check_agreement(annotations_dir: Path) -> Iterator[Problem]:
    """``agreement.json``, when present, is an agreement file of the format the card reads
    (``retold.io.agreement``)."""
    path = annotations_dir / annotation.AGREEMENT_FILE
    if not os.path.lexists(path):
        return
    problems: list[Problem] = []
    data = read_json_as(path, problems, dict, "one JSON object")
    yield from problems
    if not problems:
        why = shape_problem(data)
        if why is not None:
            yield Problem(str(path), "-", SHAPE, why)


def _check_doc_files(
    annotations: AnnotationSet, annotations_dir: Path, corpus: Corpus
) -> Iterator[Problem]:
    known = {r.doc_id for r in corpus.records if "doc_id" not in r.bad}
    manifest_read = _manifest_ids_read(corpus)
    for doc in annotations.docs:
        name = Path(doc.path).name
        if "schema_version" not in doc.bad and not schema.reads_schema_version(
                doc.schema_version):
            yield Problem(doc.path, doc.doc_id or "-", WRONG_SCHEMA_VERSION,
                          f"schema_version {doc.schema_version!r} is not read by schema "
                          f"{schema.SCHEMA_VERSION!r} (same major version, minor version "
                          "not above it)")
        if "doc_id" in doc.bad or id_problem("doc_id", doc.doc_id):
            continue  # a shape or empty-id problem
        if manifest_read and doc.doc_id not in known:
            yield Problem(doc.path, doc.doc_id, UNKNOWN_DOCUMENT,
                          f"doc_id {doc.doc_id!r} is not in the manifest")
        expected = f"{doc.doc_id}.json"
        if name != expected:
            yield Problem(doc.path, doc.doc_id, UNKNOWN_DOCUMENT,
                          f"file name {name!r} is not {expected!r}")
    docs_dir = annotations_dir / annotation.DOCS_DIR
    if not docs_dir.is_dir():
        return  # a missing-file problem already
    annotated = {doc.doc_id for doc in annotations.docs}
    for doc_id in sorted(known - annotated):
        if id_problem("doc_id", doc_id):
            continue
        path = docs_dir / f"{doc_id}.json"
        try:
            exists = path.exists()
        except (OSError, ValueError):  # a doc_id that is no file name
            exists = False
        if not exists:  # an existing but unreadable file is reported by the loader
            yield Problem(str(path), doc_id, MISSING_ANNOTATION,
                          f"manifest document {doc_id!r} has no annotation file")


def _check_ids(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    """Ids not empty or padded; doc, span, source and cluster ids unique."""
    first_doc: dict[str, str] = {}
    first_span: dict[str, tuple[str, str]] = {}
    for doc in annotations.docs:
        if "doc_id" not in doc.bad:
            message = id_problem("doc_id", doc.doc_id)
            if message:
                yield Problem(doc.path, "-", EMPTY_ID, message)
            elif doc.doc_id in first_doc:
                yield Problem(doc.path, doc.doc_id, DUPLICATE_ID,
                              f"doc_id {doc.doc_id!r} is also annotated in "
                              f"{first_doc[doc.doc_id]}")
            first_doc.setdefault(doc.doc_id, doc.path)
        for key, kind, items in layers(doc):
            for i, span in enumerate(items):
                if "id" in span.bad:
                    continue  # a shape problem already
                message = id_problem(f"{kind} id", span.id)
                if message:
                    yield Problem(doc.path, f"{key}[{i}]", EMPTY_ID, message)
                elif span.id in first_span:
                    other_kind, other_file = first_span[span.id]
                    yield Problem(doc.path, span.id, DUPLICATE_ID,
                                  f"{kind} id {span.id!r} is already used by a {other_kind} "
                                  f"in {other_file}")
                else:
                    first_span[span.id] = (kind, doc.path)
    registries = (
        (files.sources, "source_id",
         [(i, s.source_id) for i, s in enumerate(annotations.sources)
          if "source_id" not in s.bad]),
        (files.clusters, "cluster_id",
         [(i, c.cluster_id) for i, c in enumerate(annotations.clusters)
          if "cluster_id" not in c.bad]),
    )
    for file, what, ids in registries:
        seen: set[str] = set()
        for i, item_id in ids:
            message = id_problem(what, item_id)
            if message:
                yield Problem(file, f"[{i}]", EMPTY_ID, message)
            elif item_id in seen:
                yield Problem(file, item_id, DUPLICATE_ID, f"{what} {item_id!r} is listed twice")
            seen.add(item_id)


# --------------------------------------------------------------------------------------
# Checks: labels and the registries.
# --------------------------------------------------------------------------------------
def _check_labels(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    """Stances, boilerplate kinds and source kinds (genre and rights: ``load_corpus``)."""
    for doc in annotations.docs:
        for claim in doc.claims:
            if "stance" not in claim.bad and claim.stance not in schema.STANCES:
                yield Problem(doc.path, where(claim), UNKNOWN_LABEL,
                              f"unknown stance {claim.stance!r}; known: {schema.STANCES}")
        for b in doc.boilerplate:
            if "kind" not in b.bad and b.kind not in schema.BOILERPLATE_KINDS:
                yield Problem(doc.path, where(b), UNKNOWN_LABEL,
                              f"unknown boilerplate kind {b.kind!r}; "
                              f"known: {schema.BOILERPLATE_KINDS}")
    for source in annotations.sources:
        if "kind" not in source.bad and source.kind not in schema.SOURCE_KINDS:
            yield Problem(files.sources, source.source_id or "-", UNKNOWN_LABEL,
                          f"unknown source kind {source.kind!r}; known: {schema.SOURCE_KINDS}")


def _check_sources(annotations: AnnotationSet, corpus: Corpus, files: _Files) -> Iterator[Problem]:
    """Every source id used must be in the registry; ``author`` only on a bare claim."""
    registry = {s.source_id for s in annotations.sources}
    author = schema.AUTHOR
    if author in registry:
        yield Problem(files.sources, author, UNKNOWN_SOURCE,
                      f"the reserved source id {author!r} must not be in the registry")

    def check(file: str, place: str, what: str, source: str) -> Iterator[Problem]:
        if source == author:
            yield Problem(file, place, UNKNOWN_SOURCE,
                          f"{what} is the reserved {author!r}, which is valid only as the "
                          f"source of a claim with an empty chain")
        elif source not in registry:
            yield Problem(file, place, UNKNOWN_SOURCE,
                          f"{what} {source!r} is not in {annotation.SOURCES_FILE}")

    for doc in annotations.docs:
        for m in doc.source_mentions:
            if "source" not in m.bad:
                yield from check(doc.path, where(m), "source mention's source", m.source)
        for claim in doc.claims:
            if "source" not in claim.bad and (claim.source != author or claim.chain):
                yield from check(doc.path, where(claim), "claim source", claim.source)
            for i, link in enumerate(claim.chain):
                if "source" not in link.bad:
                    yield from check(doc.path, f"{where(claim)} chain[{i}]",
                                     "chain link source", link.source)
    for record in corpus.records:
        if "relays" not in record.bad:
            for relay in record.relays:
                yield from check(files.manifest, record.where, "relayed source", relay)


def _check_propositions(annotations: AnnotationSet, files: _Files) -> Iterator[Problem]:
    for cluster in annotations.clusters:
        if "proposition" not in cluster.bad and not cluster.proposition.strip():
            yield Problem(files.clusters, cluster.cluster_id or "-", EMPTY_PROPOSITION,
                          f"cluster {cluster.cluster_id!r} has an empty proposition")


def _check_registry_use(
    annotations: AnnotationSet, corpus: Corpus, files: _Files
) -> Iterator[Problem]:
    """Every cluster is used by a claim; every source is referred to somewhere."""
    used_clusters = {c.cluster for doc in annotations.docs for c in doc.claims}
    used_sources = {relay for record in corpus.records for relay in record.relays}
    for doc in annotations.docs:
        used_sources.update(m.source for m in doc.source_mentions)
        for claim in doc.claims:
            used_sources.add(claim.source)
            used_sources.update(link.source for link in claim.chain)
    for cluster in annotations.clusters:
        if "cluster_id" in cluster.bad or id_problem("cluster_id", cluster.cluster_id):
            continue
        if cluster.cluster_id not in used_clusters:
            yield Problem(files.clusters, cluster.cluster_id, UNUSED_CLUSTER,
                          f"cluster {cluster.cluster_id!r} is used by no claim")
    for source in annotations.sources:
        if "source_id" in source.bad or id_problem("source_id", source.source_id):
            continue
        if source.source_id != schema.AUTHOR and source.source_id not in used_sources:
            yield Problem(files.sources, source.source_id, UNUSED_SOURCE,
                          f"source {source.source_id!r} is referred to by no claim, chain "
                          f"link, source mention or manifest relay")


# --------------------------------------------------------------------------------------
# Checks: references and chains within a document.
# --------------------------------------------------------------------------------------
def _ids_read(doc: DocAnnotation, layer: str) -> bool:
    """Every mention (``source_mentions``) or cue (``cues``) of the document has its id."""
    items = doc.source_mentions if layer == "source_mentions" else doc.cues
    return layer not in doc.bad and all("id" not in x.bad for x in items)


def _links_read(doc: DocAnnotation, field: str) -> bool:
    """Every chain link of the document was read with its ``mention`` or ``cue``."""
    return "claims" not in doc.bad and all(
        "chain" not in c.bad and all(field not in link.bad for link in c.chain)
        for c in doc.claims
    )


def _check_references(doc: DocAnnotation, cluster_ids: set[str] | None) -> Iterator[Problem]:
    """Clusters, mentions and cues referred to exist; every mention and cue is used.

    ``cluster_ids`` is None when ``clusters.json`` could not be read whole.
    """
    mentions = {m.id: m for m in doc.source_mentions}
    cue_ids = {c.id for c in doc.cues}
    mentions_read, cues_read = _ids_read(doc, "source_mentions"), _ids_read(doc, "cues")
    used: set[str] = set()
    for claim in doc.claims:
        if (cluster_ids is not None and "cluster" not in claim.bad
                and claim.cluster not in cluster_ids):
            yield Problem(doc.path, where(claim), DANGLING_REFERENCE,
                          f"cluster {claim.cluster!r} is not in {annotation.CLUSTERS_FILE}")
        for i, link in enumerate(claim.chain):
            place = f"{where(claim)} chain[{i}]"
            if link.mention is not None and "mention" not in link.bad:
                used.add(link.mention)
                mention = mentions.get(link.mention)
                if mention is None:
                    if mentions_read:
                        yield Problem(doc.path, place, DANGLING_REFERENCE,
                                      f"mention {link.mention!r} is not a source mention of "
                                      f"this document")
                elif (not {"source"} & (link.bad | mention.bad)
                      and mention.source != link.source):
                    yield Problem(doc.path, place, MENTION_SOURCE_MISMATCH,
                                  f"link source {link.source!r} differs from the source "
                                  f"{mention.source!r} of mention {mention.id!r}")
            if link.cue is not None and "cue" not in link.bad:
                used.add(link.cue)
                if cues_read and link.cue not in cue_ids:
                    yield Problem(doc.path, place, DANGLING_REFERENCE,
                                  f"cue {link.cue!r} is not a cue of this document")
    for kind, items, field in (("source mention", doc.source_mentions, "mention"),
                               ("cue", doc.cues, "cue")):
        if not _links_read(doc, field):
            continue
        for span in items:
            if "id" not in span.bad and span.id.strip() and span.id not in used:
                yield Problem(doc.path, span.id, UNUSED_SPAN,
                              f"{kind} {span.id!r} is referred to by no chain link")


def _check_chains(doc: DocAnnotation) -> Iterator[Problem]:
    """The chain's last link is the claim's source; an empty chain means ``author``."""
    for claim in doc.claims:
        if {"source", "chain"} & claim.bad or (claim.chain and "source" in claim.chain[-1].bad):
            continue
        message = _chain_mismatch(claim)
        if message:
            yield Problem(doc.path, where(claim), CHAIN_SOURCE_MISMATCH, message)


def _chain_mismatch(claim: Claim) -> str | None:
    if claim.chain and claim.chain[-1].source != claim.source:
        return (f"the chain's last link has source {claim.chain[-1].source!r} but the "
                f"claim's source is {claim.source!r}")
    if not claim.chain and claim.source != schema.AUTHOR:
        return (f"the chain is empty but the claim's source is {claim.source!r}, "
                f"not {schema.AUTHOR!r}")
    return None
