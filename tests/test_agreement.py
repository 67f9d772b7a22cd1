"""Agreement figures: hand-worked examples, an independent implementation, invariances."""

from __future__ import annotations

import json
import math
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from retold.annotate.agreement import (
    b_cubed,
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


def test_self_agreement_is_perfect() -> None:
    figures = compare(_mini(), _mini())
    assert figures["span_exact"]["f1"] == 1.0
    assert figures["span_overlap"]["f1"] == 1.0
    assert figures["stance_kappa"] == 1.0
    assert figures["source_accuracy"] == 1.0
    assert figures["cluster_b3"]["f1"] == 1.0


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


def test_stance_and_cluster_disagreement_lower_scores(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "annotations" / "docs" / "000-mini-report.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["claims"][0]["stance"] = "hedged"
    data["claims"][0]["cluster"] = "bridge-collapsed"
    path.write_text(json.dumps(data), encoding="utf-8")
    figures = compare(_mini(), load_read(root / "corpus", root / "annotations"))
    assert figures["stance_kappa"] < 1.0
    assert figures["cluster_b3"]["f1"] < 1.0
    assert figures["span_exact"]["f1"] == 1.0
    assert figures["source_accuracy"] == 1.0


def test_cli_agree_writes_both_files(tmp_path: Path) -> None:
    out, details = tmp_path / "a.json", tmp_path / "d.json"
    code = main(["agree", "--corpus", str(MINI / "corpus"), "--first",
                 str(MINI / "annotations"), "--second", str(MINI / "annotations"),
                 "--out", str(out), "--details", str(details)])
    assert code == 0
    assert json.loads(out.read_text())["claim-span F1, exact"] == 1.0
    assert "matched_pairs" in json.loads(details.read_text())
