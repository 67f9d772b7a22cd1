"""The release folder's layout, its checksums and its build record, and reading it back.

Layout of a release folder (what ``retold build`` writes, and nothing else)::

    README.md                                  the dataset card
    croissant.json                             Croissant 1.1 metadata (with Responsible-AI fields)
    LICENSE-DATA.md                            the licence of the annotations; the texts' rights
    build_info.json                            versions of the libraries that wrote the bytes,
                                               and "written_by": "retold build"
    probes.json                                the contrast sets' artefact probe scores
                                               (``retold.validate.probes``)
    data/<config>/test-00000-of-00001.parquet  one file per ``schema.CONFIGS`` entry
    SHA256SUMS                                 ``sha256sum`` lines for every other file

A later ``retold build`` replaces a folder only if it is provably such a release: the
digests of ``SHA256SUMS`` match exactly the files present and ``build_info.json`` names
``retold build`` (``retold.build.writer.release_owner``). ``build_info.json`` is outside
``release_checksum``, so that record does not change the data's checksum.

Reading needs only ``pyarrow`` and the schema: the scorers use ``read_config`` so that they
run with the light install (no ``datasets``, no ``torch``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retold.errors import RELEASE, InvalidInputError, Problem
from retold.schema import decode_value, get_config

CARD_FILE = "README.md"
CROISSANT_FILE = "croissant.json"
SUMS_FILE = "SHA256SUMS"
BUILD_INFO_FILE = "build_info.json"
LICENSE_FILE = "LICENSE-DATA.md"
PROBES_FILE = "probes.json"
DATA_DIR = "data"
DATA_FILE = "test-00000-of-00001.parquet"


def data_path(config_name: str) -> str:
    """Relative path of a config's Parquet file in the release."""
    return f"{DATA_DIR}/{config_name}/{DATA_FILE}"


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(out_dir: Path) -> list[str]:
    """Every file under ``out_dir`` except SHA256SUMS, as sorted POSIX relative paths."""
    return sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
                  if p.is_file() and p.relative_to(out_dir).as_posix() != SUMS_FILE)


def read_sha256sums(out_dir: Path) -> dict[str, str]:
    """The relative path → digest map of ``SHA256SUMS``; InvalidInputError on a bad line."""
    path = out_dir / SUMS_FILE
    listed: dict[str, str] = {}
    problems = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        problem = Problem(str(path), "-", RELEASE, f"cannot read: {err}")
        raise InvalidInputError([problem]) from None
    for number, line in enumerate(lines, start=1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or not rel:
            problems.append(Problem(str(path), f"line {number}", RELEASE,
                                    "not a sha256sum line (hash, two spaces, path)"))
            continue
        listed[rel] = digest
    if problems:
        raise InvalidInputError(problems)
    return listed


def release_checksum(out_dir: Path) -> str:
    """One SHA-256 that identifies a release's data: the digest of the ``SHA256SUMS`` lines
    of its ``data/`` files, in the file's (sorted) order.

    The card, the Croissant file and the build record are left out on purpose: the card
    prints the leaderboard made from results that record this checksum, so including it
    would change the checksum every time the leaderboard is refreshed. Same data, same
    checksum; any changed row of any config, a different one.
    """
    lines = (out_dir / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    data = [line for line in lines if line.partition("  ")[2].startswith(f"{DATA_DIR}/")]
    return hashlib.sha256("".join(f"{line}\n" for line in data).encode("utf-8")).hexdigest()


def verify_sha256sums(out_dir: Path) -> list[str]:
    """Paths whose checksum is wrong, missing from, or unknown to SHA256SUMS (empty if fine)."""
    listed = read_sha256sums(out_dir)
    present = set(release_files(out_dir))
    bad = set(listed) ^ present
    bad.update(rel for rel in present & set(listed) if sha256_file(out_dir / rel) != listed[rel])
    return sorted(bad)


def read_build_info(out_dir: Path) -> dict[str, Any]:
    """The release's build record (library versions), or {} for a release without one."""
    path = out_dir / BUILD_INFO_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def read_config(release_dir: Path, config_name: str) -> list[dict[str, Any]]:
    """The rows of one config, label ids decoded to names with the schema (pyarrow only).

    Raises InvalidInputError naming the file when it is missing or not Parquet.
    """
    import pyarrow.parquet as pq  # imported here: the layout helpers above need no pyarrow

    config = get_config(config_name)
    path = Path(release_dir) / data_path(config_name)
    try:  # ParquetFile.read, not read_table: the same table, without importing pandas
        table = pq.ParquetFile(path).read()
    except (OSError, ValueError) as err:
        raise InvalidInputError([Problem(str(path), "-", RELEASE,
                                         f"cannot read config {config_name!r}: {err}")]) from None
    if tuple(table.column_names) != config.field_names:
        raise InvalidInputError([Problem(str(path), "-", RELEASE,
                                         f"columns {table.column_names} are not the schema's "
                                         f"{list(config.field_names)}")])
    rows = table.to_pylist()
    decoders = {f.name: f.dtype for f in config.fields}
    return [{k: decode_value(decoders[k], v) for k, v in row.items()} for row in rows]



def read_columns(release_dir: Path, config_name: str, names: Sequence[str]) -> dict[str, Any]:
    """Some columns of one config, read column-wise (pyarrow only): a numpy array for a
    boolean, integer or float column, a list for the others, label ids decoded to names.

    The same values as ``read_config``'s rows, without building one dict per row; raises
    InvalidInputError naming the file when it is missing, not Parquet, or not the schema's.
    """
    import numpy as np
    import pyarrow.parquet as pq

    config = get_config(config_name)
    path = Path(release_dir) / data_path(config_name)
    try:
        parquet = pq.ParquetFile(path)
        columns = parquet.schema_arrow.names
        if tuple(columns) != config.field_names:
            raise InvalidInputError([Problem(str(path), "-", RELEASE,
                                             f"columns {columns} are not the schema's "
                                             f"{list(config.field_names)}")])
        table = parquet.read(columns=list(names))
    except (OSError, ValueError) as err:
        raise InvalidInputError([Problem(str(path), "-", RELEASE,
                                         f"cannot read config {config_name!r}: {err}")]) from None
    dtypes = {f.name: f.dtype for f in config.fields}
    out: dict[str, Any] = {}
    for name in names:
        column, dtype = table.column(name).combine_chunks(), dtypes[name]
        values = _numbers(column)
        if values is None:
            plain = column.to_pylist()
            out[name] = plain if dtype == "string" else [decode_value(dtype, v) for v in plain]
        elif isinstance(dtype, tuple) and dtype[0] == "class_label":
            out[name] = np.array(dtype[1], dtype=object)[values].tolist()
        else:
            out[name] = values
    return out


def _numbers(array: Any) -> Any:
    """A boolean, integer or float Arrow array without nulls as a numpy array (read from its
    buffers: pyarrow's ``to_numpy`` would import pandas), else None."""
    import numpy as np
    import pyarrow as pa

    kind = array.type
    if array.null_count or not (pa.types.is_boolean(kind) or pa.types.is_integer(kind)
                                or pa.types.is_floating(kind)):
        return None
    data, start, n = array.buffers()[1], array.offset, len(array)
    if pa.types.is_boolean(kind):
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[start:start + n].astype(bool)
    letter = "f" if pa.types.is_floating(kind) else "i" if pa.types.is_signed_integer(kind) else "u"
    return np.frombuffer(data, dtype=f"<{letter}{kind.bit_width // 8}", count=n,
                         offset=start * kind.bit_width // 8).copy()
