"""Write the release folder safely: Parquet bytes, the card, the licence, SHA256SUMS.

The release is written into a fresh temporary folder beside ``out_dir`` and moved into
place only when every file is complete, so an error midway leaves the previous release as
it was. ``out_dir`` must be missing, empty, or a previous retold release (a folder whose
``SHA256SUMS`` lists exactly its files); anything else is refused with a clear message,
so a build never deletes or overwrites a file it did not write. ``SHA256SUMS`` lists
exactly the files the build wrote.

Bytes are reproducible: rows are sorted by each config's ``sort_key``, Parquet is written
by pyarrow with fixed options, and no file holds a timestamp or a path. Parquet bytes
depend on the pyarrow version, so ``build_info.json`` records the versions that wrote them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from retold.build.features import arrow_schema, encode_row
from retold.build.rows import Row
from retold.errors import InvalidInputError, Problem
from retold.io.jsonio import dump_json
from retold.io.release import (
    BUILD_INFO_FILE,
    CARD_FILE,
    CROISSANT_FILE,
    LICENSE_FILE,
    SUMS_FILE,
    read_sha256sums,
    release_files,
)

log = logging.getLogger(__name__)

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

WRITING_LIBRARIES: tuple[str, ...] = ("pyarrow", "datasets", "huggingface-hub", "mlcroissant",
                                      "pyyaml", "retold")
"""The libraries whose versions can change the release's bytes (recorded in build_info)."""


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


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that write the release's bytes."""
    out = {}
    for name in WRITING_LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_info_bytes() -> bytes:
    """The ``build_info.json`` file: the writing libraries' versions (no dates, no paths)."""
    return dump_json({"libraries": library_versions()}).encode("utf-8")


def sha256sums_bytes(files: Mapping[str, bytes]) -> bytes:
    """``SHA256SUMS`` for exactly ``files`` (relative path → bytes), sorted by path."""
    lines = (f"{hashlib.sha256(files[rel]).hexdigest()}  {rel}\n" for rel in sorted(files))
    return "".join(lines).encode("utf-8")


def _refuse(out_dir: Path, message: str) -> InvalidInputError:
    return InvalidInputError([Problem(str(out_dir), "-", "unsafe-output", message)])


def check_output_dir(out_dir: Path) -> None:
    """Refuse an output that is a file, or a non-empty folder that is not a retold release."""
    if out_dir.exists() and not out_dir.is_dir():
        raise _refuse(out_dir, "exists and is not a folder; give a folder for the release")
    if not out_dir.exists() or not any(out_dir.iterdir()):
        return
    if not (out_dir / SUMS_FILE).is_file():
        raise _refuse(out_dir, f"is not empty and has no {SUMS_FILE}, so it is not a retold "
                               f"release; refusing to write into it (choose an empty or new "
                               f"folder)")
    try:
        listed = set(read_sha256sums(out_dir))
    except InvalidInputError as err:
        raise _refuse(out_dir, f"its {SUMS_FILE} is unreadable ({err.problems[0].message}); "
                               f"refusing to replace it") from None
    present = set(release_files(out_dir))
    present.update(p.relative_to(out_dir).as_posix() + "/" for p in out_dir.rglob("*")
                   if p.is_dir() and not any(p.iterdir()))
    foreign = sorted(present - listed)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise _refuse(out_dir, f"holds {len(foreign)} file(s) that no retold build wrote "
                               f"({shown}); move them away or choose another folder")


def write_release(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write ``files`` (relative path → bytes) plus SHA256SUMS as the release ``out_dir``.

    Everything is written into a temporary sibling folder first, then swapped into place.
    Returns the relative paths written, SHA256SUMS included. Raises InvalidInputError for
    an unsafe ``out_dir`` or an I/O error, naming the folder; the old release is then kept.
    """
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    all_files = {**files, SUMS_FILE: sha256sums_bytes(files)}
    parent = out_dir.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=parent))
    except OSError as err:
        raise _refuse(out_dir, f"cannot create a folder beside it: {err.strerror}") from None
    try:
        for rel, data in sorted(all_files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            log.debug("wrote %s (%d bytes)", rel, len(data))
        _swap_into_place(staging, out_dir.absolute())
    except OSError as err:
        raise _refuse(out_dir, f"writing the release failed: {err.strerror or err}; the "
                               f"previous release (if any) is unchanged") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return sorted(all_files)


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` (absent, empty, or a checked retold release) by ``staging``."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)  # put the previous release back
        raise
    shutil.rmtree(old)


def release_bytes(blobs: Mapping[str, bytes], card: str, license_text: str,
                  croissant: bytes) -> dict[str, bytes]:
    """Every release file but SHA256SUMS: data files, card, Croissant, licence, build record."""
    return {
        **blobs,
        CARD_FILE: card.encode("utf-8"),
        CROISSANT_FILE: croissant,
        LICENSE_FILE: license_text.encode("utf-8"),
        BUILD_INFO_FILE: build_info_bytes(),
    }

