"""Contrast scoring on a synthetic mini release (the real contrast configs come with 1.1).

The mini release gets hand-made ``contrast`` and ``contrast_pairs`` Parquet files with the
field names of issue 7 (section C), stance stored as a ClassLabel id as ``datasets`` stores
it; every expected value below is worked out by hand in the comments.
"""

from __future__ import annotations

import hashlib
import shutil
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from retold.errors import InvalidInputError
from retold.io.release import SUMS_FILE, data_path, release_files
from retold.schema import STANCES
from retold.score import score_records

TEXT_K2 = "The ministry denied that officials evacuated staff from the embassy on Friday."
CONTRAST = [
    # contrast_id, original, text, start, end, stance, attributed, source span, fold, edit
    ("k1", "000-c001", "Officials evacuated staff from the embassy on Friday.", 0, 52,
     "asserted", False, (-1, -1), 0, "reported_to_asserted"),
    ("k2", "000-c001", TEXT_K2, 25, 77, "denied", True, (0, 12), 0, "any_to_denied"),
    ("k3", "001-c002", "The ministry said the mission continues its work.", 18, 49,
     "reported", True, (0, 12), 1, "distractor"),
    ("k4", "000-c002", "Reports say the bridge may have collapsed.", 12, 41, "hedged", True,
     (0, 7), 0, "source_added"),
]
PAIRS = [
    ("p1", "000-c001", "Officials evacuated staff from the embassy on Monday", False,
     "hard_negative_time", 0),
    ("p2", "000-c001", "Staff were pulled out of the embassy by officials on Friday", True,
     "hard_positive", 0),
    ("p3", "001-c002", "the mission has stopped its work", False, "hard_negative", 1),
    ("p4", "001-c002", "the mission keeps working", True, "hard_positive", 1),
]


def _write(release: Path, name: str, rows: list[dict[str, Any]]) -> None:
    path = release / data_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def _rewrite_sums(release: Path) -> None:
    lines = [f"{hashlib.sha256((release / rel).read_bytes()).hexdigest()}  {rel}\n"
             for rel in release_files(release)]
    (release / SUMS_FILE).write_text("".join(lines), encoding="utf-8")


@pytest.fixture
def contrast_release(mini_release: tuple[Path, dict[str, int]], tmp_path: Path) -> Path:
    release = tmp_path / "release"
    shutil.copytree(mini_release[0], release)
    _write(release, "contrast", [{
        "contrast_id": cid, "original_claim_id": orig, "doc_id": orig[:3] + (
            "-mini-report" if orig.startswith("000") else "-mini-denial"),
        "fold": pa.scalar(fold, pa.int32()).as_py(), "edit_type": edit, "text": text,
        "start": s, "end": e, "stance": STANCES.index(stance), "source": "x",
        "source_chain": ["x"] if attributed else [], "source_start": src[0],
        "source_end": src[1], "cue_start": -1, "cue_end": -1, "attributed": attributed,
        "denied": stance == "denied", "rule": "R1",
    } for cid, orig, text, s, e, stance, attributed, src, fold, edit in CONTRAST])
    _write(release, "contrast_pairs", [{
        "pair_id": pid, "claim_id": claim, "edited_text": text, "duplicate": dup,
        "edit_type": edit, "fold": fold, "rule": "R2",
    } for pid, claim, text, dup, edit, fold in PAIRS])
    _rewrite_sums(release)
    for row in CONTRAST:
        assert row[2][row[3]:row[4]].lower().startswith(("officials", "the mission", "the bridge"))
    return release


def approx(value: Any) -> Any:
    return pytest.approx(float(value))


def test_attributed_on_contrast_rows(contrast_release: Path) -> None:
    lines = [
        {"claim_id": "000-c001", "attributed": True, "source_start": -1, "source_end": -1},
        {"claim_id": "000-c002", "attributed": False, "source_start": -1, "source_end": -1},
        # 001-c002 (the original of k3) has no line: k3's original is inconsistent
        {"contrast_id": "k1", "attributed": False, "source_start": -1, "source_end": -1},
        {"contrast_id": "k2", "attributed": True, "source_start": 0, "source_end": 12},
        {"contrast_id": "k3", "attributed": True, "source_start": 4, "source_end": 12},
        {"contrast_id": "k4", "attributed": False, "source_start": -1, "source_end": -1},
    ]
    s = score_records("attributed", lines, contrast_release, subset="contrast", n_bootstrap=50)
    v = s.values
    # gold attributed k2, k3, k4; predicted k2, k3: tp 2, fn 1 -> P 1, R 2/3, F1 4/5
    assert (v["attributed_precision"], v["attributed_recall"]) == (1.0, approx(F(2, 3)))
    assert s.main == approx(F(4, 5))
    # exact spans: k2 right; k3 wrong (fp + fn); k4 none (fn) -> P 1/2, R 1/3, F1 2/5
    assert v["source_span_f1_exact"] == approx(F(2, 5))
    assert v["source_span_f1_overlap"] == approx(F(4, 5))  # k3 overlaps: tp 2, fn 1
    # originals: 000-c001 (k1, k2 right, itself right) consistent; 001-c002 missing;
    # 000-c002 right but k4 wrong -> 1/3
    assert v["contrast_consistency"] == approx(F(1, 3)) and v["n_originals"] == 3
    assert v["accuracy_by_edit_type"] == {"any_to_denied": 1.0, "distractor": 1.0,
                                          "reported_to_asserted": 1.0, "source_added": 0.0}
    # fold 0: k1, k2, k4 (gold k2, k4; predicted k2) -> 2/3; fold 1: k3 -> 1
    assert v["attributed_f1_per_fold"] == [approx(F(2, 3)), 1.0]
    assert s.missing == 0 and s.n_items == 4
    assert set(s.ci) <= {"attributed_f1", "source_span_f1_exact", "contrast_consistency"}
    assert "contrast_consistency" in s.ci


def test_denied_on_contrast_rows(contrast_release: Path) -> None:
    lines = [
        {"claim_id": "000-c001", "stance": "reported"},   # right
        {"claim_id": "001-c002", "stance": "denied"},     # wrong decision
        {"claim_id": "000-c002", "stance": "hedged"},     # right
        {"contrast_id": "k1", "stance": "asserted"},      # right
        {"contrast_id": "k2", "stance": "denied"},        # right
        {"contrast_id": "k3", "stance": "denied"},        # wrong: the distractor fooled it
        {"contrast_id": "k4", "stance": "reported"},      # decision right, label wrong
    ]
    s = score_records("denied", lines, contrast_release, subset="contrast", n_bootstrap=0)
    v = s.values
    # gold denied k2; predicted k2, k3: P 1/2, R 1, F1 2/3
    assert s.main == approx(F(2, 3))
    # denied decision: 000-c001 group right; 001-c002 natural wrong; 000-c002 group right
    assert v["contrast_consistency"] == approx(F(2, 3))
    # four-way label: k4 is wrong, so only 000-c001's group is consistent
    assert v["stance_consistency"] == approx(F(1, 3))
    assert v["stance_confusion_matrix"] == [[1, 0, 0, 0], [0, 0, 0, 1], [0, 1, 0, 0],
                                            [0, 0, 0, 1]]


def test_duplicated_on_contrast_pairs(contrast_release: Path) -> None:
    lines = [{"pair_id": "p1", "score": 0.9, "duplicate": True},
             {"pair_id": "p2", "score": 0.8, "duplicate": True},
             {"pair_id": "p3", "score": 0.1, "duplicate": False},
             {"pair_id": "p4", "score": 0.6, "duplicate": True}]
    s = score_records("duplicated", lines, contrast_release, subset="contrast", n_bootstrap=0)
    v = s.values
    # ranking p1 (no), p2 (yes), p4 (yes), p3: AP = (1/2 + 2/3) / 2 = 7/12
    assert s.main == approx(F(7, 12))
    assert v["pair_f1"] == approx(F(4, 5))  # tp p2, p4; fp p1
    assert v["contrast_consistency"] == approx(F(1, 2))  # 000-c001's p1 is wrong
    assert v["average_precision_per_fold"] == [approx(F(1, 2)), 1.0]
    assert v["accuracy_by_edit_type"] == {"hard_negative": 1.0, "hard_negative_time": 0.0,
                                          "hard_positive": 1.0}


def test_contrast_lines_are_checked_like_natural_ones(contrast_release: Path) -> None:
    bad = [{"contrast_id": "k1", "attributed": True, "source_start": 0, "source_end": 999},
           {"contrast_id": "k9", "attributed": True, "source_start": -1, "source_end": -1},
           {"pair_id": "p1", "attributed": True, "source_start": -1, "source_end": -1}]
    with pytest.raises(InvalidInputError) as err:
        score_records("attributed", bad, contrast_release, subset="contrast", n_bootstrap=0)
    assert [(p.where, p.code) for p in err.value.problems] == [
        ("line 1", "prediction-value"), ("line 2", "unknown-id"),
        ("line 3", "prediction-fields")]


def test_perfect_contrast_predictions_get_the_maximum(contrast_release: Path) -> None:
    natural = [{"claim_id": c, "stance": s} for c, s in
               (("000-c001", "reported"), ("000-c002", "hedged"), ("001-c002", "reported"))]
    contrast = [{"contrast_id": row[0], "stance": row[5]} for row in CONTRAST]
    s = score_records("denied", natural + contrast, contrast_release, subset="contrast",
                      n_bootstrap=0)
    assert s.main == 1.0 and s.values["contrast_consistency"] == 1.0
    assert s.reference["max"]["contrast_consistency"] == 1.0
    assert s.reference["floor"]["contrast_consistency"] == 0.0


def test_a_release_without_contrast_configs_is_a_clear_error(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    with pytest.raises(InvalidInputError, match="no 'contrast' config"):
        score_records("denied", [], mini_release[0], subset="contrast", n_bootstrap=0)
    with pytest.raises(InvalidInputError, match="no 'contrast_pairs' config"):
        score_records("duplicated", [], mini_release[0], subset="contrast", n_bootstrap=0)
