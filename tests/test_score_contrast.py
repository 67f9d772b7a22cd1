"""Contrast scoring on the mini release's contrast configs, every value worked out by hand.

The mini fixture's contrast rows (built by the real builder from
``tests/fixtures/mini/annotations/contrast``), as the comments below restate them:

    id      original  edit type               gold stance  attributed  source span
    x-0001  000-c001  reported_to_asserted    asserted     no          -
    x-0002  000-c002  hedged_to_asserted      asserted     no          -
    x-0003  001-c002  to_denied_nonlexical    denied       yes         [0, 12)
    x-0004  001-c001  denied_to_reported      reported     yes         [0, 8)
    x-0005  000-c001  chain_removed           reported     yes         [54, 67)
    x-0006  000-c002  distractor_denial_word  hedged       no          -

    p-0001  000-c001  hard_negative_time        not duplicate  fold 0
    p-0002  001-c002  hard_positive_paraphrase  duplicate      fold 1

Originals (natural claims): 000-c001 reported, attributed; 000-c002 hedged, not attributed;
001-c001 denied, attributed; 001-c002 reported, attributed. Folds: 000 is 0, 001 is 1.
"""

from __future__ import annotations

import hashlib
import shutil
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest

from retold.cli import main
from retold.errors import InvalidInputError
from retold.io.release import SUMS_FILE, read_config, release_files
from retold.score import score_records


@pytest.fixture(scope="module")
def release(mini_release: tuple[Path, dict[str, int]]) -> Path:
    path = mini_release[0]
    rows = {r["contrast_id"]: r for r in read_config(path, "contrast")}
    assert sorted(rows) == [f"x-000{i}" for i in range(1, 7)]
    assert [(rows[k]["stance"], rows[k]["source_start"]) for k in sorted(rows)] == [
        ("asserted", -1), ("asserted", -1), ("denied", 0), ("reported", 0), ("reported", 54),
        ("hedged", -1)], "the mini contrast rows changed: rework the hand-worked values"
    return path


def approx(value: Any) -> Any:
    return pytest.approx(float(value))


def _attributed(cid: str, attributed: bool, start: int = -1, end: int = -1) -> dict[str, Any]:
    return {"contrast_id": cid, "attributed": attributed, "source_start": start,
            "source_end": end}


def test_attributed_on_contrast_rows(release: Path) -> None:
    lines = [
        {"claim_id": "000-c001", "attributed": True, "source_start": -1, "source_end": -1},
        {"claim_id": "000-c002", "attributed": False, "source_start": -1, "source_end": -1},
        {"claim_id": "001-c001", "attributed": True, "source_start": -1, "source_end": -1},
        # 001-c002 (the original of x-0003) has no line
        _attributed("x-0001", False),
        _attributed("x-0002", True),           # wrong: false positive
        _attributed("x-0003", True, 0, 12),    # right, exact span
        _attributed("x-0004", True, 0, 17),    # right; span overlaps [0, 8) but is not exact
        _attributed("x-0005", False),          # wrong: false negative
        _attributed("x-0006", False),
    ]
    s = score_records("attributed", lines, release, subset="contrast", n_bootstrap=50)
    v = s.values
    # gold attributed x3, x4, x5; predicted x2, x3, x4: tp 2, fp 1, fn 1
    assert (v["attributed_precision"], v["attributed_recall"]) == (approx(F(2, 3)),
                                                                   approx(F(2, 3)))
    assert s.main == approx(F(2, 3))
    # exact: x3 right; x4 wrong (fp and fn); x5 missing span (fn): tp 1, fp 1, fn 2
    assert v["source_span_precision_exact"] == approx(F(1, 2))
    assert v["source_span_recall_exact"] == approx(F(1, 3))
    assert v["source_span_f1_exact"] == approx(F(2, 5))
    # overlap: x4 counts: tp 2, fp 0, fn 1
    assert v["source_span_f1_overlap"] == approx(F(4, 5))
    # originals: 000-c001 (x5 wrong), 000-c002 (x2 wrong), 001-c002 (no line): inconsistent;
    # 001-c001 (itself and x4 right): consistent -> 1/4
    assert v["contrast_consistency"] == approx(F(1, 4)) and v["n_originals"] == 4
    assert v["accuracy_by_edit_type"] == {
        "chain_removed": 0.0, "denied_to_reported": 1.0, "distractor_denial_word": 1.0,
        "hedged_to_asserted": 0.0, "reported_to_asserted": 1.0, "to_denied_nonlexical": 1.0}
    # fold 0 (x1, x2, x5, x6): gold x5, predicted x2: F1 0; fold 1 (x3, x4): 1
    assert v["attributed_f1_per_fold"] == [0.0, 1.0]
    assert s.missing == 0 and s.n_items == 6
    assert set(s.ci) <= {"attributed_f1", "source_span_f1_exact", "contrast_consistency"}
    assert "contrast_consistency" in s.ci


def test_denied_on_contrast_rows(release: Path) -> None:
    lines = [
        {"claim_id": "000-c001", "stance": "reported"},    # right
        {"claim_id": "000-c002", "stance": "hedged"},      # right
        {"claim_id": "001-c001", "stance": "denied"},      # right
        {"claim_id": "001-c002", "stance": "denied"},      # wrong decision
        {"contrast_id": "x-0001", "stance": "asserted"},   # right
        {"contrast_id": "x-0002", "stance": "asserted"},   # right
        {"contrast_id": "x-0003", "stance": "denied"},     # right: a denial without a cue word
        {"contrast_id": "x-0004", "stance": "denied"},     # wrong
        {"contrast_id": "x-0005", "stance": "asserted"},   # decision right, label wrong
        {"contrast_id": "x-0006", "stance": "denied"},     # wrong: the distractor fooled it
    ]
    s = score_records("denied", lines, release, subset="contrast", n_bootstrap=0)
    v = s.values
    # gold denied x3; predicted x3, x4, x6: P 1/3, R 1, F1 2 / (2 + 2) = 1/2
    assert (v["denied_precision"], v["denied_recall"]) == (approx(F(1, 3)), 1.0)
    assert s.main == approx(F(1, 2))
    # denied decision: 000-c001 (itself, x1, x5 right) is the only consistent original
    assert v["contrast_consistency"] == approx(F(1, 4))
    # four-way label: x5 is wrong, so no original is consistent
    assert v["stance_consistency"] == 0.0
    assert v["stance_confusion_matrix"] == [[2, 0, 0, 0], [1, 0, 0, 1], [0, 0, 0, 1],
                                            [0, 0, 0, 1]]
    # per class F1: asserted 4/5 (tp 2, fp 1), reported 0, hedged 0, denied 1/2
    assert v["stance_macro_f1"] == approx(F(13, 40))


def test_duplicated_on_contrast_pairs(release: Path) -> None:
    lines = [{"pair_id": "p-0001", "score": 0.9, "duplicate": True},
             {"pair_id": "p-0002", "score": 0.4, "duplicate": True}]
    s = score_records("duplicated", lines, release, subset="contrast", n_bootstrap=0)
    v = s.values
    # ranking p-0001 (not a duplicate), p-0002 (duplicate): AP 1/2
    assert s.main == approx(F(1, 2))
    assert v["pair_f1"] == approx(F(2, 3))  # tp p-0002, fp p-0001
    assert v["contrast_consistency"] == approx(F(1, 2))  # 000-c001's pair is wrong
    assert v["average_precision_per_fold"] == [None, 1.0]  # fold 0 has no duplicate pair
    assert v["accuracy_by_edit_type"] == {"hard_negative_time": 0.0,
                                          "hard_positive_paraphrase": 1.0}


def test_contrast_lines_are_checked_like_natural_ones(release: Path) -> None:
    bad = [_attributed("x-0001", True, 0, 999), _attributed("x-0999", True),
           {"pair_id": "p-0001", "attributed": True, "source_start": -1, "source_end": -1}]
    with pytest.raises(InvalidInputError) as err:
        score_records("attributed", bad, release, subset="contrast", n_bootstrap=0)
    assert [(p.where, p.code) for p in err.value.problems] == [
        ("line 1", "prediction-value"), ("line 2", "unknown-id"),
        ("line 3", "prediction-fields")]


def test_perfect_contrast_predictions_get_the_maximum(release: Path) -> None:
    natural = [{"claim_id": c["claim_id"], "stance": c["stance"]}
               for c in read_config(release, "claims")]
    contrast = [{"contrast_id": r["contrast_id"], "stance": r["stance"]}
                for r in read_config(release, "contrast")]
    s = score_records("denied", natural + contrast, release, subset="contrast",
                      n_bootstrap=0)
    assert s.main == 1.0 and s.values["contrast_consistency"] == 1.0
    assert s.reference["max"]["contrast_consistency"] == 1.0
    assert s.reference["floor"]["contrast_consistency"] == 0.0


def test_a_release_without_contrast_configs_is_a_clear_error(
        mini_release: tuple[Path, dict[str, int]], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "release"
    shutil.copytree(mini_release[0], old)
    for name in ("contrast", "contrast_pairs"):
        shutil.rmtree(old / "data" / name)
    (old / SUMS_FILE).write_text("".join(
        f"{hashlib.sha256((old / rel).read_bytes()).hexdigest()}  {rel}\n"
        for rel in release_files(old)), encoding="utf-8")
    with pytest.raises(InvalidInputError, match="no predictions"):  # natural gold loads
        score_records("denied", [], old, n_bootstrap=0)
    with pytest.raises(InvalidInputError, match="no 'contrast' config"):
        score_records("denied", [], old, subset="contrast", n_bootstrap=0)
    with pytest.raises(InvalidInputError, match="no 'contrast_pairs' config"):
        score_records("duplicated", [], old, subset="contrast", n_bootstrap=0)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["score", "--task", "denied", "--predictions", str(empty), "--release",
                 str(old), "--subset", "contrast"]) == 1
    err = capsys.readouterr().err
    assert "contrast rows come with dataset 1.1" in err and "Traceback" not in err
