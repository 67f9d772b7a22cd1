"""The 1.2 blind read of new contrast rows and pairs: sampling and pair agreement
(hand-worked, and cross-checked with scikit-learn)."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import cohen_kappa_score

from retold.annotate.contrast_blind_new import (
    blind_pairs,
    check_pair_read,
    compare_pairs,
    pair_cell,
    round_robin,
    select_pairs,
    select_rows,
)
from retold.errors import InvalidInputError


def _pair(n: int, duplicate: bool, similarity: float, edit_type: str) -> dict:
    return {"pair_id": f"p-{n:04d}", "claim_text": f"claim {n}", "edited_text": f"edit {n}",
            "duplicate": duplicate, "similarity": similarity, "edit_type": edit_type}


def test_cell_from_duplicate_and_similarity() -> None:
    assert pair_cell(_pair(1, True, 0.7, "a")) == "same_high"
    assert pair_cell(_pair(1, True, 0.69, "a")) == "same_low"
    assert pair_cell(_pair(1, False, 0.95, "a")) == "different_high"
    assert pair_cell(_pair(1, False, 0.1, "a")) == "different_low"
    assert pair_cell({**_pair(1, False, 0.1, "a"), "cell": "same_high"}) == "same_high"


def test_round_robin_spreads_over_groups() -> None:
    rows = [{"g": "a", "i": i} for i in range(10)] + [{"g": "b", "i": i} for i in range(2)]
    got = round_robin(rows, [lambda r: r["g"]], 4, random.Random(0))
    # a, b, a, b: both of b's rows are taken before a third of a's.
    assert [r["g"] for r in got] == ["a", "b", "a", "b"]


def test_only_new_items_are_sampled_and_no_label_reaches_the_reader() -> None:
    pairs = [_pair(n, n % 2 == 0, 0.5 + (n % 3) / 10, f"t{n % 4}") for n in range(160, 200)]
    chosen = select_pairs(pairs, "p-0165", 12)
    assert len(chosen) == 12 and all(p["pair_id"] > "p-0165" for p in chosen)
    assert len({pair_cell(p) for p in chosen}) == 4
    rows, key = blind_pairs(chosen)
    assert all(set(r) == {"blind_id", "claim", "other"} for r in rows)
    assert [k["pair_id"] for k in key] == [p["pair_id"] for p in chosen]
    edits = [{"contrast_id": f"x-{n:04d}", "edit_type": "a"} for n in range(260, 280)]
    assert all(r["contrast_id"] > "x-0268" for r in select_rows(edits, "x-0268", 50))
    assert len(select_rows(edits, "x-0268", 50)) == 11


def test_pair_agreement_hand_worked() -> None:
    # gold T T F F T F, read T F F T T F: 4 of 6 agree. Marginals gold 3/3, read 3/3:
    # expected agreement 1/2, kappa = (4/6 - 1/2) / (1/2) = 1/3.
    ids = [f"q-{i}" for i in range(6)]
    gold = dict(zip(ids, [True, True, False, False, True, False], strict=True))
    read = dict(zip(ids, [True, False, False, True, True, False], strict=True))
    cells = dict(zip(ids, ["same_high", "same_low", "different_low", "different_high",
                           "same_high", "different_low"], strict=True))
    result = compare_pairs(gold, read, cells, dict.fromkeys(ids, "t"),
                           {i: i.replace("q", "p") for i in ids})
    assert result["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert result["kappa"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["kappa"] == pytest.approx(
        cohen_kappa_score(list(gold.values()), list(read.values())), abs=1e-4)
    assert result["by_cell"]["same_low"] == {"pairs": 1, "accuracy": 0.0}
    assert result["by_cell"]["same_high"] == {"pairs": 2, "accuracy": 1.0}
    assert result["by_cell"]["different_high"] == {"pairs": 1, "accuracy": 0.0}
    assert [d["blind_id"] for d in result["disagreements"]] == ["q-1", "q-3"]
    lo, hi = result["kappa_ci95"]["lower"], result["kappa_ci95"]["upper"]
    assert lo <= result["kappa"] <= hi


def test_bad_pair_read_names_every_problem() -> None:
    sample = [{"blind_id": "q-1", "claim": "a", "other": "b"},
              {"blind_id": "q-2", "claim": "c", "other": "d"}]
    with pytest.raises(InvalidInputError) as err:
        check_pair_read(sample, [(1, {"blind_id": "q-1", "duplicate": "yes"}),
                                 (2, {"blind_id": "q-9", "duplicate": True}),
                                 (3, {"blind_id": "q-1", "claim": "zz", "duplicate": True})],
                        "read.jsonl")
    text = "\n".join(str(p) for p in err.value.problems)
    assert "duplicate must be true or false" in text
    assert "q-9" in text and "q-2" in text
