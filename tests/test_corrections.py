"""The dataset 1.1.0 corrections hold in the gold (issue 7, sections A and B; DECISIONS
D17 to D28).

Each test reads the standoff files, registries and texts as plain JSON and checks one
correction against the text itself, so it fails on the 0.1.0 gold and would fail again if
a correction were undone. The rules are in ``annotations/GUIDELINES.md``.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import oracles

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "annotations"
CORPUS = ROOT / "corpus"
DOCS = oracles.standoff(ANNOTATIONS)
CLAIMS = {c["id"]: c for d in DOCS.values() for c in d["claims"]}
MENTIONS = {m["id"]: m for d in DOCS.values() for m in d["source_mentions"]}
CUES = {q["id"]: q for d in DOCS.values() for q in d["cues"]}
TEXTS = oracles.corpus_texts(CORPUS)
REGISTRY = {s["source_id"]: s for s in oracles.read_json(ANNOTATIONS / "sources.json")}
CLUSTER_IDS = {k["cluster_id"] for k in oracles.read_json(ANNOTATIONS / "clusters.json")}
MILITARY = "iran-evacuates-military-from-syria"
EMBASSY = "embassy-evacuated"
WIDER = "guards-diplomats-civilians-evacuated"
TIMES_GROUP = "iranian-and-regional-officials"


def chain(claim_id: str) -> list[str]:
    return [link["source"] for link in CLAIMS[claim_id]["chain"]]


def link_texts(claim_id: str) -> list[tuple[str | None, str | None]]:
    """(mention text, cue text) of each link, outermost first."""
    return [(MENTIONS[ln["mention"]]["text"] if ln["mention"] else None,
             CUES[ln["cue"]]["text"] if ln["cue"] else None)
            for ln in CLAIMS[claim_id]["chain"]]


def cluster(claim_id: str) -> str:
    return CLAIMS[claim_id]["cluster"]


def text_after(claim: dict[str, Any], n: int = 40) -> str:
    doc = next(d for d, doc in DOCS.items() if claim in doc["claims"])
    return TEXTS[doc][claim["end"]:claim["end"] + n]


# --------------------------------------------------------------------------------------
# A. Corrections found on review.
# --------------------------------------------------------------------------------------
def test_a1_no_claim_starts_with_a_connective() -> None:
    assert not CLAIMS["003-c027"]["text"].startswith("where")
    assert CLAIMS["003-c027"]["text"].startswith("Iran has been a pivotal supporter")
    connectives = {"that", "with", "because", "after", "as", "when", "where", "while", "and",
                   "but"}
    starts = {cid: c["text"].split()[0].lower() for cid, c in CLAIMS.items()}
    assert [cid for cid, word in starts.items() if word in connectives] == []


def test_a2_the_assistance_claim_is_split_by_predicate_and_clustered_with_001() -> None:
    assert CLAIMS["003-c028"]["text"] == (
        "Iran’s assistance included deploying advisers, commanders, and militias")
    assert CLAIMS["003-c031"]["text"] == (
        "using Syria as a supply route for weapons to Hezbollah in Lebanon")
    assert TEXTS["003-turkish-outlet"][CLAIMS["003-c028"]["end"]:
                                       CLAIMS["003-c031"]["start"]] == ", as well as "
    # Each part shares its cluster with its restatement in 001.
    assert cluster("003-c028") == cluster("001-c025")
    assert cluster("003-c031") == cluster("001-c013")
    assert cluster("003-c028") != cluster("003-c031")
    # 001's "sending advisers and commanders ... and supporting militias" by the same test.
    assert CLAIMS["001-c025"]["text"] == (
        "sending advisers and commanders to bases and the front lines")
    assert CLAIMS["001-c050"]["text"] == "supporting militias"
    assert cluster("001-c050") != cluster("001-c025")
    retired = {"iran-aid-advisers-militias-hezbollah-route",
               "iran-sent-advisers-commanders-militias"}
    assert not retired & CLUSTER_IDS


def test_a3_lists_of_evacuee_groups_follow_one_rule() -> None:
    # (1) names the embassy as evacuated -> the embassy cluster
    for cid in ("000-c017", "001-c016", "003-c029", "004-c006", "004-c002"):
        assert cluster(cid) == EMBASSY, cid
    # (2) groups presented as additional ("also") -> the wider-groups cluster
    for cid in ("000-c005", "001-c014", "003-c008"):
        assert " also " in f" {CLAIMS[cid]['text']} ", cid
        assert cluster(cid) == WIDER, cid
    # (3) otherwise the list restates the evacuation, whichever group comes first
    for cid in ("000-c001", "002-c002", "002-c006", "004-c005"):
        assert cluster(cid) == MILITARY, cid
    notes = " ".join(c.get("note", "") for c in CLAIMS.values())
    assert "first-named group" not in notes


def test_a4_each_group_of_sources_has_its_own_id() -> None:
    # The Wall Street Journal's "sources" and the Daraa "Sources" are not the Times' group.
    assert chain("000-c007") == ["wall-street-journal", "wall-street-journal-sources"]
    assert link_texts("000-c007")[1] == ("sources", "citing")
    assert chain("000-c021") == ["daraa-sources"]
    assert link_texts("000-c021") == [("Sources", "reported")]
    # "sources" and "Iranian and regional sources" cited by the Times are one group.
    assert link_texts("000-c001")[1][0] == "sources"
    assert link_texts("000-c013")[1][0] == "Iranian and regional sources"
    assert chain("000-c001")[1] == chain("000-c013")[1] == TIMES_GROUP
    # "the officials" inside the Times quotation: the group they refer back to (D11).
    assert chain("000-c006") == ["new-york-times", TIMES_GROUP]
    # No source id is cited by two different outlets anywhere.
    outlets: dict[str, set[str]] = {}
    for cid in CLAIMS:
        ids = chain(cid)
        for outer, inner in pairwise(ids):
            if REGISTRY[outer]["kind"] == "outlet":
                outlets.setdefault(inner, set()).add(outer)
    assert all(len(v) == 1 for v in outlets.values()), outlets
    assert not {"unnamed-sources", "unnamed-officials"} & set(REGISTRY)


def test_a5_every_registry_source_is_used() -> None:
    used = {s for cid in CLAIMS for s in chain(cid)}
    relays = {r for record in oracles.manifest(CORPUS) for r in record["relays"]}
    assert set(REGISTRY) == used | relays
    # afp is there only as 003's relay (its photo captions); no claim is credited to it.
    assert "afp" not in used
    assert [r["doc_id"] for r in oracles.manifest(CORPUS) if "afp" in r["relays"]] == [
        "003-turkish-outlet"]


# --------------------------------------------------------------------------------------
# B. Conventions.
# --------------------------------------------------------------------------------------
def test_b1_the_outlet_a_source_spoke_to_is_the_outer_link() -> None:
    for cid, cue in (("000-c005", "told"), ("000-c017", "confirmed")):
        assert chain(cid) == ["new-york-times", TIMES_GROUP]
        assert link_texts(cid) == [("the New York Times", None), (link_texts(cid)[1][0], cue)]
    # The Times' mention is the one in the claim's own sentence.
    text = TEXTS["000-blog-thread"]
    for cid in ("000-c005", "000-c017"):
        times = MENTIONS[CLAIMS[cid]["chain"][0]["mention"]]
        line = text.rfind("\n", 0, CLAIMS[cid]["start"]) + 1
        assert line <= times["start"] < text.index("\n", CLAIMS[cid]["end"])


def test_b2_glosses_the_reteller_adds_are_the_authors() -> None:
    for cid in ("004-c008", "000-c016", "001-c011", "001-c029"):
        assert (CLAIMS[cid]["source"], CLAIMS[cid]["stance"], chain(cid)) == (
            "author", "asserted", []), cid
    assert CLAIMS["004-c008"]["text"] == "which is home to a Russian military base"
    # Inside a direct quotation the gloss stays with the quoted source.
    assert chain("000-c003") == ["new-york-times"]
    assert text_after(CLAIMS["000-c003"], 2) == '."'


def test_b3_glosses_in_the_middle_of_a_claim_are_nested_claims() -> None:
    nested = {cid: c for cid, c in CLAIMS.items() if c.get("parent")}
    assert {cid: c["text"] for cid, c in nested.items()} == {
        "001-c051": "whose government has been supported by Iran during Syria's 13-year "
                    "civil war",
        "001-c052": "which had previously provided fighters to help the Assad government in "
                    "its fight against the Islamic State",
        "001-c053": "led by the Islamist group Hayat Tahrir al-Sham",
        "001-c054": "set to advise the Syrian army",
        "002-c019": "a key segment of the Revolutionary Guards",
        "003-c032": "the elite external branch of the Islamic Revolutionary Guard Corps (IRGC)",
        "004-c022": "an offshoot of Jabhat al-Nusra",
    }
    for cid, c in nested.items():
        parent = CLAIMS[c["parent"]]
        assert not parent.get("parent"), cid
        assert parent["start"] < c["start"] and c["end"] < parent["end"], cid
        assert c["cluster"] in CLUSTER_IDS
    # A gloss at the end of its host is split off, not nested.
    assert "parent" not in CLAIMS["000-c030"]
    assert CLAIMS["000-c021"]["text"].endswith("safe passage to Damascus")
    assert text_after(CLAIMS["000-c021"], 2) == ", "
    assert CLAIMS["000-c030"]["start"] == CLAIMS["000-c021"]["end"] + 2
    # The Quds Force gloss is a claim wherever it stands: in 000, 001, 002 and 003.
    quds = [cid for cid in CLAIMS if cluster(cid) == "quds-force-is-irgc-external-branch"]
    assert sorted({cid[:3] for cid in quds}) == ["000", "001", "002", "003"]


def test_b4_some_while_others_sentences_are_one_claim() -> None:
    for cid in ("000-c006", "001-c018", "003-c030"):
        assert ", while others " in CLAIMS[cid]["text"], cid
        assert cluster(cid) == "evacuation-routes"


def test_b5_no_claim_starts_or_ends_on_a_quotation_mark() -> None:
    marks = set("\"'“”‘’")
    assert [cid for cid, c in CLAIMS.items()
            if c["text"][0] in marks or c["text"][-1] in marks] == []
    unmatched = sorted(cid for cid, c in CLAIMS.items()
                       if c["text"].count("“") != c["text"].count("”"))
    assert unmatched == ["000-c025", "004-c015", "004-c017", "004-c018", "004-c021"]


def test_b6_004_denies_the_report_it_relays() -> None:
    doc = DOCS["004-state-media"]["claims"]
    report = CLAIMS["004-c002"]
    assert report["text"].startswith("Tehran was extracting embassy and military personnel")
    denials = [c["id"] for c in doc
               if c["stance"] == "denied" and c["cluster"] == report["cluster"]]
    assert denials == ["004-c001", "004-c003", "004-c013", "004-c014"]
    # 004 still reports the military evacuation (the Times, citing regional sources).
    assert cluster("004-c005") == MILITARY and CLAIMS["004-c005"]["stance"] == "reported"


def test_b_counts_match_the_changelog() -> None:
    claims = list(CLAIMS.values())
    assert len(claims) == 157
    assert Counter(c["stance"] for c in claims) == Counter(
        asserted=85, reported=58, hedged=9, denied=5)
    assert len({c["cluster"] for c in claims}) == 97
