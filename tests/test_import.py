"""Imports from INCEpTION XMI and Label Studio: lossless round trips, edits, the validator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retold.cli import main
from retold.errors import InvalidInputError
from retold.export.dataset import ExportDoc
from retold.export.run import export_annotations, import_annotations

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


CONTRAST_FILES = ["contrast/edits.jsonl", "contrast/pairs.jsonl", "contrast/retired.json",
                  "CONTRAST.md"]


def _same_files(a: Path, b: Path) -> None:
    for rel in ["sources.json", "clusters.json", "ids.json", *CONTRAST_FILES,
                *(f"docs/{p.name}" for p in sorted((a / "docs").glob("*.json")))]:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


@pytest.mark.parametrize("fmt", ["inception-xmi", "label-studio"])
def test_unedited_round_trip_is_byte_identical(fmt: str, tmp_path: Path) -> None:
    """The real corpus (its seven nested claims included) and its contrast set come back
    byte for byte, and the validator, the contrast checks included, finds nothing."""
    export_annotations(fmt, ROOT / "corpus", ROOT / "annotations", tmp_path / "export")
    result = import_annotations(fmt, tmp_path / "export", ROOT / "corpus", tmp_path / "back")
    assert result.problems == []
    assert result.report.added == [] and result.report.removed == []
    _same_files(ROOT / "annotations", tmp_path / "back")
    assert sum('"parent": ' in p.read_text(encoding="utf-8")
               for p in (tmp_path / "back" / "docs").glob("*.json")) == 4  # 001 to 004
    nested = [c for p in (tmp_path / "back" / "docs").glob("*.json")
              for c in json.loads(p.read_text(encoding="utf-8"))["claims"] if "parent" in c]
    assert len(nested) == 7
    assert set(result.written) >= {*CONTRAST_FILES, "ids.json", "sources.json"}


def _mini_export(fmt: str, tmp_path: Path) -> Path:
    out = tmp_path / "export"
    export_annotations(fmt, MINI / "corpus", MINI / "annotations", out)
    return out


def _drafts(annotations: Path, name: str) -> list[dict]:
    lines = (annotations / "contrast" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _claims(folder: Path, doc_id: str) -> dict[str, dict]:
    doc = json.loads((folder / "docs" / f"{doc_id}.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in doc["claims"]}


def test_label_studio_one_label_changed(tmp_path: Path) -> None:
    out = _mini_export("label-studio", tmp_path)
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    for region in tasks[0]["predictions"][0]["result"]:
        if region.get("id") == "000-c002" and region["from_name"] == "claim":
            region["value"]["labels"] = ["asserted"]
    (out / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    result = import_annotations("label-studio", out, MINI / "corpus", tmp_path / "back")
    # The contrast rows that edit 000-c002 assumed it hedged: the validator says so, and
    # names nothing else.
    edits = _drafts(MINI / "annotations", "edits.jsonl")
    assert {(p.code, p.where.split()[-1]) for p in result.problems} == {
        ("edit-type-mismatch", e["contrast_id"]) for e in edits
        if e["original_claim_id"] == "000-c002"}
    before, after = _claims(MINI / "annotations", "000-mini-report"), _claims(
        tmp_path / "back", "000-mini-report")
    assert after["000-c002"]["stance"] == "asserted"
    assert {**after["000-c002"], "stance": "hedged"} == before["000-c002"]
    assert after["000-c001"] == before["000-c001"]


def test_label_studio_annotation_wins_over_prediction(tmp_path: Path) -> None:
    out = _mini_export("label-studio", tmp_path)
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    result = json.loads(json.dumps(tasks[1]["predictions"][0]["result"]))
    for region in result:
        if region.get("id") == "001-c002" and region["from_name"] == "claim":
            region["value"]["labels"] = ["hedged"]
    tasks[1]["annotations"] = [{"id": 7, "result": result, "was_cancelled": False},
                               {"id": 8, "result": [], "was_cancelled": True}]
    (out / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    imported = import_annotations("label-studio", out, MINI / "corpus", tmp_path / "back")
    assert imported.problems == []
    assert _claims(tmp_path / "back", "001-mini-denial")["001-c002"]["stance"] == "hedged"


def test_xmi_new_and_removed_annotations(tmp_path: Path) -> None:
    """Remove a claim in the CAS and re-create it without an id: it gets a fresh id."""
    from cassis import load_cas_from_xmi, load_typesystem

    out = _mini_export("inception-xmi", tmp_path)
    with (out / "typesystem.xml").open("rb") as f:
        ts = load_typesystem(f)
    path = out / "001-mini-denial.xmi"
    with path.open("rb") as f:
        cas = load_cas_from_xmi(f, typesystem=ts)
    old = next(c for c in cas.select("retold.Claim") if c.retoldId == "001-c002")
    mention = next(m for m in cas.select("retold.SourceMention") if m.retoldId == "001-s02")
    cue = next(q for q in cas.select("retold.Cue") if q.retoldId == "001-q02")
    cas.remove(old)
    claim_type, array = ts.get_type("retold.Claim"), ts.get_type("uima.cas.FSArray")
    source_link, cue_link = ts.get_type("retold.ClaimSourceLink"), ts.get_type(
        "retold.ClaimCueLink")
    cas.add(claim_type(begin=54, end=84, stance="asserted", cluster="mission-continues",
                       note="", sourceLinks=array(elements=[source_link(role="1",
                                                                       target=mention)]),
                       cueLinks=array(elements=[cue_link(role="1", target=cue)])))
    path.write_text(cas.to_xmi(), encoding="utf-8")
    result = import_annotations("inception-xmi", out, MINI / "corpus", tmp_path / "back")
    # The contrast row that edits 001-c002 now points at a removed claim: the validator,
    # which runs the contrast checks on an import, names it.
    refs = [e["contrast_id"] for e in _drafts(MINI / "annotations", "edits.jsonl")
            if e["original_claim_id"] == "001-c002"] + [
        p["pair_id"] for p in _drafts(MINI / "annotations", "pairs.jsonl")
        if p["claim_id"] == "001-c002"]
    assert sorted((p.code, p.where.split()[-1]) for p in result.problems) == sorted(
        ("unknown-original", ref) for ref in refs)
    assert len(refs) == 2
    assert result.report.added == ["001-c004"]  # never 001-c002 again
    assert result.report.removed == ["001-c002"]
    new = _claims(tmp_path / "back", "001-mini-denial")["001-c004"]
    assert (new["start"], new["end"], new["text"], new["stance"], new["source"]) == (
        54, 84, "the mission continues its work", "asserted", "ministry")
    assert new["chain"] == [{"source": "ministry", "mention": "001-s02", "cue": "001-q02"}]


def test_import_runs_the_validator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _mini_export("label-studio", tmp_path)
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    for region in tasks[0]["predictions"][0]["result"]:
        if region.get("id") == "000-c002" and region["from_name"] == "claim":
            region["value"]["start"] += 2  # "e bridge ...": off the token boundaries
            region["value"]["labels"] = ["sarcastic"]
    (out / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    code = main(["import", "--format", "label-studio", "--in", str(out),
                 "--corpus", str(MINI / "corpus"), "--out", str(tmp_path / "back")])
    printed = capsys.readouterr()
    assert code == 1
    assert "[not-token-aligned]" in printed.out and "[unknown-label]" in printed.out
    assert "000-c002" in printed.out


def test_import_refuses_a_side_file_of_another_format(tmp_path: Path) -> None:
    out = _mini_export("label-studio", tmp_path)
    with pytest.raises(InvalidInputError) as err:
        import_annotations("inception-xmi", out, MINI / "corpus", tmp_path / "back")
    assert "not a side file of a inception-xmi export" in err.value.problems[0].message


@pytest.mark.parametrize("command", ["export", "import"])
def test_output_folder_must_be_new_or_empty(command: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = _mini_export("label-studio", tmp_path)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    args = (["export", "--format", "label-studio", "--annotations", str(MINI / "annotations")]
            if command == "export" else ["import", "--format", "label-studio", "--in", str(out)])
    code = main([*args, "--corpus", str(MINI / "corpus"), "--out", str(busy)])
    assert code == 1
    assert "[unsafe-output]" in capsys.readouterr().err
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_second_run_replaces_only_its_own_unchanged_output(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = _mini_export("label-studio", tmp_path)
    args = (["export", "--format", "label-studio", "--annotations", str(MINI / "annotations")]
            if command == "export" else ["import", "--format", "label-studio", "--in",
                                         str(exported)])
    out = tmp_path / "out"
    argv = [*args, "--corpus", str(MINI / "corpus"), "--out", str(out)]
    assert main(argv) == 0
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file()}
    assert "retold-manifest.json" in first
    assert main(argv) == 0  # README: every export runs twice in a row
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
            if p.is_file()} == first
    # Edited after it was written (the Label Studio round trip edits tasks.json in place):
    # the folder now holds the user's work, so it is refused and kept.
    edited = sorted(rel for rel in first if rel != "retold-manifest.json")[0]
    (out / edited).write_bytes(first[edited] + b"\n")
    capsys.readouterr()
    assert main(argv) == 1
    assert "was changed after it was written" in capsys.readouterr().err
    assert (out / edited).read_bytes() == first[edited] + b"\n"
    # Another format's export is not this command's to replace.
    other = ["export", "--format", "conll", "--annotations", str(MINI / "annotations"),
             "--corpus", str(MINI / "corpus"), "--out", str(exported)]
    assert main(other) == 1
    assert "was written by `retold export --format label-studio`" in capsys.readouterr().err


def test_a_chain_link_without_mention_is_refused_not_dropped(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "annotations" / "docs" / "000-mini-report.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["claims"][0]["chain"][0]["mention"] = None
    doc["source_mentions"] = [m for m in doc["source_mentions"] if m["id"] != "000-s01"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    ids = root / "annotations" / "ids.json"
    registry = json.loads(ids.read_text(encoding="utf-8"))
    registry["000-mini-report"]["retired"].append("000-s01")
    ids.write_text(json.dumps(registry), encoding="utf-8")
    from retold.validate import validate

    assert validate(root / "corpus", root / "annotations") == []
    for fmt in ("label-studio", "inception-xmi"):
        with pytest.raises(InvalidInputError) as err:
            export_annotations(fmt, root / "corpus", root / "annotations", tmp_path / fmt)
        assert err.value.problems[0].code == "not-exportable"


def test_xmi_converts_astral_characters_to_utf16_and_back() -> None:
    """Emoji are two UTF-16 units: the XMI file counts units, retold counts code points."""
    from cassis import load_cas_from_xmi
    from lxml import etree

    from retold.export import xmi

    text = "Tehran 😀😀 denies it: “the embassy — open”."
    start = text.index("the embassy")
    end = start + len("the embassy")
    record = {"schema_version": "1.0.0", "doc_id": "x", "boilerplate": [],
              "source_mentions": [], "cues": [],
              "claims": [{"id": "x-c001", "start": start, "end": end, "text": text[start:end],
                          "stance": "denied", "cluster": "k", "source": "author", "chain": [],
                          "note": ""}]}
    ts = xmi.type_system()
    data = xmi.document_cas(ExportDoc("x", text, record, None), ts).to_xmi()
    claim = next(e for e in etree.fromstring(data.encode("utf-8"))
                 if e.tag == "{http:///retold.ecore}Claim")
    assert int(claim.get("begin")) == start + 2 == len(text[:start].encode("utf-16-le")) // 2
    assert int(claim.get("begin")) != len(text[:start].encode("utf-8"))
    back = next(iter(load_cas_from_xmi(data, typesystem=ts).select("retold.Claim")))
    assert (back.begin, back.end, back.get_covered_text()) == (start, end, "the embassy")


def test_a_missing_kit_library_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # as if spaCy were not installed
    code = main(["export", "--format", "spacy", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", str(tmp_path / "x")])
    assert code == 1
    err = capsys.readouterr().err
    assert "[missing-dependency] spacy is not installed" in err and "Traceback" not in err
