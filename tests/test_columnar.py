"""The column reader accepts only files the line-by-line reader accepts, with the same values.

Oracle: the line-by-line reader (Python's ``json`` and ``FieldChecker``), which these tests
do not change, and hand-written expectations of what each tricky line is. For every line
below, either ``read_columns`` declines (None: the file is read line by line, which reports
the problem) or both readers give the very same numbered records.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from score_gold import RELEASE

from retold.errors import InvalidInputError
from retold.score import score_file
from retold.score.columnar import ColumnLines, read_columns
from retold.score.formats import (
    FieldChecker,
    Problems,
    align_items,
    read_jsonl,
    read_predictions,
)
from retold.score.tasks import TASKS

PAIR_FIELDS = TASKS["duplicated"].fields_for("natural")
GOOD = '{"claim_id_a": "000-c001", "claim_id_b": "001-c002", "score": 0.93, "duplicate": true}'


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def typed(records: list[tuple[int, dict]]) -> list[tuple[int, list[tuple[str, type, object]]]]:
    """Numbered records with each value's type (so 1 and True would differ); a float and an
    int of equal value count as one number, as the scorer reads both as floats."""
    def kind(v: object) -> type:
        return float if type(v) in (int, float) else type(v)
    return [(n, sorted((k, kind(v), v) for k, v in r.items())) for n, r in records]


def test_a_plain_file_is_read_column_wise_with_the_same_records(tmp_path: Path) -> None:
    rng = random.Random(0)
    lines = [{"claim_id_a": f"000-c{i:03d}", "claim_id_b": f"001-c{i:03d}",
              "score": rng.choice([rng.random(), rng.randint(-5, 5), 1e-300, -0.0]),
              "duplicate": rng.random() < 0.5} for i in range(500)]
    path = write(tmp_path / "p.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    columns = read_columns(path, PAIR_FIELDS)
    assert isinstance(columns, ColumnLines) and len(columns) == 500
    assert typed(list(columns)) == typed(read_jsonl(path))
    assert [columns[i] for i in (0, 499, -1)] == [(1, lines[0]), (500, lines[499]),
                                                  (500, lines[499])]
    assert columns[1:3] == [(2, lines[1]), (3, lines[2])]
    # a float is parsed to the very same double as Python's json gives
    assert [r["score"] for _, r in columns] == [float(r["score"]) for r in lines]


@pytest.mark.parametrize("text,why", [
    (GOOD + "\n\n" + GOOD + "\n", "a blank line"),
    (GOOD + "\n   \n" + GOOD + "\n", "a line of spaces"),
    (GOOD + "\n  " + GOOD + "\n", "an indented line"),
    (GOOD + GOOD + "\n" + GOOD, "two objects on one line"),
    (GOOD + GOOD + "\n\n", "two objects on a line and a blank line"),
    (GOOD.replace("000-c001", "000-c\u00e9") + "\n", "non-ASCII text"),
    (GOOD.replace("000-c001", "000-c\\u0041") + "\n", "a \\u escape"),
    (GOOD.replace("0.93", "NaN") + "\n", "NaN"),
    (GOOD.replace("0.93", "Infinity") + "\n", "Infinity"),
    (GOOD.replace("0.93", "9007199254740993") + "\n", "an integer over 2**53"),
    (GOOD.replace("0.93", "1e400") + "\n", "a number too large for a double"),
    (GOOD.replace("0.93", "null") + "\n", "null"),
    (GOOD.replace("0.93", "true") + "\n", "a boolean for a number"),
    (GOOD.replace("0.93", '"0.93"') + "\n", "a string for a number"),
    (GOOD.replace("true", "1") + "\n", "a number for a boolean"),
    (GOOD.replace('"000-c001"', "1") + "\n", "a number for an id"),
    (GOOD.replace('"000-c001"', '["000-c001"]') + "\n", "a list for an id"),
    (GOOD.replace(', "duplicate": true', "") + "\n", "a missing field"),
    (GOOD.replace("}", ', "extra": 1}') + "\n", "an unknown field"),
    (GOOD.replace("}", ', "score": 0.5}') + "\n", "a repeated key"),
    (GOOD.replace("}", ",}") + "\n", "a trailing comma"),
    ("[1, 2]\n", "a list, not an object"),
    ('"text"\n', "a string, not an object"),
    (GOOD + " // comment\n", "a comment"),
    ("\ufeff" + GOOD + "\n", "a byte order mark"),
    (GOOD.replace("000-c001", "000\tc001") + "\n", "a raw tab in a string"),
    ("", "an empty file"),
    ("\n", "a file of one blank line"),
])
def test_anything_unusual_goes_to_the_line_by_line_reader(tmp_path: Path, text: str,
                                                          why: str) -> None:
    path = write(tmp_path / "p.jsonl", text)
    assert read_columns(path, PAIR_FIELDS) is None, why


def test_a_line_over_the_length_limit_is_not_read_column_wise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from retold.score import columnar

    path = write(tmp_path / "p.jsonl", GOOD + "\n" + GOOD.replace("000-c001", "x" * 50) + "\n")
    assert read_columns(path, PAIR_FIELDS) is not None
    monkeypatch.setattr(columnar, "MAX_JSONL_LINE_CHARS", len(GOOD) + 10)
    assert read_columns(path, PAIR_FIELDS) is None


def test_a_file_over_the_size_limit_is_not_read_column_wise(tmp_path: Path) -> None:
    path = write(tmp_path / "p.jsonl", GOOD + "\n")
    assert read_columns(path, PAIR_FIELDS, max_bytes=len(GOOD)) is None
    assert read_columns(path, PAIR_FIELDS, max_bytes=len(GOOD) + 1) is not None


def test_an_unknown_label_and_a_list_field_are_not_read_column_wise(tmp_path: Path) -> None:
    denied = TASKS["denied"].fields_for("natural")
    ok = write(tmp_path / "ok.jsonl", '{"claim_id": "004-c003", "stance": "denied"}\n')
    bad = write(tmp_path / "bad.jsonl", '{"claim_id": "004-c003", "stance": "refuted"}\n')
    assert read_columns(ok, denied) is not None
    assert read_columns(bad, denied) is None
    ranking = write(tmp_path / "r.jsonl", json.dumps(TASKS["retrieval"].example) + "\n")
    assert read_columns(ranking, TASKS["retrieval"].fields) is None


@pytest.mark.parametrize("seed", range(25))
def test_mutated_lines_either_decline_or_match_the_line_reader(tmp_path: Path,
                                                               seed: int) -> None:
    """Random edits of good lines (characters deleted, doubled or replaced by JSON
    punctuation): whenever the column reader accepts the file, the line-by-line reader
    accepts it too, with the same records and the same checks."""
    rng = random.Random(seed)
    alphabet = [*list('{}[]:,"\\ \n\t0123456789.eE+-tfnaluesr'), "NaN", "null", "true"]
    lines = []
    for i in range(40):
        line = json.dumps({"claim_id_a": f"000-c{i:03d}", "claim_id_b": f"001-c{i:03d}",
                           "score": round(rng.random(), 3), "duplicate": rng.random() < .5})
        if rng.random() < 0.3:
            at = rng.randrange(len(line))
            edit = rng.choice(["delete", "double", "replace"])
            piece = rng.choice(alphabet)
            line = {"delete": line[:at] + line[at + 1:],
                    "double": line[:at] + line[at] + line[at:],
                    "replace": line[:at] + piece + line[at + 1:]}[edit]
        lines.append(line)
    path = write(tmp_path / "p.jsonl", "\n".join(lines) + "\n")
    columns = read_columns(path, PAIR_FIELDS)
    if columns is None:
        return
    problems = Problems("p")
    slow = read_jsonl(path)
    checker = FieldChecker(PAIR_FIELDS)
    assert all(checker(n, r, problems) for n, r in slow) and not problems
    assert typed(list(columns)) == typed(slow)


def test_aligned_columns_equal_the_line_by_line_alignment(tmp_path: Path) -> None:
    """Lines in any order: the column path fills the same items with the same values; an
    unknown or repeated key falls back and is reported exactly as before."""
    keys = [(f"000-c{i:03d}", f"001-c{i:03d}") for i in range(30)]
    index = {k: i for i, k in enumerate(keys)}
    rng = random.Random(3)
    chosen = rng.sample(range(30), 20)
    records = [{"claim_id_a": keys[i][0], "claim_id_b": keys[i][1],
                "score": rng.random(), "duplicate": rng.random() < .5} for i in chosen]
    key = ("claim_id_a", "claim_id_b")

    def both(recs: list[dict]) -> tuple:
        path = write(tmp_path / "p.jsonl", "".join(json.dumps(r) + "\n" for r in recs))
        columns = read_columns(path, PAIR_FIELDS)
        assert columns is not None
        out = []
        for lines in (columns, read_jsonl(path)):
            problems = Problems("p")
            got = align_items(lines, PAIR_FIELDS, key, index, 30, problems)
            out.append((got.present, got.columns, got.lines, problems.listed))
        return tuple(out)

    fast, slow = both(records)
    assert fast == slow and not fast[3]
    assert sum(fast[0]) == 20 and fast[1]["score"][chosen[0]] == records[0]["score"]
    unknown = [*records, {**records[0], "claim_id_b": "009-c999"}]
    fast, slow = both(unknown)
    assert fast == slow and [p.code for p in fast[3]] == ["unknown-id"]
    repeated = [*records, records[5]]
    fast, slow = both(repeated)
    assert fast == slow and [p.code for p in fast[3]] == ["duplicate-prediction"]


def test_score_file_gives_the_same_scores_by_either_reader(tmp_path: Path) -> None:
    """The committed release's pairs predicted in shuffled order: scores from the file (read
    column-wise) equal the scores of the same lines read line by line."""
    from retold.io.release import read_config
    from retold.score import score_lines

    rng = random.Random(5)
    pairs = read_config(RELEASE, "pairs")
    lines = [{"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
              "score": round(p["similarity"] + rng.random() / 5, 4),
              "duplicate": p["similarity"] > 0.5} for p in pairs if rng.random() < 0.9]
    rng.shuffle(lines)
    path = write(tmp_path / "p.jsonl", "".join(json.dumps(r) + "\n" for r in lines))
    assert isinstance(read_predictions(path, PAIR_FIELDS), ColumnLines)
    by_file = score_file("duplicated", path, RELEASE, n_bootstrap=200)
    by_lines = score_lines("duplicated", read_jsonl(path), RELEASE, n_bootstrap=200,
                           source=str(path))
    assert by_file.to_json() == by_lines.to_json()
    assert by_file.missing == len(pairs) - len(lines) > 0
    bad = write(tmp_path / "bad.jsonl", path.read_text() + GOOD.replace("0.93", "NaN") + "\n")
    with pytest.raises(InvalidInputError) as err:
        score_file("duplicated", bad, RELEASE)
    assert f"line {len(lines) + 1}" in str(err.value)
