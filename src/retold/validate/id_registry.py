"""The ``id-registry`` check: the ids in use against the annotation set's ``ids.json``.

See ``retold.io.ids`` for the id form and the registry, and the ``id-registry`` entry of
``retold.validate.checks`` for what is reported. Ids that are empty (the loader's default
for a missing or wrong-typed ``id``, reported as ``shape``) are left to the other checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from retold.errors import ID_REGISTRY, Problem
from retold.io.ids import (
    ID_WIDTHS,
    KIND_NAMES,
    REGISTRY_FILE,
    RegistryEntry,
    doc_prefix,
    format_id,
    id_error,
    load_registry,
    parse_id,
    unaccounted,
)
from retold.io.standoff import DOCS_DIR, AnnotationSet, DocAnnotation, Span

_HOW_TO_ISSUE = "get new ids with `retold next-id DOC KIND`"


def check_id_registry(annotations: AnnotationSet, annotations_dir: Path) -> list[Problem]:
    """Every id problem of the set; a missing or unreadable registry is one problem."""
    path = annotations_dir / REGISTRY_FILE
    problems: list[Problem] = []
    registry = load_registry(path, problems)
    if registry is None:
        return problems
    docs = [doc for doc in annotations.docs if _id_read(doc)]  # others: shape or empty-id
    problems += _check_prefixes(docs)
    in_use: dict[str, set[str]] = {}
    incomplete: set[str] = set()  # a list or an id could not be read: "unused" is unknown
    for doc in docs:
        if doc.doc_id in registry and registry[doc.doc_id] is None:
            continue  # its entry has a shape problem: nothing to check against
        problems += _check_doc(doc, registry.get(doc.doc_id), str(path))
        in_use.setdefault(doc.doc_id, set()).update(s.id for _, s in _spans(doc))
        if _LISTS & doc.bad or any("id" in s.bad for _, s in _spans(doc, every=True)):
            incomplete.add(doc.doc_id)
    for doc_id, entry in registry.items():
        if entry is None or doc_id in incomplete:
            continue
        if doc_id in in_use:
            problems += _check_entry(doc_id, entry, in_use[doc_id], str(path))
        elif not (annotations_dir / DOCS_DIR / f"{doc_id}.json").exists():
            problems.append(Problem(str(path), doc_id, ID_REGISTRY,
                                    f"the registry has an entry for {doc_id!r}, which has no "
                                    f"annotation file in {DOCS_DIR}/"))
    return problems


_LISTS = frozenset({"boilerplate", "source_mentions", "cues", "claims"})


def _id_read(doc: DocAnnotation) -> bool:
    """The document's ``doc_id`` was read, is not empty, and is the file's name (a file
    whose name and ``doc_id`` disagree is an ``unknown-document`` problem: which document's
    ids it holds is not known, so they are not checked against either entry)."""
    return ("doc_id" not in doc.bad and bool(doc.doc_id.strip())
            and Path(doc.path).name == f"{doc.doc_id}.json")


def _check_prefixes(docs: list[DocAnnotation]) -> Iterator[Problem]:
    """No two documents share an id prefix (their ids would share one namespace)."""
    first: dict[str, str] = {}
    for doc in docs:
        other = first.setdefault(doc_prefix(doc.doc_id), doc.doc_id)
        if other != doc.doc_id:
            yield Problem(doc.path, doc.doc_id, ID_REGISTRY,
                          f"documents {other!r} and {doc.doc_id!r} share the id prefix "
                          f"{doc_prefix(doc.doc_id)!r}; a document id must start with its "
                          "own prefix (the part before the first hyphen)")


def _spans(doc: DocAnnotation, every: bool = False) -> Iterator[tuple[str, Span]]:
    """The spans of a document with the id letter of their kind: those whose id was read,
    or with ``every`` all of them."""
    for letter, spans in (("b", doc.boilerplate), ("s", doc.source_mentions), ("q", doc.cues),
                          ("c", doc.claims)):
        for span in spans:
            if every or "id" not in span.bad:
                yield letter, span


def _check_doc(doc: DocAnnotation, entry: RegistryEntry | None, file: str) -> Iterator[Problem]:
    """Each id of a document is well formed, issued and not retired."""
    if entry is None:
        yield Problem(file, doc.doc_id, ID_REGISTRY,
                      f"document {doc.doc_id!r} has no entry in {REGISTRY_FILE}")
    retired = set(entry.retired) if entry else set()
    for letter, span in _spans(doc):
        if not span.id:
            continue
        kind = KIND_NAMES[letter]
        message = id_error(span.id, doc.doc_id, letter)
        if message is not None:
            yield Problem(doc.path, span.id, ID_REGISTRY, f"malformed {kind} id: {message}")
            continue
        if span.id in retired:
            yield Problem(doc.path, span.id, ID_REGISTRY,
                          f"{kind} id {span.id!r} is retired in {REGISTRY_FILE} and may never "
                          f"be used again; {_HOW_TO_ISSUE}")
        elif entry is not None and parse_id(span.id, doc.doc_id)[1] > entry.issued[letter]:
            yield Problem(doc.path, span.id, ID_REGISTRY,
                          f"{kind} id {span.id!r} was never issued "
                          f"({_issued(doc.doc_id, letter, entry)}); {_HOW_TO_ISSUE}")


def _issued(doc_id: str, letter: str, entry: RegistryEntry) -> str:
    n = entry.issued[letter]
    return f"issued up to {format_id(doc_id, letter, n)}" if n else "none issued"


def _check_entry(doc_id: str, entry: RegistryEntry, in_use: set[str],
                 file: str) -> Iterator[Problem]:
    """Retired ids were issued, once each; every issued id is in use or retired."""
    seen: set[str] = set()
    for rid in entry.retired:
        try:
            letter, number = parse_id(rid, doc_id)
        except ValueError as err:
            yield Problem(file, rid, ID_REGISTRY, f"malformed retired id: {err}")
            continue
        if rid in seen:
            yield Problem(file, rid, ID_REGISTRY, f"retired id {rid!r} is listed twice")
        elif number > entry.issued[letter]:
            yield Problem(file, rid, ID_REGISTRY, f"retired id {rid!r} was never issued "
                                                  f"({_issued(doc_id, letter, entry)})")
        seen.add(rid)
    for letter in ID_WIDTHS:
        accounted = set()
        for value in in_use | seen:
            try:
                found, number = parse_id(value, doc_id)
            except ValueError:
                continue  # malformed: reported above
            if found == letter:
                accounted.add(number)
        first, total = unaccounted(entry.issued[letter], accounted)
        for number in first:
            issued = format_id(doc_id, letter, number)
            yield Problem(file, issued, ID_REGISTRY,
                          f"{KIND_NAMES[letter]} id {issued!r} was issued but is neither "
                          f"in use in {doc_id}.json nor retired: use it in the draft and "
                          "re-anchor, or, if its annotation was removed, add the id to "
                          "\"retired\"")
        if total > len(first):
            yield Problem(file, doc_id, ID_REGISTRY,
                          f"{total - len(first):,} more {KIND_NAMES[letter]} ids up to "
                          f"{format_id(doc_id, letter, entry.issued[letter])} were issued but "
                          f"are neither in use nor retired (the first {len(first)} are listed)"
                          f"; is the counter {entry.issued[letter]:,} right?")
