"""Write the release folder safely: Parquet bytes, the card, the licence, SHA256SUMS.

The release is written into a fresh temporary folder beside ``out_dir`` and moved into
place only when every file is complete, so an error midway leaves the previous release as
it was. ``out_dir`` must be missing, empty, or a previous retold release (a folder whose
``SHA256SUMS`` lists exactly its files with matching digests, and whose ``build_info.json``
says ``retold build`` wrote it); anything else is refused with a clear message, so a build
never deletes or overwrites a file it did not write. ``SHA256SUMS`` lists exactly the files
the build wrote.

Bytes are reproducible: rows are sorted by each config's ``sort_key``, Parquet is written
by pyarrow with fixed options, and no file holds a timestamp or a path. Parquet bytes
depend on the pyarrow version, so ``build_info.json`` records the versions that wrote them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from retold.build.features import arrow_schema, encode_row
from retold.build.rows import Row
from retold.errors import InvalidInputError
from retold.io.jsonio import dump_json
from retold.io.owned import (
    MAX_RECORD_BYTES,
    WRITTEN_BY_KEY,
    read_json_record,
    unproved_files,
    write_folder,
)
from retold.io.release import (
    BUILD_INFO_FILE,
    CARD_FILE,
    CROISSANT_FILE,
    LICENSE_FILE,
    SUMS_FILE,
    read_sha256sums,
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
BUILD_WRITER = "retold build"
"""``build_info.json``'s ``written_by``: the proof, with SHA256SUMS, that a folder is a release."""


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
    """The ``build_info.json`` file: the writing libraries' versions (no dates, no paths)
    and the command that wrote the release, which a later build checks before replacing it."""
    return dump_json({"libraries": library_versions(),
                      WRITTEN_BY_KEY: BUILD_WRITER}).encode("utf-8")


def sha256sums_bytes(files: Mapping[str, bytes]) -> bytes:
    """``SHA256SUMS`` for exactly ``files`` (relative path → bytes), sorted by path."""
    lines = (f"{hashlib.sha256(files[rel]).hexdigest()}  {rel}\n" for rel in sorted(files))
    return "".join(lines).encode("utf-8")


def release_owner(out_dir: Path) -> str | None:
    """Why ``out_dir`` is not a previous retold release, or None if it provably is one.

    A release is proved by its own record: ``SHA256SUMS`` lists exactly the files present
    and every digest matches, and ``build_info.json`` (listed and matching too) says
    ``retold build`` wrote it. A folder with a ``SHA256SUMS`` of its own (an ISO and its
    checksums) or a release whose files were changed or added to is not one.
    """
    sums = out_dir / SUMS_FILE
    if sums.is_symlink() or not sums.is_file():
        return f"is not empty and has no {SUMS_FILE}, so it is not a retold release"
    if sums.stat().st_size > MAX_RECORD_BYTES:
        return f"its {SUMS_FILE} is too large for a retold release, so it is not one"
    try:
        listed = read_sha256sums(out_dir)
    except InvalidInputError as err:
        return f"its {SUMS_FILE} is unreadable ({err.problems[0].message})"
    problems = unproved_files(out_dir, listed, SUMS_FILE)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more"
                                           if len(problems) > 3 else "")
        return f"is not a retold release as its {SUMS_FILE} records it ({shown})"
    info = read_json_record(out_dir / BUILD_INFO_FILE)
    if not isinstance(info, dict) or info.get(WRITTEN_BY_KEY) != BUILD_WRITER:
        return (f"its {BUILD_INFO_FILE} does not say `{BUILD_WRITER}` wrote it (a folder of "
                f"checksums, or a release of an older retold: delete it yourself to rebuild)")
    return None


def write_release(out_dir: Path, files: Mapping[str, bytes]) -> list[str]:
    """Write ``files`` (relative path → bytes) plus SHA256SUMS as the release ``out_dir``.

    Everything is written into a temporary sibling folder first, then swapped into place
    (``retold.io.owned.write_folder``). Returns the relative paths written, SHA256SUMS
    included. Raises InvalidInputError for an ``out_dir`` that is not missing, empty or a
    previous release (``release_owner``), or for an I/O error, naming the folder; the old
    release is then kept.
    """
    out_dir = Path(out_dir)
    all_files = {**files, SUMS_FILE: sha256sums_bytes(files)}

    def fill(staging: Path) -> None:
        for rel, data in sorted(all_files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            log.debug("wrote %s (%d bytes)", rel, len(data))

    write_folder(out_dir, release_owner, fill)
    return sorted(all_files)


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

