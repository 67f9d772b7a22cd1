"""Agreement figures: hand-worked examples, an independent implementation, invariances."""

from __future__ import annotations

import json
import math
import random
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score

from retold.annotate.agreement import (
    b_cubed,
    bootstrap_kappa,
    cohen_kappa,
    compare,
    load_read,
    map_sources,
    match_overlap,
    mentions,
)
from retold.cli import main
from retold.io.standoff import AnnotationSet, Source

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).parent.parent


def test_kappa_hand_worked() -> None:
    # a: 5 x, 5 y; b: 7 x, 3 y; they agree on 8 of 10 items.
    # expected agreement = 0.5*0.7 + 0.5*0.3 = 0.5, so kappa = (0.8 - 0.5) / 0.5 = 0.6.
    a = ["x"] * 5 + ["y"] * 5
    b = ["x"] * 5 + ["y"] * 3 + ["x"] * 2
    assert cohen_kappa(a, b) == pytest.approx(0.6)


def test_kappa_matches_sklearn_on_random_labels() -> None:
    rng = random.Random(0)
    labels = ["asserted", "reported", "hedged", "denied"]
    for _ in range(50):
        n = rng.randint(2, 40)
        a = [rng.choice(labels) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
        if len(set(a) | set(b)) == 1:
            continue
        assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_constant_and_empty() -> None:
    assert cohen_kappa(["x", "x"], ["x", "x"]) == 1.0
    assert math.isnan(cohen_kappa([], []))
    with pytest.raises(ValueError):
        cohen_kappa(["x"], [])


def test_b_cubed_hand_worked() -> None:
    # gold {1,2,3}{4}; system {1,2}{3,4}
    gold = {"1": "a", "2": "a", "3": "a", "4": "b"}
    system = {"1": "p", "2": "p", "3": "q", "4": "q"}
    # precision: 1:2/2 2:2/2 3:1/2 4:1/2 -> 3/4; recall: 1:2/3 2:2/3 3:1/3 4:1/1 -> 2/3
    result = b_cubed(gold, system)
    assert result["precision"] == pytest.approx(0.75)
    assert result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_b_cubed_is_invariant_to_cluster_names() -> None:
    gold = {"1": "a", "2": "a", "3": "b"}
    system = {"1": "x", "2": "y", "3": "y"}
    renamed = {k: v.upper() + "-renamed" for k, v in system.items()}
    assert b_cubed(gold, system) == b_cubed(gold, renamed)


def test_b_cubed_needs_same_items() -> None:
    with pytest.raises(ValueError):
        b_cubed({"1": "a"}, {"2": "a"})


def _mini() -> AnnotationSet:
    return load_read(MINI / "corpus", MINI / "annotations")


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


def test_agreement_hand_worked(second_read: Path) -> None:
    figures = compare(_mini(), load_read(MINI / "corpus", second_read))
    # First read 5 mentions, second 4.
    assert (figures["claims_first"], figures["claims_second"]) == (5, 4)
    # Exact: 000-c001, 000-c002, 001-c002 -> P 3/4, R 3/5, F1 2PR/(P+R) = 0.9/1.35 = 2/3.
    assert figures["span_exact"] == pytest.approx(
        {"precision": 3 / 4, "recall": 3 / 5, "f1": 2 / 3, "matched": 3})
    # Overlap: 001-c003 [99, 128) overlaps [103, 128) too -> P 4/4, R 4/5, F1 1.6/1.8 = 8/9.
    assert figures["span_overlap"] == pytest.approx(
        {"precision": 1.0, "recall": 4 / 5, "f1": 8 / 9, "matched": 4})
    assert figures["matched_pairs"] == [["000-c001", "000-c001"], ["000-c002", "000-c002"],
                                        ["001-c002", "001-c002"], ["001-c003", "001-c003"]]
    # Stance on the 4 matched mentions, first: reported hedged reported denied,
    #                                     second: reported asserted reported denied.
    # Observed 3/4. Marginals first {reported 2, hedged 1, denied 1}, second {reported 2,
    # asserted 1, denied 1}: expected (2*2 + 1*1) / 16 = 5/16.
    # kappa = (3/4 - 5/16) / (1 - 5/16) = (7/16) / (11/16) = 7/11.
    assert figures["stance_kappa"] == pytest.approx(7 / 11)
    assert figures["stance_accuracy"] == pytest.approx(3 / 4)
    assert figures["stance_confusion"] == {"reported->reported": 2, "hedged->asserted": 1,
                                           "denied->denied": 1}
    # Sources are unchanged: accuracy 4/4; attributed T F T T on both sides -> kappa 1
    # (observed 1, expected (3*3 + 1*1) / 16 = 10/16).
    assert figures["source_accuracy"] == 1.0
    assert figures["attributed_kappa"] == 1.0
    # B-cubed on the matched mentions. First read: E = {000-c001, 001-c003}, B = {000-c002},
    # M = {001-c002}. Second: E = {000-c001, 001-c002, 001-c003}, B = {000-c002}.
    # Precision (per item |first ∩ second| / |second|): 2/3, 1, 1/3, 2/3 -> mean 2/3.
    # Recall (per item |first ∩ second| / |first|): 1, 1, 1, 1 -> 1.
    # F1 = 2 * (2/3) * 1 / (2/3 + 1) = 4/5.
    assert figures["cluster_b3"] == pytest.approx({"precision": 2 / 3, "recall": 1.0,
                                                   "f1": 4 / 5})
    # Per document: 000 has 2 and 2, both exact -> 1.0 and 1.0. 001 has 3 and 2: exact 1
    # (P 1/2, R 1/3, F1 (1/3)/(5/6) = 2/5), overlap 2 (P 1, R 2/3, F1 (4/3)/(5/3) = 4/5).
    per_doc = figures["per_document"]
    assert sorted(per_doc) == ["000-mini-report", "001-mini-denial"]
    assert per_doc["000-mini-report"] == pytest.approx(
        {"claims_first": 2, "claims_second": 2, "span_exact_f1": 1.0, "span_overlap_f1": 1.0})
    assert per_doc["001-mini-denial"] == pytest.approx(
        {"claims_first": 3, "claims_second": 2, "span_exact_f1": 2 / 5, "span_overlap_f1": 4 / 5})


def test_hand_worked_kappa_agrees_with_sklearn() -> None:
    first = ["reported", "hedged", "reported", "denied"]
    second = ["reported", "asserted", "reported", "denied"]
    assert cohen_kappa_score(first, second) == pytest.approx(7 / 11)
    assert cohen_kappa(first, second) == pytest.approx(7 / 11)


def test_overlap_matching_is_one_to_one_and_prefers_largest_overlap() -> None:
    first = mentions(_mini())
    target = first[0]
    # Two candidate second-read spans overlapping the same first-read span.
    small = replace(target, claim=replace(target.claim, id="x-small", end=target.claim.start + 3))
    large = replace(target, claim=replace(target.claim, id="x-large", end=target.claim.end - 1))
    pairs = match_overlap([target], [small, large])
    assert [(a.claim.id, b.claim.id) for a, b in pairs] == [(target.claim.id, "x-large")]


def test_shifted_span_counts_for_overlap_not_exact() -> None:
    first = _mini()
    doc = first.docs[0]
    claim = doc.claims[0]
    moved = replace(claim, start=claim.start + 1)
    second = replace(first, docs=(replace(doc, claims=(moved, *doc.claims[1:])), *first.docs[1:]))
    figures = compare(first, second)
    n = figures["claims_first"]
    assert figures["span_exact"]["matched"] == n - 1
    assert figures["span_overlap"]["matched"] == n


def test_source_map_uses_aliases() -> None:
    first = [Source("new-york-times", "The New York Times", ("the paper",), "outlet")]
    second = [Source("nyt", "New York Times", (), "outlet"),
              Source("someone-else", "Nobody", (), "person")]
    mapping = map_sources(first, second)
    assert mapping["nyt"] == "new-york-times"
    assert mapping["someone-else"] == "unmapped:someone-else"
    assert mapping["author"] == "author"


def test_stance_and_cluster_disagreement_hand_worked(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "annotations" / "docs" / "000-mini-report.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["claims"][0]["stance"] = "hedged"
    data["claims"][0]["cluster"] = "bridge-collapsed"
    path.write_text(json.dumps(data), encoding="utf-8")
    figures = compare(_mini(), load_read(root / "corpus", root / "annotations"))
    # All 5 spans match. Stance, first: reported hedged denied reported denied; second:
    # hedged hedged denied reported denied. Observed 4/5; marginals first {reported 2,
    # hedged 1, denied 2}, second {hedged 2, reported 1, denied 2}: expected
    # (2*1 + 1*2 + 2*2) / 25 = 8/25; kappa = (4/5 - 8/25) / (1 - 8/25) = 12/17.
    assert figures["stance_kappa"] == pytest.approx(12 / 17)
    # Clusters, first: E = {000-c001, 001-c001, 001-c003}, B = {000-c002}, M = {001-c002};
    # second: B = {000-c001, 000-c002}, E = {001-c001, 001-c003}, M = {001-c002}.
    # Precision (|∩| / |second|, an item is always in its own cluster): 000-c001 1/2,
    # 000-c002 1/2, 001-c001 2/2, 001-c003 2/2, 001-c002 1/1 -> 4/5. Recall (|∩| / |first|):
    # 1/3, 1/1, 2/3, 2/3, 1/1 -> (11/3)/5 = 11/15.
    # F1 = 2 * (4/5) * (11/15) / (4/5 + 11/15) = (88/75) / (23/15) = 88/115.
    assert figures["cluster_b3"] == pytest.approx({"precision": 4 / 5, "recall": 11 / 15,
                                                   "f1": 88 / 115})
    assert figures["span_exact"]["f1"] == 1.0
    assert figures["source_accuracy"] == 1.0


def test_cli_agree_writes_both_files(tmp_path: Path, second_read: Path) -> None:
    out, details = tmp_path / "a.json", tmp_path / "d.json"
    code = main(["agree", "--corpus", str(MINI / "corpus"), "--first",
                 str(MINI / "annotations"), "--second", str(second_read),
                 "--out", str(out), "--details", str(details)])
    assert code == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    # The figures of test_agreement_hand_worked, rounded to four decimals.
    assert {k: v for k, v in summary.items() if k != "stance kappa 95% CI"} == {
        "claims, first read": 5,
        "claims, second read": 4,
        "claim-span F1, exact": 0.6667,        # 2/3
        "claim-span F1, overlap": 0.8889,      # 8/9
        "matched mentions (overlap)": 4,
        "stance Cohen's kappa (matched)": 0.6364,  # 7/11
        "stance accuracy (matched)": 0.75,
        "immediate-source accuracy (matched)": 1.0,
        "attributed Cohen's kappa (matched)": 1.0,
        "cluster B-cubed F1 (matched)": 0.8,
    }
    assert json.loads(details.read_text(encoding="utf-8"))["matched_pairs"][3] == [
        "001-c003", "001-c003"]


@pytest.mark.parametrize(("existing", "code"), [
    ("none", 0), ("an earlier agreement file", 0), ("someone's JSON", 1), ("the details", 1),
    ("text", 1)])
def test_cli_agree_overwrites_only_an_agreement_file(
        tmp_path: Path, second_read: Path, existing: str, code: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    out, details = tmp_path / "agreement.json", tmp_path / "agreement_details.json"
    committed = ROOT / "annotations"
    contents = {"an earlier agreement file": (committed / "agreement.json").read_bytes(),
                "someone's JSON": b'{"claims, first read": 1}\n',
                "the details": (committed / "agreement_details.json").read_bytes(),
                "text": b"my notes\n"}
    if existing in contents:
        out.write_bytes(contents[existing])
    args = ["agree", "--corpus", str(MINI / "corpus"), "--first", str(MINI / "annotations"),
            "--second", str(second_read), "--out", str(out), "--details", str(details)]
    assert main(args) == code
    if code == 0:
        assert json.loads(out.read_text(encoding="utf-8"))["claims, second read"] == 4
        assert main(args) == 0  # README: `retold agree` runs twice in a row
    else:
        assert "[unsafe-output]" in capsys.readouterr().err
        assert out.read_bytes() == contents[existing]
        assert not details.exists()  # checked before either file is written


def test_agreement_key_lists_are_those_of_the_committed_files() -> None:
    from retold.annotate.agreement import DETAILS_KEYS, SUMMARY_KEYS

    for name, keys in (("agreement.json", SUMMARY_KEYS),
                       ("agreement_details.json", DETAILS_KEYS)):
        text = (ROOT / "annotations" / name).read_text(encoding="utf-8")
        assert list(json.loads(text)) == list(keys)


# --------------------------------------------------------------------------------------
# The bootstrap interval of the stance kappa.
# --------------------------------------------------------------------------------------
def synthetic_stances(n: int = 60, seed: int = 5) -> tuple[list[str], list[str]]:
    """Two reads of n items that agree on about 70% of them (fixed seed)."""
    rng = random.Random(seed)
    labels = ["asserted", "reported", "hedged", "denied"]
    a = [rng.choice(labels) for _ in range(n)]
    b = [x if rng.random() < 0.7 else rng.choice(labels) for x in a]
    return a, b


def test_bootstrap_is_deterministic_under_a_seed() -> None:
    a, b = synthetic_stances()
    assert bootstrap_kappa(a, b) == bootstrap_kappa(a, b)
    first = bootstrap_kappa(a, b, samples=300, seed=1)
    assert bootstrap_kappa(a, b, samples=300, seed=1) == first
    assert bootstrap_kappa(a, b, samples=300, seed=2) != first  # the seed is used


def test_bootstrap_interval_holds_the_estimate() -> None:
    for seed in range(5):
        a, b = synthetic_stances(seed=seed)
        lo, hi = bootstrap_kappa(a, b)
        assert -1.0 <= lo < cohen_kappa(a, b) < hi <= 1.0


def _levels(x: float, distribution: np.ndarray) -> tuple[float, float]:
    """The CDF levels [P(D < x), P(D <= x)] of x in an empirical distribution."""
    return float(np.mean(distribution < x)), float(np.mean(distribution <= x))


def _at_level(x: float, level: float, distribution: np.ndarray, tol: float) -> bool:
    below, at_or_below = _levels(x, distribution)
    return below <= level + tol and at_or_below >= level - tol


def test_bootstrap_agrees_with_scipy() -> None:
    """Our 95% percentile interval against ``scipy.stats.bootstrap`` (paired: items are
    resampled, both reads' labels together, as ``bootstrap_kappa`` does).

    Both are Monte Carlo estimates of the 2.5% and 97.5% quantiles of the same bootstrap
    distribution, with different random streams, so they are compared in probability:
    each of our endpoints must sit at its level (0.025, 0.975) of scipy's B = 4000
    bootstrap kappas. The level of an order statistic of B = 4000 draws has standard
    deviation sqrt(0.025 * 0.975 / 4000) = 0.0025, and scipy's empirical CDF at a point has
    the same, so their difference has SD 0.0035; the tolerance is 4 SD = 0.014. Kappa is
    discrete, so an endpoint passes if any level in [P(D < x), P(D <= x)] is in range.
    A 90% interval (levels 0.05 and 0.95, 7 SD away) fails, as the last assertions show;
    an unpaired resampling would centre the kappas near 0 and fail by far more.
    """
    a, b = synthetic_stances()
    codes = {label: i for i, label in enumerate(sorted(set(a) | set(b)))}
    x = np.array([codes[v] for v in a])
    y = np.array([codes[v] for v in b])
    samples = 4000
    result = stats.bootstrap(
        (x, y), lambda u, v: cohen_kappa(u.tolist(), v.tolist()), paired=True,
        vectorized=False, n_resamples=samples, method="percentile", confidence_level=0.95,
        rng=np.random.default_rng(20241206))
    distribution = np.asarray(result.bootstrap_distribution)
    lo, hi = bootstrap_kappa(a, b, samples=samples)
    tol = 4 * math.sqrt(2 * 0.025 * 0.975 / samples)
    assert tol == pytest.approx(0.014, abs=5e-4)
    assert _at_level(lo, 0.025, distribution, tol), _levels(lo, distribution)
    assert _at_level(hi, 0.975, distribution, tol), _levels(hi, distribution)
    # The same check on scipy's own interval, and its refusal of a 90% interval.
    ci = result.confidence_interval
    assert _at_level(ci.low, 0.025, distribution, tol)
    assert _at_level(ci.high, 0.975, distribution, tol)
    low90, high90 = np.percentile(distribution, [5, 95])
    assert not _at_level(low90, 0.025, distribution, tol)
    assert not _at_level(high90, 0.975, distribution, tol)
