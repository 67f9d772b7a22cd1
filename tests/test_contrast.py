"""The contrast set: quote anchoring, the denial lexicon, every check with an invalid
fixture, and the released rows against an independent reading of the drafts.

The mini fixture carries a small contrast set (``tests/fixtures/mini/annotations/contrast``).
Each mutation below corrupts one thing in a private copy and names the problem (code,
file, line or id) it must cause.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import oracles
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from retold import errors as v
from retold.annotate.anchor import occurrences as anchor_occurrences
from retold.cli import main
from retold.describe.contrast import counts_markdown, lexicon_probe, prf
from retold.errors import InvalidInputError, Problem
from retold.io.contrast import parse_rules
from retold.text.denial import denial_words, has_denial_word
from retold.text.quotes import AMBIGUOUS, NOT_FOUND, find_quote, occurrences
from retold.validate import contrast
from retold.validate.checks import load_validated

MINI = Path(__file__).parent / "fixtures" / "mini"
EDITS = "annotations/contrast/edits.jsonl"
PAIRS = "annotations/contrast/pairs.jsonl"
RETIRED = "annotations/contrast/retired.json"
RULES = "annotations/CONTRAST.md"
STANDOFF_EDITS = "annotations/contrast/standoff/edits.jsonl"
STANDOFF_PAIRS = "annotations/contrast/standoff/pairs.jsonl"


# --------------------------------------------------------------------------------------
# Quotes and the lexicon.
# --------------------------------------------------------------------------------------
def test_anchor_and_the_contrast_drafts_share_one_quote_rule() -> None:
    assert anchor_occurrences is occurrences  # one implementation, not two that must agree


@pytest.mark.parametrize(("text", "quote", "boundary", "expected"), [
    ("Iran said Iranians said", "Iran", True, [0]),          # not inside "Iranians"
    ("Iran said Iranians said", "Iran", False, [0, 10]),
    ("ReplyDeleteAmong", "Among", True, []),                   # glued: needs boundary false
    ("ReplyDeleteAmong", "Among", False, [11]),
    ("a (b) a", "(b)", True, [2]),                             # punctuation edges need no gap
    ("said, said", "said", True, [0, 6]),
])
def test_occurrences_hand_worked(text: str, quote: str, boundary: bool,
                                 expected: list[int]) -> None:
    assert occurrences(text, quote, boundary) == expected


def test_find_quote_rules_hand_worked() -> None:
    text = "the officials said the officials said"
    assert find_quote(text, "said", occ=2).span == (33, 37)
    assert find_quote(text, "said").failure == AMBIGUOUS
    assert find_quote(text, "said", occ=3).failure == NOT_FOUND
    assert find_quote(text, "offic").failure == NOT_FOUND  # not at a word boundary
    assert find_quote(text, "offic", boundary=False, occ=1).span == (4, 9)
    assert find_quote(text, "nobody").failure == NOT_FOUND
    # Nearest to a span: "said" at 14 is nearer to (0, 13) than "said" at 33.
    assert find_quote(text, "said", near=(0, 13)).span == (14, 18)
    # Equally near on both sides is a tie.
    assert find_quote("said x said", "said", near=(5, 6)).failure == AMBIGUOUS


@pytest.mark.parametrize(("text", "words"), [
    ("Iran denies evacuating diplomats", ["denies"]),
    ("he has dismissed reports; a dismissal", ["dismissed", "dismissal"]),
    ("Tehran rejected claims, a rejection", ["rejected", "rejection"]),
    ("it refuted the report", ["refuted"]),
    ("the news is false, falsely reported", ["false", "falsely"]),
    ("it is untrue", ["untrue"]),
    ("The news is not true", ["not true"]),
    ("that isn’t true and that isn't true", ["n’t true", "n't true"]),
    ("baseless reports", ["baseless"]),
    ("Reports that X were wrong, mistaken, a fabrication", []),
    ("undeniable, dentist, notrue, truly", []),
    ("a false alarm; denied entry", ["false", "denied"]),
])
def test_denial_lexicon_hand_worked(text: str, words: list[str]) -> None:
    assert denial_words(text) == words
    assert has_denial_word(text) == bool(words)


def test_lexicon_probe_against_scikit_learn() -> None:
    rows = [
        {"text": "Iran denied it", "denied": True, "edit_type": "to_denied_lexical"},
        {"text": "Tehran said it was wrong", "denied": True, "edit_type": "to_denied_nonlexical"},
        {"text": "a man denied entry left", "denied": False, "edit_type": "distractor_denial_word"},
        {"text": "officials said it", "denied": False, "edit_type": "source_changed"},
        {"text": "it is not true", "denied": True, "edit_type": "to_denied_lexical"},
    ]
    gold = [r["denied"] for r in rows]
    predicted = [True, False, True, False, True]
    # Hand-worked: TP 2, FP 1, FN 1 -> P = R = 2/3, F1 = 2/3.
    probe = lexicon_probe(rows)
    assert probe["all rows"]["precision"] == pytest.approx(2 / 3)
    assert probe["all rows"]["f1"] == pytest.approx(f1_score(gold, predicted))
    assert probe["all rows"]["recall"] == pytest.approx(recall_score(gold, predicted))
    assert probe["denial edits"]["rows"] == 4  # source_changed is not a denial edit
    assert prf([False], [False])["f1"] == 0.0  # undefined -> 0.0, as scikit-learn's default
    assert prf([True, False], [True, True])["precision"] == pytest.approx(
        precision_score([True, False], [True, True]))


def test_rules_are_parsed_from_headings() -> None:
    rules = parse_rules("# T\n\n### C1. One\n\nEdit types: `a_b`, `c`\n\n### P2. Two\n"
                        "text\nEdit types: `d`\n## Part\nEdit types: `e`\n")
    assert rules == {"C1": ("a_b", "c"), "P2": ("d",)}


# --------------------------------------------------------------------------------------
# Helpers for corrupting a private copy of the mini fixture.
# --------------------------------------------------------------------------------------
@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def run(root: Path) -> list[Problem]:
    docs, annotations = load_validated(root / "corpus", root / "annotations", contrast=False)
    return contrast.check_contrast(root / "annotations", docs, annotations)


def edit_line(rel: str, number: int, change: Callable[[dict[str, Any]], None]) -> Callable[
        [Path], None]:
    """Apply ``change`` to the JSON object on line ``number`` (1-based) of a JSONL file."""
    def apply(root: Path) -> None:
        path = root / rel
        lines = path.read_text(encoding="utf-8").splitlines()
        obj = json.loads(lines[number - 1])
        change(obj)
        lines[number - 1] = json.dumps(obj, ensure_ascii=False)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return apply


def append_line(rel: str, raw: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8") + raw + "\n", encoding="utf-8")
    return apply


def delete_line(rel: str, number: int) -> Callable[[Path], None]:
    """Delete line ``number`` (1-based) of a JSONL file."""
    def apply(root: Path) -> None:
        path = root / rel
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        del lines[number - 1]
        path.write_text("".join(lines), encoding="utf-8")
    return apply


def registry(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    """Apply ``change`` to the contrast id registry (``contrast/retired.json``)."""
    def apply(root: Path) -> None:
        path = root / RETIRED
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return apply


def fifo(rel: str) -> Callable[[Path], None]:
    """Replace a file by a FIFO (reading it would block for ever)."""
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)
    return apply


def blind_agreement(raw: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / "annotations/contrast/blind/agreement.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(raw, encoding="utf-8")
    return apply


def set_text(row: dict[str, Any], old: str, new: str) -> None:
    """Change the edited text, its edit and its claim quote alike (so that only the
    intended check fires)."""
    row["edit"] = [[a, b.replace(old, new)] for a, b in row["edit"]]
    row["text"] = row["text"].replace(old, new)
    row["claim"] = row["claim"].replace(old, new)


@dataclass(frozen=True)
class Mutation:
    name: str
    code: str
    file: str
    where: str
    apply: Callable[[Path], None]


def _update(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update(values)


MUTATIONS: list[Mutation] = [
    Mutation("shape:bad-json", v.SHAPE, EDITS, "line 7", append_line(EDITS, "{not json")),
    Mutation("shape:unknown-key", v.SHAPE, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(stanse="asserted"))),
    Mutation("shape:missing-key", v.SHAPE, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, lambda r: r.pop("duplicate"))),
    Mutation("shape:wrong-type", v.SHAPE, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(occ="1"))),
    Mutation("shape:bad-edit", v.SHAPE, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(edit=[["may have"]]))),
    Mutation("shape:bad-link", v.SHAPE, EDITS, "line 3 x-0003",
             edit_line(EDITS, 3, lambda r: r["chain"][0].pop("cue"))),
    Mutation("shape:retired-item", v.SHAPE, RETIRED, "retired[0]",
             registry(lambda r: r.update(retired=[{"id": 7}]))),
    # The list of dataset 1.1.0 has no counts: it would not protect a single row.
    Mutation("shape:retired-list-form", v.SHAPE, RETIRED, "-",
             lambda root: (root / RETIRED).write_text(
                 '[{"id": "x-0007", "reason": "r"}]', encoding="utf-8")),
    Mutation("shape:retired-null", v.SHAPE, RETIRED, "-",
             lambda root: (root / RETIRED).write_text("null", encoding="utf-8")),
    Mutation("shape:issued-counter-too-large", v.SHAPE, RETIRED, "issued",
             registry(lambda r: r["issued"].update(x=10**9))),
    Mutation("shape:retired-twice", v.SHAPE, RETIRED, "x-0007",
             registry(lambda r: r["retired"].append(r["retired"][0]))),
    Mutation("shape:blind-agreement-null", v.SHAPE, "annotations/contrast/blind/agreement.json",
             "-", blind_agreement("null")),
    Mutation("missing-file:registry", v.MISSING_FILE, RETIRED, "-",
             lambda root: (root / RETIRED).unlink()),
    Mutation("missing-file:contrast-folder", v.MISSING_FILE, EDITS, "-",
             lambda root: shutil.rmtree(root / "annotations/contrast")),
    Mutation("missing-file:fifo", v.MISSING_FILE, EDITS, "-", fifo(EDITS)),
    Mutation("missing-file:rules-fifo", v.MISSING_FILE, RULES, "-", fifo(RULES)),
    Mutation("id-registry:edit-row-lost", v.ID_REGISTRY, EDITS, "x-0003", delete_line(EDITS, 3)),
    Mutation("id-registry:pair-row-lost", v.ID_REGISTRY, PAIRS, "p-0002", delete_line(PAIRS, 2)),
    Mutation("id-registry:never-issued", v.ID_REGISTRY, PAIRS, "line 2 p-0003",
             edit_line(PAIRS, 2, _update(pair_id="p-0003"))),
    Mutation("id-registry:retired-never-issued", v.ID_REGISTRY, RETIRED, "x-0008",
             registry(lambda r: r["retired"].append({"id": "x-0008", "reason": "r"}))),
    Mutation("bad-id:retired", v.BAD_ID, RETIRED, "000-c001",
             registry(lambda r: r["retired"].append({"id": "000-c001", "reason": "r"}))),
    Mutation("missing-file:pairs", v.MISSING_FILE, PAIRS, "-",
             lambda root: (root / PAIRS).unlink()),
    Mutation("missing-file:rules", v.MISSING_FILE, RULES, "-",
             lambda root: (root / RULES).unlink()),
    Mutation("bad-id:edit", v.BAD_ID, EDITS, "line 1",
             edit_line(EDITS, 1, _update(contrast_id="x-1"))),
    Mutation("bad-id:pair", v.BAD_ID, PAIRS, "line 2",
             edit_line(PAIRS, 2, _update(pair_id="x-0002"))),
    Mutation("duplicate-id:edit", v.DUPLICATE_ID, EDITS, "line 2",
             edit_line(EDITS, 2, _update(contrast_id="x-0001"))),
    Mutation("retired-id:edit", v.RETIRED_ID, EDITS, "line 6",
             edit_line(EDITS, 6, _update(contrast_id="x-0007"))),
    Mutation("unknown-label:edit-type", v.UNKNOWN_LABEL, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(edit_type="reported_to_rumoured"))),
    Mutation("unknown-label:stance", v.UNKNOWN_LABEL, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(stance="rumoured"))),
    Mutation("unknown-label:pair-type", v.UNKNOWN_LABEL, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(edit_type="hard_negative_mood"))),
    Mutation("unknown-rule:no-such-rule", v.UNKNOWN_RULE, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(rule="C99"))),
    Mutation("unknown-rule:wrong-type", v.UNKNOWN_RULE, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(rule="C4"))),
    Mutation("unknown-original:edit", v.UNKNOWN_ORIGINAL, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(original_claim_id="000-c099"))),
    Mutation("unknown-original:pair", v.UNKNOWN_ORIGINAL, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(claim_id="001-c099"))),
    Mutation("quote-not-found:claim", v.QUOTE_NOT_FOUND, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(claim="Officials evacuated staff on Friday"))),
    Mutation("quote-not-found:passage", v.QUOTE_NOT_FOUND, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, lambda r: r.update(
                 original="The bridge may have fallen.", text="The bridge has fallen.",
                 claim="The bridge has fallen"))),
    Mutation("quote-not-found:occ", v.QUOTE_NOT_FOUND, EDITS, "line 4 x-0004",
             edit_line(EDITS, 4, _update(occ=2))),
    Mutation("quote-not-found:cue", v.QUOTE_NOT_FOUND, EDITS, "line 5 x-0005",
             edit_line(EDITS, 5, lambda r: r["chain"][0].update(cue="reported"))),
    Mutation("quote-ambiguous:claim", v.QUOTE_AMBIGUOUS, EDITS, "line 4 x-0004",
             edit_line(EDITS, 4, lambda r: (
                 set_text(r, "confirms embassy evacuation", "confirms embassy evacuation: "
                                                            "embassy evacuation")))),
    # The cue "said" 14 characters before the claim and 14 after it: a tie.
    Mutation("quote-ambiguous:cue", v.QUOTE_AMBIGUOUS, EDITS, "line 3 x-0003",
             edit_line(EDITS, 3, lambda r: set_text(r, "were wrong.", "were wrongly said."))),
    Mutation("edit-mismatch:text", v.EDIT_MISMATCH, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(text="The bridge has collapsed!"))),
    Mutation("edit-mismatch:old-twice", v.EDIT_MISMATCH, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(edit=[["the", "a"]]))),
    Mutation("edit-mismatch:unchanged", v.EDIT_MISMATCH, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(edit=[["may", "may"]], text="The bridge may have "
                                                                      "collapsed.",
                                         claim="The bridge may have collapsed"))),
    Mutation("edit-mismatch:pair", v.EDIT_MISMATCH, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(edited_text="the mission continues its work"))),
    Mutation("passage-mismatch:claim-outside", v.PASSAGE_MISMATCH, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(original_claim_id="000-c001"))),
    Mutation("passage-mismatch:boilerplate", v.PASSAGE_MISMATCH, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, lambda r: r.update(
                 original="ReplyDelete\nThe bridge may have collapsed.",
                 text="ReplyDelete\nThe bridge has collapsed."))),
    Mutation("not-token-aligned:claim", v.NOT_TOKEN_ALIGNED, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(claim="Officials evacuated staff from the embassy on "
                                               "Frid", boundary=False))),
    Mutation("span-overlap:mention-in-claim", v.SPAN_OVERLAP, EDITS, "line 5 x-0005",
             edit_line(EDITS, 5, _update(claim="Officials evacuated staff from the embassy on "
                                               "Friday, two officials"))),
    Mutation("crosses-line:text", v.CROSSES_LINE, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(edit=[["may have collapsed.", "has collapsed.\nIt did."]],
                                         text="The bridge has collapsed.\nIt did."))),
    Mutation("crosses-line:pair", v.CROSSES_LINE, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(edited_text="   "))),
    Mutation("unknown-source:registry", v.UNKNOWN_SOURCE, EDITS, "line 3 x-0003",
             edit_line(EDITS, 3, lambda r: r["chain"][0].update(source="nobody"))),
    Mutation("unknown-source:author", v.UNKNOWN_SOURCE, EDITS, "line 3 x-0003",
             edit_line(EDITS, 3, lambda r: r["chain"][0].update(source="author"))),
    Mutation("stance-source-mismatch:asserted", v.STANCE_SOURCE_MISMATCH, EDITS, "line 5 x-0005",
             edit_line(EDITS, 5, _update(stance="asserted"))),
    Mutation("stance-source-mismatch:reported", v.STANCE_SOURCE_MISMATCH, EDITS,
             "line 1 x-0001", edit_line(EDITS, 1, _update(stance="reported"))),
    Mutation("edit-type-mismatch:transition", v.EDIT_TYPE_MISMATCH, EDITS, "line 2 x-0002",
             edit_line(EDITS, 2, _update(stance="hedged"))),
    Mutation("edit-type-mismatch:lexical", v.EDIT_TYPE_MISMATCH, EDITS, "line 3 x-0003",
             edit_line(EDITS, 3, lambda r: set_text(r, "were wrong", "were false"))),
    Mutation("edit-type-mismatch:distractor", v.EDIT_TYPE_MISMATCH, EDITS, "line 6 x-0006",
             edit_line(EDITS, 6, lambda r: set_text(r, "long denied repairs", "long neglected"))),
    Mutation("edit-type-mismatch:chain", v.EDIT_TYPE_MISMATCH, EDITS, "line 5 x-0005",
             edit_line(EDITS, 5, lambda r: r["chain"][0].update(source="ministry"))),
    Mutation("pair-label-mismatch:negative", v.PAIR_LABEL_MISMATCH, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(duplicate=True))),
    Mutation("pair-label-mismatch:positive", v.PAIR_LABEL_MISMATCH, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(duplicate=False))),
    Mutation("pair-surface:negative", v.PAIR_SURFACE, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(edited_text="Staff left the embassy on Monday"))),
    Mutation("pair-surface:positive", v.PAIR_SURFACE, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(edited_text="the mission continues its work today"))),
    # The 2x2 cells (schema.CONTRAST_PAIR_EDIT_CELLS): same_* is duplicate at high overlap,
    # different_* is not a duplicate at low overlap.
    Mutation("pair-label-mismatch:same", v.PAIR_LABEL_MISMATCH, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(
                 edit_type="same_synonym", rule="P3",
                 edited_text="Officials evacuated employees from the embassy on Friday"))),
    Mutation("pair-surface:same", v.PAIR_SURFACE, PAIRS, "line 1 p-0001",
             edit_line(PAIRS, 1, _update(
                 edit_type="same_synonym", rule="P3", duplicate=True,
                 edited_text="On Friday the mission's employees were taken out"))),
    Mutation("pair-label-mismatch:different", v.PAIR_LABEL_MISMATCH, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(edit_type="different_paraphrase_polarity",
                                         rule="P4", edited_text="the embassy has stopped"))),
    Mutation("pair-surface:different", v.PAIR_SURFACE, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(
                 edit_type="different_paraphrase_polarity", rule="P4", duplicate=False,
                 edited_text="the mission no longer continues its work"))),
    # The drafts are anchored once (retold anchor --contrast) into contrast/standoff/.
    Mutation("stale-standoff:edited-draft", v.STALE_STANDOFF, EDITS, "line 1 x-0001",
             edit_line(EDITS, 1, _update(note="edited after anchoring"))),
    Mutation("stale-standoff:edited-pair", v.STALE_STANDOFF, PAIRS, "line 2 p-0002",
             edit_line(PAIRS, 2, _update(note="edited after anchoring"))),
    Mutation("stale-standoff:never-anchored", v.STALE_STANDOFF, EDITS, "line 3 x-0003",
             lambda root: (root / STANDOFF_EDITS).unlink()),
    Mutation("stale-standoff:standoff-edited-by-hand", v.STALE_STANDOFF, EDITS,
             "line 2 x-0002", edit_line(STANDOFF_EDITS, 2, _update(stance="reported"))),
    Mutation("stale-standoff:no-draft-line", v.STALE_STANDOFF, STANDOFF_PAIRS, "line 3 p-0009",
             lambda root: append_line(STANDOFF_PAIRS, (root / STANDOFF_PAIRS).read_text(
                 encoding="utf-8").splitlines()[0].replace("p-0001", "p-0009"))(root)),
]


def test_mini_contrast_set_is_valid() -> None:
    assert run(MINI) == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_corruption_is_reported(mini: Path, mutation: Mutation) -> None:
    mutation.apply(mini)
    problems = run(mini)
    assert problems, "the corruption went unnoticed"
    assert problems == sorted(problems)
    hits = [p for p in problems if p.code == mutation.code]
    assert hits, f"no {mutation.code} problem; got:\n" + "\n".join(map(str, problems))
    assert any(p.file.endswith(mutation.file) and mutation.where in p.where for p in hits), (
        f"no {mutation.code} problem names {mutation.file} / {mutation.where}; got:\n"
        + "\n".join(map(str, hits)))
    assert all(p.message for p in hits)
    declared = set(v.CODES) | set(v.CONTRAST_CODES)
    assert {p.code for p in problems} <= declared


# --------------------------------------------------------------------------------------
# Checks on anchored records (what no draft can produce except by a bug).
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mini_set() -> tuple[contrast.ContrastSet, contrast.Context]:
    docs, annotations = load_validated(MINI / "corpus", MINI / "annotations")
    return (contrast.load_contrast_or_raise(MINI / "annotations", docs, annotations),
            contrast.Context.of(docs, annotations))


def _edit(mini_set: tuple[contrast.ContrastSet, contrast.Context], contrast_id: str,
          ) -> contrast.ContrastEdit:
    return next(r for r in mini_set[0].edits if r.contrast_id == contrast_id)


RECORD_MUTATIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("offset-out-of-range", v.OFFSET_OUT_OF_RANGE, "x-0005", {"end": 999}),
    ("offset-out-of-range:empty", v.OFFSET_OUT_OF_RANGE, "x-0005", {"end": 0, "start": 0}),
    ("span-text-mismatch", v.SPAN_TEXT_MISMATCH, "x-0005", {"claim_text": "Officials"}),
    ("doc-mismatch", v.DOC_MISMATCH, "x-0005", {"doc_id": "001-mini-denial"}),
    ("fold-mismatch", v.FOLD_MISMATCH, "x-0005", {"fold": 1}),
    ("chain-source-mismatch", v.CHAIN_SOURCE_MISMATCH, "x-0005", {"source": "daily-planet"}),
    ("chain-source-mismatch:author", v.CHAIN_SOURCE_MISMATCH, "x-0001", {"source": "ministry"}),
]


@pytest.mark.parametrize(("name", "code", "contrast_id", "change"), RECORD_MUTATIONS,
                         ids=[m[0] for m in RECORD_MUTATIONS])
def test_each_record_corruption_is_reported(
        mini_set: tuple[contrast.ContrastSet, contrast.Context], name: str, code: str,
        contrast_id: str, change: dict[str, Any]) -> None:
    record = dataclasses.replace(_edit(mini_set, contrast_id), **change)
    assert contrast.check_edit_records([_edit(mini_set, contrast_id)], mini_set[1]) == []
    problems = contrast.check_edit_records([record], mini_set[1])
    assert code in {p.code for p in problems}, problems
    assert all(contrast_id in p.where for p in problems)


@pytest.mark.parametrize(("code", "change"), [(v.DOC_MISMATCH, {"doc_id": "000-mini-report"}),
                                               (v.FOLD_MISMATCH, {"fold": 0})])
def test_pair_record_corruption_is_reported(
        mini_set: tuple[contrast.ContrastSet, contrast.Context], code: str,
        change: dict[str, Any]) -> None:
    pair = next(p for p in mini_set[0].pairs if p.pair_id == "p-0002")
    assert contrast.check_pair_records([pair], mini_set[1]) == []
    problems = contrast.check_pair_records([dataclasses.replace(pair, **change)], mini_set[1])
    assert [p.code for p in problems] == [code]


def test_every_contrast_code_has_an_invalid_fixture() -> None:
    tested = {m.code for m in MUTATIONS} | {m[1] for m in RECORD_MUTATIONS}
    assert set(v.CONTRAST_CODES) <= tested, sorted(set(v.CONTRAST_CODES) - tested)
    assert not set(v.CONTRAST_CODES) & set(v.CODES)
    assert all(m.name.split(":")[0] == m.code for m in MUTATIONS)
    assert all(m[0].split(":")[0] == m[1] for m in RECORD_MUTATIONS)


def test_every_code_the_contrast_checks_use_is_documented() -> None:
    doc = contrast.__doc__ or ""
    for code in {m.code for m in MUTATIONS} | {m[1] for m in RECORD_MUTATIONS}:
        assert f"``{code}``" in doc, code


def test_every_problem_is_reported_with_its_line(mini: Path) -> None:
    edit_line(EDITS, 1, _update(rule="C99", stance="rumoured"))(mini)
    edit_line(EDITS, 4, _update(claim="no such words"))(mini)
    edit_line(PAIRS, 2, _update(duplicate=False))(mini)
    problems = run(mini)
    assert {(p.code, p.where) for p in problems} >= {
        (v.UNKNOWN_RULE, "line 1 x-0001"), (v.UNKNOWN_LABEL, "line 1 x-0001"),
        (v.QUOTE_NOT_FOUND, "line 4 x-0004"), (v.PAIR_LABEL_MISMATCH, "line 2 p-0002")}
    with pytest.raises(InvalidInputError) as err:
        docs, annotations = load_validated(mini / "corpus", mini / "annotations")
        contrast.load_contrast_or_raise(mini / "annotations", docs, annotations)
    assert len(err.value.problems) == len(problems)


def test_cli_validate_reports_contrast_problems(mini: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    edit_line(PAIRS, 1, _update(duplicate=True))(mini)
    code = main(["validate", "--corpus", str(mini / "corpus"),
                 "--annotations", str(mini / "annotations")])
    out = capsys.readouterr().out
    assert code == 1
    assert "pairs.jsonl: line 1 p-0001: [pair-label-mismatch]" in out


def test_a_set_without_contrast_folder_has_nothing_to_check(mini: Path) -> None:
    shutil.rmtree(mini / "annotations" / "contrast")
    (mini / RULES).unlink()  # with either of the two, the set has a contrast set
    assert run(mini) == []


# --------------------------------------------------------------------------------------
# The released rows against the drafts, read independently.
# --------------------------------------------------------------------------------------
def check_contrast_release(release: Path, corpus: Path, annotations: Path) -> int:
    """Compare the contrast configs with the drafts, read as plain JSON; return rows seen."""
    texts = oracles.corpus_texts(corpus)
    folds = {r["doc_id"]: i for i, r in enumerate(oracles.manifest(corpus))}
    claims = oracles.claims_by_id(annotations)
    drafts = {}
    for line in (annotations / "contrast" / "edits.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            drafts[row["contrast_id"]] = row
    rows = oracles.release_rows(release, "contrast")
    assert sorted(r["contrast_id"] for r in rows) == sorted(drafts)
    for r in rows:
        d = drafts[r["contrast_id"]]
        doc_id, claim = claims[d["original_claim_id"]]
        assert (r["doc_id"], r["fold"]) == (doc_id, folds[doc_id])
        assert (r["text"], r["claim_text"], r["stance"]) == (d["text"], d["claim"], d["stance"])
        assert r["text"][r["start"]:r["end"]] == d["claim"]
        assert texts[doc_id][r["passage_start"]:r["passage_end"]] == d["original"]
        assert r["passage_start"] <= claim["start"] < claim["end"] <= r["passage_end"]
        assert (r["original_stance"], r["original_source"]) == (claim["stance"], claim["source"])
        assert r["source_chain"] == [link["source"] for link in d["chain"]]
        assert r["source"] == (d["chain"][-1]["source"] if d["chain"] else oracles.AUTHOR)
        assert r["attributed"] == bool(d["chain"])
        assert r["denied"] == (d["stance"] == "denied")
        for link, out in zip(d["chain"], r["chain"], strict=True):
            for key, start, end in (("mention", "source_start", "source_end"),
                                    ("cue", "cue_start", "cue_end")):
                if link[key] is None:
                    assert (out[start], out[end]) == (-1, -1)
                else:
                    assert r["text"][out[start]:out[end]] == link[key]
    pairs = oracles.release_rows(release, "contrast_pairs")
    lines = (annotations / "contrast" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    pair_drafts = {p["pair_id"]: p for p in map(json.loads, filter(str.strip, lines))}
    assert sorted(p["pair_id"] for p in pairs) == sorted(pair_drafts)
    for p in pairs:
        d = pair_drafts[p["pair_id"]]
        doc_id, claim = claims[d["claim_id"]]
        assert (p["doc_id"], p["fold"], p["cluster_id"]) == (doc_id, folds[doc_id],
                                                              claim["cluster"])
        assert (p["claim_text"], p["edited_text"], p["duplicate"]) == (
            claim["text"], d["edited_text"], d["duplicate"])
        expected = oracles.dice(oracles.reuse_tokens(claim["text"]),
                                oracles.reuse_tokens(d["edited_text"]))
        assert p["similarity"] == pytest.approx(expected, abs=1e-6)
    return len(rows) + len(pairs)


def test_mini_release_contrast_rows_match_the_drafts(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    release, counts = mini_release
    assert check_contrast_release(release, MINI / "corpus", MINI / "annotations") == 8
    assert (counts["contrast"], counts["contrast_pairs"]) == (6, 2)


def test_mini_release_contrast_offsets_hand_worked(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    rows = {r["contrast_id"]: r for r in oracles.release_rows(mini_release[0], "contrast")}
    # "The ministry said reports that the mission continues its work were wrong."
    #  0           12 13  17       26   31                            61
    row = rows["x-0003"]
    assert (row["start"], row["end"]) == (31, 61)
    assert (row["source_start"], row["source_end"], row["cue_start"], row["cue_end"]) == (
        0, 12, 13, 17)
    # The bridge sentence starts after line 1 (102 characters), "\n", "ReplyDelete", "\n".
    assert (rows["x-0002"]["passage_start"], rows["x-0002"]["passage_end"]) == (115, 145)


def test_counts_markdown_hand_counted(mini_release: tuple[Path, dict[str, int]]) -> None:
    edits = oracles.release_rows(mini_release[0], "contrast")
    pairs = oracles.release_rows(mini_release[0], "contrast_pairs")
    text = counts_markdown(edits, pairs)
    assert "| stance and attribution edits (`contrast`) | 6 |" in text
    assert "| denied edits without any denial word | 1 |" in text  # x-0003 only
    assert "| `reported` | 1 | 1 | 0 | 1 | 3 |" in text  # x-0001, x-0005, x-0003
    # Lexicon: x-0006 ("denied repairs") is predicted denied but is not; x-0003 is missed.
    assert "| all rows | 6 | 1 | 1 | 0.000 | 0.000 | 0.000 |" in text
