"""Imports of edited contrast passages, pairs and nested claims, on the real corpus.

Each test edits an export the way a tool would (the file as Label Studio or INCEpTION
writes it), imports it, and checks the written files against the committed ones read
here as text and JSON: exactly the edited line changes, and the validator (the contrast
checks included) reports exactly what the edit broke.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.errors import InvalidInputError
from retold.export.run import export_annotations, import_annotations

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"


def _export(fmt: str, tmp_path: Path) -> Path:
    out = tmp_path / "export"
    export_annotations(fmt, CORPUS, ANNOTATIONS, out)
    return out


def _lines(folder: Path, name: str) -> list[str]:
    return (folder / "contrast" / name).read_text(encoding="utf-8").splitlines()


def _changed(name: str, back: Path) -> dict[str, tuple[dict, dict]]:
    """The lines of a contrast file that differ from the committed one, by row id."""
    out = {}
    for old, new in zip(_lines(ANNOTATIONS, name), _lines(back, name), strict=True):
        if old != new:
            a, b = json.loads(old), json.loads(new)
            out[a.get("contrast_id") or a["pair_id"]] = (a, b)
    return out


def _tasks(folder: Path, name: str) -> list[dict]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _save(folder: Path, name: str, tasks: list[dict]) -> None:
    (folder / name).write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")


def _codes(problems: list) -> set[tuple[str, str]]:
    return {(p.code, p.where.split()[-1]) for p in problems}


# --------------------------------------------------------------------------------------
# Label Studio.
# --------------------------------------------------------------------------------------
def test_label_studio_stance_of_a_contrast_passage(tmp_path: Path) -> None:
    """A distractor keeps its original's stance by definition: relabelling it denied is
    imported as written, and the contrast checks refuse it."""
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "contrast_tasks.json")
    task = next(t for t in tasks if t["data"]["contrast_id"] == "x-0011")
    for region in task["predictions"][0]["result"]:
        if region.get("id") == "x-0011" and region["from_name"] == "claim":
            region["value"]["labels"] = ["denied"]
    # Label Studio keeps the accepted pre-annotation as an annotation: that one is read.
    task["annotations"] = [{"id": 1, "result": task["predictions"][0]["result"],
                            "was_cancelled": False}]
    _save(out, "contrast_tasks.json", tasks)
    result = import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    changed = _changed("edits.jsonl", tmp_path / "back")
    assert list(changed) == ["x-0011"]
    before, after = changed["x-0011"]
    assert after == {**before, "stance": "denied"}
    committed = (ROOT / "annotations" / "contrast" / "edits.jsonl").read_text("utf-8")
    line = next(i for i, raw in enumerate(committed.splitlines(), start=1)
                if json.loads(raw)["contrast_id"] == "x-0011")
    assert [(p.code, p.where) for p in result.problems] == [("edit-type-mismatch",
                                                             f"line {line} x-0011")]
    assert _changed("pairs.jsonl", tmp_path / "back") == {}


def test_label_studio_pair_answer(tmp_path: Path) -> None:
    """p-0001 is a hard negative; answering 'duplicate' is imported and refused."""
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "pair_tasks.json")
    task = next(t for t in tasks if t["data"]["pair_id"] == "p-0001")
    task["predictions"][0]["result"][0]["value"]["choices"] = ["duplicate"]
    _save(out, "pair_tasks.json", tasks)
    result = import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    changed = _changed("pairs.jsonl", tmp_path / "back")
    assert list(changed) == ["p-0001"]
    before, after = changed["p-0001"]
    assert before["duplicate"] is False and after == {**before, "duplicate": True}
    assert _codes(result.problems) == {("pair-label-mismatch", "p-0001")}


def test_label_studio_missing_contrast_task_is_an_error(tmp_path: Path) -> None:
    out = _export("label-studio", tmp_path)
    tasks = [t for t in _tasks(out, "contrast_tasks.json")
             if t["data"]["contrast_id"] != "x-0007"]
    _save(out, "contrast_tasks.json", tasks)
    with pytest.raises(InvalidInputError) as err:
        import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    assert [(p.code, p.where) for p in err.value.problems] == [("missing-annotation", "x-0007")]
    assert not (tmp_path / "back").exists()  # nothing written


def test_label_studio_second_claim_in_a_passage_is_an_error(tmp_path: Path) -> None:
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "contrast_tasks.json")
    result = tasks[0]["predictions"][0]["result"]
    claim = next(r for r in result if r.get("id") == "x-0001")
    result.append({**claim, "id": "ls-made", "value": {**claim["value"], "start": 0, "end": 4,
                                                       "text": "Iran"}})
    _save(out, "contrast_tasks.json", tasks)
    with pytest.raises(InvalidInputError) as err:
        import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    (problem,) = err.value.problems
    assert problem.where == "x-0001" and "exactly one claim" in problem.message


def test_label_studio_nested_claim_with_a_wrong_parent(tmp_path: Path) -> None:
    """Point 001-c051's parent relation at another claim: the validator names it."""
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "tasks.json")
    task = next(t for t in tasks if t["data"]["doc_id"] == "001-forum-repost")
    relation = next(r for r in task["predictions"][0]["result"]
                    if r.get("type") == "relation" and r["labels"] == ["parent"]
                    and r["from_id"] == "001-c051")
    assert relation["to_id"] == "001-c012"
    relation["to_id"] = "001-c001"
    _save(out, "tasks.json", tasks)
    result = import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    doc = json.loads((tmp_path / "back" / "docs" / "001-forum-repost.json")
                     .read_text(encoding="utf-8"))
    assert next(c for c in doc["claims"] if c["id"] == "001-c051")["parent"] == "001-c001"
    assert [(p.code, p.where) for p in result.problems] == [("claim-parent", "001-c051")]
    assert "does not lie inside its parent '001-c001'" in result.problems[0].message


def test_label_studio_new_parent_claim_gets_a_fresh_id_and_its_child_follows(
        tmp_path: Path) -> None:
    """Re-create 002-c005 in the tool (a region without a known id): it gets a fresh id,
    and the nested claim 002-c019 that names it as parent is pointed at the fresh id."""
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "tasks.json")
    task = next(t for t in tasks if t["data"]["doc_id"] == "002-summary")
    for item in task["predictions"][0]["result"]:
        for key in ("id", "from_id", "to_id"):
            if item.get(key) == "002-c005":
                item[key] = "ls-tmp-1"
    _save(out, "tasks.json", tasks)
    result = import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    registry = json.loads((ANNOTATIONS / "ids.json").read_text(encoding="utf-8"))
    fresh = f"002-c{registry['002-summary']['issued']['c'] + 1:03d}"
    assert result.report.added == [fresh] and result.report.removed == ["002-c005"]
    claims = {c["id"]: c for c in json.loads(
        (tmp_path / "back" / "docs" / "002-summary.json").read_text(encoding="utf-8"))["claims"]}
    assert claims["002-c019"]["parent"] == fresh
    assert "002-c005" not in claims
    # contrast rows of 002-c005 now point at a retired id: the validator says which
    refs = {json.loads(line).get("contrast_id") or json.loads(line)["pair_id"]
            for name in ("edits.jsonl", "pairs.jsonl") for line in _lines(ANNOTATIONS, name)
            if "\"002-c005\"" in line}
    assert _codes(result.problems) == {("unknown-original", ref) for ref in refs}


# --------------------------------------------------------------------------------------
# INCEpTION XMI.
# --------------------------------------------------------------------------------------
def _typesystem(folder: Path) -> object:
    from cassis import load_typesystem

    with (folder / "typesystem.xml").open("rb") as f:
        return load_typesystem(f)


def _load(path: Path, ts: object) -> object:
    from cassis import load_cas_from_xmi

    with path.open("rb") as f:
        return load_cas_from_xmi(f, typesystem=ts)


def test_xmi_claim_span_of_a_contrast_passage_moved(tmp_path: Path) -> None:
    """Shorten x-0001's claim by " from Syria": the draft's quote follows, nothing else
    changes, and the row is still valid."""
    out = _export("inception-xmi", tmp_path)
    ts = _typesystem(out)
    path = out / "contrast" / "x-0001.xmi"
    cas = _load(path, ts)
    (claim,) = cas.select("retold.Claim")
    text = cas.sofa_string
    claim.end = text.index(" from Syria")
    path.write_text(cas.to_xmi(), encoding="utf-8")
    result = import_annotations("inception-xmi", out, CORPUS, tmp_path / "back")
    assert result.problems == []
    changed = _changed("edits.jsonl", tmp_path / "back")
    assert list(changed) == ["x-0001"]
    before, after = changed["x-0001"]
    assert after == {**before, "claim": "Iran has begun to evacuate some of its diplomats "
                                        "and military officials"}


def test_xmi_pair_duplicate_flipped_and_nested_parent_removed(tmp_path: Path) -> None:
    out = _export("inception-xmi", tmp_path)
    ts = _typesystem(out)
    path = out / "contrast_pairs" / "p-0004.xmi"
    cas = _load(path, ts)
    (pair,) = cas.select("retold.ContrastPair")
    assert pair.duplicate is True  # a hard positive
    pair.duplicate = False
    path.write_text(cas.to_xmi(), encoding="utf-8")
    path = out / "004-state-media.xmi"
    cas = _load(path, ts)
    nested = next(c for c in cas.select("retold.Claim") if c.retoldId == "004-c022")
    assert nested.parent.retoldId == "004-c009"
    nested.parent = None
    path.write_text(cas.to_xmi(), encoding="utf-8")
    result = import_annotations("inception-xmi", out, CORPUS, tmp_path / "back")
    changed = _changed("pairs.jsonl", tmp_path / "back")
    assert list(changed) == ["p-0004"]
    assert changed["p-0004"][1] == {**changed["p-0004"][0], "duplicate": False}
    claims = {c["id"]: c for c in json.loads(
        (tmp_path / "back" / "docs" / "004-state-media.json").read_text(encoding="utf-8"))
        ["claims"]}
    assert "parent" not in claims["004-c022"]  # a top-level claim now, inside 004-c009
    # (the contrast checks, which would name p-0004, run once the natural set is valid)
    assert [(p.code, p.where) for p in result.problems] == [("claim-parent", "004-c022")]
    assert "lies inside claim '004-c009'" in result.problems[0].message


def test_xmi_passage_without_its_contrast_edit_annotation_is_an_error(tmp_path: Path) -> None:
    out = _export("inception-xmi", tmp_path)
    ts = _typesystem(out)
    path = out / "contrast" / "x-0002.xmi"
    cas = _load(path, ts)
    (meta,) = cas.select("retold.ContrastEdit")
    cas.remove(meta)
    path.write_text(cas.to_xmi(), encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        import_annotations("inception-xmi", out, CORPUS, tmp_path / "back")
    (problem,) = err.value.problems
    assert problem.where == "x-0002" and "retold.ContrastEdit" in problem.message


# --------------------------------------------------------------------------------------
# Spans back into quotes (hand-worked).
# --------------------------------------------------------------------------------------
def test_quote_for_span_hand_worked() -> None:
    from retold.text.quotes import Quote, find_quote, quote_for_span

    text = "the sources said the sources were undenied"
    #       0          11    17         28
    assert quote_for_span(text, 0, 11) == Quote("the sources", 1, True)
    assert quote_for_span(text, 17, 28) == Quote("the sources", 2, True)
    # nearest to a claim span needs no occ (as chain mentions are anchored)
    assert quote_for_span(text, 17, 28, near=(29, 42)) == Quote("the sources", None, True)
    # inside a word: only without the word-boundary rule
    start = text.index("denied")
    assert quote_for_span(text, start, start + 6) == Quote("denied", None, False)
    # a draft's own options are kept (the same object) while they still point at the span
    hint = Quote("the sources", 2, True)
    assert quote_for_span(text, 17, 28, hint=hint) is hint
    assert quote_for_span(text, 0, 11, hint=hint) == Quote("the sources", 1, True)
    assert quote_for_span(text, 5, 5) is None and quote_for_span(text, 40, 99) is None
    for s, e in ((0, 11), (17, 28), (start, start + 6), (4, 11), (12, 16)):
        q = quote_for_span(text, s, e)
        assert find_quote(text, q.quote, q.occ, q.boundary).span == (s, e)


def test_label_studio_unlinked_source_in_a_passage_is_an_error_not_dropped(
        tmp_path: Path) -> None:
    out = _export("label-studio", tmp_path)
    tasks = _tasks(out, "contrast_tasks.json")
    task = next(t for t in tasks if t["data"]["contrast_id"] == "x-0001")
    text = task["data"]["text"]
    task["predictions"][0]["result"].append(
        {"id": "ls-new", "from_name": "source", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 4, "text": text[:4], "labels": ["iran"]}})
    _save(out, "contrast_tasks.json", tasks)
    with pytest.raises(InvalidInputError) as err:
        import_annotations("label-studio", out, CORPUS, tmp_path / "back")
    (problem,) = err.value.problems
    assert problem.where == "x-0001" and "source_mentions ls-new" in problem.message
