"""``scripts/fnc1_scorer.py`` (FNC-1's scorer, reimplemented for the speed comparison) gives
the figures worked here by hand from the FNC-1 rules: +0.25 for a right related/unrelated
split, +0.75 more for a right related stance, NULL = 0.25 per gold 'unrelated', MAX = NULL
+ 1 per related gold row."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import fnc1_scorer

GOLD = [("h1", "1", "agree"), ("h2", "2", "unrelated"), ("h3", "3", "discuss"),
        ("h4", "4", "disagree"), ("h5", "5", "unrelated")]
TEST = [("h1", "1", "agree"),       # right related stance: 0.25 + 0.75 = 1.0
        ("h2", "2", "unrelated"),   # right unrelated: 0.25
        ("h3", "3", "agree"),       # related, wrong stance: 0.25
        ("h4", "4", "unrelated"),   # related called unrelated: 0
        ("h5", "5", "discuss")]     # unrelated called related: 0


def write(path: Path, rows: list[tuple[str, str, str]],
          header: list[str] = fnc1_scorer.FIELDNAMES) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_scores_match_the_hand_count(tmp_path: Path) -> None:
    gold = fnc1_scorer.load_dataset(write(tmp_path / "g.csv", GOLD))
    test = fnc1_scorer.load_dataset(write(tmp_path / "t.csv", TEST))
    score, cm = fnc1_scorer.score_submission(gold, test)
    assert score == 1.5
    assert fnc1_scorer.score_defaults(gold) == (0.5, 3.5)
    # rows: gold agree, disagree, discuss, unrelated; columns: predicted, same order
    assert cm == [[1, 0, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 1]]
    report = fnc1_scorer.score_files(tmp_path / "g.csv", tmp_path / "t.csv")
    assert "ACCURACY: 0.400" in report
    assert "||    3.5    ||    0.5    ||    1.5    ||" in report


def test_mismatched_rows_and_headers_are_refused(tmp_path: Path) -> None:
    gold = fnc1_scorer.load_dataset(write(tmp_path / "g.csv", GOLD))
    shuffled = fnc1_scorer.load_dataset(write(tmp_path / "t.csv", [TEST[1], TEST[0]]))
    with pytest.raises(fnc1_scorer.FNCError, match="mismatch at line 2"):
        fnc1_scorer.score_submission(gold, shuffled)
    with pytest.raises(fnc1_scorer.FNCError, match="Incorrect headers"):
        fnc1_scorer.load_dataset(write(tmp_path / "h.csv", GOLD, ["a", "b", "c"]))
    with pytest.raises(fnc1_scorer.FNCError, match="No data"):
        fnc1_scorer.load_dataset(write(tmp_path / "e.csv", []))
