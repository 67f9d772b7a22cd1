"""The texts ``retold predict`` annotates: a folder of ``.txt`` files, a JSON Lines file or a
Hugging Face dataset folder.

- a folder: every ``*.txt`` directly inside it is one document, its id the file name
  without ``.txt``; any other entry is named in a warning, never read;
- a ``.jsonl`` file: one JSON object per line with ``id`` and ``text`` (strings), and
  optional manifest fields (``METADATA_KEYS``);
- a dataset folder (``datasets.Dataset.save_to_disk``): columns ``id`` and ``text``, and
  optionally the same manifest fields.

Every input is checked before anything runs, and every problem is reported (code
``unreadable-input``, naming the file and the id or line): an empty text, a binary one (a NUL
or other control byte), one that is not UTF-8, one over ``MAX_TEXT_BYTES``, a repeated id, a
bad manifest field. The input is only read, never changed. Documents are sorted by id; the
``i``-th gets the doc_id ``<i, 4 digits>-<slug of its id>`` (the prefix makes every
annotation id unique, as ``retold.io.ids`` requires).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.errors import UNREADABLE_INPUT, InvalidInputError, Problem
from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.schema import GENRES, RIGHTS_STATUSES
from retold.validate.manifest import date_problem, language_tag_problem

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 2 * 1024 * 1024
"""The largest text annotated, in UTF-8 bytes (a long news article is under 100 kB)."""
MAX_JSONL_BYTES = 4 * 1024 * 1024 * 1024
"""The largest JSON Lines file read."""
METADATA_KEYS = ("outlet", "genre", "language", "published", "url", "rights")
"""Manifest fields an input may give per document (the rest come from ``--genre``,
``--rights``, ``--language``; outlet, published and url default to empty)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class InputDoc:
    """One text to annotate, exactly as given."""

    key: str
    """The input's own id (file name without ``.txt``, or the ``id`` field)."""
    text: str
    origin: str
    """Where it came from, for messages and provenance: ``name.txt`` or ``file.jsonl:3``."""
    metadata: dict[str, str] = field(default_factory=dict)
    doc_id: str = ""
    where: str = "-"
    """The line or row of a JSON Lines or dataset input, for messages."""


def slug(value: str, width: int = 40) -> str:
    """Lower-case ASCII letters, digits and hyphens of ``value`` (``doc`` if none)."""
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return cleaned[:width].strip("-") or "doc"


def text_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be annotated as a text, or None."""
    if len(data) > MAX_TEXT_BYTES:
        return f"is {len(data):,} bytes, over the limit of {MAX_TEXT_BYTES:,}; split it"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return (f"is not UTF-8 (byte {data[err.start]:#04x} at offset {err.start}); convert "
                "it to UTF-8")
    return str_problem(text)


def str_problem(text: str) -> str | None:
    """Why the string ``text`` cannot be annotated, or None."""
    bad = _CONTROL.search(text)
    if bad:
        return (f"looks binary: control character {bad.group()!r} at offset {bad.start()}; "
                "give plain text")
    if not text.strip():
        return "is empty (nothing but white space)"
    return None


def _metadata_problems(meta: dict[str, Any]) -> list[str]:
    out = []
    for key, value in meta.items():
        if not isinstance(value, str):
            out.append(f"field {key!r} must be a string, got {type(value).__name__}")
    if isinstance(meta.get("genre"), str) and meta["genre"] not in GENRES:
        out.append(f"genre {meta['genre']!r} is not one of {', '.join(GENRES)}")
    if isinstance(meta.get("rights"), str) and meta["rights"] not in RIGHTS_STATUSES:
        out.append(f"rights {meta['rights']!r} is not one of {', '.join(RIGHTS_STATUSES)}")
    if isinstance(meta.get("published"), str):
        out += [m for m in [date_problem(meta["published"])] if m]
    if isinstance(meta.get("language"), str):
        out += [m for m in [language_tag_problem(meta["language"])] if m]
    return out


def _from_folder(folder: Path, problems: list[Problem]) -> list[InputDoc]:
    docs, skipped = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix != ".txt" or path.name.startswith("."):
            skipped.append(path.name)
            continue
        try:
            if path.is_file() and path.stat().st_size > MAX_TEXT_BYTES:
                problems.append(Problem(str(path), "-", UNREADABLE_INPUT,
                                        f"the text is {path.stat().st_size:,} bytes, over the "
                                        f"limit of {MAX_TEXT_BYTES:,}; split it"))
                continue
            data = read_bytes_bounded(path, MAX_TEXT_BYTES)
        except UnreadableFileError as err:
            problems.append(Problem(str(path), "-", UNREADABLE_INPUT, str(err)))
            continue
        except OSError as err:
            problems.append(Problem(str(path), "-", UNREADABLE_INPUT,
                                    f"cannot be read: {err.strerror or err}"))
            continue
        why = text_problem(data)
        if why:
            problems.append(Problem(str(path), "-", UNREADABLE_INPUT, f"the text {why}"))
            continue
        docs.append(InputDoc(key=path.stem, text=data.decode("utf-8"), origin=path.name))
    if skipped:
        log.warning("%s: %d entries that are not .txt files were not read: %s", folder,
                    len(skipped), ", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else ""))
    return docs


def _record(item: Any, origin: str, file: str, where: str, problems: list[Problem]
            ) -> InputDoc | None:
    if not isinstance(item, dict):
        problems.append(Problem(file, where, UNREADABLE_INPUT,
                                f"must be an object with 'id' and 'text', got "
                                f"{type(item).__name__}"))
        return None
    unknown = sorted(set(item) - {"id", "text", *METADATA_KEYS})
    found = []
    if unknown:
        found.append(f"unknown field(s) {', '.join(unknown)}; known: id, text, "
                     + ", ".join(METADATA_KEYS))
    key, text = item.get("id"), item.get("text")
    if not isinstance(key, str) or not key.strip():
        found.append(f"'id' must be a non-empty string, got {key!r}")
    if not isinstance(text, str):
        found.append(f"'text' must be a string, got {type(text).__name__}")
    else:
        why = (f"is {len(text.encode('utf-8')):,} bytes, over the limit of {MAX_TEXT_BYTES:,}"
               if len(text.encode("utf-8")) > MAX_TEXT_BYTES else str_problem(text))
        if why:
            found.append(f"the text {why}")
    meta = {k: item[k] for k in METADATA_KEYS if k in item}
    found += _metadata_problems(meta)
    for message in found:
        problems.append(Problem(file, where, UNREADABLE_INPUT, message))
    if found:
        return None
    return InputDoc(key=key, text=text, origin=origin, metadata=meta, where=where)


def _from_jsonl(path: Path, problems: list[Problem]) -> list[InputDoc]:
    try:
        data = read_bytes_bounded(path, MAX_JSONL_BYTES)
        lines = data.decode("utf-8").split("\n")
    except (OSError, UnreadableFileError, UnicodeDecodeError) as err:
        problems.append(Problem(str(path), "-", UNREADABLE_INPUT, f"cannot be read: {err}"))
        return []
    docs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            item = json.loads(line)
        except ValueError as err:
            problems.append(Problem(str(path), where, UNREADABLE_INPUT,
                                    f"is not one JSON object: {err}"))
            continue
        doc = _record(item, f"{path.name}:{number}", str(path), where, problems)
        if doc:
            docs.append(doc)
    return docs


def _from_dataset(folder: Path, problems: list[Problem]) -> list[InputDoc]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(folder))
    except (OSError, ValueError, FileNotFoundError) as err:
        problems.append(Problem(str(folder), "-", UNREADABLE_INPUT,
                                f"is not a dataset saved with save_to_disk: {err}"))
        return []
    if isinstance(loaded, datasets.DatasetDict):
        problems.append(Problem(str(folder), "-", UNREADABLE_INPUT,
                                f"holds splits ({', '.join(loaded)}); give one split's folder"))
        return []
    missing = {"id", "text"} - set(loaded.column_names)
    if missing:
        problems.append(Problem(str(folder), "-", UNREADABLE_INPUT,
                                f"has no column(s) {', '.join(sorted(missing))}"))
        return []
    keep = ["id", "text", *(k for k in METADATA_KEYS if k in loaded.column_names)]
    docs = []
    for i, row in enumerate(loaded.select_columns(keep)):
        doc = _record(row, f"{folder.name}[{i}]", str(folder), f"row {i}", problems)
        if doc:
            docs.append(doc)
    return docs


def input_kind(path: Path) -> str:
    """``dataset``, ``folder`` or ``jsonl``: how ``path`` is read."""
    if path.is_dir():
        return "dataset" if (path / "dataset_info.json").is_file() else "folder"
    return "jsonl"


def read_inputs(path: Path) -> list[InputDoc]:
    """Every document of ``path``, sorted by id, with its doc_id; ``InvalidInputError`` with
    every problem found."""
    path = Path(path)
    problems: list[Problem] = []
    if not path.exists():
        raise InvalidInputError([Problem(str(path), "-", UNREADABLE_INPUT,
                                         "does not exist; give a folder of .txt files, a "
                                         ".jsonl file or a dataset folder")])
    kind = input_kind(path)
    if kind == "jsonl" and path.suffix != ".jsonl":
        raise InvalidInputError([Problem(str(path), "-", UNREADABLE_INPUT,
                                         "is a file but not .jsonl; give a folder of .txt "
                                         "files, a .jsonl file or a dataset folder")])
    reader = {"dataset": _from_dataset, "folder": _from_folder, "jsonl": _from_jsonl}[kind]
    docs = reader(path, problems)
    seen: dict[str, str] = {}
    for doc in docs:
        if doc.key in seen:
            problems.append(Problem(str(path), doc.where if doc.where != "-" else doc.origin,
                                    UNREADABLE_INPUT, f"id {doc.key!r} repeats {seen[doc.key]}"))
        seen.setdefault(doc.key, doc.origin)
    if not docs and not problems:
        problems.append(Problem(str(path), "-", UNREADABLE_INPUT, "holds no document"))
    if problems:
        raise InvalidInputError(problems)
    ordered = sorted(docs, key=lambda d: d.key)
    return [InputDoc(key=d.key, text=d.text, origin=d.origin, metadata=d.metadata,
                     doc_id=f"{i:04d}-{slug(d.key)}") for i, d in enumerate(ordered)]
