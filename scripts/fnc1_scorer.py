"""FNC-1's official scorer, reimplemented for timing beside ``retold score``.

The Fake News Challenge scorer (github.com/FakeNewsChallenge/fnc-1, ``scorer.py``,
"FNC-1 scorer - version 1.0", commit 29d473a) reads two CSV files with the columns
``Headline``, ``Body ID``, ``Stance`` (gold, then predictions) with ``csv.DictReader``,
checks that the rows match one by one, adds 0.25 for a right unrelated/related split and
0.75 more for a right related stance, fills a 4 x 4 confusion matrix, and prints it with
the accuracy and the MAX (every stance right) and NULL (every stance 'unrelated') scores.
This module does the same steps in the same order (written here, not copied: the original
carries no licence, so it is not vendored), so that ``scripts/bench_scoring.py`` can time
it on as many lines as ``retold score``. ``tests/test_fnc1_scorer.py`` checks its figures
against ones worked by hand. Usage: ``python scripts/fnc1_scorer.py GOLD.csv PREDICTIONS.csv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

FIELDNAMES = ["Headline", "Body ID", "Stance"]
LABELS = ["agree", "disagree", "discuss", "unrelated"]
RELATED = LABELS[:3]
STANCES = tuple(LABELS)


SCORE_REPORT = """
MAX  - the best possible score (100% accuracy)
NULL - score as if all predicted stances were unrelated
TEST - score based on the provided predictions

||    MAX    ||    NULL   ||    TEST   ||\n||{:^11}||{:^11}||{:^11}||
"""


class FNCError(Exception):
    """A file FNC-1's scorer refuses (wrong header, no rows, mismatched row)."""


def load_dataset(path: Path) -> list[dict[str, str]]:
    """The rows of an FNC-1 CSV file, as ``csv.DictReader`` gives them."""
    try:
        with Path(path).open(newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != FIELDNAMES:
                raise FNCError(f"ERROR: Incorrect headers in: {path}")
            rows = list(reader)
    except FileNotFoundError as err:
        raise FNCError(f"ERROR: Could not find file: {path}") from err
    if not rows:
        raise FNCError(f"ERROR: No data found in: {path}")
    return rows


def score_submission(gold: list[dict[str, str]], test: list[dict[str, str]]
                     ) -> tuple[float, list[list[int]]]:
    """FNC-1's weighted score (0.25 per right related/unrelated split, +0.75 per right
    related stance; a right 'unrelated' earns 0.25 only) and the confusion matrix
    (rows: gold, columns: predicted, in ``LABELS`` order)."""
    score = 0.0
    cm = [[0] * len(LABELS) for _ in LABELS]
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
        cm[LABELS.index(g_stance)][LABELS.index(t_stance)] += 1
    return score, cm


def score_defaults(gold: list[dict[str, str]]) -> tuple[float, float]:
    """(NULL, MAX): the score of predicting every stance 'unrelated', and of every stance
    right."""
    unrelated = sum(1 for g in gold if g["Stance"] == "unrelated")
    null = 0.25 * unrelated
    return null, null + (len(gold) - unrelated)


def report(cm: list[list[int]], max_score: float, null: float, test: float) -> str:
    """The confusion matrix, accuracy and the three scores, laid out as the original."""
    header = "|{:^11}|{:^11}|{:^11}|{:^11}|{:^11}|".format("", *LABELS)
    rule = "-" * len(header)
    lines = ["CONFUSION MATRIX:", rule, header, rule]
    hit = total = 0
    for i, row in enumerate(cm):
        hit += row[i]
        total += sum(row)
        lines += ["|{:^11}|{:^11}|{:^11}|{:^11}|{:^11}|".format(LABELS[i], *row), rule]
    lines.append(f"ACCURACY: {hit / total:.3f}")
    return "\n".join(lines) + "\n" + SCORE_REPORT.format(max_score, null, test)


def score_files(gold_path: Path, test_path: Path) -> str:
    """Everything the original does for two files: read both, score, and the report."""
    gold = load_dataset(gold_path)
    test = load_dataset(test_path)
    test_score, cm = score_submission(gold, test)
    null, max_score = score_defaults(gold)
    return report(cm, max_score, null, test_score)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    try:
        print(score_files(Path(argv[0]), Path(argv[1])))
    except FNCError as err:
        print(err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
