"""Regenerate the golden files under ``tests/golden/``.

    python tests/update_golden.py          # or: RETOLD_UPDATE_GOLDEN=1 pytest

Goldens pin what the release contains for the mini fixture (each config's rows as JSON,
the card) and what the schema says (``schema_snapshot.json``), so any change to either
shows up as a reviewable diff. Run this only after deciding the change is intended.
The tests import the helpers below, so the files are always written the same way.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MINI = HERE / "fixtures" / "mini"
UPDATE_ENV = "RETOLD_UPDATE_GOLDEN"


def dump(data: Any) -> str:
    """Canonical golden JSON: two-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def schema_snapshot() -> dict[str, Any]:
    """Everything in ``schema.py`` that a released file or a scorer depends on."""
    from retold import schema

    def plain(value: Any) -> Any:
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    return {
        "schema_version": schema.SCHEMA_VERSION,
        "dataset_name": schema.DATASET_NAME,
        "dataset_version": schema.DATASET_VERSION,
        "author": schema.AUTHOR,
        "labels": {
            "stances": list(schema.STANCES),
            "stance_precedence": list(schema.STANCE_PRECEDENCE),
            "source_kinds": list(schema.SOURCE_KINDS),
            "genres": list(schema.GENRES),
            "rights_statuses": list(schema.RIGHTS_STATUSES),
            "boilerplate_kinds": list(schema.BOILERPLATE_KINDS),
            "reuse_labels": list(schema.REUSE_LABELS),
            "bio_tags": list(schema.BIO_TAGS),
            "token_layers": list(schema.TOKEN_LAYERS),
            "contrast_edit_types": list(schema.CONTRAST_EDIT_TYPES),
            "contrast_pair_edit_types": list(schema.CONTRAST_PAIR_EDIT_TYPES),
            "pair_cells": list(schema.PAIR_CELLS),
        },
        "reuse_near_verbatim_min": schema.REUSE_NEAR_VERBATIM_MIN,
        "high_overlap_min": schema.HIGH_OVERLAP_MIN,
        "probe_check_from": schema.PROBE_CHECK_FROM,
        "token_pattern": schema.TOKEN_PATTERN,
        "split": schema.SPLIT,
        "protocol": schema.PROTOCOL,
        "configs": [
            {
                "name": c.name,
                "sort_key": list(c.sort_key),
                "primary_key": list(c.primary_key),
                "fields": [{"name": f.name, "dtype": plain(f.dtype),
                            **({"analysis_only": True} if f.analysis_only else {})}
                           for f in c.fields],
            }
            for c in schema.CONFIGS
        ],
    }


def release_rows(release_dir: Path, config_name: str) -> list[dict[str, Any]]:
    """A config's rows as stored, read with pyarrow, label ids turned back into names."""
    from retold.build.features import decode_row
    from retold.io.release import DATA_DIR, DATA_FILE

    table = pq.read_table(release_dir / DATA_DIR / config_name / DATA_FILE)
    return [decode_row(config_name, row) for row in table.to_pylist()]


def golden_texts(release_dir: Path) -> dict[str, str]:
    """Golden path (relative to ``tests/golden``) → expected text, for one mini release."""
    from retold.io.release import CARD_FILE
    from retold.schema import CONFIG_NAMES

    texts = {f"mini/{name}.json": dump(release_rows(release_dir, name)) for name in CONFIG_NAMES}
    texts["mini/README.md"] = (release_dir / CARD_FILE).read_text(encoding="utf-8")
    texts["schema_snapshot.json"] = dump(schema_snapshot())
    return texts


def check_golden(rel: str, actual: str) -> None:
    """Compare ``actual`` with the golden file, or rewrite it when RETOLD_UPDATE_GOLDEN=1."""
    path = GOLDEN / rel
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"missing golden {path}; run python tests/update_golden.py"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{rel} differs from its golden file; if the change is intended, run "
        "python tests/update_golden.py and review the diff"
    )


def main() -> int:
    from retold.pipeline import build_release

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        release = Path(tmp) / "release"
        build_release(MINI / "corpus", MINI / "annotations", release)
        for rel, text in sorted(golden_texts(release).items()):
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            old = path.read_text(encoding="utf-8") if path.exists() else None
            path.write_text(text, encoding="utf-8")
            state = "unchanged" if old == text else ("created" if old is None else "UPDATED")
            sys.stdout.write(f"{state}: tests/golden/{rel}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
