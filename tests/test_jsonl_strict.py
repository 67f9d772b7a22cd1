"""A repeated JSON key is refused at every entry point, with the file and the line named.

Python's ``json`` keeps the last value of a repeated key silently; retold reads every JSON
Lines file through ``retold.io.jsonio`` (``read_jsonl``/``parse_jsonl``/``parse_json_line``
with ``StrictDecoder``) and every JSON file through ``read_json``, which report it. One test
per entry point, each on a file written here with the key repeated on a known line: the
predictions of ``retold score`` (the command), annotation drafts (``retold anchor``), a
standoff annotation file, the contrast reads and the contrast export's reader. The
predictions reader's fast path (the C scanner) is checked on a repeated key nested inside a
value and after many good lines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from score_gold import RELEASE

from retold import errors
from retold.cli import main
from retold.errors import InvalidInputError

MINI = Path(__file__).parent / "fixtures" / "mini"
REPEATED = "appears more than once"


def test_retold_score_names_the_file_and_line_of_a_repeated_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "denied.jsonl"
    path.write_text('{"claim_id": "000-c001", "stance": "denied"}\n'
                    '{"claim_id": "000-c002", "stance": "hedged", "stance": "denied"}\n',
                    encoding="utf-8")
    code = main(["score", "--task", "denied", "--predictions", str(path),
                 "--release", str(RELEASE), "--bootstrap", "0"])
    out = capsys.readouterr()
    assert code == 1
    text = out.out + out.err
    assert f"{path}: line 2: [{errors.DUPLICATE_KEY}] key 'stance' {REPEATED}" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("where", ["top", "nested"])
def test_the_predictions_fast_path_still_sees_a_repeated_key(tmp_path: Path, where: str) -> None:
    from retold.score.formats import PredictionError, read_jsonl

    good = [json.dumps({"claim_id": f"000-c{i:03d}", "stance": "denied"}) for i in range(500)]
    bad = ('{"claim_id": "x", "stance": "denied", "claim_id": "y"}' if where == "top"
           else '{"claim_id": "x", "stance": {"a": 1, "a": 2}}')
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join([*good, bad, *good]) + "\n", encoding="utf-8")
    with pytest.raises(PredictionError) as err:
        read_jsonl(path)
    assert [(p.file, p.where, p.code) for p in err.value.problems] == [
        (str(path), "line 501", errors.DUPLICATE_KEY)]


def test_retold_anchor_names_the_draft_and_line_of_a_repeated_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (MINI / "drafts" / "000-mini-report.jsonl").read_text(encoding="utf-8").splitlines()
    third = json.loads(lines[2])
    lines[2] = json.dumps(third)[:-1] + ', "stance": "denied"}'
    draft = tmp_path / "draft.jsonl"
    draft.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_file = tmp_path / "out.json"
    code = main(["anchor", str(draft), "--doc-id", "000-mini-report", "--corpus",
                 str(MINI / "corpus"), "--out", str(out_file)])
    out = capsys.readouterr()
    assert code == 1
    assert f"{draft}: line 3: " in out.err and f"key 'stance' {REPEATED}" in out.err
    assert not out_file.exists()


def test_a_standoff_file_with_a_repeated_key_is_a_duplicate_key_problem(tmp_path: Path) -> None:
    from retold.io.standoff import load_doc

    src = MINI / "annotations" / "docs" / "000-mini-report.json"
    text = src.read_text(encoding="utf-8")
    assert text.count('"doc_id": "000-mini-report"') == 1
    path = tmp_path / src.name
    path.write_text(text.replace('"doc_id": "000-mini-report"',
                                 '"doc_id": "000-mini-report", "doc_id": "000-other"'),
                    encoding="utf-8")
    problems: list[errors.Problem] = []
    load_doc(path, problems)
    found = [(p.file, p.code) for p in problems]
    assert (str(path), errors.DUPLICATE_KEY) in found
    assert any(REPEATED in p.message and "'doc_id'" in p.message for p in problems)


def test_contrast_reads_refuse_a_repeated_key(tmp_path: Path) -> None:
    from retold.annotate.contrast_blind import load_jsonl

    path = tmp_path / "read.jsonl"
    path.write_text('{"id": "r1", "label": "a"}\n{"id": "r2", "id": "r3"}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_jsonl(path)
    assert [(p.file, p.where, p.code) for p in err.value.problems] == [
        (str(path), "line 2", errors.DUPLICATE_KEY)]


def test_the_contrast_export_reader_refuses_a_repeated_key(tmp_path: Path) -> None:
    from retold.export.contrast import _jsonl

    path = tmp_path / "edits.jsonl"
    shutil.copyfile(MINI / "annotations" / "contrast" / "edits.jsonl", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(1, '{"contrast_id": "x", "contrast_id": "y"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        _jsonl(path)
    assert [(p.file, p.where, p.code) for p in err.value.problems] == [
        (str(path), "line 2", errors.DUPLICATE_KEY)]
