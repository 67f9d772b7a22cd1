"""Build the Hugging Face release folder: six Parquet configs, the card, SHA256SUMS.

Layout of ``out_dir``::

    README.md                                  the dataset card (``retold.card``)
    data/<config>/test-00000-of-00001.parquet  one file per ``schema.CONFIGS`` entry
    SHA256SUMS                                 ``sha256sum`` lines for every other file

The build refuses invalid input (``validate.load_validated`` raises InvalidInputError)
and computes everything before it writes anything, so a failed build leaves the previous
release as it was. It is reproducible: rows are sorted by each config's ``sort_key``,
Parquet is written by pyarrow with fixed options, and no file holds a timestamp or a
path, so two builds of the same input are byte-identical (the tests check this).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from retold.card import data_path, load_agreement, render_card
from retold.features import arrow_schema, encode_row
from retold.rows import Row, compute_rows
from retold.schema import CONFIG_NAMES
from retold.stats import compute_stats
from retold.validate import load_validated

log = logging.getLogger(__name__)

CARD_FILE = "README.md"
SUMS_FILE = "SHA256SUMS"
DATA_DIR = "data"

PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "row_group_size": 1_000_000,  # one row group per file at this corpus size
    "store_schema": True,  # the Arrow schema carries datasets' `huggingface` metadata
    "write_page_index": False,
    "write_page_checksum": False,
}
"""Fixed writer options: the bytes depend only on the rows and the pyarrow version."""


def rows_to_table(config_name: str, rows: Sequence[Row]) -> pa.Table:
    """Encode rows (label names → ids) into an Arrow table with the config's schema."""
    schema = arrow_schema(config_name)
    return pa.Table.from_pylist([encode_row(config_name, r) for r in rows], schema=schema)


def parquet_bytes(table: pa.Table) -> bytes:
    """The Parquet file of one table, written in memory with the fixed options."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def arrow_num_bytes(data: bytes) -> int:
    """Arrow size of the table read back from Parquet: the ``num_bytes`` datasets records."""
    return pq.read_table(pa.BufferReader(data)).nbytes


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(out_dir: Path) -> list[str]:
    """Every file under ``out_dir`` except SHA256SUMS, as sorted POSIX relative paths."""
    return sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
                  if p.is_file() and p.relative_to(out_dir).as_posix() != SUMS_FILE)


def sha256sums_text(out_dir: Path) -> str:
    """The SHA256SUMS text (``sha256sum`` format: hash, two spaces, path)."""
    return "".join(f"{sha256_file(out_dir / rel)}  {rel}\n" for rel in release_files(out_dir))


def verify_sha256sums(out_dir: Path) -> list[str]:
    """Paths whose checksum is wrong, missing from, or unknown to SHA256SUMS (empty if fine)."""
    listed: dict[str, str] = {}
    for line in (out_dir / SUMS_FILE).read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    present = set(release_files(out_dir))
    bad = set(listed) ^ present
    bad.update(rel for rel in present & set(listed) if sha256_file(out_dir / rel) != listed[rel])
    return sorted(bad)


def _clear_data_dir(data_dir: Path) -> None:
    """Remove the previous release's data files so no stale config survives."""
    if not data_dir.exists():
        return
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            log.debug("removing stale %s", path)
    shutil.rmtree(data_dir)


def write_release(out_dir: Path, files: Mapping[str, bytes], card: str) -> None:
    """Write the data files (``data_path`` → bytes), the card and SHA256SUMS into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_data_dir(out_dir / DATA_DIR)
    for rel, data in files.items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        log.debug("wrote %s (%d bytes)", rel, len(data))
    (out_dir / CARD_FILE).write_bytes(card.encode("utf-8"))
    (out_dir / SUMS_FILE).write_bytes(sha256sums_text(out_dir).encode("utf-8"))


def build_release(corpus_dir: Path, annotations_dir: Path, out_dir: Path) -> dict[str, int]:
    """Validate, compute every config, and write the release; return rows per config.

    Raises InvalidInputError (with every problem) when the corpus or annotations are
    invalid or a span cannot be tagged, before anything is written.
    """
    corpus_dir, annotations_dir, out_dir = Path(corpus_dir), Path(annotations_dir), Path(out_dir)
    docs, annotations = load_validated(corpus_dir, annotations_dir)
    rows = compute_rows(docs, annotations)
    counts = {name: len(rows[name]) for name in CONFIG_NAMES}
    blobs = {name: parquet_bytes(rows_to_table(name, rows[name])) for name in CONFIG_NAMES}
    num_bytes = {name: arrow_num_bytes(blob) for name, blob in blobs.items()}
    stats = compute_stats(docs, annotations, pairs=rows["pairs"])
    card = render_card(counts, num_bytes, rows, stats, load_agreement(annotations_dir))
    write_release(out_dir, {data_path(name): blobs[name] for name in CONFIG_NAMES}, card)
    log.info("built %s: %s", out_dir,
             ", ".join(f"{name} {n}" for name, n in counts.items()))
    return counts
