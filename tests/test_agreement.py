"""Agreement between two reads: the second read scored against the first by ``retold.score``.

The oracles are hand-worked figures of the mini fixture's second read (four known
differences), and the same predictions written out by hand and scored directly: the adapter
must produce exactly those lines.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from retold.annotate.agreement import compare, match_claims
from retold.cli import main
from retold.io.agreement import AGREEMENT_FORMAT, figure, shape_problem
from retold.pipeline import build_release
from retold.score import score_records
from retold.validate.checks import validate

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).parent.parent


def write_second_read(root: Path) -> Path:
    """A copy of the mini fixture as a second read that differs in four ways.

    1. 000-c002 "The bridge may have collapsed": stance hedged -> asserted.
    2. 001-c001 "embassy evacuation" is missing (with its mention "Ministry" and cue
       "denies", which nothing else uses).
    3. 001-c002 "the mission continues its work": cluster mission-continues ->
       embassy-evacuated (mission-continues, now unused, leaves clusters.json).
    4. 001-c003 starts 4 characters later: "evacuation of the embassy" [103, 128)
       instead of "the evacuation of the embassy" [99, 128).
    """
    shutil.copytree(MINI, root)
    shutil.rmtree(root / "annotations" / "contrast")  # a read has no contrast set
    (root / "annotations" / "CONTRAST.md").unlink()
    docs = root / "annotations" / "docs"

    def edit(name: str, change: Callable[[dict], None]) -> None:
        path = docs / name
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")

    def report(data: dict) -> None:
        data["claims"][1]["stance"] = "asserted"

    def denial(data: dict) -> None:
        data["claims"] = [c for c in data["claims"] if c["id"] != "001-c001"]
        data["source_mentions"] = [m for m in data["source_mentions"] if m["id"] != "001-s01"]
        data["cues"] = [q for q in data["cues"] if q["id"] != "001-q01"]
        claims = {c["id"]: c for c in data["claims"]}
        claims["001-c002"]["cluster"] = "embassy-evacuated"
        claims["001-c003"]["start"] += 4
        claims["001-c003"]["text"] = "evacuation of the embassy"

    edit("000-mini-report.json", report)
    edit("001-mini-denial.json", denial)
    clusters = root / "annotations" / "clusters.json"
    kept = [k for k in json.loads(clusters.read_text(encoding="utf-8"))
            if k["cluster_id"] != "mission-continues"]
    clusters.write_text(json.dumps(kept), encoding="utf-8")
    ids = root / "annotations" / "ids.json"  # the removed annotation's ids are retired
    registry = json.loads(ids.read_text(encoding="utf-8"))
    registry["001-mini-denial"]["retired"] = ["001-c001", "001-q01", "001-s01"]
    ids.write_text(json.dumps(registry), encoding="utf-8")
    return root / "annotations"


@pytest.fixture(scope="module")
def second_read(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_second_read(tmp_path_factory.mktemp("second") / "mini")


@pytest.fixture(scope="module")
def agreement(second_read: Path) -> dict:
    return compare(MINI / "corpus", MINI / "annotations", second_read, n_bootstrap=200)


def _value(agreement: dict, task: str, key: str) -> float:
    found = figure(agreement, task, key)
    assert found is not None, (task, key)
    return found[0]


def test_span_agreement_hand_worked(agreement: dict) -> None:
    # First read 5 claims, second 4. Exact: 000-c001, 000-c002, 001-c002 ->
    # P 3/4, R 3/5, F1 = 2PR/(P+R) = 0.9/1.35 = 2/3. Overlap: 001-c003 [99, 128) overlaps
    # [103, 128) too -> P 4/4, R 4/5, F1 = 1.6/1.8 = 8/9.
    assert agreement["mentions"] == {"first": 5, "second": 4, "matched_exact": 3, "matched": 4}
    assert _value(agreement, "claims", "span_precision_exact") == pytest.approx(3 / 4)
    assert _value(agreement, "claims", "span_recall_exact") == pytest.approx(3 / 5)
    assert _value(agreement, "claims", "span_f1_exact") == pytest.approx(2 / 3)
    assert _value(agreement, "claims", "span_f1_overlap") == pytest.approx(8 / 9)
    assert agreement["matched_claims"] == [["000-c001", "000-c001"], ["000-c002", "000-c002"],
                                           ["001-c002", "001-c002"], ["001-c003", "001-c003"]]


def test_mention_agreement_hand_worked(agreement: dict) -> None:
    # 001-c001 (denied, attributed to the Ministry) is missing from the second read: no
    # prediction, which the scorer counts as the wrong answer.
    # attributed, first read: 000-c001 T, 000-c002 F, 001-c001 T, 001-c002 T, 001-c003 T;
    # second (matched 4): T F T T, and 001-c001 missing -> false: TP 3, FP 0, FN 1 ->
    # P 1, R 3/4, F1 = 1.5/1.75 = 6/7.
    assert agreement["tasks"]["attributed"]["missing"] == 1
    assert _value(agreement, "attributed", "attributed_precision") == pytest.approx(1.0)
    assert _value(agreement, "attributed", "attributed_f1") == pytest.approx(6 / 7)
    # denied: gold denied 001-c001, 001-c003; predicted denied 001-c003 (001-c001 missing
    # -> a false negative): P 1, R 1/2, F1 2/3. Stance right on 000-c001, 001-c002,
    # 001-c003 of 5 (000-c002 hedged -> asserted; 001-c001 missing): accuracy 3/5.
    assert _value(agreement, "denied", "denied_f1") == pytest.approx(2 / 3)
    assert _value(agreement, "denied", "stance_accuracy") == pytest.approx(3 / 5)
    # duplicated: 10 pairs of 5 claims; gold duplicates (cluster E = 000-c001, 001-c001,
    # 001-c003): 3 pairs. The second read puts 000-c001, 001-c002, 001-c003 together:
    # predicted duplicates (000-c001, 001-c002), (000-c001, 001-c003), (001-c002, 001-c003)
    # -> TP 1, FP 2. The 4 pairs with 001-c001 are missing, scored as the wrong decision:
    # 2 gold duplicates -> FN 2, 2 non-duplicates -> FP 2. P 1/5, R 1/3, F1 = 2/8 = 1/4.
    assert agreement["tasks"]["duplicated"]["missing"] == 4
    assert _value(agreement, "duplicated", "pair_f1") == pytest.approx(1 / 4)


HAND_WRITTEN = {
    "attributed": [
        {"claim_id": "000-c001", "attributed": True},
        {"claim_id": "000-c002", "attributed": False},
        {"claim_id": "001-c002", "attributed": True},
        {"claim_id": "001-c003", "attributed": True},
    ],
    "denied": [{"claim_id": "000-c001", "stance": "reported"},
               {"claim_id": "000-c002", "stance": "asserted"},
               {"claim_id": "001-c002", "stance": "reported"},
               {"claim_id": "001-c003", "stance": "denied"}],
    "clusters": [{"claim_id": "000-c001", "cluster": "a"},
                 {"claim_id": "000-c002", "cluster": "b"},
                 {"claim_id": "001-c002", "cluster": "a"},
                 {"claim_id": "001-c003", "cluster": "a"}],
}


@pytest.mark.parametrize("task", sorted(HAND_WRITTEN))
def test_agreement_is_the_scorer_on_the_read_as_predictions(
        task: str, agreement: dict, second_read: Path, tmp_path: Path) -> None:
    """The adapter's lines are those written here by hand from the fixture (source spans
    taken from the second read's own claims rows, the one thing not retyped)."""
    release = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", release, leaderboard=None)
    lines = [dict(line) for line in HAND_WRITTEN[task]]
    if task == "attributed":
        second = build_rows(second_read)
        for line in lines:
            row = second[line["claim_id"]]
            line["source_start"] = -1 if row["source_start"] is None else row["source_start"]
            line["source_end"] = -1 if row["source_end"] is None else row["source_end"]
    scores = score_records(task, lines, release, n_bootstrap=200)
    assert agreement["tasks"][task]["scores"] == dict(scores.values)
    assert agreement["tasks"][task]["ci"] == {
        k: {"lower": lo, "upper": hi} for k, (lo, hi) in scores.ci.items()}


def build_rows(annotations: Path) -> dict[str, dict]:
    from retold.build.rows import claims_rows
    from retold.validate.checks import load_validated

    docs, read = load_validated(MINI / "corpus", annotations)
    return {r["claim_id"]: r for r in claims_rows(docs, read)}


def test_identical_spans_are_matched_before_overlapping_ones() -> None:
    gold = [{"claim_id": "g1", "doc_id": "d", "start": 0, "end": 10},
            {"claim_id": "g2", "doc_id": "d", "start": 5, "end": 15}]
    second = [{"claim_id": "s1", "doc_id": "d", "start": 5, "end": 15},
              {"claim_id": "s2", "doc_id": "d", "start": 0, "end": 6},
              {"claim_id": "s3", "doc_id": "e", "start": 0, "end": 10}]
    matched = match_claims(gold, second)
    assert {k: v["claim_id"] for k, v in matched.items()} == {"g1": "s2", "g2": "s1"}


def test_a_read_agrees_perfectly_with_itself() -> None:
    same = compare(MINI / "corpus", MINI / "annotations", MINI / "annotations",
                   n_bootstrap=0)
    for task, entry in same["tasks"].items():
        assert entry["missing"] == 0, task
        assert entry["scores"][entry["main_score"]] == pytest.approx(1.0), task


def test_cli_agree_writes_the_agreement_file(tmp_path: Path, second_read: Path) -> None:
    out = tmp_path / "a.json"
    code = main(["agree", "--corpus", str(MINI / "corpus"), "--first",
                 str(MINI / "annotations"), "--second", str(second_read), "--out", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert shape_problem(data) is None
    assert data["format"] == AGREEMENT_FORMAT
    assert data["tasks"]["claims"]["scores"]["span_f1_exact"] == pytest.approx(2 / 3)
    lo_hi = data["tasks"]["claims"]["ci"]["span_f1_exact"]
    assert set(lo_hi) == {"lower", "upper"} and lo_hi["lower"] <= lo_hi["upper"]
    assert "retrieval" not in data["tasks"]


@pytest.mark.parametrize(("existing", "code"), [
    ("none", 0), ("an earlier agreement file", 0), ("someone's JSON", 1), ("text", 1)])
def test_cli_agree_overwrites_only_an_agreement_file(
        tmp_path: Path, second_read: Path, existing: str, code: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "agreement.json"
    contents = {"an earlier agreement file": (ROOT / "annotations" / "agreement.json").read_bytes(),
                "someone's JSON": b'{"claims": 1}\n',
                "text": b"my notes\n"}
    if existing in contents:
        out.write_bytes(contents[existing])
    args = ["agree", "--corpus", str(MINI / "corpus"), "--first", str(MINI / "annotations"),
            "--second", str(second_read), "--out", str(out)]
    assert main(args) == code
    if code == 0:
        assert json.loads(out.read_text(encoding="utf-8"))["mentions"]["second"] == 4
    else:
        assert "[unsafe-output]" in capsys.readouterr().err
        assert out.read_bytes() == contents[existing]


def test_validate_refuses_an_agreement_file_of_another_format(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "annotations" / "agreement.json"
    path.write_text(json.dumps({"stance Cohen's kappa (matched)": 0.9}), encoding="utf-8")
    problems = validate(root / "corpus", root / "annotations")
    assert [(p.code, Path(p.file).name) for p in problems] == [("shape", "agreement.json")]
    assert "format" in problems[0].message
