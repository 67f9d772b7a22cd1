"""The corpus: five raw documents kept byte for byte, and their manifest.

``corpus/texts/<source_file>`` holds each seed file unchanged; ``corpus/manifest.json``
lists one record per document, with its ``fold`` (0 to n-1, each used once: the protocol
is data, not the order of the list). Texts are decoded as UTF-8 with no newline translation,
so Python ``str`` offsets are stable across platforms. A text whose SHA-256 does not match
the manifest is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from retold.errors import (
    CHECKSUM,
    CONVERTED_TEXT,
    MISSING_FILE,
    SHAPE,
    UNKNOWN_LABEL,
    InvalidInputError,
    Problem,
)
from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.io.records import Fields, json_type
from retold.io.toplevel import read_json_as
from retold.schema import GENRES, RIGHTS_STATUSES

MANIFEST_FILE = "manifest.json"
TEXTS_DIR = "texts"
MAX_TEXT_BYTES = 16 * 1024 * 1024
"""The largest corpus text read (the largest committed one is under 10 kB)."""

_FIELDS: dict[str, type] = {
    "doc_id": str,
    "fold": int,
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
MANIFEST_KEYS = tuple(_FIELDS)
"""The keys of a manifest record, all required; any other key is an ``unknown-key``."""

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ManifestRecord:
    """One manifest record as written; ``bad`` names the fields that failed to load."""

    index: int
    doc_id: str
    fold: int
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
    bad: frozenset[str]

    @property
    def where(self) -> str:
        """The record's place in messages: ``[index] doc_id``."""
        return f"[{self.index}] {self.doc_id if 'doc_id' not in self.bad else '?'}"


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


@dataclass(frozen=True)
class Corpus:
    """The manifest as read and the documents whose record and text are sound.

    ``size`` is the length of the manifest list (folds are numbered ``0..size-1``);
    ``complete`` is False when the manifest could not be read or one of its items is
    not an object.
    """

    records: tuple[ManifestRecord, ...]
    docs: tuple[Document, ...]
    size: int
    complete: bool


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(file: str, index: int, item: dict, problems: list[Problem]) -> ManifestRecord:
    doc_id = item.get("doc_id")
    where = f"[{index}] {doc_id if isinstance(doc_id, str) else '?'}"
    f = Fields(file, problems, item, where, MANIFEST_KEYS)
    values = {key: f.get(key, typ, "" if typ is str else 0)
              for key, typ in _FIELDS.items() if key != "relays"}
    return ManifestRecord(index=index, **values, relays=f.strings("relays"),
                          bad=frozenset(f.bad))


def _labels(file: str, record: ManifestRecord) -> list[Problem]:
    problems = []
    if "genre" not in record.bad and record.genre not in GENRES:
        problems.append(Problem(file, record.where, UNKNOWN_LABEL,
                                f"unknown genre {record.genre!r}; known: {GENRES}"))
    if "rights" not in record.bad and record.rights not in RIGHTS_STATUSES:
        problems.append(Problem(file, record.where, UNKNOWN_LABEL,
                                f"unknown rights {record.rights!r}; known: {RIGHTS_STATUSES}"))
    return problems


def conversion_hint(raw: bytes, expected_sha256: str) -> str | None:
    """Why a text whose checksum fails may have been converted (a BOM, CRLF), or None."""
    signs = []
    if raw.startswith(BOM):
        signs.append("starts with a UTF-8 byte-order mark")
    crlf = raw.count(b"\r\n")
    if crlf:
        signs.append(f"has {crlf} CRLF line ending(s)")
    if not signs:
        return None
    undone = raw.removeprefix(BOM).replace(b"\r\n", b"\n")
    verdict = ("removing them gives the manifest's checksum, so the file was converted "
               "(by git's line-ending conversion or an editor)"
               if sha256_hex(undone) == expected_sha256 else
               "removing them does not give the manifest's checksum either")
    return (f"the text {' and '.join(signs)}; corpus texts are stored byte for byte, "
            f"LF line endings and no byte-order mark; {verdict}. Restore the file from the "
            f"repository (.gitattributes marks corpus/texts/* -text so git leaves it alone)")


def _text(corpus_dir: Path, record: ManifestRecord, problems: list[Problem]) -> str | None:
    """The record's text, decoded; None (with a problem) if missing, changed or not UTF-8."""
    text_path = corpus_dir / TEXTS_DIR / record.source_file
    file, where = str(text_path), record.where
    try:
        raw = read_bytes_bounded(text_path, MAX_TEXT_BYTES)
    except UnreadableFileError as err:
        problems.append(Problem(file, where, MISSING_FILE, f"text file cannot be read: it "
                                                           f"{err.reason}"))
        return None
    except FileNotFoundError:
        problems.append(Problem(file, where, MISSING_FILE, "text file is missing"))
        return None
    except (OSError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        problems.append(Problem(file, where, MISSING_FILE, f"text file cannot be read: {reason}"))
        return None
    digest = sha256_hex(raw)
    if digest != record.sha256:
        problems.append(Problem(file, where, CHECKSUM,
                                f"sha256 {digest} does not match the manifest's "
                                f"{record.sha256}: the text was changed"))
        hint = conversion_hint(raw, record.sha256)
        if hint:
            problems.append(Problem(file, where, CONVERTED_TEXT, hint))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(file, where, SHAPE,
                                f"not UTF-8: byte {raw[err.start]:#04x} at offset {err.start}"))
        return None


def read_corpus(corpus_dir: Path, problems: list[Problem]) -> Corpus:
    """The manifest records and the sound documents; every problem recorded.

    A document is loaded only when its whole record is well-typed and its text is
    present, unchanged (SHA-256) and UTF-8.
    """
    manifest_path = corpus_dir / MANIFEST_FILE
    file = str(manifest_path)
    data = read_json_as(manifest_path, problems, list, "a JSON list of document records")
    if data is None:
        return Corpus((), (), 0, False)
    records, docs, complete = [], [], True
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(Problem(file, f"[{index}]", SHAPE,
                                    f"must be an object, got {json_type(item)}"))
            complete = False
            continue
        record = _record(file, index, item, problems)
        records.append(record)
        problems.extend(_labels(file, record))
        if record.bad:
            continue
        text = _text(corpus_dir, record, problems)
        if text is None:
            continue
        docs.append(Document(
            doc_id=record.doc_id, source_file=record.source_file, outlet=record.outlet,
            genre=record.genre, language=record.language, published=record.published,
            url=record.url, relays=record.relays, rights=record.rights, sha256=record.sha256,
            provenance=record.provenance, text=text, fold=record.fold,
        ))
    return Corpus(tuple(records), tuple(docs), len(data), complete)


def load_corpus(corpus_dir: Path, problems: list[Problem]) -> tuple[Document, ...]:
    """Load the manifest and texts, recording every problem (bad fields, wrong bytes)."""
    return read_corpus(corpus_dir, problems).docs


def load_corpus_or_raise(corpus_dir: Path) -> tuple[Document, ...]:
    problems: list[Problem] = []
    docs = load_corpus(corpus_dir, problems)
    if problems:
        raise InvalidInputError(problems)
    return docs
