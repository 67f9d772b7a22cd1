"""The blind read of the contrast set: the sample, reading a read, and the agreement figures
(hand-worked, and cross-checked with scikit-learn)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import cohen_kappa_score

from retold.annotate.contrast_blind import (
    SAMPLE_KEYS,
    blind_rows,
    check_read,
    compare,
    dump_jsonl,
    main,
    select_sample,
)
from retold.errors import InvalidInputError
from retold.schema import CONTRAST_EDIT_TYPES

MINI = Path(__file__).parent / "fixtures" / "mini"

# Six rows read blind. Intended vs read stance:
#   b-1 asserted/asserted  b-2 reported/reported  b-3 reported/denied
#   b-4 denied/denied      b-5 hedged/reported    b-6 denied/denied
INTENDED = {
    "b-1": ("asserted", ()),
    "b-2": ("reported", ("new-york-times",)),
    "b-3": ("reported", ("new-york-times", "regional-officials")),
    "b-4": ("denied", ("iran",)),
    "b-5": ("hedged", ()),
    "b-6": ("denied", ("iran",)),
}
READ = {
    "b-1": ("asserted", ()),
    "b-2": ("reported", ("new-york-times",)),
    "b-3": ("denied", ("regional-officials",)),
    "b-4": ("denied", ("iran",)),
    "b-5": ("reported", ("mehr-news-agency",)),
    "b-6": ("denied", ("esmaeil-baghaei",)),
}


def test_agreement_hand_worked() -> None:
    result = compare(INTENDED, READ, {k: "source_changed" for k in INTENDED})
    d = result["details"]
    assert d["rows"] == 6
    # Stance: 4 of 6 agree. Marginals intended {asserted 1, reported 2, hedged 1, denied 2},
    # read {asserted 1, reported 2, hedged 0, denied 3}: expected (1 + 4 + 0 + 6) / 36 =
    # 11/36; kappa = (24/36 - 11/36) / (25/36) = 13/25.
    assert d["stance_accuracy"] == pytest.approx(4 / 6)
    assert d["stance_kappa"] == pytest.approx(13 / 25)
    # Attributed: intended F T T T F T, read F T T T T T: 5 of 6 agree; expected
    # (4*5 + 2*1) / 36 = 22/36; kappa = (30/36 - 22/36) / (14/36) = 4/7.
    assert d["attributed_accuracy"] == pytest.approx(5 / 6)
    assert d["attributed_kappa"] == pytest.approx(4 / 7)
    # Immediate source: author, nyt, regional-officials, iran agree; b-5 and b-6 do not.
    assert d["immediate_source_accuracy"] == pytest.approx(4 / 6)
    # Exact chain: b-1, b-2, b-4 agree.
    assert d["chain_accuracy"] == pytest.approx(3 / 6)
    assert d["stance_confusion"]["hedged"]["reported"] == 1
    assert d["stance_confusion"]["reported"]["denied"] == 1
    assert [x["blind_id"] for x in result["disagreements"]] == ["b-3", "b-5", "b-6"]
    assert result["disagreements"][0]["differs"] == ["stance", "chain"]
    assert result["disagreements"][2]["differs"] == ["source", "chain"]
    assert result["headline"]["stance Cohen's kappa"] == 0.52
    lo, hi = d["stance_kappa_ci95"]
    assert lo <= d["stance_kappa"] <= hi


def test_agreement_matches_scikit_learn() -> None:
    ids = sorted(INTENDED)
    d = compare(INTENDED, READ)["details"]
    assert d["stance_kappa"] == pytest.approx(
        cohen_kappa_score([INTENDED[i][0] for i in ids], [READ[i][0] for i in ids]))
    assert d["attributed_kappa"] == pytest.approx(
        cohen_kappa_score([bool(INTENDED[i][1]) for i in ids], [bool(READ[i][1]) for i in ids]))


def test_compare_needs_the_same_rows() -> None:
    with pytest.raises(ValueError, match="same blind ids"):
        compare(INTENDED, {"b-1": READ["b-1"]})


def _rows(n_per_type: int) -> list[dict[str, Any]]:
    stances = ("asserted", "reported", "hedged", "denied")
    rows = []
    for t, edit_type in enumerate(CONTRAST_EDIT_TYPES):
        for i in range(n_per_type):
            rows.append({"contrast_id": f"x-{t:02d}{i:02d}", "edit_type": edit_type,
                         "stance": stances[i % 2 + (t % 2) * 2], "text": "a b c",
                         "start": 0, "end": 1, "rule": "C1" if i < 6 else "C2"})
    return rows


def test_sample_is_stratified_and_deterministic() -> None:
    rows = _rows(8)
    sample = select_sample(rows, per_type=5)
    assert sample == select_sample(list(reversed(rows)), per_type=5)
    assert len(sample) == 5 * len(CONTRAST_EDIT_TYPES)
    for edit_type in CONTRAST_EDIT_TYPES:
        chosen = [r for r in sample if r["edit_type"] == edit_type]
        assert len(chosen) == 5
        # Each type has two stances and two rules (three groups): round-robin takes all.
        assert len({r["stance"] for r in chosen}) == 2
        assert {r["rule"] for r in chosen} == {"C1", "C2"}
    few = select_sample(_rows(2), per_type=5)
    assert len(few) == 2 * len(CONTRAST_EDIT_TYPES)


def test_blind_rows_carry_no_label() -> None:
    rows, key = blind_rows([{"contrast_id": "x-0001", "text": "Iran denies it.", "start": 12,
                             "end": 14, "stance": "denied", "edit_type": "to_denied_lexical"}])
    assert rows == [{"blind_id": "b-001", "text": "Iran denies it.", "claim_start": 12,
                     "claim_end": 14, "claim": "it", "marked": "Iran denies ⟦it⟧."}]
    assert tuple(rows[0]) == SAMPLE_KEYS
    assert key["rows"] == [{"blind_id": "b-001", "contrast_id": "x-0001"}]


def test_check_read_reports_every_bad_line() -> None:
    sample = [{"blind_id": "b-001", "text": "t", "claim_start": 0, "claim_end": 1, "claim": "t",
               "marked": "⟦t⟧"},
              {"blind_id": "b-002", "text": "u", "claim_start": 0, "claim_end": 1, "claim": "u",
               "marked": "⟦u⟧"}]
    good = [(1, {"blind_id": "b-001", "stance": "asserted", "chain": []}),
            (2, {**sample[1], "stance": "reported", "chain": ["iran"]})]
    assert check_read(sample, good, "read.jsonl") == {"b-001": ("asserted", ()),
                                                      "b-002": ("reported", ("iran",))}
    bad = [(1, {"blind_id": "b-001", "stance": "rumoured", "chain": ["author"]}),
           (3, {"blind_id": "b-009", "stance": "asserted", "chain": []}),
           (4, {**sample[1], "text": "changed", "stance": "denied", "chain": []})]
    with pytest.raises(InvalidInputError) as err:
        check_read(sample, bad, "read.jsonl")
    messages = [(p.where, p.message) for p in err.value.problems]
    assert any(w == "line 1 b-001" and "stance 'rumoured'" in m for w, m in messages)
    assert any(w == "line 1 b-001" and "chain must be" in m for w, m in messages)
    assert any(w == "line 3" and "'b-009' is not in the sample" in m for w, m in messages)
    assert any(w == "line 4 b-002" and "'text' differs" in m for w, m in messages)


def test_cli_sample_and_compare_on_the_mini_fixture(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "blind"
    args = ["--corpus", str(MINI / "corpus"), "--annotations", str(MINI / "annotations"),
            "--dir", str(folder)]
    assert main([*args, "sample"]) == 0
    sample = [json.loads(x) for x in (folder / "sample.jsonl").read_text("utf-8").splitlines()]
    key = json.loads((folder / "key.json").read_text("utf-8"))
    assert len(sample) == 6  # six edit types with one row each in the mini fixture
    assert all(tuple(r) == SAMPLE_KEYS for r in sample)
    assert sorted(k["contrast_id"] for k in key["rows"]) == [f"x-000{i}" for i in range(1, 7)]
    # A sample already given to a reader is never replaced by accident.
    assert main([*args, "sample"]) == 2
    assert "exist" in capsys.readouterr().err
    # A read that agrees everywhere except x-0003 (denied, read as reported by the ministry).
    edits = [json.loads(x) for x in
             (MINI / "annotations/contrast/edits.jsonl").read_text("utf-8").splitlines()]
    labels = {e["contrast_id"]: (e["stance"], [c["source"] for c in e["chain"]]) for e in edits}
    labels["x-0003"] = ("reported", ["ministry"])
    to_contrast = {k["blind_id"]: k["contrast_id"] for k in key["rows"]}
    read = [{"blind_id": r["blind_id"], "stance": labels[to_contrast[r["blind_id"]]][0],
             "chain": labels[to_contrast[r["blind_id"]]][1]} for r in sample]
    (tmp_path / "read.jsonl").write_text(dump_jsonl(read), encoding="utf-8")
    assert main([*args, "compare", "--read", str(tmp_path / "read.jsonl")]) == 0
    result = json.loads((folder / "agreement.json").read_text("utf-8"))
    assert result["details"]["stance_accuracy"] == pytest.approx(5 / 6)
    assert result["details"]["immediate_source_accuracy"] == 1.0
    assert [d["contrast_id"] for d in result["disagreements"]] == ["x-0003"]
    assert main([*args, "compare", "--read", str(tmp_path / "missing.jsonl")]) == 1
