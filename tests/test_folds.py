"""Folds are data: each manifest record states its ``fold``; the order of the records means
nothing. The oracle is the manifest file itself, read here with ``json``, and the bytes of
a release built from the same records in another order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from retold.io.release import data_path
from retold.pipeline import build_release
from retold.schema import CONFIG_NAMES

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _reorder(tmp_path: Path, order: slice) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "corpus" / "manifest.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(records[order], ensure_ascii=False, indent=2), encoding="utf-8")
    return root


def test_reordering_the_manifest_changes_no_byte_of_the_release(
    tmp_path: Path, mini_release: tuple[Path, dict[str, int]]
) -> None:
    release, _ = mini_release
    root = _reorder(tmp_path, slice(None, None, -1))
    other = tmp_path / "reversed-release"
    build_release(root / "corpus", root / "annotations", other)
    original, reordered = _files(release), _files(other)
    assert sorted(original) == sorted(reordered)
    changed = [name for name in original if original[name] != reordered[name]]
    assert not changed, f"reordering the manifest changed {changed}"


def _folds_in(release: Path, config: str) -> dict[str, set[int]]:
    table = pq.read_table(release / data_path(config), columns=["doc_id", "fold"]).to_pylist()
    out: dict[str, set[int]] = {}
    for row in table:
        out.setdefault(row["doc_id"], set()).add(row["fold"])
    return out


def test_the_release_carries_the_manifest_folds(
    tmp_path: Path, mini_release: tuple[Path, dict[str, int]]
) -> None:
    """Swap the two folds in the manifest: the documents' folds in the release follow."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "corpus" / "manifest.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records:
        record["fold"] = 1 - record["fold"]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    out = tmp_path / "swapped"
    build_release(root / "corpus", root / "annotations", out)
    expected = {r["doc_id"]: {r["fold"]} for r in records}
    assert expected == {"000-mini-report": {1}, "001-mini-denial": {0}}
    for config in ("documents", "claims", "tokens"):
        assert _folds_in(out, config) == expected, config
        original = _folds_in(mini_release[0], config)
        assert original == {d: {1 - f for f in fs} for d, fs in expected.items()}, config


@pytest.mark.skipif(not (ROOT / "release" / "README.md").exists(), reason="no committed release")
def test_the_committed_release_has_the_manifest_folds() -> None:
    """Every row of every config with a ``fold`` carries its document's manifest fold,
    and the five folds are today's list positions 0..4 (the release did not change)."""
    records = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    manifest = {r["doc_id"]: r["fold"] for r in records}
    assert [r["fold"] for r in records] == list(range(len(records)))
    for config in CONFIG_NAMES:
        columns = pq.read_schema(ROOT / "release" / data_path(config)).names
        if "fold" in columns and "doc_id" in columns:
            folds = _folds_in(ROOT / "release", config)
            assert folds == {d: {manifest[d]} for d in folds}, config
