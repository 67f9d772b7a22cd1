"""The format checker names the line and the problem; `retold score` never crashes.

Every scorer error code has a case here that triggers it; the CLI is run on good files,
bad files and bad arguments, and must answer with one-line errors and a non-zero exit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retold import errors
from retold.cli import main
from retold.errors import InvalidInputError
from retold.io.release import read_config
from retold.score import TASKS, score_file, score_records
from retold.score.formats import MAX_PROBLEMS

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
N_CLAIMS = len(read_config(RELEASE, "claims"))
GOOD_ATTRIBUTED = {"claim_id": "000-c001", "attributed": True, "source_start": 119,
                   "source_end": 126}


def problems_of(task: str, records: list[Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(InvalidInputError) as err:
        score_records(task, records, RELEASE, n_bootstrap=0)
    return [(p.where, p.code, p.message) for p in err.value.problems]


CASES: list[tuple[str, str, list[Any], str, str]] = [
    # (code, task, records, where, words in the message)
    (errors.PREDICTION_SYNTAX, "denied", [["not", "an", "object"]], "line 1", "JSON object"),
    (errors.PREDICTION_FIELDS, "denied", [{"claim_id": "000-c001"}], "line 1",
     "missing field(s) stance"),
    (errors.PREDICTION_FIELDS, "denied", [{"claim_id": "000-c001", "stance": "denied",
                                           "score": 1}], "line 1", "unknown field(s) 'score'"),
    (errors.PREDICTION_TYPE, "attributed", [{**GOOD_ATTRIBUTED, "attributed": 1}], "line 1",
     "attributed must be true or false"),
    (errors.PREDICTION_TYPE, "attributed", [{**GOOD_ATTRIBUTED, "source_start": 119.0}],
     "line 1", "source_start must be an integer"),
    (errors.PREDICTION_TYPE, "duplicated", [{"claim_id_a": "000-c001", "claim_id_b": "000-c002",
                                             "score": "0.5", "duplicate": False}], "line 1",
     "score must be a finite number"),
    (errors.UNKNOWN_LABEL, "denied", [{"claim_id": "000-c001", "stance": "Denied"}], "line 1",
     "'Denied' is not a label"),
    (errors.UNKNOWN_ID, "denied", [{"claim_id": "000-c001", "stance": "denied"},
                                   {"claim_id": "999-c001", "stance": "denied"}], "line 2",
     "999-c001"),
    (errors.UNKNOWN_ID, "claims", [{"doc_id": "nope", "start": 0, "end": 3}], "line 1",
     "doc_id 'nope'"),
    (errors.DUPLICATE_PREDICTION, "denied", [{"claim_id": "000-c001", "stance": "denied"},
                                             {"claim_id": "000-c001", "stance": "hedged"}],
     "line 2", "line 1"),
    (errors.DUPLICATE_PREDICTION, "claims", [{"doc_id": "002-summary", "start": 0, "end": 3}] * 2,
     "line 2", "line 1"),
    (errors.PREDICTION_VALUE, "attributed", [{**GOOD_ATTRIBUTED, "source_start": 126,
                                              "source_end": 119}], "line 1", "source span"),
    (errors.PREDICTION_VALUE, "attributed", [{**GOOD_ATTRIBUTED, "attributed": False}], "line 1",
     "not attributed has no source span"),
    (errors.PREDICTION_VALUE, "claims", [{"doc_id": "002-summary", "start": 0, "end": 10**6}],
     "line 1", "0 <= start < end"),
    (errors.PREDICTION_VALUE, "retrieval", [{"claim_id": "000-c001",
                                             "ranking": ["001-c001", "000-c002"]}], "line 1",
     "own document"),
    (errors.PREDICTION_VALUE, "retrieval", [{"claim_id": "000-c001",
                                             "ranking": ["001-c001", "001-c001"]}], "line 1",
     "ranked twice"),
    (errors.PREDICTION_VALUE, "duplicated", [{"claim_id_a": "000-c001", "claim_id_b": "000-c001",
                                              "score": 0.5, "duplicate": False}], "line 1",
     "two claims"),
]


@pytest.mark.parametrize(("code", "task", "records", "where", "words"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_problem_names_its_line_and_code(code: str, task: str, records: list[Any],
                                              where: str, words: str) -> None:
    found = problems_of(task, records)
    assert len(found) == 1, found
    assert found[0][:2] == (where, code)
    assert words in found[0][2]


FILE_CASES: list[tuple[str, bytes, str, str]] = [
    # (code, the predictions file, where, words in the message): problems only a file has
    (errors.DUPLICATE_KEY, b'{"claim_id": "000-c001", "stance": "denied", "stance": "hedged"}\n',
     "line 1", "key 'stance' appears more than once"),
    (errors.NO_PREDICTIONS, b"", "-", "no predictions"),
    (errors.NO_PREDICTIONS, b"\n  \r\n\n", "-", "no predictions"),
    (errors.PREDICTION_SYNTAX, b"[" * 5000 + b"\n", "line 1", "nest deeper than 32"),
]


@pytest.mark.parametrize(("code", "content", "where", "words"), FILE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(FILE_CASES)])
def test_each_file_problem_names_its_line_and_code(tmp_path: Path, code: str, content: bytes,
                                                   where: str, words: str) -> None:
    path = write(tmp_path / "p.jsonl", content)
    with pytest.raises(InvalidInputError) as err:
        score_file("denied", path, RELEASE, n_bootstrap=0)
    found = [(p.file, p.where, p.code, p.message) for p in err.value.problems]
    assert len(found) == 1, found
    assert found[0][:3] == (str(path), where, code)
    assert words in found[0][3]


def test_every_scorer_code_is_exercised() -> None:
    tested = ({case[0] for case in CASES} | {case[0] for case in FILE_CASES}
              | {errors.RELEASE, errors.TOO_MANY_PROBLEMS})
    assert tested == set(errors.SCORE_CODES)


def test_every_problem_is_reported_in_line_order() -> None:
    records = [{"claim_id": f"x{i}", "stance": "denied"} for i in range(12)]
    found = problems_of("denied", records)
    assert [w for w, _, _ in found] == [f"line {i}" for i in range(1, 13)]


def test_too_many_problems_are_counted_not_listed() -> None:
    records = [{"claim_id": f"x{i}", "stance": "denied"} for i in range(MAX_PROBLEMS + 7)]
    found = problems_of("denied", records)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1][1] == errors.TOO_MANY_PROBLEMS and "7 more" in found[-1][2]


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_file_problems_carry_the_file_name_and_line(tmp_path: Path) -> None:
    good = json.dumps({"claim_id": "000-c001", "stance": "denied"})
    path = write(tmp_path / "p.jsonl", f"{good}\n\n{{broken\n{good[:-1]}, \"x\": NaN}}\n")
    with pytest.raises(InvalidInputError) as err:
        score_file("denied", path, RELEASE, n_bootstrap=0)
    found = [(p.file, p.where, p.code) for p in err.value.problems]
    assert found == [(str(path), "line 3", errors.PREDICTION_SYNTAX),
                     (str(path), "line 4", errors.PREDICTION_SYNTAX)]
    assert "NaN is not a JSON number" in err.value.problems[1].message


@pytest.mark.parametrize(("content", "words"), [(b"\xff\xfe garbage", "not UTF-8"),
                                               (b"", "no predictions")])
def test_undecodable_and_empty_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = write(tmp_path / "p.jsonl", content)
    with pytest.raises(InvalidInputError, match=words):
        score_file("denied", path, RELEASE, n_bootstrap=0)


def test_a_release_that_fails_its_checksums_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "release"
    shutil.copytree(RELEASE, copy)
    card = copy / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        score_records("denied", [], copy, n_bootstrap=0)
    assert err.value.problems[0].code == errors.RELEASE
    assert "README.md" in err.value.problems[0].message


def test_bad_arguments_are_value_errors() -> None:
    with pytest.raises(ValueError, match="unknown task"):
        score_records("stance", [], RELEASE)
    with pytest.raises(ValueError, match="no contrast subset"):
        score_records("clusters", [], RELEASE, subset="contrast")
    with pytest.raises(ValueError, match="unknown subset"):
        score_records("denied", [], RELEASE, subset="all")


# --------------------------------------------------------------------------------------
# The command line.
# --------------------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_a_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [{"claim_id": "000-c001", "stance": "reported"},
             {"claim_id": "004-c003", "stance": "denied"}]
    path = write(tmp_path / "p.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    code, out, _ = run(capsys, "score", "--task", "denied", "--predictions", str(path),
                       "--release", str(RELEASE), "--bootstrap", "50")
    assert code == 0
    assert "denied_f1 *" in out and f"{N_CLAIMS - 2} without a prediction" in out
    assert "trivial" in out
    code, out, _ = run(capsys, "score", "--task", "denied", "--predictions", str(path),
                       "--release", str(RELEASE), "--json", "--bootstrap", "50")
    data = json.loads(out)
    assert code == 0 and data["missing"] == N_CLAIMS - 2 and data["main_score"] == "denied_f1"
    assert data["denied_f1"] == data["main"]
    assert data["bootstrap"] == {"resamples": 50, "seed": 0, "confidence": 0.95,
                                 "method": "percentile"}


BAD_INPUTS: list[tuple[list[str], int, str]] = [
    (["--task", "denied", "--predictions", "{missing}"], 1, "file does not exist"),
    (["--task", "denied", "--predictions", "{dir}"], 1, "it is a folder"),
    (["--task", "denied", "--predictions", "{bad}"], 1, "[prediction-syntax]"),
    (["--task", "denied", "--predictions", "{bad}", "--release", "{missing}"], 1, "[release]"),
    (["--task", "clusters", "--predictions", "{empty}", "--subset", "contrast"], 2,
     "no contrast subset"),
    (["--task", "nope", "--predictions", "{empty}"], 2, "invalid choice"),
    (["--task", "denied", "--predictions", "{empty}", "--bootstrap", "-1"], 2,
     "argument --bootstrap: -1 is not from 0 to 10,000"),
    (["--task", "denied", "--predictions", "{empty}"], 1, "[no-predictions]"),
]


@pytest.mark.parametrize(("argv", "code", "words"), BAD_INPUTS)
def test_cli_answers_bad_input_with_one_line_errors(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    argv: list[str], code: int,
                                                    words: str) -> None:
    files = {"missing": str(tmp_path / "missing.jsonl"), "dir": str(tmp_path),
             "bad": str(write(tmp_path / "bad.jsonl", "{not json\n")),
             "empty": str(write(tmp_path / "empty.jsonl", ""))}
    argv = [a.format(**files) for a in argv]
    if "--release" not in argv:
        argv += ["--release", str(RELEASE)]
    if "--bootstrap" not in argv:
        argv += ["--bootstrap", "0"]
    got, out, err = run(capsys, "score", *argv)
    assert got == code
    assert words in err
    assert "Traceback" not in err + out


# --------------------------------------------------------------------------------------
# Fuzzing: any JSON a user may write gives scores or listed problems, nothing else.
# --------------------------------------------------------------------------------------

_IDS = ["000-c001", "001-c002", "004-c003", "002-summary", "004-state-media", "x", ""]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=False)
    | st.sampled_from([*_IDS, "denied", "asserted"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=2),
    max_leaves=5)


def _records(task: str) -> st.SearchStrategy[list[Any]]:
    names = [*list(TASKS[task].field_names), "extra"]
    line = st.dictionaries(st.sampled_from(names), json_values, max_size=len(names))
    return st.lists(line | json_values, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(TASKS)), st.data())
def test_any_json_gives_scores_or_listed_problems(task: str, data: st.DataObject) -> None:
    records = data.draw(_records(task))
    try:
        scores = score_records(task, records, RELEASE, n_bootstrap=5)
    except InvalidInputError as err:
        assert err.problems and all(p.where.startswith("line ") or p.where == "-"
                                    for p in err.problems)
    else:
        assert scores.task == task and scores.main_score in scores.values
