"""The baselines' prediction files and leaderboard follow the task declarations.

Sort keys, the contrast file's parts, the leaderboard's task order, columns and agreement
figures are read from ``retold.score.tasks``; these tests pin each against values written
out here by hand, so a declaration that drifted from the files the scorer reads fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from baselines.predictions import sort_records, write_contrast_predictions
from baselines.report import _agreement_line, leaderboard_markdown
from baselines.results import load_results
from retold.score import TASKS, score_file

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"


def test_prediction_lines_sort_by_the_declared_key() -> None:
    rows = [{"claim_id_a": "001-c001", "claim_id_b": "002-c001"},
            {"claim_id_a": "000-c002", "claim_id_b": "003-c001"},
            {"claim_id_a": "000-c002", "claim_id_b": "001-c001"}]
    assert sort_records("duplicated", rows) == [rows[2], rows[1], rows[0]]
    spans = [{"doc_id": "b", "start": 0, "end": 9}, {"doc_id": "a", "start": 5, "end": 6},
             {"doc_id": "a", "start": 5, "end": 4}]
    assert sort_records("claims", spans) == [spans[2], spans[1], spans[0]]
    with pytest.raises(ValueError, match="two contrast predictions"):
        sort_records("duplicated", [{"pair_id": "p-0001"}, {"pair_id": "p-0001"}], "contrast")


@pytest.mark.parametrize(("task", "natural_first"), [("attributed", True), ("denied", True),
                                                      ("duplicated", False)])
def test_the_contrast_file_is_what_the_scorer_reads(task: str, natural_first: bool,
                                                    tmp_path: Path) -> None:
    contrast_subset = TASKS[task].subset("contrast")
    contrast = list(reversed(contrast_subset.examples))
    natural = [TASKS[task].example]
    path = write_contrast_predictions(task, contrast, natural, tmp_path / "c.jsonl")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    key = contrast_subset.key[0]
    expected = sorted(contrast, key=lambda r: r[key])
    assert lines == ([*natural, *expected] if natural_first else expected)
    scores = score_file(task, path, RELEASE, subset="contrast", n_bootstrap=0)
    assert scores.missing == scores.n_items - len(contrast)


def test_agreement_reads_the_declared_scores() -> None:
    entry = {"scores": {"attributed_f1": 0.9, "source_span_f1_overlap": 0.75,
                        "attributed_recall": 0.1},
             "ci": {"attributed_f1": {"lower": 0.8, "upper": 1.0}}}
    agreement = {"tasks": {"attributed": entry}}
    line = _agreement_line("attributed", agreement)
    assert "`attributed_f1` 0.900 [0.800, 1.000]; `source_span_f1_overlap` 0.750." in line
    assert "attributed_recall" not in line and "not a human ceiling" in line
    assert "not measured" in _agreement_line("denied", agreement)
    assert "not measured" in _agreement_line("attributed", {"tasks": {"attributed": {
        "scores": {"x": 1}, "ci": {}}}})


def test_the_leaderboard_follows_the_declared_order_and_columns() -> None:
    results = load_results(ROOT / "results")
    board = leaderboard_markdown(results, {})
    positions = [board.index(f"### `{name}`") for name in TASKS]
    assert positions == sorted(positions)
    for name, task in TASKS.items():
        section = board[board.index(f"### `{name}`"):].split("\n### ")[0]
        header = next(row for row in section.splitlines() if row.startswith("| baseline"))
        cells = [c.strip() for c in header.strip("|").split("|")]
        assert cells[3] == task.main_score and cells[5] == task.second_score, name
        if task.new is not None:
            assert cells[6].startswith(task.new.main_score), name
        if task.has_contrast:
            assert f"on the {task.subset('contrast').items} config" in section
