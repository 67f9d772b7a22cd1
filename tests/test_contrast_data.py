"""The committed contrast set meets issue 7's requirements, read from the committed release
without retold's code (pyarrow and the drafts as plain JSON), and its generated files and
blind sample are up to date."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import oracles
import pytest
from test_contrast import check_contrast_release

from retold.describe import contrast as describe_contrast
from retold.schema import (
    CONTRAST_EDIT_TYPES,
    CONTRAST_PAIR_EDIT_CELLS,
    CONTRAST_PAIR_EDIT_TYPES,
    STANCES,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
RELEASE = ROOT / "release"
BLIND = ANNOTATIONS / "contrast" / "blind"

# The denial words, "in any form", written out again here (not imported).
DENIAL = re.compile(r"\b(den(y|ies|ied|ying|ial)|dismiss|reject|refut|false|untrue|baseless)"
                    r"|not\s+true|n['’]t\s+true", re.IGNORECASE)


@pytest.fixture(scope="module")
def edits() -> list[dict]:
    return oracles.release_rows(RELEASE, "contrast")


@pytest.fixture(scope="module")
def pairs() -> list[dict]:
    return oracles.release_rows(RELEASE, "contrast_pairs")


def test_release_rows_match_the_drafts() -> None:
    assert check_contrast_release(RELEASE, CORPUS, ANNOTATIONS) > 350


def test_sizes_and_coverage_of_the_edits(edits: list[dict]) -> None:
    claims = oracles.claims_by_id(ANNOTATIONS)
    assert len(edits) >= 200
    assert {r["doc_id"] for r in edits} == {r["doc_id"] for r in oracles.manifest(CORPUS)}
    assert {claims[r["original_claim_id"]][1]["stance"] for r in edits} == set(STANCES)
    assert {r["stance"] for r in edits} == set(STANCES)
    assert {r["edit_type"] for r in edits} == set(CONTRAST_EDIT_TYPES)
    nonlexical = [r for r in edits if r["denied"] and not DENIAL.search(r["text"])]
    lexical = [r for r in edits if r["denied"] and DENIAL.search(r["text"])]
    distractors = [r for r in edits if r["edit_type"].startswith("distractor_")]
    assert len(nonlexical) >= 30
    assert len(lexical) >= 20
    assert len(distractors) >= 30
    # Every distractor keeps the original's stance; every denial-word distractor has a
    # denial word in its passage.
    for r in distractors:
        assert r["stance"] == claims[r["original_claim_id"]][1]["stance"], r["contrast_id"]
    for r in edits:
        if r["edit_type"] == "distractor_denial_word":
            assert DENIAL.search(r["text"]), r["contrast_id"]


def test_sizes_and_coverage_of_the_pairs(pairs: list[dict]) -> None:
    """The 2x2 design of issue 14: both labels at both overlap levels, each cell >= 80 pairs
    from every document, every slot type changed at both levels."""
    assert len(pairs) >= 320
    assert {p["edit_type"] for p in pairs} == set(CONTRAST_PAIR_EDIT_TYPES)
    docs = {r["doc_id"] for r in oracles.manifest(CORPUS)}
    cells: dict[tuple[bool, bool], list[dict]] = {}
    for p in pairs:
        # High overlap: the card's 0.7 threshold on the released similarity column.
        high = p["similarity"] >= oracles.NEAR_VERBATIM_MIN - 1e-6
        cells.setdefault((p["duplicate"], high), []).append(p)
    assert sorted(cells) == [(False, False), (False, True), (True, False), (True, True)]
    for cell, rows in cells.items():
        assert len(rows) >= 80, cell
        assert {p["doc_id"] for p in rows} == docs, cell
    for slot in ("actor", "place", "quantity", "time", "action", "scope", "polarity"):
        assert any(p["edit_type"] == f"hard_negative_{slot}" for p in cells[(False, True)])
        assert any(p["edit_type"] == f"different_paraphrase_{slot}"
                   for p in cells[(False, False)])


def test_every_pair_edit_type_has_its_cell() -> None:
    assert set(CONTRAST_PAIR_EDIT_CELLS) == set(CONTRAST_PAIR_EDIT_TYPES)
    assert {CONTRAST_PAIR_EDIT_CELLS[t] for t in CONTRAST_PAIR_EDIT_TYPES} == {
        (True, True), (True, False), (False, True), (False, False)}


def test_ids_are_unique_and_none_is_retired(edits: list[dict], pairs: list[dict]) -> None:
    ids = [r["contrast_id"] for r in edits] + [p["pair_id"] for p in pairs]
    assert len(ids) == len(set(ids))
    retired = {r["id"] for r in json.loads((ANNOTATIONS / "contrast" / "retired.json")
                                           .read_text(encoding="utf-8"))["retired"]}
    assert not retired & set(ids)


def test_the_registry_counts_every_row_and_retired_id(edits: list[dict],
                                                       pairs: list[dict]) -> None:
    """Ids run 1..issued per kind, each in a row or retired: a lost row is an error."""
    registry = json.loads((ANNOTATIONS / "contrast" / "retired.json").read_text(encoding="utf-8"))
    retired = [r["id"] for r in registry["retired"]]
    for letter, ids in (("x", [r["contrast_id"] for r in edits]),
                        ("p", [p["pair_id"] for p in pairs])):
        held = sorted(ids + [r for r in retired if r.startswith(letter + "-")])
        assert held == [f"{letter}-{n:04d}" for n in range(1, registry["issued"][letter] + 1)]


def test_contrast_md_counts_are_up_to_date() -> None:
    assert describe_contrast.main(["--corpus", str(CORPUS), "--annotations",
                                   str(ANNOTATIONS), "--check"]) == 0


def test_card_has_the_contrast_section() -> None:
    card = (RELEASE / "README.md").read_text(encoding="utf-8")
    assert "## Contrast sets (`contrast`, `contrast_pairs`)" in card
    assert "### Blind agreement" in card


def test_blind_sample_shows_only_the_passage_and_span(edits: list[dict]) -> None:
    by_id = {r["contrast_id"]: r for r in edits}
    sample = [json.loads(x) for x in (BLIND / "sample.jsonl").read_text("utf-8").splitlines()]
    key = {k["blind_id"]: k["contrast_id"]
           for k in json.loads((BLIND / "key.json").read_text("utf-8"))["rows"]}
    assert len(sample) >= 70
    assert sorted(key) == sorted(r["blind_id"] for r in sample)
    # Rows dropped after the blind read (the read showed their intended label wrong or
    # ambiguous) stay in the sample as it was drawn; each must be retired, never silently gone.
    retired = {r["id"] for r in json.loads((ANNOTATIONS / "contrast" / "retired.json")
                                           .read_text(encoding="utf-8"))["retired"]}
    dropped = {key[r["blind_id"]] for r in sample} - set(by_id)
    assert dropped <= retired
    sample = [r for r in sample if key[r["blind_id"]] in by_id]
    chosen = [by_id[key[r["blind_id"]]] for r in sample]
    for row, r in zip(sample, chosen, strict=True):
        assert set(row) == {"blind_id", "text", "claim_start", "claim_end", "claim", "marked"}
        assert (row["text"], row["claim_start"], row["claim_end"]) == (r["text"], r["start"],
                                                                       r["end"])
        assert row["claim"] == r["text"][r["start"]:r["end"]]
        assert row["marked"].replace("⟦", "").replace("⟧", "") == r["text"]
    assert set(Counter(r["edit_type"] for r in chosen)) == set(CONTRAST_EDIT_TYPES)
    assert {r["stance"] for r in chosen} == set(STANCES)
    assert {r["rule"] for r in chosen} == {r["rule"] for r in edits}
