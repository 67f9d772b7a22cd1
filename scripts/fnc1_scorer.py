"""FNC-1's official scorer, reimplemented for timing beside ``retold score``.

The Fake News Challenge scorer (github.com/FakeNewsChallenge/fnc-1, ``scorer.py``,
"FNC-1 scorer - version 1.0") reads two CSV files with the columns ``Headline``,
``Body ID``, ``Stance`` (gold, then predictions) with ``csv.DictReader``, checks that the
rows match one by one, and adds 0.25 for a right unrelated/related split and 0.75 more for
a right related stance; it also prints the NULL score (every stance predicted unrelated).
This module does the same steps in the same way (written here, not copied: the original
is not vendored), so that ``scripts/bench_scoring.py`` can time it on as many lines as
``retold score``. Usage: ``python scripts/fnc1_scorer.py GOLD.csv PREDICTIONS.csv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FIELDNAMES = ["Headline", "Body ID", "Stance"]
RELATED = ("agrees", "disagrees", "discusses")
STANCES = (*RELATED, "unrelated")


class FNCError(Exception):
    """A file FNC-1's scorer refuses (wrong header, no rows, mismatched row)."""


def load_dataset(path: Path) -> list[dict[str, str]]:
    """The rows of an FNC-1 CSV file, as ``csv.DictReader`` gives them."""
    with Path(path).open(newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != FIELDNAMES:
            raise FNCError(f"ERROR: Incorrect headers in: {path}")
        rows = list(reader)
    if not rows:
        raise FNCError(f"ERROR: No data found in: {path}")
    return rows


def score_submission(gold: list[dict[str, str]], test: list[dict[str, str]]) -> float:
    """FNC-1's weighted score: 0.25 per right related/unrelated split, +0.75 per right
    related stance (a right 'unrelated' earns 0.25 only)."""
    score = 0.0
    for i, (g, t) in enumerate(zip(gold, test, strict=False)):
        if g["Headline"] != t["Headline"] or g["Body ID"] != t["Body ID"]:
            raise FNCError(f"ERROR: Entry mismatch at line {i + 2}")
        g_stance, t_stance = g["Stance"], t["Stance"]
        if g_stance == t_stance:
            score += 0.25
            if g_stance != "unrelated":
                score += 0.50
        if g_stance in RELATED and t_stance in RELATED:
            score += 0.25
    return score


def score_all_unrelated(gold: list[dict[str, str]]) -> float:
    """The NULL score: every stance predicted 'unrelated'."""
    return 0.25 * sum(1 for g in gold if g["Stance"] == "unrelated")


def score_files(gold_path: Path, test_path: Path) -> tuple[float, float]:
    """(NULL, TEST) scores of a predictions file, as the original prints them."""
    gold = load_dataset(gold_path)
    test = load_dataset(test_path)
    return score_all_unrelated(gold), score_submission(gold, test)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    try:
        null, test = score_files(Path(argv[0]), Path(argv[1]))
    except FNCError as err:
        print(err)
        return 1
    print(f"||    NULL   ||    TEST   ||\n||{null:^11}||{test:^11}||")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
