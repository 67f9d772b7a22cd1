"""The gold: a release folder's configs, read with pyarrow only, checked against SHA256SUMS.

``open_release`` refuses a folder whose files do not match its ``SHA256SUMS`` (the scores
would not be those of the release they claim), and records the release checksum that every
``Scores`` carries. Configs are read with ``retold.io.release.read_config`` (rows) or, where
a config is large (the pairs), ``read_columns`` (column-wise, numpy arrays); a release
older than dataset 1.1 has no contrast configs, which is a clear error for
``--subset contrast``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.errors import RELEASE, InvalidInputError, Problem
from retold.io.release import (
    SUMS_FILE,
    data_path,
    read_columns,
    read_config,
    release_checksum,
    verify_sha256sums,
)

Row = dict[str, Any]

"""The error code of a release that cannot be used (as in ``retold.io.release``)."""

CONTRAST_CONFIGS: tuple[str, ...] = ("contrast", "contrast_pairs")
"""Configs of dataset 1.1 that an older release lacks."""


def _fail(where: Path | str, message: str) -> InvalidInputError:
    return InvalidInputError([Problem(str(where), "-", RELEASE, message)])


@dataclass
class Release:
    """A checked release folder; config rows are read once and cached."""

    path: Path
    checksum: str
    _rows: dict[str, list[Row]] = field(default_factory=dict, repr=False)
    _columns: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict,
                                                                        repr=False)

    def has(self, config_name: str) -> bool:
        return (self.path / data_path(config_name)).is_file()

    def _require(self, config_name: str) -> None:
        if config_name in CONTRAST_CONFIGS and not self.has(config_name):
            raise _fail(self.path, f"this release has no {config_name!r} config "
                                   f"({data_path(config_name)} is missing): contrast rows "
                                   "come with dataset 1.1")

    def rows(self, config_name: str) -> list[Row]:
        """The config's rows, label ids decoded (``retold.io.release.read_config``)."""
        if config_name not in self._rows:
            self._require(config_name)
            self._rows[config_name] = read_config(self.path, config_name)
        return self._rows[config_name]

    def columns(self, config_name: str, names: tuple[str, ...]) -> dict[str, Any]:
        """Some of the config's columns, label ids decoded
        (``retold.io.release.read_columns``: numpy arrays for numbers and booleans)."""
        key = (config_name, names)
        if key not in self._columns:
            self._require(config_name)
            self._columns[key] = read_columns(self.path, config_name, names)
        return self._columns[key]


def open_release(path: Path | str) -> Release:
    """The release at ``path``, after checking its files against ``SHA256SUMS``."""
    path = Path(path)
    if not path.is_dir():
        raise _fail(path, "no such release folder (build one with `retold build`)")
    if not (path / SUMS_FILE).is_file():
        raise _fail(path, f"not a retold release: {SUMS_FILE} is missing")
    bad = verify_sha256sums(path)
    if bad:
        raise _fail(path, f"files differ from {SUMS_FILE}: {', '.join(bad)}; the gold cannot "
                          "be trusted (rebuild with `retold build` or download it again)")
    return Release(path=path, checksum=release_checksum(path))
