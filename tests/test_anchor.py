"""Tests of ``retold anchor``: ids come from the draft and never move; every failure path.

The oracles are independent of the anchorer: the committed standoff files read as plain
JSON, the ids and quotes read straight from the stored draft lines, and the corpus text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from retold.annotate.anchor import anchor_draft
from retold.cli import main
from retold.errors import InvalidInputError
from retold.io.corpus import load_corpus_or_raise
from retold.io.jsonio import dump_json
from retold.io.standoff import doc_to_json
from retold.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
SETS = {
    "gold": (ROOT / "annotations" / "drafts", ROOT / "annotations" / "docs"),
    "first_read": (ROOT / "annotations" / "first_read" / "drafts",
                   ROOT / "annotations" / "first_read" / "docs"),
    "second_read": (ROOT / "annotations" / "second_read" / "drafts",
                    ROOT / "annotations" / "second_read" / "docs"),
    "mini": (MINI / "drafts", MINI / "annotations" / "docs"),
}
TEXTS = {d.doc_id: d.text for d in load_corpus_or_raise(ROOT / "corpus")}
TEXTS.update({d.doc_id: d.text for d in load_corpus_or_raise(MINI / "corpus")})
GOLD_DOCS = sorted(p.stem for p in SETS["gold"][0].glob("*.jsonl"))
ALL_DRAFTS = [(name, p.stem) for name, (drafts, _) in sorted(SETS.items())
              for p in sorted(drafts.glob("*.jsonl"))]

SpanKey = tuple[Any, ...]


# --------------------------------------------------------------------------------------
# Helpers: oracles read without the anchorer.
# --------------------------------------------------------------------------------------
def draft_lines(name: str, doc_id: str) -> list[str]:
    return (SETS[name][0] / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()


def committed(name: str, doc_id: str) -> dict[str, Any]:
    return json.loads((SETS[name][1] / f"{doc_id}.json").read_text(encoding="utf-8"))


def spans_by_id(doc: dict[str, Any]) -> dict[str, SpanKey]:
    """Every id of a standoff document (as JSON) with what it names."""
    out: dict[str, SpanKey] = {}
    for b in doc["boilerplate"]:
        out[b["id"]] = ("boilerplate", b["start"], b["end"], b["text"], b["kind"])
    for m in doc["source_mentions"]:
        out[m["id"]] = ("mention", m["start"], m["end"], m["text"], m["source"])
    for q in doc["cues"]:
        out[q["id"]] = ("cue", q["start"], q["end"], q["text"])
    for c in doc["claims"]:
        chain = tuple((ln["source"], ln["mention"], ln["cue"]) for ln in c["chain"])
        out[c["id"]] = ("claim", c["start"], c["end"], c["text"], c["stance"], chain)
    return out


def anchored(lines: list[str], doc_id: str) -> dict[str, SpanKey]:
    doc = anchor_draft(lines, TEXTS[doc_id], doc_id, f"{doc_id}.jsonl")
    return spans_by_id(doc_to_json(doc))


def quotes_by_id(lines: list[str]) -> dict[str, str]:
    """Each id of a draft with the quote it is written next to, read from the JSON lines."""
    out: dict[str, str] = {}
    for line in lines:
        item = json.loads(line)
        if "boilerplate" in item:
            for i in item.get("ids", [item.get("id")]):
                out[i] = item["boilerplate"]
            continue
        out[item["id"]] = item["claim"]
        for link in item["chain"]:
            for key in ("mention", "cue"):
                if link[key] is not None:
                    assert out.setdefault(link[f"{key}_id"], link[key]) == link[key]
    return out


def line_with_id(lines: list[str], span_id: str) -> int:
    return next(i for i, line in enumerate(lines) if json.loads(line).get("id") == span_id)


def replace_line(lines: list[str], index: int, item: dict[str, Any] | None) -> list[str]:
    new = [] if item is None else [json.dumps(item, ensure_ascii=False)]
    return lines[:index] + new + lines[index + 1:]


def next_free(ids: set[str], doc_id: str, letter: str) -> str:
    """The next id after every id of this letter in the committed file (hand-formatted)."""
    prefix = doc_id.split("-", 1)[0]
    numbers = [int(i.split("-")[1][1:]) for i in ids if i.split("-")[1][0] == letter]
    width = 3 if letter == "c" else 2
    return f"{prefix}-{letter}{max(numbers, default=0) + 1:0{width}d}"


def exclusive_spans(doc: dict[str, Any], claim_id: str) -> set[str]:
    """The mention and cue ids that only ``claim_id`` refers to."""
    refs: dict[str, set[str]] = {}
    for c in doc["claims"]:
        for ln in c["chain"]:
            for ref in (ln["mention"], ln["cue"]):
                if ref is not None:
                    refs.setdefault(ref, set()).add(c["id"])
    return {ref for ref, users in refs.items() if users == {claim_id}}


def problems(lines: list[str], doc_id: str = "000-mini-report") -> list[str]:
    with pytest.raises(InvalidInputError) as err:
        anchor_draft(lines, TEXTS[doc_id], doc_id, "draft.jsonl")
    assert all(p.file == "draft.jsonl" and p.code == "anchor" for p in err.value.problems)
    return [f"{p.where}: {p.message}" for p in err.value.problems]


MINI0 = draft_lines("mini", "000-mini-report")


def mini0(index: int, **change: Any) -> list[str]:
    """The mini draft 000 with line ``index`` updated (a value None deletes the key)."""
    item = json.loads(MINI0[index])
    for key, value in change.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return replace_line(MINI0, index, item)


# --------------------------------------------------------------------------------------
# The committed standoff files are reproduced exactly from their drafts.
# --------------------------------------------------------------------------------------
FROZEN_AT = {"first_read": "1.0.0", "second_read": "1.0.0"}
"""The two reads are frozen as made before adjudication (their agreement describes them):
they stay at the schema version they were written in, which the current schema reads."""


@pytest.mark.parametrize(("name", "doc_id"), ALL_DRAFTS)
def test_draft_reproduces_the_committed_standoff_file(name: str, doc_id: str) -> None:
    draft = SETS[name][0] / f"{doc_id}.jsonl"
    doc = anchor_draft(draft_lines(name, doc_id), TEXTS[doc_id], doc_id, str(draft))
    expected = (SETS[name][1] / f"{doc_id}.json").read_text(encoding="utf-8")
    written = doc_to_json(doc)
    assert written["schema_version"] == SCHEMA_VERSION
    written["schema_version"] = FROZEN_AT.get(name, SCHEMA_VERSION)
    assert dump_json(written) == expected, (
        f"re-run: retold anchor {draft} --doc-id {doc_id} --out .../docs/{doc_id}.json")


@pytest.mark.parametrize(("name", "doc_id"), ALL_DRAFTS)
def test_every_id_stays_with_its_own_quote(name: str, doc_id: str) -> None:
    lines = draft_lines(name, doc_id)
    quotes = quotes_by_id(lines)
    spans = anchored(lines, doc_id)
    assert set(spans) == set(quotes)
    for span_id, value in spans.items():
        assert value[3] == quotes[span_id], span_id
        assert TEXTS[doc_id][value[1]:value[2]] == quotes[span_id]


RELEASE_0_1_CLAIMS = {"000-blog-thread": 29, "001-forum-repost": 49, "002-summary": 18,
                      "003-turkish-outlet": 30, "004-state-media": 21}
"""Claims per document in dataset 0.1.0: ids 001 to n, every one of which 1.1.0 keeps."""
ADDED_IN_1_1 = {"000-c030", "001-c050", "001-c051", "001-c052", "001-c053", "001-c054",
                "002-c019", "003-c031", "003-c032", "004-c022"}
"""The claims added by the 1.1.0 corrections (CHANGELOG.md): two parts split off compound
claims, one gloss split off the end of its host and seven nested glosses."""


def test_the_gold_keeps_every_claim_id_of_release_0_1() -> None:
    ids = {i for d in GOLD_DOCS for i, v in anchored(draft_lines("gold", d), d).items()
           if v[0] == "claim"}
    old = {f"{d.split('-')[0]}-c{n:03d}" for d, count in RELEASE_0_1_CLAIMS.items()
           for n in range(1, count + 1)}
    assert len(old) == 147
    assert ids == old | ADDED_IN_1_1


# --------------------------------------------------------------------------------------
# Adding, removing, editing or splitting one claim renames nothing else.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("doc_id", GOLD_DOCS)
def test_removing_a_claim_changes_no_other_id(doc_id: str) -> None:
    lines = draft_lines("gold", doc_id)
    stored = committed("gold", doc_id)
    claims = sorted(stored["claims"], key=lambda c: c["start"])
    removed = claims[len(claims) // 2]["id"]
    after = anchored(replace_line(lines, line_with_id(lines, removed), None), doc_id)
    gone = {removed} | exclusive_spans(stored, removed)
    expected = {k: v for k, v in spans_by_id(stored).items() if k not in gone}
    assert after == expected
    # Position-based numbering would have renamed the claims after the removed one.
    assert any(c["start"] > claims[len(claims) // 2]["start"] for c in claims)


@pytest.mark.parametrize("doc_id", GOLD_DOCS)
def test_adding_a_claim_changes_no_other_id(doc_id: str) -> None:
    """Remove the document's first claim, then add it back as a new annotation."""
    lines = draft_lines("gold", doc_id)
    stored = committed("gold", doc_id)
    first = min(stored["claims"], key=lambda c: c["start"])
    index = line_with_id(lines, first["id"])
    before_lines = replace_line(lines, index, None)
    before = anchored(before_lines, doc_id)
    issued = set(spans_by_id(stored))
    added = json.loads(lines[index])
    added["id"] = new_claim = next_free(issued, doc_id, "c")
    for link in added["chain"]:
        for key, letter in (("mention", "s"), ("cue", "q")):
            if link[key] is not None and link[f"{key}_id"] not in before:
                link[f"{key}_id"] = next_free(issued, doc_id, letter)
                issued.add(link[f"{key}_id"])
    after = anchored([json.dumps(added, ensure_ascii=False), *before_lines], doc_id)
    assert {k: after[k] for k in before} == before
    assert after[new_claim][1:4] == (first["start"], first["end"], first["text"])
    # The new claim comes first in the text: position-based ids would all have moved.
    assert all(v[1] > first["start"] for v in before.values() if v[0] == "claim")


def test_editing_a_claim_changes_only_that_claim() -> None:
    doc_id = "004-state-media"
    lines = draft_lines("gold", doc_id)
    index = line_with_id(lines, "004-c004")
    item = json.loads(lines[index])
    assert item["claim"] == ("Tehran and Moscow have vowed to help Damascus defeat the "
                             "surprise advance")
    item.update(claim="Tehran and Moscow have vowed to help Damascus", stance="hedged")
    after = anchored(replace_line(lines, index, item), doc_id)
    expected = spans_by_id(committed("gold", doc_id))
    start = TEXTS[doc_id].index("Tehran and Moscow")
    expected["004-c004"] = ("claim", start, start + 45,
                            "Tehran and Moscow have vowed to help Damascus", "hedged", ())
    assert after == expected


def test_splitting_a_claim_keeps_its_id_on_one_part() -> None:
    doc_id = "004-state-media"
    lines = draft_lines("gold", doc_id)
    stored = committed("gold", doc_id)
    whole = next(c for c in stored["claims"] if c["text"].startswith("people have been leaving"))
    index = line_with_id(lines, whole["id"])
    head, tail = json.loads(lines[index]), json.loads(lines[index])
    head["claim"] = "people have been leaving by plane"
    new_id = next_free(set(spans_by_id(stored)), doc_id, "c")
    tail.update(id=new_id, claim="via the port of Latakia")
    split = [*replace_line(lines, index, head), json.dumps(tail, ensure_ascii=False)]
    after = anchored(split, doc_id)
    expected = spans_by_id(stored)
    chain = expected[whole["id"]][5]
    assert chain, "the split claim shares its mention and cue ids between both parts"
    text = TEXTS[doc_id]
    s = text.index("people have been leaving by plane")
    expected[whole["id"]] = ("claim", s, s + 33, text[s:s + 33], "reported", chain)
    s = text.index("via the port of Latakia")
    expected[new_id] = ("claim", s, s + 23, text[s:s + 23], "reported", chain)
    assert after == expected


# --------------------------------------------------------------------------------------
# Id errors.
# --------------------------------------------------------------------------------------
def test_a_claim_line_without_an_id_is_an_error() -> None:
    assert problems(mini0(2, id=None)) == [
        "line 3: claim has no id; get a new one with `retold next-id 000-mini-report claim`"]


def test_a_boilerplate_line_without_an_id_is_an_error() -> None:
    assert problems(mini0(0, id=None))[0].startswith("line 1: boilerplate has no id")


def test_a_chain_link_without_its_mention_or_cue_id_is_an_error() -> None:
    item = json.loads(MINI0[1])
    del item["chain"][0]["mention_id"]
    del item["chain"][1]["cue_id"]
    assert problems(replace_line(MINI0, 1, item)) == [
        "line 2: the cue 'citing' of the chain link of 'unnamed-officials' has no id; get a "
        "new one with `retold next-id 000-mini-report cue`",
        "line 2: the mention 'the Daily Planet' of the chain link of 'daily-planet' has no "
        "id; get a new one with `retold next-id 000-mini-report mention`",
    ]


def test_an_id_for_a_null_quote_is_an_error() -> None:
    item = json.loads(MINI0[1])
    item["chain"][1]["cue"] = None
    assert problems(replace_line(MINI0, 1, item)) == [
        "line 2: chain link of 'unnamed-officials' has cue_id but no cue quote"]


@pytest.mark.parametrize(("bad_id", "expected"), [
    ("001-c002", "has the prefix '001', but the ids of 000-mini-report start with '000-'"),
    ("000-s002", "has the kind letter 's' (mention); claim ids use 'c'"),
    ("000-x002", "has the kind letter 'x'"),
    ("000-c2", "is not written canonically: '000-c002'"),
    ("000-c000", "id numbers start at 1"),
    ("c002", "is not of the form 000-<letter><number>"),
    ("", "must be a non-empty string"),
    (7, "must be a non-empty string"),
])
def test_a_malformed_claim_id_is_an_error(bad_id: Any, expected: str) -> None:
    (found,) = problems(mini0(2, id=bad_id))
    assert found.startswith("line 3: claim id: ") and expected in found, found


def test_a_duplicated_claim_id_is_an_error() -> None:
    assert problems(mini0(2, id="000-c001")) == [
        "line 3: duplicate claim id '000-c001' (also on line 2)"]


def test_a_duplicated_boilerplate_id_is_an_error() -> None:
    extra = json.dumps({"id": "000-b01", "boilerplate": "bridge", "kind": "navigation"})
    assert problems([*MINI0, extra]) == [
        "line 4: duplicate boilerplate id '000-b01' (also on line 1)"]


def test_a_duplicated_id_is_found_even_when_a_quote_is_not() -> None:
    lines = [*mini0(2, id="000-c001", claim="nowhere to be found")]
    assert problems(lines) == [
        "line 3: claim 'nowhere to be found' does not occur in the text",
        "line 3: duplicate claim id '000-c001' (also on line 2)"]
    lines = [*mini0(1, claim="nowhere to be found"), MINI0[1]]
    assert "line 4: duplicate claim id '000-c001' (also on line 2)" in problems(lines)


def test_one_span_with_two_ids_is_an_error() -> None:
    again = json.loads(MINI0[2])
    again["id"] = "000-c003"
    assert problems([*MINI0, json.dumps(again)]) == [
        "line 4: claim [115, 144) 'The bridge may have collapsed' has two ids: '000-c003' "
        "here and '000-c002' on line 3"]


def test_one_mention_with_two_ids_is_an_error() -> None:
    item = json.loads(MINI0[2])
    item["chain"] = [{"source": "daily-planet", "mention": "the Daily Planet",
                      "mention_id": "000-s03", "cue": None}]
    item["stance"] = "reported"
    assert problems(replace_line(MINI0, 2, item)) == [
        "line 3: mention [54, 70) 'the Daily Planet' of source 'daily-planet' has two ids: "
        "'000-s03' here and '000-s01' on line 2"]


def test_one_mention_id_for_two_spans_is_an_error() -> None:
    item = json.loads(MINI0[1])
    item["chain"][1]["mention_id"] = "000-s01"
    assert problems(replace_line(MINI0, 1, item)) == [
        "line 2: mention id '000-s01' names two different mentions: [88, 101) 'two officials' "
        "of source 'unnamed-officials' here and [54, 70) 'the Daily Planet' of source "
        "'daily-planet' on line 2"]


def test_one_cue_id_for_two_spans_is_an_error() -> None:
    item = json.loads(MINI0[1])
    item["chain"][1]["cue_id"] = "000-q01"
    assert problems(replace_line(MINI0, 1, item)) == [
        "line 2: cue id '000-q01' names two different cues: [81, 87) 'citing' here and "
        "[71, 79) 'reported' on line 2"]


def test_the_same_mention_from_two_links_shares_its_id() -> None:
    """Two claims quoting one mention and cue with the same ids anchor to one span each."""
    lines = draft_lines("mini", "001-mini-denial")
    doc = anchor_draft(lines, TEXTS["001-mini-denial"], "001-mini-denial", "d")
    assert [m.id for m in doc.source_mentions] == ["001-s01", "001-s02", "001-s03", "001-s04"]
    extra = json.loads(lines[2])
    extra.update(id="001-c004", claim="its work")
    doc = anchor_draft([*lines, json.dumps(extra)], TEXTS["001-mini-denial"],
                       "001-mini-denial", "d")
    assert [m.id for m in doc.source_mentions] == ["001-s01", "001-s02", "001-s03", "001-s04"]


def test_occ_all_takes_one_id_per_occurrence() -> None:
    text = TEXTS["000-blog-thread"]
    lines = draft_lines("gold", "000-blog-thread")
    index = next(i for i, ln in enumerate(lines) if json.loads(ln).get("occ") == "all")
    item = json.loads(lines[index])
    spans = anchored(lines, "000-blog-thread")
    starts = [spans[i][1] for i in item["ids"]]
    assert starts == sorted(starts)
    assert [text[s:s + len(item["boilerplate"])] for s in starts] == (
        [item["boilerplate"]] * len(item["ids"]))
    item["ids"] = item["ids"][:-1]
    (found,) = problems(replace_line(lines, index, item), "000-blog-thread")
    n = len(item["ids"])
    assert found == f'line {index + 1}: "ids" has {n} ids but the quote occurs {n + 1} times'


@pytest.mark.parametrize(("change", "expected"), [
    ({"occ": "all", "id": None}, '"ids", a list of 1 ids'),
    ({"occ": "all", "ids": ["000-b01"]}, 'takes "ids", one per occurrence, not "id"'),
    ({"ids": ["000-b01"]}, 'only an "occ": "all" line takes "ids"'),
])
def test_boilerplate_id_forms(change: dict[str, Any], expected: str) -> None:
    (found,) = problems(mini0(0, **change))
    assert found.startswith("line 1: ") and expected in found, found


# --------------------------------------------------------------------------------------
# Quote errors.
# --------------------------------------------------------------------------------------
def test_a_quote_not_in_the_text_is_an_error() -> None:
    assert problems(mini0(2, claim="The bridge has collapsed")) == [
        "line 3: claim 'The bridge has collapsed' does not occur in the text"]


def test_a_glued_quote_gets_a_hint() -> None:
    (found,) = problems(mini0(0, boilerplate="Reply"))
    assert found.endswith('(it occurs glued to a neighbouring word: add "boundary": false)')


def test_an_ambiguous_quote_without_occ_is_an_error() -> None:
    lines = draft_lines("mini", "001-mini-denial")
    item = json.loads(lines[2])
    item["claim"] = "said"
    assert problems(replace_line(lines, 2, item), "001-mini-denial") == [
        "line 3: claim 'said' occurs 2 times; give occ"]


def test_a_link_quote_takes_the_occurrence_nearest_the_claim() -> None:
    lines = draft_lines("mini", "001-mini-denial")
    item = json.loads(lines[3])
    del item["chain"][1]["cue_occ"]
    doc = anchor_draft(replace_line(lines, 3, item), TEXTS["001-mini-denial"],
                       "001-mini-denial", "d")
    # "said" occurs after "The ministry" and after "spokesman Jon Doe"; the second is
    # nearer the claim, as the stored draft's cue_occ 2 says.
    cue = next(q for q in doc.cues if q.id == "001-q03")
    assert cue.start == TEXTS["001-mini-denial"].rindex("said")


def test_a_link_quote_equally_near_on_both_sides_is_an_error() -> None:
    text = "said rain fell said"
    draft = ['{"id": "000-c001", "claim": "rain fell", "chain": [{"source": "x", '
             '"mention": null, "cue": "said", "cue_id": "000-q01"}]}']
    with pytest.raises(InvalidInputError) as err:
        anchor_draft(draft, text, "000-x", "d")
    assert [p.message for p in err.value.problems] == [
        "cue 'said': 2 occurrences equally near the claim (offsets [0, 15]); give cue_occ"]


@pytest.mark.parametrize(("occ", "expected"), [
    (3, "occ 3 not in 1..1"),
    (0, "occ 0 not in 1..1"),
    (True, "occ True not in 1..1"),
    ("first", "occ 'first' not in 1..1"),
    ("all", '"occ": "all" is for boilerplate lines only'),
])
def test_a_bad_occ_is_an_error(occ: Any, expected: str) -> None:
    (found,) = problems(mini0(2, occ=occ))
    assert found.startswith("line 3: ") and expected in found, found


@pytest.mark.parametrize(("line", "expected"), [
    ("{not json", "line 4: invalid JSON"),
    ("[1, 2]", "line 4: each line must be a JSON object"),
    ('{"note": "x"}', "line 4: a line needs a 'claim' or a 'boilerplate' key"),
    ('{"id": "000-c003", "claim": "bridge", "chain": {}}', "line 4: chain must be a list"),
    ('{"id": "000-c003", "claim": "bridge", "chain": [{"mention": "bridge"}]}',
     "line 4: chain link {'mention': 'bridge'} needs a string 'source'"),
])
def test_malformed_lines_are_errors(line: str, expected: str) -> None:
    (found,) = problems([*MINI0, line])
    assert found.startswith(expected), found


def test_every_problem_of_a_draft_is_reported_at_once() -> None:
    lines = mini0(2, id=None, claim="nowhere to be found")
    lines = replace_line(lines, 0, {**json.loads(lines[0]), "id": "000-c001"})
    found = problems(lines)
    assert [f.split(":")[0] for f in found] == ["line 1", "line 3", "line 3"]


# --------------------------------------------------------------------------------------
# The command.
# --------------------------------------------------------------------------------------
def test_cli_anchor_writes_the_standoff_file(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "000-mini-report.json"
    code = main(["anchor", str(MINI / "drafts" / "000-mini-report.jsonl"), "--corpus",
                 str(MINI / "corpus"), "--doc-id", "000-mini-report", "--out", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8") == (
        MINI / "annotations" / "docs" / "000-mini-report.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(("existing", "code", "message"), [
    ("standoff of the same document", 0, ""),  # README: re-anchor over annotations/docs/
    ("standoff of another document", 1, "is the standoff file of '001-mini-denial'"),
    ("someone's JSON", 1, "exists and is not a retold standoff annotation file"),
    ("someone's text", 1, "exists and is not a retold standoff annotation file"),
])
def test_cli_anchor_overwrites_only_its_own_kind_of_file(
        tmp_path: Path, existing: str, code: int, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    mine = MINI / "annotations" / "docs" / "000-mini-report.json"
    if existing == "standoff of the same document":
        out.write_text(mine.read_text(encoding="utf-8").replace('"note": ""', '"note": "x"'),
                       encoding="utf-8")
    elif existing == "standoff of another document":
        out.write_bytes((MINI / "annotations" / "docs" / "001-mini-denial.json").read_bytes())
    elif existing == "someone's JSON":
        out.write_text('{"doc_id": "000-mini-report", "mine": true}\n', encoding="utf-8")
    else:
        out.write_text("my notes\n", encoding="utf-8")
    before = out.read_bytes()
    assert main(["anchor", str(MINI / "drafts" / "000-mini-report.jsonl"), "--corpus",
                 str(MINI / "corpus"), "--doc-id", "000-mini-report", "--out", str(out)]) == code
    if code == 0:
        assert out.read_bytes() == mine.read_bytes()
    else:
        assert out.read_bytes() == before
        assert f"[unsafe-output] {message}" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


@pytest.mark.parametrize(("kind", "message"), [
    ("missing", "the draft does not exist"),
    ("folder", "the draft is a folder, not a regular file"),
    ("latin-1", "the draft is not UTF-8 text"),
    ("bad-id", "line 3: [anchor] duplicate claim id"),
])
def test_cli_anchor_errors_are_one_line_each(tmp_path: Path, kind: str, message: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    draft = tmp_path / "draft.jsonl"
    if kind == "folder":
        draft.mkdir()
    elif kind == "latin-1":
        draft.write_bytes("{\"claim\": \"caf\u00e9\"}\n".encode("latin-1"))
    elif kind == "bad-id":
        draft.write_text("\n".join(mini0(2, id="000-c001")) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    code = main(["anchor", str(draft), "--corpus", str(MINI / "corpus"), "--doc-id",
                 "000-mini-report", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "Traceback" not in err
    assert not out.exists()


# --------------------------------------------------------------------------------------
# Nested claims: the draft's "parent" is copied; a malformed one is refused.
# --------------------------------------------------------------------------------------
def test_a_nested_claim_keeps_its_parent() -> None:
    nested = {"id": "000-c003", "claim": "staff from the embassy", "stance": "asserted",
              "cluster": "embassy-evacuated", "chain": [], "parent": "000-c001"}
    lines = [*MINI0, json.dumps(nested)]
    doc = doc_to_json(anchor_draft(lines, TEXTS["000-mini-report"], "000-mini-report", "d"))
    by_id = {c["id"]: c for c in doc["claims"]}
    assert by_id["000-c003"]["parent"] == "000-c001"
    assert "parent" not in by_id["000-c001"]  # a top-level claim has no parent key


@pytest.mark.parametrize(("parent", "expected"), [
    ("001-c001", "has the prefix '001'"),
    ("000-s01", "has the kind letter 's' (mention); claim ids use 'c'"),
    (None, "must be the id of a claim of this document, got None"),
    ("", "must be the id of a claim of this document, got ''"),
])
def test_a_malformed_parent_is_an_error(parent: Any, expected: str) -> None:
    nested = {"id": "000-c003", "claim": "staff from the embassy", "stance": "asserted",
              "cluster": "embassy-evacuated", "chain": [], "parent": parent}
    [problem] = problems([*MINI0, json.dumps(nested)])
    assert problem.startswith(f"line {len(MINI0) + 1}: the parent of a nested claim")
    assert expected in problem
