"""Tests of ``retold.io.ids``: the id form, the registry, ``retold next-id``, the
annotator's workflow (add, remove, retire), and sentence ids that do not move."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from retold.build.rows import tokens_rows
from retold.cli import main
from retold.errors import ID_REGISTRY, InvalidInputError
from retold.io.ids import (
    REGISTRY_FILE,
    format_id,
    issue_id,
    load_registry,
    parse_id,
    sentence_id,
)
from retold.io.standoff import Claim
from retold.validate.checks import load_validated, validate

MINI = Path(__file__).parent / "fixtures" / "mini"
DOC = "000-mini-report"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private copy of the mini fixture (corpus/, annotations/, drafts/)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def test_id_form_by_hand() -> None:
    assert format_id("004-state-media", "c", 7) == "004-c007"
    assert format_id("004-state-media", "b", 3) == "004-b03"
    assert format_id("004-state-media", "c", 1234) == "004-c1234"
    assert parse_id("004-c1234", "004-state-media") == ("c", 1234)
    assert parse_id("004-q16", "004-state-media", "q") == ("q", 16)
    assert sentence_id("004-state-media", 1282) == "004-t01282"
    assert sentence_id("000-mini-report", 0) == "000-t00000"


@pytest.mark.parametrize("bad", ["004-c07", "004-c0007", "003-c007", "004-z007", "004c007",
                                 "004-c", "004-c-01"])
def test_parse_id_refuses_other_forms(bad: str) -> None:
    with pytest.raises(ValueError, match=repr(bad)):
        parse_id(bad, "004-state-media")


def test_the_mini_registry_lists_what_is_in_use() -> None:
    registry = load_registry(MINI / "annotations" / REGISTRY_FILE, [])
    assert registry is not None
    entry = registry[DOC]
    assert entry is not None
    # By hand from tests/fixtures/mini/annotations/docs/000-mini-report.json.
    assert entry.issued == {"b": 1, "c": 2, "q": 2, "s": 2}
    assert entry.retired == ()


def test_issue_id_counts_up_and_records(mini: Path) -> None:
    path = mini / "annotations" / REGISTRY_FILE
    assert issue_id(path, DOC, "claim") == "000-c003"
    assert issue_id(path, DOC, "c") == "000-c004"
    assert issue_id(path, DOC, "cue") == "000-q03"
    assert issue_id(path, "002-new", "boilerplate") == "002-b01"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[DOC] == {"issued": {"b": 1, "c": 4, "q": 3, "s": 2}, "retired": []}
    assert data["002-new"] == {"issued": {"b": 1, "c": 0, "q": 0, "s": 0}, "retired": []}


def test_issue_id_refuses_a_broken_registry(mini: Path) -> None:
    path = mini / "annotations" / REGISTRY_FILE
    path.write_text('{"000-mini-report": {"issued": {}}}', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="shape"):
        issue_id(path, DOC, "claim")
    with pytest.raises(ValueError, match="unknown id kind 'sentence'"):
        issue_id(path, DOC, "sentence")
    with pytest.raises(InvalidInputError, match="does not exist"):
        issue_id(mini / "nowhere" / REGISTRY_FILE, DOC, "claim")


def test_cli_next_id(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["next-id", "--corpus", str(mini / "corpus"), "--annotations",
            str(mini / "annotations")]
    assert main([*args, DOC, "mention"]) == 0
    assert capsys.readouterr().out == "000-s03\n"
    assert main([*args, "999-ghost", "claim"]) == 2
    assert "unknown doc id '999-ghost'" in capsys.readouterr().err


def _anchor(root: Path, doc_id: str) -> int:
    return main(["anchor", str(root / "drafts" / f"{doc_id}.jsonl"), "--corpus",
                 str(root / "corpus"), "--doc-id", doc_id, "--out",
                 str(root / "annotations" / "docs" / f"{doc_id}.json")])


def _codes(root: Path) -> list[tuple[str, str]]:
    """The id problems of the natural annotations (the contrast rows edited from a claim
    that the workflow splits are checked by tests/test_contrast.py)."""
    return [(p.code, p.where) for p in validate(root / "corpus", root / "annotations",
                                                contrast=False)]


def _write_draft(root: Path, doc_id: str, items: list[dict]) -> None:
    (root / "drafts" / f"{doc_id}.jsonl").write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def _draft(root: Path, doc_id: str) -> list[dict]:
    text = (root / "drafts" / f"{doc_id}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_the_annotators_workflow(mini: Path) -> None:
    """Add a claim with a new id, remove one, retire its id, try to reuse it."""
    doc = "001-mini-denial"
    items = _draft(mini, doc)
    registry_path = mini / "annotations" / REGISTRY_FILE
    new_id = issue_id(registry_path, doc, "claim")
    assert new_id == "001-c004"
    # Split "the mission continues its work": the first part keeps 001-c002.
    head = next(i for i in items if i["id"] == "001-c002")
    tail = {**head, "id": new_id, "claim": "its work"}
    head["claim"] = "the mission continues"
    _write_draft(mini, doc, [*items, tail])
    assert _anchor(mini, doc) == 0
    assert _codes(mini) == []
    # Remove the headline claim: its id (and its mention and cue) must be retired.
    items = [i for i in _draft(mini, doc) if i.get("id") != "001-c001"]
    _write_draft(mini, doc, items)
    assert _anchor(mini, doc) == 0
    assert _codes(mini) == [(ID_REGISTRY, "001-c001"), (ID_REGISTRY, "001-q01"),
                            (ID_REGISTRY, "001-s01")]
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    registry[doc]["retired"] = ["001-c001", "001-q01", "001-s01"]
    registry_path.write_text(json.dumps(registry), encoding="utf-8")
    assert _codes(mini) == []
    # A retired id never comes back.
    items[-1]["id"] = "001-c001"
    _write_draft(mini, doc, items)
    assert _anchor(mini, doc) == 0
    assert _codes(mini) == [(ID_REGISTRY, "001-c001"), (ID_REGISTRY, "001-c004")]
    found = validate(mini / "corpus", mini / "annotations", contrast=False)
    assert "is retired in ids.json and may never be used again" in found[0].message


def test_sentence_ids_come_from_offsets_and_do_not_move() -> None:
    docs, annotations = load_validated(MINI / "corpus", MINI / "annotations")
    rows = tokens_rows(docs, annotations)
    # By hand from the mini texts: the sentences of 000 start at 0, 103 and 115.
    assert [r["sentence_id"] for r in rows[:3]] == ["000-t00000", "000-t00103", "000-t00115"]
    assert all(r["sentence_id"] == f"{r['doc_id'][:3]}-t{r['start']:05d}" for r in rows)
    # A claim across the split point after "its work." joins two sentences of 001; the
    # sentence after them ("Read Entire Article") keeps its id, unlike a running number.
    text = docs[1].text
    start, end = text.index("its work"), text.index("The news") + len("The news")
    across = Claim(id="001-c009", start=start, end=end, text=text[start:end],
                   stance="asserted", cluster="x", source="author", chain=(), note="")
    bare = replace(annotations.docs[1], claims=(), source_mentions=(), cues=())
    before = tokens_rows(docs, replace(annotations, docs=(bare,)))
    after = tokens_rows(docs, replace(annotations, docs=(replace(bare, claims=(across,)),)))
    assert len(after) == len(before) - 1
    joined = text.index("“The news")
    assert {r["sentence_id"]: r["start"] for r in after} == {
        r["sentence_id"]: r["start"] for r in before if r["start"] != joined}
    assert before[-1]["start"] == text.index("Read Entire Article")


def test_next_id_peek_writes_nothing(tmp_path: Path) -> None:
    from retold.io.ids import issue_id

    registry = tmp_path / "ids.json"
    registry.write_text('{"004-state-media": {"issued": {"b": 3, "c": 21, "q": 9, "s": 14}, '
                        '"retired": []}}\n', encoding="utf-8")
    before = registry.read_bytes()
    assert issue_id(registry, "004-state-media", "claim", peek=True) == "004-c022"
    assert registry.read_bytes() == before
    assert issue_id(registry, "004-state-media", "claim") == "004-c022"
    assert issue_id(registry, "004-state-media", "claim", peek=True) == "004-c023"
