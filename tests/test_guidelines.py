"""The generated label tables of the guidelines: rewrite, check mode, prose untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.describe.guidelines import BEGIN_MARKER, END_MARKER, label_tables, main
from retold.schema import BOILERPLATE_KINDS, REUSE_LABELS, SOURCE_KINDS, STANCES

REPO_GUIDELINES = Path(__file__).resolve().parents[1] / "annotations" / "GUIDELINES.md"


def test_tables_list_every_label_in_schema_order() -> None:
    tables = label_tables()
    for labels in (STANCES, SOURCE_KINDS, BOILERPLATE_KINDS, REUSE_LABELS):
        rows = [f"| {i} | `{label}` |" for i, label in enumerate(labels)]
        positions = [tables.index(row) for row in rows]
        assert positions == sorted(positions)
    assert "denied > hedged > reported > asserted" in tables


def test_rewrite_then_check(tmp_path: Path) -> None:
    path = tmp_path / "GUIDELINES.md"
    before, after = "# Title\n\nProse.\n\n", "\n\n## After\n\nMore prose.\n"
    path.write_text(f"{before}{BEGIN_MARKER}\nold table\n{END_MARKER}{after}", encoding="utf-8")
    assert main([str(path), "--check"]) == 1
    assert main([str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text == f"{before}{BEGIN_MARKER}\n{label_tables()}\n{END_MARKER}{after}"
    assert main([str(path), "--check"]) == 0
    assert main([str(path)]) == 0  # idempotent
    assert path.read_text(encoding="utf-8") == text


def test_missing_markers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "GUIDELINES.md"
    path.write_text("no markers\n", encoding="utf-8")
    assert main([str(path), "--check"]) == 1
    assert main([str(path)]) == 1
    assert "markers" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "no markers\n"


def test_repository_guidelines_are_up_to_date() -> None:
    assert main([str(REPO_GUIDELINES), "--check"]) == 0, (
        "annotations/GUIDELINES.md label tables are stale: "
        "run python -m retold.describe.guidelines")
