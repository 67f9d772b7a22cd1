"""The corpus: five raw documents kept byte for byte, and their manifest.

``corpus/texts/<source_file>`` holds each seed file unchanged; ``corpus/manifest.json``
lists one record per document. Texts are decoded as UTF-8 with no newline translation,
so Python ``str`` offsets are stable across platforms. A text whose SHA-256 does not match
the manifest is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from retold.errors import InvalidInputError, Problem
from retold.io.jsonio import read_json
from retold.schema import GENRES, RIGHTS_STATUSES

MANIFEST_FILE = "manifest.json"
TEXTS_DIR = "texts"

_FIELDS: dict[str, type] = {
    "doc_id": str,
    "source_file": str,
    "outlet": str,
    "genre": str,
    "language": str,
    "published": str,
    "url": str,
    "relays": list,
    "rights": str,
    "sha256": str,
    "provenance": str,
}


@dataclass(frozen=True)
class Document:
    doc_id: str
    source_file: str
    outlet: str
    genre: str
    language: str
    published: str
    url: str
    relays: tuple[str, ...]
    rights: str
    sha256: str
    provenance: str
    text: str
    fold: int


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_corpus(corpus_dir: Path, problems: list[Problem]) -> tuple[Document, ...]:
    """Load the manifest and texts, recording every problem (bad fields, wrong bytes)."""
    manifest_path = corpus_dir / MANIFEST_FILE
    data = read_json(manifest_path, problems)
    if data is None:
        return ()
    file = str(manifest_path)
    if not isinstance(data, list):
        problems.append(Problem(file, "-", "shape", "the manifest must be a JSON list"))
        return ()
    docs = []
    for fold, record in enumerate(data):
        where = f"[{fold}]"
        if not isinstance(record, dict):
            problems.append(Problem(file, where, "shape", "must be an object"))
            continue
        where = f"[{fold}] {record.get('doc_id', '?')}"
        bad = False
        for key, typ in _FIELDS.items():
            if not isinstance(record.get(key), typ):
                problems.append(Problem(file, where, "shape",
                                        f"field {key!r} must be {typ.__name__}"))
                bad = True
        if bad:
            continue
        if record["genre"] not in GENRES:
            problems.append(Problem(file, where, "unknown-label",
                                    f"unknown genre {record['genre']!r}; known: {GENRES}"))
        if record["rights"] not in RIGHTS_STATUSES:
            problems.append(Problem(file, where, "unknown-label",
                                    f"unknown rights {record['rights']!r}; "
                                    f"known: {RIGHTS_STATUSES}"))
        text_path = corpus_dir / TEXTS_DIR / record["source_file"]
        try:
            raw = text_path.read_bytes()
        except FileNotFoundError:
            problems.append(Problem(str(text_path), where, "missing-file", "text file is missing"))
            continue
        digest = sha256_hex(raw)
        if digest != record["sha256"]:
            problems.append(Problem(str(text_path), where, "checksum",
                                    f"sha256 {digest} does not match the manifest's "
                                    f"{record['sha256']}: the text was changed"))
            continue
        fields = {k: record[k] for k in _FIELDS}
        fields["relays"] = tuple(record["relays"])
        docs.append(Document(**fields, text=raw.decode("utf-8"), fold=fold))
    return tuple(docs)


def load_corpus_or_raise(corpus_dir: Path) -> tuple[Document, ...]:
    problems: list[Problem] = []
    docs = load_corpus(corpus_dir, problems)
    if problems:
        raise InvalidInputError(problems)
    return docs
