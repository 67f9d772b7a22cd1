"""The contrast set through every export format, read back by each format's real consumer.

The oracles are the committed drafts (``annotations/contrast/*.jsonl``, read here with
``json``: the passage, the quoted claim, stance, chain and labels) and the committed
release's ``contrast`` config read with pyarrow (the anchored offsets): never the export
code's own view.
"""

from __future__ import annotations

import json
from pathlib import Path

import oracles
import pytest

from retold.export import EXPORT_FORMATS

ROOT = Path(__file__).parent.parent
ANNOTATIONS = ROOT / "annotations"


def _jsonl(name: str) -> list[dict]:
    lines = (ANNOTATIONS / "contrast" / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


EDITS = _jsonl("edits.jsonl")
PAIRS = _jsonl("pairs.jsonl")
ROWS = {r["contrast_id"]: r for r in oracles.release_rows(ROOT / "release", "contrast")}
CLAIMS = oracles.claims_by_id(ANNOTATIONS)


def expected_spans(cid: str) -> dict[str, set]:
    """The passage's claim, source and cue spans, from the release row, checked against
    the draft's quotes (so both oracles agree before the export is compared with them)."""
    row, draft = ROWS[cid], next(d for d in EDITS if d["contrast_id"] == cid)
    assert row["text"] == draft["text"]
    assert row["text"][row["start"]:row["end"]] == draft["claim"]
    sources, cues = set(), set()
    for k, (link, out) in enumerate(zip(draft["chain"], row["chain"], strict=True), start=1):
        if link["mention"] is not None:
            assert row["text"][out["source_start"]:out["source_end"]] == link["mention"]
            sources.add((out["source_start"], out["source_end"], link["source"], k))
        if link["cue"] is not None:
            assert row["text"][out["cue_start"]:out["cue_end"]] == link["cue"]
            cues.add((out["cue_start"], out["cue_end"], k))
    return {"claim": {(row["start"], row["end"], draft["stance"])}, "sources": sources,
            "cues": cues}


@pytest.fixture(scope="module")
def exported(real_exports: dict[str, Path]) -> dict[str, Path]:
    return real_exports


def test_the_contrast_set_is_the_issues() -> None:
    assert len(EDITS) == len(ROWS) >= 200 and len(PAIRS) >= 150


# --------------------------------------------------------------------------------------
# brat, read by bratly.
# --------------------------------------------------------------------------------------
def _bratly(path: Path) -> list:
    from bratly.io import parse_ann_file

    return parse_ann_file(path.read_text(encoding="utf-8"), str(path), no_duplicates=False,
                          sorting=False, renumerotize=False).annotations


def test_brat_contrast_passages_read_by_bratly(exported: dict[str, Path]) -> None:
    from bratly import AttributeAnnotation, EntityAnnotation, NoteAnnotation, RelationAnnotation

    folder = exported["brat"] / "contrast"
    assert sorted(p.stem for p in folder.glob("*.ann")) == sorted(ROWS)
    for draft in EDITS:
        cid = draft["contrast_id"]
        text = (folder / f"{cid}.txt").read_bytes().decode("utf-8")
        assert text == draft["text"]
        annotations = _bratly(folder / f"{cid}.ann")
        notes = {a.component.id: a.value for a in annotations if isinstance(a, NoteAnnotation)}
        entities = {a.id: a for a in annotations if isinstance(a, EntityAnnotation)}
        stance = {a.component.id: a.values[0] for a in annotations
                  if isinstance(a, AttributeAnnotation) and a.label == "Stance"}
        links = {}
        for r in annotations:
            if isinstance(r, RelationAnnotation):
                links[(r.label, r.argument2[1].id)] = r.argument1[1].id
        found = {"claim": set(), "sources": set(), "cues": set()}
        for tid, e in entities.items():
            (fragment,) = e.fragments
            assert text[fragment.start:fragment.end] == e.content
            if e.label == "Claim":
                found["claim"].add((fragment.start, fragment.end, stance[tid]))
                assert notes[tid] == (f"{cid} original_claim_id={draft['original_claim_id']} "
                                      f"edit_type={draft['edit_type']} rule={draft['rule']}")
            elif e.label == "Source":
                (k,) = [int(label[4:]) for label, target in links if target == tid]
                found["sources"].add((fragment.start, fragment.end,
                                      notes[tid].split("source=")[1], k))
            elif e.label == "Cue":
                (k,) = [int(label[3:]) for label, target in links if target == tid]
                found["cues"].add((fragment.start, fragment.end, k))
        assert found == expected_spans(cid), cid


def test_brat_contrast_pairs_read_by_bratly(exported: dict[str, Path]) -> None:
    from bratly import AttributeAnnotation, EntityAnnotation, NoteAnnotation

    folder = exported["brat"] / "contrast_pairs"
    assert len(list(folder.glob("*.ann"))) == len(PAIRS)
    for draft in PAIRS:
        pid = draft["pair_id"]
        text = (folder / f"{pid}.txt").read_bytes().decode("utf-8")
        assert text == draft["edited_text"]
        annotations = _bratly(folder / f"{pid}.ann")
        (entity,) = [a for a in annotations if isinstance(a, EntityAnnotation)]
        assert (entity.label, entity.content) == ("EditedClaim", text)
        attributes = {a.label: a.values[0] for a in annotations
                      if isinstance(a, AttributeAnnotation)}
        assert attributes == {"Duplicate": str(draft["duplicate"]).lower(),
                              "EditType": draft["edit_type"]}
        (note,) = [a.value for a in annotations if isinstance(a, NoteAnnotation)]
        assert note == f"{pid} claim_id={draft['claim_id']} rule={draft['rule']}"


# --------------------------------------------------------------------------------------
# CoNLL, read by datasets' conll builder, BIO decoded by seqeval.
# --------------------------------------------------------------------------------------
def test_conll_contrast_passages_read_by_the_datasets_conll_builder(
        exported: dict[str, Path], tmp_path: Path) -> None:
    from datasets import load_dataset
    from seqeval.metrics.sequence_labeling import get_entities

    folder = exported["conll"]
    names = (folder / "columns.txt").read_text(encoding="utf-8").split()
    ds = load_dataset("conll", data_files=str(folder / "contrast.conll"), split="train",
                      column_names=names, delimiter="\t", comment_prefix="# ",
                      cache_dir=str(tmp_path))
    assert len(ds) == len(EDITS)  # one block per passage, in the drafts' order
    for row, draft in zip(ds, EDITS, strict=True):
        text = draft["text"]
        starts, ends = [int(s) for s in row["start"]], [int(e) for e in row["end"]]
        assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == row["token"]
        assert "".join(row["token"]) == "".join(text.split())  # every token, nothing else
        spans = {layer: {(starts[i], ends[j]) for _, i, j in get_entities(list(row[layer]))}
                 for layer in ("claim_tags", "source_tags", "cue_tags", "nested_claim_tags")}
        expected = expected_spans(draft["contrast_id"])
        assert spans["claim_tags"] == {(s, e) for s, e, _ in expected["claim"]}
        assert spans["source_tags"] == {(s, e) for s, e, _, _ in expected["sources"]}
        assert spans["cue_tags"] == {(s, e) for s, e, _ in expected["cues"]}
        assert spans["nested_claim_tags"] == set()


# --------------------------------------------------------------------------------------
# INCEpTION XMI, read by dkpro-cassis.
# --------------------------------------------------------------------------------------
def test_xmi_contrast_read_by_cassis(exported: dict[str, Path]) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    folder = exported["inception-xmi"]
    with (folder / "typesystem.xml").open("rb") as f:
        ts = load_typesystem(f)
    for draft in EDITS:
        cid = draft["contrast_id"]
        with (folder / "contrast" / f"{cid}.xmi").open("rb") as f:
            cas = load_cas_from_xmi(f, typesystem=ts)
        assert cas.sofa_string == draft["text"]
        (claim,) = cas.select("retold.Claim")
        assert (claim.retoldId, claim.note) == (cid, draft["note"])
        cues = {int(x.role): x.target for x in claim.cueLinks.elements}
        found = {"claim": {(claim.begin, claim.end, claim.stance)},
                 "sources": {(x.target.begin, x.target.end, x.target.source, int(x.role))
                             for x in claim.sourceLinks.elements},
                 "cues": {(q.begin, q.end, k) for k, q in cues.items()}}
        assert found == expected_spans(cid), cid
        (meta,) = cas.select("retold.ContrastEdit")
        assert (meta.contrastId, meta.originalClaimId, meta.editType, meta.rule,
                meta.original, meta.docId) == (
            cid, draft["original_claim_id"], draft["edit_type"], draft["rule"],
            draft["original"], CLAIMS[draft["original_claim_id"]][0])
    for draft in PAIRS:
        with (folder / "contrast_pairs" / f"{draft['pair_id']}.xmi").open("rb") as f:
            cas = load_cas_from_xmi(f, typesystem=ts)
        assert cas.sofa_string == draft["edited_text"]
        (pair,) = cas.select("retold.ContrastPair")
        assert (pair.pairId, pair.claimId, pair.duplicate, pair.editType, pair.rule) == (
            draft["pair_id"], draft["claim_id"], draft["duplicate"], draft["edit_type"],
            draft["rule"])
        assert pair.claimText == CLAIMS[draft["claim_id"]][1]["text"]


# --------------------------------------------------------------------------------------
# Label Studio, parsed by Label Studio's converter with the exported configs.
# --------------------------------------------------------------------------------------
def _converted(folder: Path, tasks_file: str, config_file: str, tmp_path: Path) -> list[dict]:
    from label_studio_converter import Converter

    tasks = json.loads((folder / tasks_file).read_text(encoding="utf-8"))
    for task in tasks:  # as Label Studio stores pre-annotations an annotator accepted
        task["annotations"] = [{"id": task["id"], "result": task["predictions"][0]["result"]}]
    source = tmp_path / f"in-{tasks_file}"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    converter = Converter(config=(folder / config_file).read_text(encoding="utf-8"),
                          project_dir=str(tmp_path), download_resources=False)
    converter.convert_to_json_min(str(source), str(tmp_path / tasks_file), is_dir=False)
    return json.loads((tmp_path / tasks_file / "result.json").read_text(encoding="utf-8"))


def test_label_studio_contrast_read_by_its_converter(exported: dict[str, Path],
                                                     tmp_path: Path) -> None:
    folder = exported["label-studio"]
    records = _converted(folder, "contrast_tasks.json", "contrast_labeling_config.xml",
                         tmp_path)
    assert [r["contrast_id"] for r in records] == [d["contrast_id"] for d in EDITS]
    tasks = json.loads((folder / "contrast_tasks.json").read_text(encoding="utf-8"))
    for record, draft, task in zip(records, EDITS, tasks, strict=True):
        cid = draft["contrast_id"]
        assert (record["text"], record["original"], record["edit_type"], record["rule"],
                record["original_claim_id"]) == (draft["text"], draft["original"],
                                                 draft["edit_type"], draft["rule"],
                                                 draft["original_claim_id"])
        for region in [*record["claim"], *record.get("source", []), *record.get("cue", [])]:
            assert draft["text"][region["start"]:region["end"]] == region["text"]
        # the chain positions are relations, which the converter leaves out: read them
        result = task["predictions"][0]["result"]
        k_of = {r["to_id"]: int(r["labels"][0].split()[1]) for r in result
                if r.get("type") == "relation"}
        regions = {r["id"]: r["value"] for r in result if r.get("type") == "labels"}
        found = {"claim": {(r["start"], r["end"], r["labels"][0]) for r in record["claim"]},
                 "sources": {(r["start"], r["end"], r["labels"][0], k_of[i])
                             for i, r in regions.items() if "source" in _control(result, i)},
                 "cues": {(r["start"], r["end"], k_of[i]) for i, r in regions.items()
                          if "cue" in _control(result, i)}}
        assert found == expected_spans(cid), cid
        assert {(r["start"], r["end"], r["labels"][0]) for r in record.get("source", [])} == {
            (s, e, src) for s, e, src, _ in found["sources"]}
    pairs = _converted(folder, "pair_tasks.json", "pair_labeling_config.xml", tmp_path)
    assert [(p["pair_id"], p["claim_id"], p["edited_text"], p["duplicate"], p["edit_type"])
            for p in pairs] == [
        (d["pair_id"], d["claim_id"], d["edited_text"],
         "duplicate" if d["duplicate"] else "not duplicate", d["edit_type"]) for d in PAIRS]
    assert [p["claim_text"] for p in pairs] == [CLAIMS[d["claim_id"]][1]["text"] for d in PAIRS]


def _control(result: list[dict], region_id: str) -> str:
    return next(r["from_name"] for r in result if r.get("id") == region_id
                and r.get("type") == "labels")


# --------------------------------------------------------------------------------------
# spaCy DocBins.
# --------------------------------------------------------------------------------------
def test_spacy_contrast_read_by_spacy(exported: dict[str, Path]) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    folder = exported["spacy"]
    docs = list(DocBin().from_disk(folder / "contrast.spacy").get_docs(nlp.vocab))
    assert len(docs) == len(EDITS)
    for doc, draft in zip(docs, EDITS, strict=True):
        cid = draft["contrast_id"]
        assert doc.text == draft["text"]
        assert {k: doc.user_data[k] for k in ("contrast_id", "original_claim_id", "edit_type",
                                              "rule", "doc_id")} == {
            "contrast_id": cid, "original_claim_id": draft["original_claim_id"],
            "edit_type": draft["edit_type"], "rule": draft["rule"],
            "doc_id": CLAIMS[draft["original_claim_id"]][0]}
        expected = expected_spans(cid)
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["claims"]} == (
            expected["claim"])
        assert [s.id_ for s in doc.spans["claims"]] == [cid]
        assert {(s.start_char, s.end_char, s.label_) for s in doc.spans["source_mentions"]} == {
            (s, e, src) for s, e, src, _ in expected["sources"]}
        assert {(s.start_char, s.end_char) for s in doc.spans["cues"]} == {
            (s, e) for s, e, _ in expected["cues"]}
    pairs = list(DocBin().from_disk(folder / "contrast_pairs.spacy").get_docs(nlp.vocab))
    assert [(d.text, d.cats, d.user_data["pair_id"], d.user_data["claim_id"],
             d.user_data["edit_type"]) for d in pairs] == [
        (p["edited_text"], {"duplicate": 1.0 if p["duplicate"] else 0.0}, p["pair_id"],
         p["claim_id"], p["edit_type"]) for p in PAIRS]


# --------------------------------------------------------------------------------------
# The side file: the contrast keys a format does not hold, and the whole files.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_side_file_plus_format_hold_every_contrast_key(exported: dict[str, Path],
                                                       fmt: str) -> None:
    side = json.loads((exported[fmt] / "sidecar.json").read_text(encoding="utf-8"))["contrast"]
    for kind, drafts, key in (("edits", EDITS, "contrast_id"), ("pairs", PAIRS, "pair_id")):
        held = set(side["held"][kind])
        assert list(side[kind]) == [d[key] for d in drafts]  # every row, in the file's order
        for d in drafts:
            stored = side[kind][d[key]]
            assert stored == {k: v for k, v in d.items() if k not in held}, (fmt, d[key])
    assert side["retired"] == json.loads(
        (ANNOTATIONS / "contrast" / "retired.json").read_text(encoding="utf-8"))
    assert side["rules"] == (ANNOTATIONS / "CONTRAST.md").read_text(encoding="utf-8")
    readme = (exported[fmt] / "README.md").read_text(encoding="utf-8")
    assert "contrast edits (`contrast/edits.jsonl`)" in readme
