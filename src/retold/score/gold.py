"""The gold: a release folder's configs, read with pyarrow only, checked against SHA256SUMS.

``open_release`` refuses a folder whose files do not match its ``SHA256SUMS`` (the scores
would not be those of the release they claim), and records the release checksum that every
``Scores`` carries. Configs declared in ``schema.CONFIGS`` are read with
``retold.io.release.read_config``; the contrast configs (dataset 1.1) are read directly, so
the scorer can score them as soon as a release contains them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retold.errors import RELEASE, InvalidInputError, Problem
from retold.io.release import (
    SUMS_FILE,
    data_path,
    read_config,
    release_checksum,
    verify_sha256sums,
)
from retold.schema import CONFIG_NAMES, STANCES

Row = dict[str, Any]

CONTRAST_CONFIGS: tuple[str, ...] = ("contrast", "contrast_pairs")
CONTRAST_REQUIRED: dict[str, tuple[str, ...]] = {
    "contrast": ("contrast_id", "original_claim_id", "doc_id", "fold", "edit_type", "text",
                 "start", "end", "stance", "source_start", "source_end", "attributed",
                 "denied"),
    "contrast_pairs": ("pair_id", "claim_id", "edited_text", "duplicate", "edit_type", "fold"),
}
"""The contrast fields the scorer reads (issue 7, section C)."""


def _fail(where: Path | str, message: str) -> InvalidInputError:
    return InvalidInputError([Problem(str(where), "-", RELEASE, message)])


@dataclass
class Release:
    """A checked release folder; config rows are read once and cached."""

    path: Path
    checksum: str
    _rows: dict[str, list[Row]] = field(default_factory=dict, repr=False)

    def has(self, config_name: str) -> bool:
        return (self.path / data_path(config_name)).is_file()

    def rows(self, config_name: str) -> list[Row]:
        if config_name not in self._rows:
            if config_name in CONFIG_NAMES:
                self._rows[config_name] = read_config(self.path, config_name)
            elif config_name in CONTRAST_CONFIGS:
                self._rows[config_name] = _read_contrast(self.path, config_name)
            else:
                raise _fail(self.path, f"the scorer does not read config {config_name!r}")
        return self._rows[config_name]


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


def _read_contrast(release_dir: Path, config_name: str) -> list[Row]:
    """Rows of a contrast config with the stance decoded from its ClassLabel id."""
    import pyarrow.parquet as pq

    path = release_dir / data_path(config_name)
    if not path.is_file():
        raise _fail(release_dir, f"this release has no {config_name!r} config ({path} is "
                                 "missing): contrast rows come with dataset 1.1")
    try:
        rows = pq.read_table(path).to_pylist()
    except (OSError, ValueError) as err:
        raise _fail(path, f"cannot read config {config_name!r}: {err}") from None
    required = CONTRAST_REQUIRED[config_name]
    absent = [name for name in required if rows and name not in rows[0]]
    if absent:
        raise _fail(path, f"config {config_name!r} lacks field(s) {', '.join(absent)}")
    for row in rows:
        if "stance" not in row:
            continue
        stance = row["stance"]
        if isinstance(stance, int) and 0 <= stance < len(STANCES):
            row["stance"] = STANCES[stance]
        elif stance not in STANCES:
            raise _fail(path, f"{row.get('contrast_id')}: stance {stance!r} is not a label")
    return rows
