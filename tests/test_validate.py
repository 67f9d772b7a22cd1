"""Tests of ``retold.validate.checks``: the mini fixture is valid, and one corruption per error code
is caught, named by file and id."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from retold import errors as v
from retold.cli import main
from retold.errors import InvalidInputError, Problem
from retold.validate import checks

MINI = Path(__file__).parent / "fixtures" / "mini"
DOC0 = "annotations/docs/000-mini-report.json"
DOC1 = "annotations/docs/001-mini-denial.json"
SOURCES = "annotations/sources.json"
CLUSTERS = "annotations/clusters.json"
IDS = "annotations/ids.json"
MANIFEST = "corpus/manifest.json"
TEXT0 = "corpus/texts/000_mini.txt"
TEXT1 = "corpus/texts/001_mini.txt"


# --------------------------------------------------------------------------------------
# Helpers.
# --------------------------------------------------------------------------------------
@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private copy of the mini fixture (corpus/ and annotations/)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def run(root: Path) -> list[Problem]:
    """The natural annotations' problems (the contrast set's: ``tests/test_contrast.py``)."""
    return checks.validate(root / "corpus", root / "annotations", contrast=False)


def edit_json(root: Path, rel: str, change: Callable[[Any], Any]) -> None:
    """Load ``rel``, let ``change`` edit it in place (or return a replacement), write it."""
    path = root / rel
    data = json.loads(path.read_text(encoding="utf-8"))
    result = change(data)
    path.write_text(json.dumps(data if result is None else result, ensure_ascii=False,
                               indent=2), encoding="utf-8")


def item(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    return next(x for x in items if item_id in (x.get("id"), x.get("source_id"),
                                                x.get("cluster_id")))


def claim(doc: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return item(doc["claims"], claim_id)


def text_of(root: Path, rel: str) -> str:
    return (root / rel).read_bytes().decode("utf-8")


# --------------------------------------------------------------------------------------
# The mutation table: each entry corrupts one thing and names the problem it must cause.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mutation:
    name: str
    code: str
    file: str  # the problem's file ends with this
    where: str  # and its id/line contains this
    apply: Callable[[Path], None]


def _overlapping_mention(root: Path) -> None:
    """A second mention "Jon Doe" inside the mention "spokesman Jon Doe"."""
    text = text_of(root, TEXT1)
    start = text.index("Jon Doe")
    edit_json(root, DOC1, lambda d: d["source_mentions"].append(
        {"id": "001-s99", "start": start, "end": start + 7, "text": "Jon Doe",
         "source": "jon-doe"}))


def _claim_across_lines(root: Path) -> None:
    """Stretch the headline claim over the blank line into the next paragraph."""
    text = text_of(root, TEXT1)

    def change(doc: dict[str, Any]) -> None:
        c = claim(doc, "001-c001")
        end = text.index("The ministry") + 3
        c.update(end=end, text=text[c["start"]:end])

    edit_json(root, DOC1, change)


def _set(rel: str, fn: Callable[[Any], Any]) -> Callable[[Path], None]:
    return lambda root: edit_json(root, rel, fn)


def _delete(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def _drop_stance(doc: dict[str, Any]) -> None:
    del claim(doc, "000-c001")["stance"]


def _change_text_bytes(root: Path) -> None:
    path = root / TEXT0
    path.write_bytes(path.read_bytes().replace(b"Friday", b"Monday"))


def _add_claim(doc: dict[str, Any], root_text: str, quote: str, claim_id: str) -> None:
    start = root_text.index(quote)
    doc["claims"].append({
        "id": claim_id, "start": start, "end": start + len(quote), "text": quote,
        "stance": "asserted", "cluster": "embassy-evacuated", "source": "author",
        "chain": [], "note": "",
    })


def _crossing_claim(root: Path) -> None:
    """A claim from "the embassy" to "Friday, the Daily Planet": it crosses the end of
    000-c001 ("Officials evacuated staff from the embassy on Friday")."""
    text = text_of(root, TEXT0)
    edit_json(root, DOC0, lambda d: _add_claim(d, text, "the embassy on Friday, the Daily",
                                               "000-c003"))


def _same_span_claim(root: Path) -> None:
    text = text_of(root, TEXT0)
    edit_json(root, DOC0, lambda d: _add_claim(
        d, text, "Officials evacuated staff from the embassy on Friday", "000-c003"))


def _nested_claim(root: Path, quote: str, claim_id: str, parent: str | None) -> None:
    text = text_of(root, TEXT0)

    def change(doc: dict[str, Any]) -> None:
        _add_claim(doc, text, quote, claim_id)
        if parent is not None:
            claim(doc, claim_id)["parent"] = parent

    edit_json(root, DOC0, change)


def _nested_without_parent(root: Path) -> None:
    """A claim inside 000-c001 that does not name it: an overlap is never read as nesting."""
    _nested_claim(root, "staff from the embassy", "000-c003", None)


def _nested_in_the_wrong_claim(root: Path) -> None:
    """A claim that names 000-c002 as its parent but lies inside 000-c001."""
    _nested_claim(root, "staff from the embassy", "000-c003", "000-c002")


def _nested_in_a_ghost(root: Path) -> None:
    _nested_claim(root, "staff from the embassy", "000-c003", "000-c099")


def _nested_two_deep(root: Path) -> None:
    """000-c004 inside 000-c003 inside 000-c001: one level of nesting at most."""
    _nested_claim(root, "staff from the embassy", "000-c003", "000-c001")
    _nested_claim(root, "the embassy", "000-c004", "000-c003")


def _boilerplate_over_claim(doc: dict[str, Any]) -> None:
    b = item(doc["boilerplate"], "000-b01")
    b["end"], b["text"] = 118, "ReplyDelete\nThe"


def _boilerplate_over_mention(doc: dict[str, Any]) -> None:
    b = item(doc["boilerplate"], "001-b01")
    b["start"], b["text"] = 190, "lanet.\nRead Entire Article"


def _reverse_chain(doc: dict[str, Any]) -> None:
    c = claim(doc, "000-c001")
    c["chain"].reverse()


def _author_in_chain(doc: dict[str, Any]) -> None:
    claim(doc, "000-c002")["chain"] = [{"source": "author", "mention": None, "cue": None}]


def _source_id_twice(sources: list[dict[str, Any]]) -> None:
    sources.append(dict(item(sources, "jon-doe")))


def _manifest_twice(manifest: list[dict[str, Any]]) -> None:
    manifest.append(dict(manifest[0]))


def _retire(entry: str, retired: str) -> Callable[[Any], None]:
    return lambda ids: ids[entry]["retired"].append(retired)


def _issued(entry: str, letter: str, count: int) -> Callable[[Any], None]:
    return lambda ids: ids[entry]["issued"].update({letter: count})


def _shared_prefix(root: Path) -> None:
    """A second document whose id starts with the prefix of the first ("000-")."""
    edit_json(root, MANIFEST, lambda m: m[1].update(doc_id="000-other"))
    edit_json(root, DOC1, lambda d: d.update(doc_id="000-other"))
    (root / DOC1).rename(root / "annotations/docs/000-other.json")


def _file_renamed(root: Path) -> None:
    (root / DOC1).rename(root / "annotations/docs/001-renamed.json")


def _raw(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """Edit a file's text (for what ``json.dumps`` cannot write: repeated keys, NaN)."""

    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def _crlf(root: Path) -> None:
    path = root / TEXT0
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def _bom(root: Path) -> None:
    path = root / TEXT1
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _repeat_boilerplate(doc: dict[str, Any]) -> None:
    doc["boilerplate"].append(dict(item(doc["boilerplate"], "000-b01"), id="000-b02"))


def _overlap_boilerplate(doc: dict[str, Any]) -> None:
    b = item(doc["boilerplate"], "001-b01")
    doc["boilerplate"].append(dict(b, id="001-b02", start=b["start"] + 5,
                                   text=b["text"][5:]))


def _agreement_list(root: Path) -> None:
    (root / "annotations" / "agreement.json").write_text("[1, 2]", encoding="utf-8")


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("shape", v.SHAPE, DOC0, "000-c001", _set(DOC0, _drop_stance)),
    Mutation("shape:invalid-json", v.SHAPE, CLUSTERS, "line",
             lambda root: (root / CLUSTERS).write_text("[{,]", encoding="utf-8")),
    Mutation("shape:relays-entry", v.SHAPE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0]["relays"].append(7))),
    Mutation("shape:alias-entry", v.SHAPE, SOURCES, "[1]",
             _set(SOURCES, lambda s: item(s, "jon-doe")["aliases"].append(None))),
    Mutation("shape:chain-link", v.SHAPE, DOC0, "000-c001 chain[1]",
             _set(DOC0, lambda d: claim(d, "000-c001")["chain"].__setitem__(1, "000-s02"))),
    Mutation("shape:start-string", v.SHAPE, DOC0, "000-q01",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(start="71"))),
    Mutation("shape:fold-missing", v.SHAPE, MANIFEST, "001-mini-denial",
             _set(MANIFEST, lambda m: m[1].__delitem__("fold"))),
    Mutation("shape:fold-boolean", v.SHAPE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(fold=False))),
    Mutation("shape:nan", v.SHAPE, DOC0, "-", _raw(DOC0, '"start": 71,', '"start": NaN,')),
    Mutation("shape:surrogate", v.SHAPE, CLUSTERS, "-",
             _raw(CLUSTERS, '"The bridge collapsed."', '"The bridge \\ud800collapsed."')),
    Mutation("shape:agreement", v.SHAPE, "annotations/agreement.json", "-", _agreement_list),
    Mutation("unknown-key", v.UNKNOWN_KEY, DOC0, "claims[1] 000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(stanse="hedged"))),
    Mutation("unknown-key:link", v.UNKNOWN_KEY, DOC0, "000-c001 chain[0]",
             _set(DOC0, lambda d: claim(d, "000-c001")["chain"][0].update(quote=""))),
    Mutation("unknown-key:manifest", v.UNKNOWN_KEY, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(lang="en"))),
    Mutation("duplicate-key", v.DUPLICATE_KEY, DOC0, "000-q01",
             _raw(DOC0, '"start": 71,', '"start": 71,\n      "start": 72,')),
    Mutation("duplicate-key:manifest", v.DUPLICATE_KEY, MANIFEST, "001-mini-denial",
             _raw(MANIFEST, '"fold": 1,', '"fold": 1, "fold": 0,')),
    Mutation("missing-file", v.MISSING_FILE, TEXT1, "001-mini-denial", _delete(TEXT1)),
    Mutation("missing-file:sources", v.MISSING_FILE, SOURCES, "-", _delete(SOURCES)),
    Mutation("checksum", v.CHECKSUM, TEXT0, "000-mini-report", _change_text_bytes),
    Mutation("converted-text", v.CONVERTED_TEXT, TEXT0, "000-mini-report", _crlf),
    Mutation("converted-text:bom", v.CONVERTED_TEXT, TEXT1, "001-mini-denial", _bom),
    Mutation("empty-id", v.EMPTY_ID, DOC0, "claims[1]",
             _set(DOC0, lambda d: claim(d, "000-c002").update(id=""))),
    Mutation("empty-id:cue", v.EMPTY_ID, DOC0, "cues[0]",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(id=" \t"))),
    Mutation("empty-id:cluster", v.EMPTY_ID, CLUSTERS, "[3]",
             _set(CLUSTERS, lambda c: c.append({"cluster_id": " ", "proposition": "Blank."}))),
    Mutation("empty-id:source", v.EMPTY_ID, SOURCES, "[4]",
             _set(SOURCES, lambda s: s.append(
                 {"source_id": "", "name": "N", "aliases": [], "kind": "person"}))),
    Mutation("empty-id:doc", v.EMPTY_ID, DOC1, "-",
             _set(DOC1, lambda d: d.update(doc_id="  "))),
    Mutation("empty-id:manifest", v.EMPTY_ID, MANIFEST, "[1]",
             _set(MANIFEST, lambda m: m[1].update(doc_id=""))),
    Mutation("empty-id:padded", v.EMPTY_ID, CLUSTERS, "[2]",
             _set(CLUSTERS, lambda c: item(c, "mission-continues").update(
                 cluster_id="mission-continues "))),
    Mutation("fold-out-of-range", v.FOLD_OUT_OF_RANGE, MANIFEST, "001-mini-denial",
             _set(MANIFEST, lambda m: m[1].update(fold=2))),
    Mutation("fold-out-of-range:negative", v.FOLD_OUT_OF_RANGE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(fold=-1))),
    Mutation("duplicate-fold", v.DUPLICATE_FOLD, MANIFEST, "001-mini-denial",
             _set(MANIFEST, lambda m: m[1].update(fold=0))),
    Mutation("invalid-date", v.INVALID_DATE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(published="7 Dec 2024"))),
    Mutation("invalid-date:no-such-day", v.INVALID_DATE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(published="2024-02-30"))),
    Mutation("invalid-language", v.INVALID_LANGUAGE, MANIFEST, "001-mini-denial",
             _set(MANIFEST, lambda m: m[1].update(language="english"))),
    Mutation("invalid-language:underscore", v.INVALID_LANGUAGE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0].update(language="en_US"))),
    Mutation("schema-version", v.WRONG_SCHEMA_VERSION, DOC0, "000-mini-report",
             _set(DOC0, lambda d: d.update(schema_version="0.9.0"))),
    Mutation("schema-version:newer-minor", v.WRONG_SCHEMA_VERSION, DOC0, "000-mini-report",
             _set(DOC0, lambda d: d.update(schema_version="1.9.0"))),
    Mutation("unknown-document", v.UNKNOWN_DOCUMENT, DOC1, "999-ghost",
             _set(DOC1, lambda d: d.update(doc_id="999-ghost"))),
    Mutation("unknown-document:file-name", v.UNKNOWN_DOCUMENT, "001-renamed.json",
             "001-mini-denial", _file_renamed),
    Mutation("missing-annotation", v.MISSING_ANNOTATION, DOC1, "001-mini-denial",
             _delete(DOC1)),
    Mutation("offset-out-of-range", v.OFFSET_OUT_OF_RANGE, DOC0, "000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(end=999))),
    Mutation("offset-out-of-range:empty", v.OFFSET_OUT_OF_RANGE, DOC0, "000-q01",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(end=71, text=""))),
    Mutation("offset-out-of-range:negative", v.OFFSET_OUT_OF_RANGE, DOC1, "001-b01",
             _set(DOC1, lambda d: item(d["boilerplate"], "001-b01").update(start=-1))),
    Mutation("span-text-mismatch", v.SPAN_TEXT_MISMATCH, DOC0, "000-q01",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(text="reports"))),
    Mutation("unknown-label", v.UNKNOWN_LABEL, DOC0, "000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(stance="rumoured"))),
    Mutation("unknown-label:boilerplate-kind", v.UNKNOWN_LABEL, DOC1, "001-b01",
             _set(DOC1, lambda d: item(d["boilerplate"], "001-b01").update(kind="footer"))),
    Mutation("unknown-label:source-kind", v.UNKNOWN_LABEL, SOURCES, "ministry",
             _set(SOURCES, lambda s: item(s, "ministry").update(kind="ministry"))),
    Mutation("unknown-label:genre", v.UNKNOWN_LABEL, MANIFEST, "001-mini-denial",
             _set(MANIFEST, lambda m: m[1].update(genre="tabloid"))),
    Mutation("unknown-source", v.UNKNOWN_SOURCE, DOC0, "000-c001",
             _set(DOC0, lambda d: claim(d, "000-c001").update(source="ghost"))),
    Mutation("unknown-source:mention", v.UNKNOWN_SOURCE, DOC1, "001-s03",
             _set(DOC1, lambda d: item(d["source_mentions"], "001-s03").update(source="j"))),
    Mutation("unknown-source:author-in-chain", v.UNKNOWN_SOURCE, DOC0, "000-c002 chain[0]",
             _set(DOC0, _author_in_chain)),
    Mutation("unknown-source:author-in-registry", v.UNKNOWN_SOURCE, SOURCES, "author",
             _set(SOURCES, lambda s: s.append(
                 {"source_id": "author", "name": "A", "aliases": [], "kind": "person"}))),
    Mutation("unknown-source:relay", v.UNKNOWN_SOURCE, MANIFEST, "000-mini-report",
             _set(MANIFEST, lambda m: m[0]["relays"].append("ghost-news"))),
    Mutation("dangling-reference", v.DANGLING_REFERENCE, DOC0, "000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(cluster="no-such-cluster"))),
    Mutation("dangling-reference:mention", v.DANGLING_REFERENCE, DOC1, "001-c002 chain[0]",
             _set(DOC1, lambda d: claim(d, "001-c002")["chain"][0].update(mention="001-s99"))),
    Mutation("dangling-reference:cue", v.DANGLING_REFERENCE, DOC1, "001-c002 chain[0]",
             _set(DOC1, lambda d: claim(d, "001-c002")["chain"][0].update(cue="000-q01"))),
    Mutation("mention-source-mismatch", v.MENTION_SOURCE_MISMATCH, DOC0, "000-c001 chain[0]",
             _set(DOC0, lambda d: item(d["source_mentions"], "000-s01").update(
                 source="jon-doe"))),
    Mutation("duplicate-id", v.DUPLICATE_ID, DOC1, "000-b01",
             _set(DOC1, lambda d: item(d["boilerplate"], "001-b01").update(id="000-b01"))),
    Mutation("duplicate-id:within-doc", v.DUPLICATE_ID, DOC0, "000-c001",
             _set(DOC0, lambda d: claim(d, "000-c002").update(id="000-c001"))),
    Mutation("duplicate-id:source", v.DUPLICATE_ID, SOURCES, "jon-doe",
             _set(SOURCES, _source_id_twice)),
    Mutation("duplicate-id:cluster", v.DUPLICATE_ID, CLUSTERS, "bridge-collapsed",
             _set(CLUSTERS, lambda c: c.append(dict(c[0])))),
    Mutation("duplicate-id:manifest", v.DUPLICATE_ID, MANIFEST, "000-mini-report",
             _set(MANIFEST, _manifest_twice)),
    Mutation("boilerplate-overlap", v.BOILERPLATE_OVERLAP, DOC0, "000-c002",
             _set(DOC0, _boilerplate_over_claim)),
    Mutation("boilerplate-overlap:mention", v.BOILERPLATE_OVERLAP, DOC1, "001-s04",
             _set(DOC1, _boilerplate_over_mention)),
    Mutation("claim-overlap", v.CLAIM_OVERLAP, DOC0, "000-c003", _crossing_claim),
    Mutation("claim-overlap:same-span", v.CLAIM_OVERLAP, DOC0, "000-c003", _same_span_claim),
    Mutation("claim-parent", v.CLAIM_PARENT, DOC0, "000-c003", _nested_without_parent),
    Mutation("claim-parent:outside", v.CLAIM_PARENT, DOC0, "000-c003",
             _nested_in_the_wrong_claim),
    Mutation("claim-parent:unknown", v.CLAIM_PARENT, DOC0, "000-c003", _nested_in_a_ghost),
    Mutation("claim-nesting-depth", v.CLAIM_NESTING_DEPTH, DOC0, "000-c004",
             _nested_two_deep),
    Mutation("boilerplate-overlap:repeated", v.BOILERPLATE_OVERLAP, DOC0, "000-b02",
             _set(DOC0, _repeat_boilerplate)),
    Mutation("boilerplate-overlap:boilerplate", v.BOILERPLATE_OVERLAP, DOC1, "001-b02",
             _set(DOC1, _overlap_boilerplate)),
    Mutation("span-overlap", v.SPAN_OVERLAP, DOC1, "001-s99", _overlapping_mention),
    Mutation("crosses-line", v.CROSSES_LINE, DOC1, "001-c001", _claim_across_lines),
    Mutation("chain-source-mismatch", v.CHAIN_SOURCE_MISMATCH, DOC0, "000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(source="jon-doe"))),
    Mutation("chain-source-mismatch:last-link", v.CHAIN_SOURCE_MISMATCH, DOC0, "000-c001",
             _set(DOC0, _reverse_chain)),
    Mutation("empty-proposition", v.EMPTY_PROPOSITION, CLUSTERS, "mission-continues",
             _set(CLUSTERS, lambda c: item(c, "mission-continues").update(proposition=" "))),
    Mutation("unused-cluster", v.UNUSED_CLUSTER, CLUSTERS, "orphan-cluster",
             _set(CLUSTERS, lambda c: c.append(
                 {"cluster_id": "orphan-cluster", "proposition": "Nothing happened."}))),
    Mutation("unused-source", v.UNUSED_SOURCE, SOURCES, "orphan-source",
             _set(SOURCES, lambda s: s.append(
                 {"source_id": "orphan-source", "name": "O", "aliases": [], "kind": "person"}))),
    Mutation("not-token-aligned", v.NOT_TOKEN_ALIGNED, DOC0, "000-q01",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(end=77, text="report"))),
    Mutation("not-token-aligned:claim", v.NOT_TOKEN_ALIGNED, DOC0, "000-c002",
             _set(DOC0, lambda d: claim(d, "000-c002").update(
                 end=143, text="The bridge may have collapse"))),
    Mutation("whitespace-edge", v.WHITESPACE_EDGE, DOC0, "000-q01",
             _set(DOC0, lambda d: item(d["cues"], "000-q01").update(start=70,
                                                                    text=" reported"))),
    Mutation("whitespace-edge:end", v.WHITESPACE_EDGE, DOC0, "000-q02",
             _set(DOC0, lambda d: item(d["cues"], "000-q02").update(end=88, text="citing "))),
    Mutation("unused-span", v.UNUSED_SPAN, DOC0, "000-q02",
             _set(DOC0, lambda d: claim(d, "000-c001")["chain"][1].update(cue=None))),
    Mutation("id-registry", v.ID_REGISTRY, DOC0, "000-c002",
             _set(IDS, _retire("000-mini-report", "000-c002"))),
    Mutation("id-registry:never-issued", v.ID_REGISTRY, DOC1, "001-q04",
             _set(IDS, _issued("001-mini-denial", "q", 3))),
    Mutation("id-registry:not-retired", v.ID_REGISTRY, IDS, "000-s03",
             _set(IDS, _issued("000-mini-report", "s", 3))),
    Mutation("id-registry:malformed", v.ID_REGISTRY, DOC1, "001-c03",
             _set(DOC1, lambda d: claim(d, "001-c003").update(id="001-c03"))),
    Mutation("id-registry:wrong-prefix", v.ID_REGISTRY, DOC1, "002-b01",
             _set(DOC1, lambda d: item(d["boilerplate"], "001-b01").update(id="002-b01"))),
    Mutation("id-registry:retired-never-issued", v.ID_REGISTRY, IDS, "000-c009",
             _set(IDS, _retire("000-mini-report", "000-c009"))),
    Mutation("id-registry:no-entry", v.ID_REGISTRY, IDS, "001-mini-denial",
             _set(IDS, lambda ids: {k: v for k, v in ids.items() if k != "001-mini-denial"})),
    Mutation("id-registry:unknown-document", v.ID_REGISTRY, IDS, "002-ghost",
             _set(IDS, lambda ids: ids.update({"002-ghost": ids["000-mini-report"]}))),
    Mutation("id-registry:shared-prefix", v.ID_REGISTRY, "000-other.json", "000-other",
             _shared_prefix),
    Mutation("missing-file:ids", v.MISSING_FILE, IDS, "-", _delete(IDS)),
    Mutation("shape:ids", v.SHAPE, IDS, "000-mini-report",
             _set(IDS, lambda ids: ids["000-mini-report"].update(next=3))),
)


# --------------------------------------------------------------------------------------
# Tests.
# --------------------------------------------------------------------------------------
def test_mini_fixture_is_valid() -> None:
    assert checks.validate(MINI / "corpus", MINI / "annotations") == []


def test_load_validated_returns_the_data() -> None:
    docs, annotations = checks.load_validated(MINI / "corpus", MINI / "annotations")
    assert [d.doc_id for d in docs] == ["000-mini-report", "001-mini-denial"]
    assert [d.doc_id for d in annotations.docs] == ["000-mini-report", "001-mini-denial"]
    assert len(annotations.sources) == 4
    assert len(annotations.clusters) == 3


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_each_corruption_is_reported(mini: Path, mutation: Mutation) -> None:
    mutation.apply(mini)
    problems = run(mini)
    assert problems, "the corruption went unnoticed"
    assert problems == sorted(problems)
    assert {p.code for p in problems} <= set(v.CODES), "a problem carries an undeclared code"
    hits = [p for p in problems if p.code == mutation.code]
    assert hits, f"no {mutation.code} problem; got:\n" + "\n".join(map(str, problems))
    assert any(
        p.file.replace("\\", "/").endswith(mutation.file) and mutation.where in p.where
        for p in hits
    ), f"no {mutation.code} problem names {mutation.file} / {mutation.where}; got:\n" + (
        "\n".join(map(str, hits)))
    assert all(p.message for p in hits)


def test_load_validated_raises_with_every_problem(mini: Path) -> None:
    edit_json(mini, DOC0, lambda d: claim(d, "000-c002").update(stance="rumoured"))
    with pytest.raises(InvalidInputError) as err:
        checks.load_validated(mini / "corpus", mini / "annotations")
    assert [p.code for p in err.value.problems] == [v.UNKNOWN_LABEL]


def test_every_code_has_a_mutation() -> None:
    declared = {value for name, value in vars(v).items()
                if name.isupper() and isinstance(value, str)} - set(v.COMMAND_CODES) \
        - (set(v.SCORE_CODES) - set(v.CODES))
    assert declared == set(v.CODES) | set(v.CONTRAST_CODES), (
        "a code constant is missing from errors.CODES (or errors.CONTRAST_CODES)")
    assert not set(v.COMMAND_CODES) & set(v.CODES)
    assert len(v.CODES) == len(set(v.CODES))
    untested = set(v.CODES) - {m.code for m in MUTATIONS}
    assert not untested, f"codes without an invalid fixture: {sorted(untested)}"
    assert all(m.name.split(":")[0] == m.code for m in MUTATIONS)


def test_every_code_is_documented() -> None:
    assert checks.__doc__ is not None
    for code in v.CODES:
        assert f"``{code}``" in checks.__doc__, f"{code} is not documented in the module docstring"


def test_several_corruptions_in_one_file_are_all_reported(mini: Path) -> None:
    def corrupt(doc: dict[str, Any]) -> None:
        claim(doc, "000-c002").update(stance="rumoured", cluster="no-such-cluster")
        item(doc["cues"], "000-q01").update(text="reports")
        item(doc["cues"], "000-q02").update(end=85, text="cit")
        claim(doc, "000-c001")["chain"][0]["source"] = "ministry"
        doc["schema_version"] = "2.0.0"

    edit_json(mini, DOC0, corrupt)
    problems = run(mini)
    found = {(p.code, p.where) for p in problems if p.file.endswith("000-mini-report.json")}
    assert {
        (v.UNKNOWN_LABEL, "000-c002"),
        (v.DANGLING_REFERENCE, "000-c002"),
        (v.SPAN_TEXT_MISMATCH, "000-q01"),
        (v.NOT_TOKEN_ALIGNED, "000-q02"),
        (v.MENTION_SOURCE_MISMATCH, "000-c001 chain[0]"),
        (v.WRONG_SCHEMA_VERSION, "000-mini-report"),
    } <= found


def test_corruptions_across_files_are_all_reported(mini: Path) -> None:
    for name in ("schema-version", "unknown-label:source-kind", "empty-proposition",
                 "checksum", "duplicate-id:manifest"):
        next(m for m in MUTATIONS if m.name == name).apply(mini)
    codes = {p.code for p in run(mini)}
    assert {v.WRONG_SCHEMA_VERSION, v.UNKNOWN_LABEL, v.EMPTY_PROPOSITION, v.CHECKSUM,
            v.DUPLICATE_ID} <= codes


def test_glued_boilerplate_is_a_token_break(mini: Path) -> None:
    """A claim may start right after boilerplate glued to its first word."""
    path = mini / TEXT0
    raw = path.read_bytes().replace(b"ReplyDelete\n", b"ReplyDelete")
    path.write_bytes(raw)
    text = raw.decode("utf-8")
    edit_json(mini, MANIFEST, lambda m: m[0].update(sha256=_sha256(raw)))

    def shift(doc: dict[str, Any]) -> None:
        c = claim(doc, "000-c002")
        c["start"] = text.index("The bridge")
        c["end"] = c["start"] + len(c["text"])

    edit_json(mini, DOC0, shift)
    assert run(mini) == []
    # Without the boilerplate span the same claim start falls inside "ReplyDeleteThe".
    edit_json(mini, DOC0, lambda d: d.update(boilerplate=[]))
    assert (v.NOT_TOKEN_ALIGNED, "000-c002") in {(p.code, p.where) for p in run(mini)}


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_cli_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["validate", "--corpus", str(MINI / "corpus"),
               "--annotations", str(MINI / "annotations")])
    assert rc == 0
    assert "ok:" in capsys.readouterr().out


def test_cli_validate_prints_every_problem(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("unknown-label", "unused-cluster", "schema-version"):
        next(m for m in MUTATIONS if m.name == name).apply(mini)
    problems = run(mini)
    rc = main(["validate", "--corpus", str(mini / "corpus"),
               "--annotations", str(mini / "annotations")])
    captured = capsys.readouterr()
    assert rc == 1
    assert len(problems) >= 3
    for problem in problems:
        assert str(problem) in captured.out
    assert f"{len(problems)} problem(s) found" in captured.err


@pytest.mark.parametrize("rel", [SOURCES, CLUSTERS, IDS])
def test_an_unreadable_registry_is_reported_once(mini: Path, rel: str) -> None:
    """A missing registry is one missing-file problem, not one problem per reference."""
    (mini / rel).unlink()
    problems = run(mini)
    assert [(p.code, p.file.replace("\\", "/").endswith(rel)) for p in problems] == [
        (v.MISSING_FILE, True)
    ]


def test_a_nested_claim_is_valid(mini: Path) -> None:
    """A gloss inside the claim it glosses, naming it as parent: no problem at all."""
    _nested_claim(mini, "staff from the embassy", "000-c003", "000-c001")
    edit_json(mini, IDS, _issued("000-mini-report", "c", 3))
    assert run(mini) == []
    # The same claim one token wider crosses its parent's end.
    text = text_of(mini, TEXT0)

    def widen(doc: dict[str, Any]) -> None:
        c = claim(doc, "000-c003")
        c["end"] = text.index("the Daily") + len("the")
        c["text"] = text[c["start"]:c["end"]]

    edit_json(mini, DOC0, widen)
    assert {(p.code, p.where) for p in run(mini)} >= {(v.CLAIM_OVERLAP, "000-c003")}


def test_the_validator_checks_the_agreement_file_the_card_reads() -> None:
    """The card (``describe``, above ``validate``) reads ``agreement.json``; the validator
    checks the file of the same name, so that what validate accepts the build can print."""
    from retold.describe import card
    from retold.io import standoff

    assert card.AGREEMENT_FILE == standoff.AGREEMENT_FILE
