"""The fuzz catalogue of ``retold score``: whatever a predictions file holds, the scorer ends in
scores or in a ``PredictionError`` listing problems, never in any other exception, a hang or
an unbounded read.

Named cases first, one per kind of hostile input found by hand (issue 17, finding 6); then
hypothesis-generated files (random bytes, random JSON values, valid lines mutated) for
every task. The expected codes and limits are stated here from the documented format
(docs/metrics.md, "The format checker"), not read back from the scorer.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from score_gold import RELEASE, perfect

from retold import errors
from retold.cli import main
from retold.errors import InvalidInputError
from retold.score import TASKS, score_file, score_records
from retold.score.formats import PredictionError

TASK_NAMES = list(TASKS)
MESSAGE_LIMIT = 500
"""No message is longer (docs/metrics.md: every echoed value is shortened)."""


def problems_of(task: str, path: Path) -> list[errors.Problem]:
    with pytest.raises(PredictionError) as err:
        score_file(task, path, RELEASE, n_bootstrap=0)
    return err.value.problems


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["score", *argv])
    except SystemExit as exit_:  # argparse
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------
# Named cases.
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("task", TASK_NAMES)
def test_deeply_nested_line_is_a_syntax_problem(tmp_path: Path, task: str) -> None:
    # 5,000 nested "[" raised RecursionError out of the JSON parser
    path = write(tmp_path / "p.jsonl", "[" * 5000 + "\n" + "{" * 40 + "\n")
    found = [(p.where, p.code) for p in problems_of(task, path)]
    assert found == [("line 1", errors.PREDICTION_SYNTAX), ("line 2", errors.PREDICTION_SYNTAX)]


def test_brackets_inside_strings_are_not_nesting(tmp_path: Path) -> None:
    line = {"claim_id": "[" * 100, "stance": "denied"}  # a string, depth 1: read, then checked
    path = write(tmp_path / "p.jsonl", json.dumps(line) + "\n")
    assert [p.code for p in problems_of("denied", path)] == [errors.UNKNOWN_ID]


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    value: Any = "x"
    for _ in range(31):  # 32 levels with the line's object
        value = [value]
    path = write(tmp_path / "p.jsonl", json.dumps({"claim_id": "000-c001", "stance": value}))
    assert [p.code for p in problems_of("denied", path)] == [errors.PREDICTION_TYPE]


def test_a_401_digit_score_is_a_type_problem(tmp_path: Path) -> None:
    # int scores were passed to float(): OverflowError
    line = ('{"claim_id_a": "000-c001", "claim_id_b": "001-c002", "score": ' + "9" * 401
            + ', "duplicate": true}\n')
    (found,) = problems_of("duplicated", write(tmp_path / "p.jsonl", line))
    assert (found.where, found.code) == ("line 1", errors.PREDICTION_TYPE)
    assert "an integer of 401 digits" in found.message and "9" * 50 not in found.message


def test_integer_scores_within_2_53_are_numbers() -> None:
    line = {"claim_id_a": "000-c001", "claim_id_b": "001-c002", "score": 2**53,
            "duplicate": True}
    assert score_records("duplicated", [line], RELEASE, n_bootstrap=0).missing > 0
    with pytest.raises(PredictionError) as err:
        score_records("duplicated", [{**line, "score": -(2**53) - 1}], RELEASE, n_bootstrap=0)
    assert [p.code for p in err.value.problems] == [errors.PREDICTION_TYPE]


def test_a_4301_digit_integer_is_a_syntax_problem(tmp_path: Path) -> None:
    line = '{"claim_id": "000-c001", "start": ' + "1" * 4301 + "}\n"
    (found,) = problems_of("claims", write(tmp_path / "p.jsonl", line))
    assert found.code == errors.PREDICTION_SYNTAX and "4,300 digits" in found.message


def test_a_huge_offset_is_a_value_problem_with_a_short_message(tmp_path: Path) -> None:
    line = '{"doc_id": "002-summary", "start": 0, "end": ' + "7" * 4000 + "}\n"
    (found,) = problems_of("claims", write(tmp_path / "p.jsonl", line))
    assert found.code == errors.PREDICTION_VALUE and len(found.message) < 200


@pytest.mark.parametrize("bootstrap", ["100000000", "10001", "-1", "1e3", "9" * 5000])
def test_bootstrap_outside_its_range_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], bootstrap: str) -> None:
    # --bootstrap 100000000 tried to allocate 117 GiB and exited 1
    path = write(tmp_path / "p.jsonl", json.dumps(TASKS["duplicated"].example) + "\n")
    code, out, err = cli(capsys, "--task", "duplicated", "--predictions", str(path),
                         "--release", str(RELEASE), "--bootstrap", bootstrap)
    assert code == 2 and out == ""
    assert err.startswith("usage: retold score") and "argument --bootstrap" in err
    assert len(err.splitlines()[-1]) < 200


@pytest.mark.parametrize("seed", ["-1", str(2**32), "x"])
def test_seed_outside_its_range_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                 seed: str) -> None:
    code, _, err = cli(capsys, "--task", "denied", "--predictions", "p.jsonl", "--seed", seed)
    assert code == 2 and "argument --seed" in err and "Traceback" not in err


def test_the_api_caps_the_bootstrap_and_the_seed() -> None:
    line = [TASKS["denied"].example]
    for kwargs in ({"n_bootstrap": 10**8}, {"n_bootstrap": -1}, {"n_bootstrap": 1.5},
                   {"seed": -1}, {"seed": 2**64}):
        with pytest.raises(ValueError, match="must be an integer from 0"):
            score_records("denied", line, RELEASE, **kwargs)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused_without_reading(device: str) -> None:
    # /dev/zero and /dev/urandom were read until MemoryError
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    (found,) = problems_of("denied", Path(device))
    assert (found.file, found.where, found.code) == (device, "-", errors.PREDICTION_SYNTAX)
    assert "a device, not a regular file" in found.message


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # a FIFO hung the scorer (open() blocks until a writer comes)
    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(problems_of("denied", fifo)),
                              daemon=True)
    thread.start()
    thread.join(20)
    if thread.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    (found,) = result[0]
    assert found.code == errors.PREDICTION_SYNTAX and "a FIFO" in found.message


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from retold.score import formats

    monkeypatch.setattr(formats, "MAX_PREDICTIONS_BYTES", 100)  # the real one is 256 MiB
    path = write(tmp_path / "p.jsonl", (json.dumps(TASKS["denied"].example) + "\n") * 3)
    (found,) = problems_of("denied", path)
    assert found.code == errors.PREDICTION_SYNTAX
    assert "larger than the limit of 100 bytes" in found.message


def test_a_line_over_the_length_limit_is_refused(tmp_path: Path) -> None:
    long = "x" * (4 * 1024 * 1024)  # with the rest of the line: over 4 Mi characters
    path = write(tmp_path / "p.jsonl", json.dumps({"claim_id": long, "stance": "denied"}))
    (found,) = problems_of("denied", path)
    assert found.code == errors.PREDICTION_SYNTAX and "over the limit of 4,194,304" in found.message
    assert len(found.message) < 200


LONG = "q" * 1_000_000


@pytest.mark.parametrize(("line", "code"), [
    ({"claim_id": "000-c001", "stance": LONG}, errors.UNKNOWN_LABEL),
    ({"claim_id": LONG, "stance": "denied"}, errors.UNKNOWN_ID),
    ({"claim_id": "000-c001", "stance": "denied", LONG: 1}, errors.PREDICTION_FIELDS),
], ids=["label", "id", "field"])
def test_a_long_value_is_shortened_in_its_message(tmp_path: Path, line: dict[str, Any],
                                                  code: str) -> None:
    # a 200 MB unknown label was echoed in full; a megabyte shows the same
    (found,) = problems_of("denied", write(tmp_path / "p.jsonl", json.dumps(line) + "\n"))
    assert found.code == code
    assert len(found.message) < 200 and "1,000,000 characters" in found.message


@pytest.mark.parametrize("content", ["", "\n\n   \n\t\n", "\ufeff"])
def test_a_file_without_lines_is_an_error(tmp_path: Path, content: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # an empty file exited 0 with the floor score
    path = write(tmp_path / "p.jsonl", content)
    (found,) = problems_of("denied", path)
    assert (found.where, found.code) == ("-", errors.NO_PREDICTIONS)
    code, out, err = cli(capsys, "--task", "denied", "--predictions", str(path),
                         "--release", str(RELEASE), "--bootstrap", "0")
    assert code == 1 and out == "" and "[no-predictions]" in err


@pytest.mark.parametrize("task", TASK_NAMES)
def test_no_records_is_an_error_in_the_api(task: str) -> None:
    with pytest.raises(PredictionError) as err:
        score_records(task, [], RELEASE, n_bootstrap=0)
    assert [p.code for p in err.value.problems] == [errors.NO_PREDICTIONS]


@pytest.mark.parametrize("task", TASK_NAMES)
def test_a_repeated_key_is_a_duplicate_key_problem(tmp_path: Path, task: str) -> None:
    # json kept the last value silently
    good = json.dumps(TASKS[task].example)
    name = TASKS[task].field_names[0]
    repeated = good[:-1] + f', "{name}": "other"}}'
    path = write(tmp_path / "p.jsonl", f"{good}\n\n{repeated}\n")
    found = [(p.where, p.code) for p in problems_of(task, path)]
    assert ("line 3", errors.DUPLICATE_KEY) in found
    assert all(where == "line 3" for where, _ in found)


def test_evaluate_lines_are_read_as_strictly(tmp_path: Path) -> None:
    from retold.score import score_lines
    from retold.score.formats import parse_texts

    texts = ['{"claim_id": "000-c001", "stance": "denied", "stance": "hedged"}', "[" * 5000,
             "NaN"]
    with pytest.raises(PredictionError) as err:
        score_lines("denied", parse_texts(texts), RELEASE, n_bootstrap=0)
    assert [(p.where, p.code) for p in err.value.problems] == [
        ("line 1", errors.DUPLICATE_KEY), ("line 2", errors.PREDICTION_SYNTAX),
        ("line 3", errors.PREDICTION_SYNTAX)]


# --------------------------------------------------------------------------------------
# The one strict JSON Lines reader serves every JSON Lines file, not only predictions.
# --------------------------------------------------------------------------------------

def test_contrast_edits_with_a_repeated_key_or_deep_nesting(tmp_path: Path) -> None:
    from retold.io.contrast import load_pairs

    path = write(tmp_path / "pairs.jsonl", '{"a": 1, "a": 2}\n' + "[" * 5000 + "\n")
    problems: list[errors.Problem] = []
    load_pairs(path, problems)
    codes = [(p.where, p.code) for p in problems]
    assert ("line 1", errors.DUPLICATE_KEY) in codes and ("line 2", errors.SHAPE) in codes


def test_a_draft_with_a_repeated_key_is_an_anchor_problem() -> None:
    from retold.annotate.anchor import anchor_draft

    lines = ['{"claim": "x", "claim": "y"}', "[" * 5000]
    with pytest.raises(InvalidInputError) as err:
        anchor_draft(lines, "x y", "000-x", "draft.jsonl")
    messages = [f"{p.where}: {p.message}" for p in err.value.problems]
    assert any(m.startswith("line 1: key 'claim' appears more than once") for m in messages)
    assert any(m.startswith("line 2: arrays and objects nest deeper") for m in messages)


def test_baselines_read_predictions_refuses_a_repeated_key(tmp_path: Path) -> None:
    from baselines.predictions import read_predictions

    path = write(tmp_path / "p.jsonl", '{"claim_id": "a", "claim_id": "b"}\n')
    with pytest.raises(PredictionError, match="duplicate-key"):
        read_predictions(path)


# --------------------------------------------------------------------------------------
# Hypothesis: generated files end in scores or listed problems, nothing else.
# --------------------------------------------------------------------------------------

VALID = {task: [json.dumps(r) for r in perfect(task)[:4]] for task in TASK_NAMES}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.sampled_from(["000-c001", "001-c002", "denied", "002-summary"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=6)


@st.composite
def mutated(draw: st.DrawFn, task: str) -> bytes:
    """A few valid lines of ``task``, each perhaps cut, spliced, retyped or re-keyed."""
    out = []
    for line in draw(st.lists(st.sampled_from(VALID[task]), min_size=1, max_size=4)):
        how = draw(st.sampled_from(["keep"] * 6 + ["cut", "insert", "value", "repeat", "nest",
                                                   "deep", "huge"]))
        if how == "cut":
            i = draw(st.integers(0, len(line)))
            line = line[:i] + line[i + draw(st.integers(1, 3)):]
        elif how == "insert":
            i = draw(st.integers(0, len(line)))
            line = line[:i] + draw(st.sampled_from(list('{}[]",:0e-\\ \x00\u2028'))) + line[i:]
        elif how in ("value", "repeat"):
            record = json.loads(line)
            key = draw(st.sampled_from(sorted(record)))
            value = json.dumps(draw(json_values))
            line = (json.dumps({**record, key: json.loads(value)}) if how == "value"
                    else line[:-1] + f', "{key}": {value}}}')
        elif how == "nest":
            depth = draw(st.integers(30, 40))
            line = line[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
        elif how == "deep":
            line = "[" * draw(st.integers(1000, 5000)) + line
        elif how == "huge":
            record = json.loads(line)
            key = draw(st.sampled_from(sorted(record)))
            line = json.dumps({**record, key: draw(st.sampled_from([10**400, -(10**400)]))})
        out.append(line)
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return sep.join(out).encode("utf-8")


def files(task: str) -> st.SearchStrategy[bytes]:
    random_json = st.lists(json_values, max_size=4).map(
        lambda vs: "".join(json.dumps(v) + "\n" for v in vs).encode("utf-8"))
    return st.binary(max_size=64) | random_json | mutated(task)


def assert_scores_or_problems(task: str, path: Path) -> None:
    try:
        scores = score_file(task, path, RELEASE, n_bootstrap=2)
    except PredictionError as err:
        assert err.problems
        for p in err.problems:
            assert p.code in errors.SCORE_CODES, p
            assert p.where == "-" or p.where.startswith("line "), p
            assert "\n" not in p.message and len(p.message) <= MESSAGE_LIMIT, p
    else:
        assert scores.task == task and scores.main_score in scores.values


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(task=st.sampled_from(TASK_NAMES), data=st.data())
def test_any_file_gives_scores_or_listed_problems(tmp_path: Path, task: str,
                                                  data: st.DataObject) -> None:
    path = write(tmp_path / "p.jsonl", data.draw(files(task)))
    assert_scores_or_problems(task, path)
