"""Artefact probes of the contrast sets (issue 14): the 2x2 cells, the surface features, the
leave-one-document-out protocol, the thresholds, and the build refusing release 1.1's
contrast set (frozen in ``fixtures/contrast_1_1``) but not a balanced synthetic one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from retold import pipeline
from retold.cli import main as cli_main
from retold.describe import probes as describe_probes
from retold.errors import InvalidInputError
from retold.schema import (
    HIGH_OVERLAP_MIN,
    PROBE_CHECK_FROM,
    get_config,
    pair_cell,
    probe_check_enforced,
)
from retold.validate import probes

ROOT = Path(__file__).resolve().parents[1]
FROZEN = Path(__file__).parent / "fixtures" / "contrast_1_1"
MINI = Path(__file__).parent / "fixtures" / "mini"


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def release_1_1() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return _jsonl(FROZEN / "contrast.jsonl"), _jsonl(FROZEN / "contrast_pairs.jsonl")


@pytest.fixture(scope="module")
def report_1_1(release_1_1: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> dict:
    return probes.run_probes(*release_1_1)


def _probe(report: dict, name: str) -> dict[str, Any]:
    return next(p for p in report["probes"] if p["probe"] == name)


# --- cells ---------------------------------------------------------------------------

@pytest.mark.parametrize(("claim", "edited", "duplicate", "cell"), [
    # 5 tokens each, 4 in common in order: Dice 2*4/10 = 0.8 (high)
    ("Iran began the evacuation yesterday", "Iran began the evacuation today", False,
     "different_high"),
    ("Iran began the evacuation yesterday", "Iran began the evacuation today", True,
     "same_high"),
    # 3 + 3 tokens, 1 in common: Dice 2/6 = 0.333 (low)
    ("Tehran pulled envoys", "Iran pulled diplomats", True, "same_low"),
    ("Tehran pulled envoys", "Iran pulled diplomats", False, "different_low"),
    # 7 + 7 tokens, LCS 5: Dice 10/14 = 0.714 (high, just above 0.7)
    ("a b c d e f g", "a b c d e x y", True, "same_high"),
    # 10 + 10 tokens, LCS 7: Dice 14/20 = 0.7 exactly (high: the bound is >=)
    ("a b c d e f g h i j", "a b c d e f g x y z", False, "different_high"),
    # 10 + 10 tokens, LCS 6: Dice 0.6 (low)
    ("a b c d e f g h i j", "a b c d e f w x y z", False, "different_low"),
])
def test_cell_from_hand_computed_similarity(claim: str, edited: str, duplicate: bool,
                                            cell: str) -> None:
    sim = probes.pair_features(claim, edited)["dice"]
    assert pair_cell(duplicate, sim) == cell


def test_high_overlap_bound_is_inclusive() -> None:
    assert HIGH_OVERLAP_MIN == 0.7
    assert pair_cell(True, 0.7) == "same_high"
    assert pair_cell(True, 0.6999999) == "same_low"


def test_cell_is_a_column_of_contrast_pairs_and_analysis_only() -> None:
    fields = {f.name: f for f in get_config("contrast_pairs").fields}
    assert fields["cell"].dtype == ("class_label", ("same_high", "same_low",
                                                    "different_high", "different_low"))
    flagged = {f.name for f in fields.values() if f.analysis_only}
    assert {"edit_type", "rule", "similarity", "cell"} <= flagged
    contrast = {f.name for f in get_config("contrast").fields if f.analysis_only}
    assert {"edit_type", "rule", "original_stance", "original_source"} <= contrast


def test_frozen_1_1_cells_are_the_build_rule(release_1_1: tuple[list, list]) -> None:
    """In 1.1 every duplicate is low overlap and every non-duplicate high (issue 14)."""
    _, pairs = release_1_1
    assert {(p["duplicate"], p["cell"]) for p in pairs} == {(True, "same_low"),
                                                             (False, "different_high")}
    assert all((p["similarity"] < 0.7) == p["duplicate"] for p in pairs)


# --- features ------------------------------------------------------------------------

def test_pair_features_by_hand() -> None:
    f = probes.pair_features("Iran has begun", "Tehran has begun")
    assert f["dice"] == pytest.approx(4 / 6)         # LCS "has begun": 2 of 3 + 3 tokens
    assert f["jaccard"] == pytest.approx(2 / 4)      # {has, begun} of {iran, tehran, ...}
    # "iran has begun" (14) vs "tehran has begun" (16): one block "ran has begun" (13)
    assert f["char_ratio"] == pytest.approx(26 / 30)
    assert f["length_ratio"] == 1.0
    assert f["length_difference"] == 0.0
    g = probes.pair_features("Iran has begun to evacuate", "Iran")
    assert g["length_ratio"] == pytest.approx(1 / 5)
    assert g["length_difference"] == 4.0


def test_masked_passage_drops_claim_and_denial_words() -> None:
    text = "Tehran flatly denied reports that troops had left, calling them baseless."
    start = text.index("troops")
    end = text.index(", calling")
    masked = probes.masked_passage(text, start, end)
    assert "troops" not in masked and "denied" not in masked and "baseless" not in masked
    assert masked.split() == ["Tehran", "flatly", "reports", "that", ",", "calling", "them",
                              "."]


def test_outside_ngrams_skip_claim_and_denial_words() -> None:
    text = "Iran denied reports that it left Syria, officials said."
    start, end = text.index("it left"), text.index(", officials")
    grams = probes.outside_ngrams(text, start, end)
    assert "reports that" in grams and "iran" in grams and "officials said" in grams
    assert not any("denied" in g for g in grams)
    assert "iran reports" not in grams            # would bridge the removed denial word
    assert not any(w in g.split() for g in grams for w in ("left", "syria", "it"))
    assert "that officials" not in grams          # would bridge the claim span


# --- protocol ------------------------------------------------------------------------

def test_out_of_fold_never_trains_on_the_held_out_fold() -> None:
    folds = [0, 0, 1, 1, 2, 2]
    labels = np.array([True, False, True, False, True, False])
    seen: list[tuple[set[int], set[int]]] = []

    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        seen.append(({folds[i] for i in train}, {folds[i] for i in test}))
        return np.full(len(test), float(len(seen)))

    scores = probes.out_of_fold(folds, labels, fit_predict)
    assert [t for _, t in seen] == [{0}, {1}, {2}]
    assert all(not (tr & te) for tr, te in seen)
    assert scores.tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]


# --- synthetic sets ------------------------------------------------------------------

_WORDS = [f"w{i}" for i in range(400)]


def _solved_pairs() -> list[dict[str, Any]]:
    """Duplicates reworded (low overlap), non-duplicates one word changed (high): 1.1."""
    rows = []
    for i in range(40):
        base = _WORDS[i * 6:i * 6 + 6]
        dup = i % 3 == 0
        edited = ([*base[:2], "x1", "x2", "x3", "x4"] if dup else [*base[:5], "y"])
        sim = probes.pair_features(" ".join(base), " ".join(edited))["dice"]
        rows.append({"pair_id": f"p-{i:04d}", "claim_text": " ".join(base),
                     "edited_text": " ".join(edited), "duplicate": dup, "fold": i % 5,
                     "cell": pair_cell(dup, sim)})
    return rows


def _balanced_pairs() -> list[dict[str, Any]]:
    """Every pair of texts twice, once a duplicate and once not, in every fold: no
    surface feature can tell the labels apart."""
    rows = []
    n = 0
    for fold in range(5):
        for changed in range(5):
            m = fold * 5 + changed
            base = _WORDS[m * 5:m * 5 + 5]
            edited = [*base[:5 - changed], *(f"z{m}_{j}" for j in range(changed))]
            for dup in (True, False):
                sim = probes.pair_features(" ".join(base), " ".join(edited))["dice"]
                rows.append({"pair_id": f"p-{n:04d}", "claim_text": " ".join(base),
                             "edited_text": " ".join(edited), "duplicate": dup, "fold": fold,
                             "cell": pair_cell(dup, sim)})
                n += 1
    return rows


def _rows(denied_by_source: bool) -> list[dict[str, Any]]:
    """Contrast rows, a quarter denied. Solved: one source says every denial, with its own
    phrasing. Balanced: every source and every phrasing denies in a quarter of its rows."""
    rows = []
    n = 0
    for fold in range(5):
        for source in ("iran", "russia", "syria", "author"):
            for k in range(4):
                denied = k == 0 if not denied_by_source else source == "iran"
                lead = (f"{source} denied:" if denied else f"{source}:")
                if denied_by_source and denied:
                    lead = f"{source} denied reports that"
                claim = f"event {n} happened"
                text = f"{lead} {claim}."
                start = text.index(claim)
                rows.append({"contrast_id": f"x-{n:04d}", "text": text, "start": start,
                             "end": start + len(claim), "source": source, "denied": denied,
                             "fold": fold})
                n += 1
    return rows


def test_pair_probe_ap_matches_sklearn_and_fails_when_solved() -> None:
    rows = _solved_pairs()
    results, summary = probes.pair_probes(rows)
    labels = np.array([r["duplicate"] for r in rows])
    dice = np.array([probes.pair_features(r["claim_text"], r["edited_text"])["dice"]
                     for r in rows])
    by_name = {r.probe: r for r in results}
    assert by_name["feature_dice (-)"].score == pytest.approx(
        average_precision_score(labels, -dice))
    assert by_name["feature_dice (+)"].score == pytest.approx(
        average_precision_score(labels, dice))
    assert by_name["feature_dice (-)"].score == pytest.approx(1.0)
    assert summary["positive_rate"] == pytest.approx(round(labels.mean(), 4))
    assert by_name["feature_dice (-)"].limit == pytest.approx(labels.mean() + 0.10, abs=1e-4)
    assert not by_name["feature_dice (-)"].passed
    assert not by_name["surface_logreg (+)"].passed


def test_pair_probes_pass_on_a_balanced_set() -> None:
    rows = _balanced_pairs()
    results, summary = probes.pair_probes(rows)
    assert summary["positive_rate"] == 0.5
    assert summary["cells"]["same_high"] and summary["cells"]["different_low"]
    for r in results:
        assert r.passed, r
        # ties everywhere between the labels: AP is the constant
        assert r.score == pytest.approx(0.5)


def test_row_probes_fail_when_solved_and_pass_when_balanced() -> None:
    solved, _ = probes.row_probes(_rows(denied_by_source=True))
    by_name = {r.probe: r for r in solved}
    assert by_name["source_only"].score == 1.0         # iran says every denial
    assert not by_name["source_only"].passed
    assert not by_name["masked_passage_bow"].passed    # "reports that" is left after masking
    assert by_name["phrasing_scan"].score == 1.0
    assert "reports that" in {f["phrasing"] for f in by_name["phrasing_scan"].extra["flagged"]}
    rows = _rows(denied_by_source=False)
    balanced, _ = probes.row_probes(rows)
    assert all(r.passed for r in balanced), balanced
    # The source says nothing here, so the best cut on the training folds is "every row
    # denied" (or none): the probe can do no better than that trivial F1, 2d / (n + d).
    n, d = len(rows), sum(bool(r["denied"]) for r in rows)
    assert {r.probe: r.score for r in balanced}["source_only"] <= 2 * d / (n + d) + 1e-9


def test_the_build_check_passes_a_balanced_set_and_refuses_a_solved_one() -> None:
    balanced = probes.run_probes(_rows(denied_by_source=False), _balanced_pairs())
    assert balanced["contrast"]["rows"] >= probes.PROBE_MIN_ITEMS
    assert balanced["contrast_pairs"]["pairs"] >= probes.PROBE_MIN_ITEMS
    assert probes.probe_problems(balanced) == []
    solved = probes.run_probes(_rows(denied_by_source=True), _solved_pairs())
    where = {p.where for p in probes.probe_problems(solved)}
    assert {"feature_dice (-)", "source_only", "phrasing_scan"} <= where


def test_phrasing_precision_by_hand() -> None:
    rows = [{"contrast_id": f"x{i}", "text": f"Asked, S said: c{i}.", "start": 13,
             "end": 13 + len(f"c{i}"), "denied": i < 6} for i in range(8)]
    found = {p["phrasing"]: p for p in probes.phrasings(rows)}
    assert found["asked"]["rows"] == 8 and found["asked"]["denied"] == 6
    assert found["asked"]["precision"] == 0.75
    assert probes.phrasings(rows[:7]) == []            # below PHRASING_MIN_ROWS rows


# --- release 1.1 ---------------------------------------------------------------------

def test_probes_solve_release_1_1(report_1_1: dict) -> None:
    """The issue's measurements: 1 - overlap ranks 1.1's pairs almost perfectly, and
    the passage without its claim and denial words finds most denials."""
    assert report_1_1["contrast_pairs"]["positive_rate"] == pytest.approx(55 / 165, abs=1e-4)
    assert _probe(report_1_1, "feature_jaccard (-)")["score"] >= 0.99
    assert _probe(report_1_1, "feature_dice (-)")["score"] >= 0.99
    assert _probe(report_1_1, "surface_logreg (+)")["score"] >= 0.99
    # The issue measured .73-.80 with the passage alone; masking the cue span and the denial
    # words as well leaves .66 on 1.1, still over the limit.
    assert 0.60 <= _probe(report_1_1, "masked_passage_bow")["score"] <= 0.85
    assert _probe(report_1_1, "source_only")["score"] > 0.45
    scan = _probe(report_1_1, "phrasing_scan")
    assert scan["phrasing"] == "reports that" and scan["score"] > 0.7
    failed = {p.where for p in probes.probe_problems(report_1_1)}
    assert {"feature_dice (-)", "surface_logreg (+)", "source_only", "masked_passage_bow",
            "phrasing_scan"} <= failed


def test_build_refuses_release_1_1_when_enforced(
        release_1_1: tuple[list, list], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The build's own check, fed 1.1's rows: exit 1, one line per probe with its score
    and threshold, nothing written."""
    frozen = probes.run_probes(*release_1_1)
    monkeypatch.setattr(pipeline, "run_probes", lambda edits, pairs: frozen)
    monkeypatch.setattr(pipeline, "probe_check_enforced", lambda: True)
    out = tmp_path / "release"
    with pytest.raises(InvalidInputError) as err:
        pipeline.build_release(MINI / "corpus", MINI / "annotations", out)
    assert not out.exists()
    lines = [str(p) for p in err.value.problems]
    dice = next(line for line in lines if "feature_dice (-)" in line)
    assert "[probe-solves]" in dice and "1.000 > threshold 0.433" in dice
    assert dice.startswith("annotations/contrast/pairs.jsonl: ")
    code = cli_main(["build", "--corpus", str(MINI / "corpus"), "--annotations",
                     str(MINI / "annotations"), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1 and "masked_passage_bow" in captured.out + captured.err


def test_check_is_switched_on_from_1_2_0() -> None:
    assert PROBE_CHECK_FROM == "1.2.0"
    assert not probe_check_enforced("1.1.0")
    assert probe_check_enforced("1.2.0") and probe_check_enforced("2.0.0")


def test_build_writes_probes_json(mini_release: tuple[Path, dict[str, int]]) -> None:
    out, _ = mini_release
    report = json.loads((out / "probes.json").read_text(encoding="utf-8"))
    assert report["thresholds"]["pair_probe_margin"] == 0.10
    assert "### Artefact probes" in (out / "README.md").read_text(encoding="utf-8")


def test_contrast_md_thresholds_are_up_to_date() -> None:
    assert describe_probes.main([str(ROOT / "annotations" / "CONTRAST.md"), "--check"]) == 0


# --- scorer: the 2x2 cells of the contrast subset --------------------------------------

def test_cell_scores_against_sklearn() -> None:
    from retold.score.metrics.ranking import average_precision
    from retold.score.scorers.pairs import _cell_scores

    cells = ["same_high", "different_high", "same_high", "different_high", "different_high",
             "same_low", "different_low", "same_low"]
    positive = np.array([c.startswith("same") for c in cells])
    scores = np.array([0.9, 0.8, 0.3, 0.95, 0.1, 0.7, 0.2, 0.1])
    decision = scores >= 0.5
    out = _cell_scores(cells, positive, decision == positive,
                       lambda m: average_precision(positive[m], scores[m]))
    high = np.array([c.endswith("_high") for c in cells])
    assert out["average_precision_high_overlap"] == pytest.approx(
        average_precision_score(positive[high], scores[high]))
    assert out["average_precision_low_overlap"] == pytest.approx(
        average_precision_score(positive[~high], scores[~high]))
    # same_high: 0.9 right, 0.3 wrong; different_high: 0.8, 0.95 wrong, 0.1 right
    assert out["accuracy_same_high"] == 0.5
    assert out["accuracy_different_high"] == pytest.approx(1 / 3)
    assert out["accuracy_same_low"] == 0.5 and out["accuracy_different_low"] == 1.0


def test_contrast_pair_scores_per_cell(mini_release: tuple[Path, dict[str, int]]) -> None:
    """The mini release: p-0001 a hard negative (high overlap), p-0002 a hard positive
    (low overlap); each level holds one label, so neither level has an AP."""
    from retold.score import score_records

    lines = [{"pair_id": "p-0001", "score": 0.9, "duplicate": True},
             {"pair_id": "p-0002", "score": 0.4, "duplicate": True}]
    v = score_records("duplicated", lines, mini_release[0], subset="contrast",
                      n_bootstrap=0).values
    assert (v["accuracy_different_high"], v["accuracy_same_low"]) == (0.0, 1.0)
    assert v["accuracy_same_high"] is None and v["accuracy_different_low"] is None
    assert v["average_precision_high_overlap"] is None
    assert v["average_precision_low_overlap"] is None


def test_small_sets_are_reported_not_refused(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    """The mini fixture's two pairs are 'solved' (AP 1 on two items) but too few to refuse."""
    monkeypatch.setattr(pipeline, "probe_check_enforced", lambda: True)
    pipeline.build_release(MINI / "corpus", MINI / "annotations", tmp_path / "release")
    report = json.loads((tmp_path / "release" / "probes.json").read_text(encoding="utf-8"))
    assert report["contrast_pairs"]["pairs"] < probes.PROBE_MIN_ITEMS
    assert not all(p["passed"] for p in report["probes"])
    assert probes.probe_problems(report) == []


# --- explorer: the 2x2 grid ------------------------------------------------------------

def test_explorer_contrast_page_shows_the_cells() -> None:
    """Counts and pair links per cell on the committed release's contrast page, against
    the cells recomputed here from the Parquet file's duplicate and similarity."""
    import re

    import pyarrow.parquet as pq

    from retold.explore.contrast_page import contrast_page
    from retold.explore.data import load_release

    html = contrast_page(load_release(ROOT / "release"))
    table = pq.read_table(ROOT / "release" / "data" / "contrast_pairs" /
                          "test-00000-of-00001.parquet").to_pylist()
    want: dict[str, list[str]] = {"same_high": [], "same_low": [], "different_high": [],
                                  "different_low": []}
    for row in table:
        level = "high" if row["similarity"] >= np.float32(0.7) else "low"
        want[f"{'same' if row['duplicate'] else 'different'}_{level}"].append(row["pair_id"])
    for cell, ids in want.items():
        m = re.search(rf'data-cell="{cell}" data-count="(\d+)">(.*?)</td>', html)
        assert m is not None and int(m.group(1)) == len(ids)
        assert re.findall(r'href="#(p-\d+)"', m.group(2)) == sorted(ids)
