"""Every export read back by its real consumer, on the real corpus (curly quotes, dashes).

The oracle is the committed standoff annotation files, read here with ``json`` and sliced
against the corpus texts read here from bytes: never the export code's own view.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.export import EXPORT_FORMATS
from retold.export.sidecar import SIDECAR_FILE
from retold.schema import TOKEN_LAYERS

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
LAYER_KINDS = {"claim": "claims", "source": "source_mentions", "cue": "cues",
               "nested_claim": "claims"}


def _texts() -> dict[str, str]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return {d["doc_id"]: (CORPUS / "texts" / d["source_file"]).read_bytes().decode("utf-8")
            for d in manifest}


TEXTS = _texts()
GOLD = {p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((ANNOTATIONS / "docs").glob("*.json"))}


def spans(doc_id: str, kind: str, layer: str | None = None) -> set[tuple[int, int, str]]:
    """The gold spans of a kind, read from the standoff JSON; for the claim layers, only
    top-level claims (``claim``) or only nested ones (``nested_claim``)."""
    items = GOLD[doc_id][kind]
    if layer == "claim":
        items = [e for e in items if not e.get("parent")]
    elif layer == "nested_claim":
        items = [e for e in items if e.get("parent")]
    return {(e["start"], e["end"], e["id"]) for e in items}


@pytest.fixture(scope="module")
def exported(real_exports: dict[str, Path]) -> dict[str, Path]:
    return real_exports


def test_the_corpus_has_characters_whose_offsets_differ_by_unit() -> None:
    """The curly quotes and dashes make byte offsets differ from code points."""
    shifted = 0
    for doc_id, text in TEXTS.items():
        for c in GOLD[doc_id]["claims"]:
            if len(text[:c["start"]].encode("utf-8")) != c["start"]:
                shifted += 1
    assert shifted > 20


# --------------------------------------------------------------------------------------
# brat, read by bratly (an independent brat standoff library).
# --------------------------------------------------------------------------------------
def test_brat_read_by_bratly(exported: dict[str, Path]) -> None:
    from bratly import EntityAnnotation, NoteAnnotation, RelationAnnotation
    from bratly.io import parse_ann_file

    folder = exported["brat"]
    types = {"Claim": "claims", "Source": "source_mentions", "Cue": "cues",
             "Boilerplate": "boilerplate"}
    for doc_id, text in TEXTS.items():
        assert (folder / f"{doc_id}.txt").read_bytes() == text.encode("utf-8")
        ann = (folder / f"{doc_id}.ann").read_text(encoding="utf-8")
        collection = parse_ann_file(ann, str(folder / f"{doc_id}.ann"), no_duplicates=False,
                                    sorting=False, renumerotize=False)
        notes = {a.component.id: a.value for a in collection.annotations
                 if isinstance(a, NoteAnnotation)}
        found: dict[str, set[tuple[int, int, str]]] = {k: set() for k in types.values()}
        by_tid = {}
        for a in collection.annotations:
            if isinstance(a, EntityAnnotation):
                (fragment,) = a.fragments
                assert text[fragment.start:fragment.end] == a.content
                our_id = notes[a.id].split()[0]
                found[types[a.label]].add((fragment.start, fragment.end, our_id))
                by_tid[a.id] = our_id
        for kind, got in found.items():
            assert got == spans(doc_id, kind), (doc_id, kind)
        relations = {(r.label, by_tid[r.argument1[1].id], by_tid[r.argument2[1].id])
                     for r in collection.annotations if isinstance(r, RelationAnnotation)}
        expected = set()
        for c in GOLD[doc_id]["claims"]:
            for k, link in enumerate(c["chain"], start=1):
                expected.add((f"Link{k}", c["id"], link["mention"]))
                if link["cue"]:
                    expected.add((f"Cue{k}", c["id"], link["cue"]))
            if c.get("parent"):
                expected.add(("NestedIn", c["id"], c["parent"]))
        assert relations == expected


def test_brat_stance_attributes(exported: dict[str, Path]) -> None:
    from bratly import AttributeAnnotation, NoteAnnotation
    from bratly.io import parse_ann_file

    doc_id = "004-state-media"
    path = exported["brat"] / f"{doc_id}.ann"
    collection = parse_ann_file(path.read_text(encoding="utf-8"), str(path),
                                no_duplicates=False, sorting=False, renumerotize=False)
    notes = {a.component.id: a.value.split()[0] for a in collection.annotations
             if isinstance(a, NoteAnnotation)}
    stances = {notes[a.component.id]: a.values[0] for a in collection.annotations
               if isinstance(a, AttributeAnnotation) and a.label == "Stance"}
    assert stances == {c["id"]: c["stance"] for c in GOLD[doc_id]["claims"]}


# --------------------------------------------------------------------------------------
# CoNLL, read by datasets' conll builder; BIO decoded by seqeval.
# --------------------------------------------------------------------------------------
def test_conll_read_by_the_datasets_conll_builder(exported: dict[str, Path],
                                                  tmp_path: Path) -> None:
    from datasets import load_dataset
    from seqeval.metrics.sequence_labeling import get_entities

    folder = exported["conll"]
    names = (folder / "columns.txt").read_text(encoding="utf-8").split()
    ds = load_dataset("conll", data_files=str(folder / "retold.conll"), split="train",
                      column_names=names, delimiter="\t", comment_prefix="# ",
                      cache_dir=str(tmp_path))
    conll_lines = (folder / "retold.conll").read_text(encoding="utf-8").splitlines()
    doc_order = [line.split(" = ", 1)[1] for line in conll_lines
                 if line.startswith("# doc_id = ")]
    assert doc_order == sorted(TEXTS)
    found: dict[str, set[tuple[int, int]]] = {layer: set() for layer in TOKEN_LAYERS}
    texts_joined = {}
    n_tokens = 0
    for row in ds:
        starts, ends = [int(s) for s in row["start"]], [int(e) for e in row["end"]]
        # which document: the one whose text has these tokens at these offsets
        doc_id = next(d for d, t in TEXTS.items()
                      if all(t[s:e] == tok for tok, s, e in zip(row["token"], starts, ends,
                                                                 strict=True)))
        texts_joined.setdefault(doc_id, 0)
        n_tokens += len(row["token"])
        for layer in TOKEN_LAYERS:
            for _, i, j in get_entities(list(row[f"{layer}_tags"])):
                found[layer].add((doc_id, starts[i], ends[j]))
    for layer in TOKEN_LAYERS:
        expected = {(d, s, e) for d in GOLD for s, e, _ in spans(d, LAYER_KINDS[layer], layer)}
        assert found[layer] == expected, layer
    assert n_tokens == sum(1 for line in conll_lines if line and not line.startswith("# "))


# --------------------------------------------------------------------------------------
# INCEpTION XMI, read by dkpro-cassis with the exported type system.
# --------------------------------------------------------------------------------------
def test_xmi_read_by_cassis(exported: dict[str, Path]) -> None:
    from cassis import load_cas_from_xmi, load_typesystem

    folder = exported["inception-xmi"]
    with (folder / "typesystem.xml").open("rb") as f:
        ts = load_typesystem(f)
    types = {"retold.Claim": "claims", "retold.SourceMention": "source_mentions",
             "retold.Cue": "cues", "retold.Boilerplate": "boilerplate"}
    for doc_id, text in TEXTS.items():
        with (folder / f"{doc_id}.xmi").open("rb") as f:
            cas = load_cas_from_xmi(f, typesystem=ts)
        assert cas.sofa_string == text
        for type_name, kind in types.items():
            got = {(a.begin, a.end, a.retoldId) for a in cas.select(type_name)}
            assert got == spans(doc_id, kind), (doc_id, kind)
        gold = {c["id"]: c for c in GOLD[doc_id]["claims"]}
        for claim in cas.select("retold.Claim"):
            c = gold[claim.retoldId]
            assert (claim.stance, claim.cluster, claim.note) == (c["stance"], c["cluster"],
                                                                  c["note"])
            links = sorted((int(x.role), x.target.retoldId) for x in claim.sourceLinks.elements)
            assert links == [(k, link["mention"]) for k, link in enumerate(c["chain"], 1)]
            parent = claim.parent.retoldId if claim.parent is not None else ""
            assert parent == c.get("parent", "")


def test_xmi_offsets_in_the_file_are_utf16_code_units(exported: dict[str, Path]) -> None:
    """Read raw ``begin`` values with lxml: UTF-16 units, computed here from the text."""
    from lxml import etree

    folder = exported["inception-xmi"]
    for doc_id, text in TEXTS.items():
        tree = etree.parse(str(folder / f"{doc_id}.xmi"))
        begins = sorted(int(e.get("begin")) for e in tree.getroot()
                        if e.tag == "{http:///retold.ecore}Claim")
        expected = sorted(len(text[:c["start"]].encode("utf-16-le")) // 2
                          for c in GOLD[doc_id]["claims"])
        assert begins == expected


# --------------------------------------------------------------------------------------
# Label Studio, parsed by Label Studio's converter.
# --------------------------------------------------------------------------------------
def test_label_studio_read_by_its_converter(exported: dict[str, Path], tmp_path: Path) -> None:
    from label_studio_converter import Converter

    folder = exported["label-studio"]
    config = (folder / "labeling_config.xml").read_text(encoding="utf-8")
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    # What Label Studio stores when an annotator accepts the pre-annotations as they are.
    for task in tasks:
        task["annotations"] = [{"id": task["id"], "result": task["predictions"][0]["result"]}]
    exported_file = tmp_path / "project-export.json"
    exported_file.write_text(json.dumps(tasks), encoding="utf-8")
    converter = Converter(config=config, project_dir=str(tmp_path), download_resources=False)
    assert set(converter._schema) == {"claim", "source", "cue", "boilerplate", "cluster"}
    converter.convert_to_json_min(str(exported_file), str(tmp_path / "out"), is_dir=False)
    records = json.loads((tmp_path / "out" / "result.json").read_text(encoding="utf-8"))
    assert sorted(r["doc_id"] for r in records) == sorted(TEXTS)
    for record in records:
        doc_id, text = record["doc_id"], record["text"]
        assert text == TEXTS[doc_id]
        for region in [*record["claim"], *record["source"], *record["cue"]]:
            assert text[region["start"]:region["end"]] == region["text"]
        got = {(r["start"], r["end"], r["labels"][0]) for r in record["claim"]}
        assert got == {(c["start"], c["end"], c["stance"]) for c in GOLD[doc_id]["claims"]}
        got = {(r["start"], r["end"], r["labels"][0]) for r in record["source"]}
        assert got == {(m["start"], m["end"], m["source"])
                       for m in GOLD[doc_id]["source_mentions"]}
        assert sorted(record["cluster"]) == sorted(c["cluster"] for c in GOLD[doc_id]["claims"])


# --------------------------------------------------------------------------------------
# spaCy DocBin.
# --------------------------------------------------------------------------------------
def test_spacy_docbin_read_by_spacy(exported: dict[str, Path]) -> None:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(exported["spacy"] / "retold.spacy").get_docs(nlp.vocab))
    assert sorted(d.user_data["doc_id"] for d in docs) == sorted(TEXTS)
    labels = {"claims": "stance", "source_mentions": "source", "boilerplate": "kind"}
    for doc in docs:
        doc_id = doc.user_data["doc_id"]
        assert doc.text == TEXTS[doc_id]
        for kind in ("claims", "source_mentions", "cues", "boilerplate"):
            got = {(s.start_char, s.end_char, s.id_) for s in doc.spans[kind]}
            assert got == spans(doc_id, kind), (doc_id, kind)
            if kind in labels:
                assert {(s.id_, s.label_) for s in doc.spans[kind]} == {
                    (e["id"], e[labels[kind]]) for e in GOLD[doc_id][kind]}


# --------------------------------------------------------------------------------------
# Nested claims of the real corpus: every format holds the parent, the nested claim and
# the link between them (natively, or, for CoNLL, the link in the side file).
# --------------------------------------------------------------------------------------
NESTED = {c["id"]: (doc_id, c["parent"]) for doc_id, gold in GOLD.items()
          for c in gold["claims"] if c.get("parent")}
SPAN_OF = {c["id"]: (c["start"], c["end"]) for gold in GOLD.values() for c in gold["claims"]}


def test_the_corpus_has_the_nested_claims_of_dataset_1_1() -> None:
    assert len(NESTED) == 7
    assert {"001-c051", "001-c052", "001-c053", "001-c054", "002-c019", "003-c032",
            "004-c022"} == set(NESTED)
    for cid, (_, parent) in NESTED.items():  # inside the parent, and not the same span
        (s, e), (ps, pe) = SPAN_OF[cid], SPAN_OF[parent]
        assert ps <= s < e <= pe and (s, e) != (ps, pe)


def _nested_links(fmt: str, folder: Path) -> dict[str, str]:
    """nested claim id -> parent id, read from the export by the format's own reader."""
    if fmt == "brat":
        from bratly import NoteAnnotation, RelationAnnotation
        from bratly.io import parse_ann_file

        out = {}
        for doc_id in TEXTS:
            path = folder / f"{doc_id}.ann"
            collection = parse_ann_file(path.read_text(encoding="utf-8"), str(path),
                                        no_duplicates=False, sorting=False,
                                        renumerotize=False)
            notes = {a.component.id: a.value.split()[0] for a in collection.annotations
                     if isinstance(a, NoteAnnotation)}
            out |= {notes[r.argument1[1].id]: notes[r.argument2[1].id]
                    for r in collection.annotations
                    if isinstance(r, RelationAnnotation) and r.label == "NestedIn"}
        return out
    if fmt == "inception-xmi":
        from cassis import load_cas_from_xmi, load_typesystem

        with (folder / "typesystem.xml").open("rb") as f:
            ts = load_typesystem(f)
        out = {}
        for doc_id in TEXTS:
            with (folder / f"{doc_id}.xmi").open("rb") as f:
                cas = load_cas_from_xmi(f, typesystem=ts)
            out |= {c.retoldId: c.parent.retoldId for c in cas.select("retold.Claim")
                    if c.parent is not None}
        return out
    if fmt == "label-studio":
        tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
        out = {}
        for task in tasks:
            result = task["predictions"][0]["result"]
            claims = {r["id"] for r in result if r.get("from_name") == "claim"}
            for r in result:
                if r.get("type") == "relation" and r["labels"] == ["parent"]:
                    assert {r["from_id"], r["to_id"]} <= claims
                    out[r["from_id"]] = r["to_id"]
        return out
    if fmt == "spacy":
        import spacy
        from spacy.tokens import DocBin

        nlp = spacy.blank("en")
        out = {}
        for doc in DocBin().from_disk(folder / "retold.spacy").get_docs(nlp.vocab):
            ids = {s.id_ for s in doc.spans["claims"]}
            links = doc.user_data["claim_parents"]
            assert set(links) | set(links.values()) <= ids
            out |= links
        return out
    side = json.loads((folder / SIDECAR_FILE).read_text(encoding="utf-8"))
    return {cid: c["parent"] for d in side["documents"].values()
            for cid, c in d["claims"].items() if c.get("parent")}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_format_holds_the_nested_claims_and_their_parents(exported: dict[str, Path],
                                                                 fmt: str) -> None:
    assert _nested_links(fmt, exported[fmt]) == {c: p for c, (_, p) in NESTED.items()}


def test_conll_nests_each_nested_claim_inside_its_parent(exported: dict[str, Path],
                                                         tmp_path: Path) -> None:
    """In CoNLL the link is the containment of the two layers: the claim-layer span around
    each nested-claim span is the parent's span."""
    from datasets import load_dataset
    from seqeval.metrics.sequence_labeling import get_entities

    folder = exported["conll"]
    names = (folder / "columns.txt").read_text(encoding="utf-8").split()
    ds = load_dataset("conll", data_files=str(folder / "retold.conll"), split="train",
                      column_names=names, delimiter="\t", comment_prefix="# ",
                      cache_dir=str(tmp_path))
    around = {}
    for row in ds:
        starts, ends = [int(s) for s in row["start"]], [int(e) for e in row["end"]]
        claims = [(starts[i], ends[j]) for _, i, j in get_entities(list(row["claim_tags"]))]
        for _, i, j in get_entities(list(row["nested_claim_tags"])):
            hosts = [c for c in claims if c[0] <= starts[i] and ends[j] <= c[1]]
            assert len(hosts) == 1
            around[(starts[i], ends[j])] = hosts[0]
    assert around == {SPAN_OF[c]: SPAN_OF[p] for c, (_, p) in NESTED.items()}


# --------------------------------------------------------------------------------------
# The side file: what each format cannot hold.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_side_file_plus_format_hold_every_field(exported: dict[str, Path], fmt: str) -> None:
    side = json.loads((exported[fmt] / SIDECAR_FILE).read_text(encoding="utf-8"))
    held = {kind: set(keys) for kind, keys in side["held"].items()}
    for doc_id, gold in GOLD.items():
        entry = side["documents"][doc_id]
        assert entry["document"] == {k: v for k, v in gold.items() if not isinstance(v, list)}
        for kind in ("boilerplate", "source_mentions", "cues", "claims"):
            for e in gold[kind]:
                stored = entry[kind][e["id"]]
                for key, value in e.items():
                    if key in held.get(kind, set()):
                        assert key not in stored or key == "id"
                    else:
                        assert stored[key] == value, (fmt, doc_id, e["id"], key)
    for name in ("sources.json", "clusters.json"):
        assert side["files"][name] == json.loads((ANNOTATIONS / name).read_text("utf-8"))
    assert (exported[fmt] / "README.md").is_file()


def test_the_format_documentation_is_up_to_date() -> None:
    from retold.describe import export_formats

    assert export_formats.main([str(ROOT / "docs" / "exports.md"), "--check"]) == 0
