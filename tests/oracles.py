"""Independent oracles: what the release must contain, worked out without retold's code.

Everything here reads the inputs as plain files (``json``, the corpus texts' bytes) and
counts with ``collections.Counter``; BIO tags are decoded with seqeval and the token-LCS
similarity is computed with rapidfuzz. Nothing here imports ``retold``: a test that
compares the release with these functions compares it with a second, separate reading of
the specification (the card, ``schema.REUSE_MEASURE``, the segmentation rule), not with
the code that wrote it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from rapidfuzz.distance import LCSseq
from seqeval.metrics.sequence_labeling import get_entities

AUTHOR = "author"
NEAR_VERBATIM_MIN = 0.7  # the card: "A duplicate pair is near_verbatim from similarity 0.7 on."

Span = tuple[int, int]


# --------------------------------------------------------------------------------------
# The inputs, as plain files.
# --------------------------------------------------------------------------------------
def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def manifest(corpus: Path) -> list[dict[str, Any]]:
    return read_json(corpus / "manifest.json")


def corpus_texts(corpus: Path) -> dict[str, str]:
    """doc_id -> the text file's bytes decoded as UTF-8, read straight from disk."""
    return {r["doc_id"]: (corpus / "texts" / r["source_file"]).read_bytes().decode("utf-8")
            for r in manifest(corpus)}


def standoff(annotations: Path) -> dict[str, dict[str, Any]]:
    """doc_id -> the standoff annotation file as JSON."""
    docs = (read_json(p) for p in sorted((annotations / "docs").glob("*.json")))
    return {d["doc_id"]: d for d in docs}


def claims_by_id(annotations: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """claim id -> (doc_id, the claim's JSON object)."""
    return {c["id"]: (doc_id, c) for doc_id, d in standoff(annotations).items()
            for c in d["claims"]}


def draft_quotes(drafts: Path, doc_id: str) -> Counter[str]:
    """The claim quotes of a draft (its ``claim`` fields), as a multiset."""
    lines = (drafts / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines()
    return Counter(json.loads(line)["claim"] for line in lines
                   if line.strip() and "claim" in json.loads(line))


def layer_spans(doc: dict[str, Any]) -> dict[str, set[Span]]:
    """The distinct spans of each BIO layer of one standoff file."""
    return {layer: {(x["start"], x["end"]) for x in doc[key]}
            for layer, key in (("claim", "claims"), ("source", "source_mentions"),
                               ("cue", "cues"))}


# --------------------------------------------------------------------------------------
# The release, read with pyarrow; class labels named by each file's own metadata.
# --------------------------------------------------------------------------------------
def release_rows(release: Path, config: str) -> list[dict[str, Any]]:
    """A config's rows, with ClassLabel ids (also inside lists) turned into names."""
    [path] = sorted((release / "data" / config).glob("*.parquet"))
    table = pq.read_table(path)
    features = json.loads(table.schema.metadata[b"huggingface"])["info"]["features"]
    rows = table.to_pylist()
    for name, feature in features.items():
        if feature.get("_type") == "ClassLabel":
            for row in rows:
                row[name] = feature["names"][row[name]]
        elif feature.get("_type") == "List" and feature["feature"].get("_type") == "ClassLabel":
            names = feature["feature"]["names"]
            for row in rows:
                row[name] = [names[i] for i in row[name]]
    return rows


# --------------------------------------------------------------------------------------
# BIO, decoded by seqeval.
# --------------------------------------------------------------------------------------
def bio_spans(tags: list[str], starts: list[int], ends: list[int]) -> set[Span]:
    """The character spans that seqeval decodes from one sentence's BIO tags.

    seqeval also accepts an entity that starts with I after O; the release writes strict
    IOB2, so such an entity is reported as an error instead of being decoded.
    """
    spans = set()
    for _, first, last in get_entities(list(tags)):
        if tags[first] != "B":
            raise AssertionError(f"entity at tokens {first}-{last} starts with {tags[first]}")
        spans.add((starts[first], ends[last]))
    return spans


# --------------------------------------------------------------------------------------
# Token-LCS Dice similarity, computed with rapidfuzz from the card's definition.
# --------------------------------------------------------------------------------------
def reuse_tokens(text: str) -> list[str]:
    """NFKC, lower-case, ``\\w+`` tokens (the card's REUSE_MEASURE)."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())


def dice(a: list[str], b: list[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * LCSseq.similarity(a, b) / (len(a) + len(b))


def reuse(duplicate: bool, sim: float) -> str:
    if not duplicate:
        return "none"
    if sim == 1.0:
        return "verbatim"
    return "near_verbatim" if sim >= NEAR_VERBATIM_MIN else "paraphrase"


# --------------------------------------------------------------------------------------
# The card's statistics tables, counted from the JSON files.
# --------------------------------------------------------------------------------------
def expected_statistics(corpus: Path, annotations: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    """Every table of the card's Statistics section: title -> first cell -> other cells."""
    docs = standoff(annotations)
    claims = [(doc_id, c) for doc_id, d in sorted(docs.items()) for c in d["claims"]]
    kinds = {s["source_id"]: s["kind"] for s in read_json(annotations / "sources.json")}
    registered = {k["cluster_id"] for k in read_json(annotations / "clusters.json")}
    size = Counter(c["cluster"] for _, c in claims)
    denied = Counter(c["cluster"] for _, c in claims if c["stance"] == "denied")
    docs_of: dict[str, set[str]] = {}
    for doc_id, c in claims:
        docs_of.setdefault(c["cluster"], set()).add(doc_id)
    n = len(claims)
    duplicate_pairs = sum(k * (k - 1) // 2 for k in size.values())
    tokens = {c["id"]: reuse_tokens(c["text"]) for _, c in claims}
    reuse_counts = Counter(
        reuse(True, dice(tokens[a["id"]], tokens[b["id"]]))
        for (_, a), (_, b) in combinations(claims, 2) if a["cluster"] == b["cluster"])
    reuse_counts["none"] = n * (n - 1) // 2 - duplicate_pairs
    stances = Counter(c["stance"] for _, c in claims)
    source_kinds = Counter(AUTHOR if c["source"] == AUTHOR else kinds[c["source"]]
                           for _, c in claims)

    def counts(counter: Counter[Any], keys: Any = None) -> dict[str, tuple[str, ...]]:
        keys = counter if keys is None else keys
        return {str(k): (str(counter[k]),) for k in keys}

    return {
        "Summary": counts(Counter({
            "documents": len(manifest(corpus)),
            "claim mentions": n,
            "clusters": len(registered | set(size)),
            "clusters spanning >= 2 documents": sum(len(d) >= 2 for d in docs_of.values()),
            "sources": len(kinds),
            "denied mentions": stances["denied"],
            "duplicated mentions (cluster has >= 2 mentions)":
                sum(size[c["cluster"]] >= 2 for _, c in claims),
            "pairs": n * (n - 1) // 2,
            "duplicate pairs": duplicate_pairs,
            "contradiction pairs": sum(denied[k] * (size[k] - denied[k]) for k in size),
        })),
        "Per document": {
            doc_id: tuple(str(x) for x in (len(d["claims"]),
                                           len({c["cluster"] for c in d["claims"]}),
                                           len(d["boilerplate"]), len(d["source_mentions"])))
            for doc_id, d in docs.items()
        },
        "Stances": counts(stances, ("asserted", "reported", "hedged", "denied")),
        "Immediate source kinds": counts(source_kinds),
        "Cluster sizes": counts(Counter(size[k] for k in registered | set(size))),
        "Attribution chain depth": counts(Counter(len(c["chain"]) for _, c in claims)),
        "Pair reuse labels": counts(reuse_counts,
                                    ("verbatim", "near_verbatim", "paraphrase", "none")),
    }


def card_statistics(card: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """The tables under the card's ``## Statistics`` heading, parsed from the Markdown."""
    section = card.split("\n## Statistics\n", 1)[1].split("\n## ", 1)[0]
    tables: dict[str, dict[str, tuple[str, ...]]] = {}
    title = ""
    for line in section.splitlines():
        if line.startswith("### "):
            title = line[4:].strip()
            tables[title] = {}
        elif line.startswith("|") and title:
            cells = tuple(c.strip() for c in line.strip().strip("|").split("|"))
            if set(cells[0]) <= {"-"}:
                continue
            tables[title][cells[0]] = cells[1:]
    # Drop each table's header row (its first row).
    return {t: dict(list(rows.items())[1:]) for t, rows in tables.items()}


def nonzero(tables: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The tables without rows whose counts are all 0 (a missing row and a 0 row say the same)."""
    return {t: {k: v for k, v in rows.items() if set(v) != {"0"}} for t, rows in tables.items()}


# --------------------------------------------------------------------------------------
# Checks of a built release against the oracles (shared by the mini and the real release).
# --------------------------------------------------------------------------------------
def check_claim_texts(release: Path, corpus: Path, annotations: Path, drafts: Path) -> int:
    """Claim, source and cue texts and offsets agree with the standoff files, the drafts'
    quotes and the corpus text read from disk. Returns the number of claims checked."""
    texts = corpus_texts(corpus)
    docs = standoff(annotations)
    mentions = {m["id"]: m for d in docs.values() for m in d["source_mentions"]}
    cues = {q["id"]: q for d in docs.values() for q in d["cues"]}
    claims = claims_by_id(annotations)
    rows = release_rows(release, "claims")
    assert sorted(r["claim_id"] for r in rows) == sorted(claims)
    for row in rows:
        doc_id, claim = claims[row["claim_id"]]
        text = texts[doc_id]
        assert row["doc_id"] == doc_id
        assert (row["start"], row["end"], row["text"]) == (
            claim["start"], claim["end"], claim["text"]), row["claim_id"]
        assert text[claim["start"]:claim["end"]] == claim["text"], row["claim_id"]
        assert row["source_chain"] == [link["source"] for link in claim["chain"]]
        assert [(x["source_start"], x["source_end"], x["cue_start"], x["cue_end"])
                for x in row["chain"]] == [
            (mentions[link["mention"]]["start"] if link.get("mention") else -1,
             mentions[link["mention"]]["end"] if link.get("mention") else -1,
             cues[link["cue"]]["start"] if link.get("cue") else -1,
             cues[link["cue"]]["end"] if link.get("cue") else -1) for link in claim["chain"]]
        last = claim["chain"][-1] if claim["chain"] else {}
        mention = mentions[last["mention"]] if last.get("mention") else None
        cue = cues[last["cue"]] if last.get("cue") else None
        assert row["source_text"] == (mention["text"] if mention else "")
        assert (row["source_start"], row["source_end"]) == (
            (mention["start"], mention["end"]) if mention else (-1, -1))
        assert row["cue_text"] == (cue["text"] if cue else "")
        assert (row["cue_start"], row["cue_end"]) == ((cue["start"], cue["end"]) if cue
                                                      else (-1, -1))
        for span in (mention, cue):
            if span is not None:
                assert text[span["start"]:span["end"]] == span["text"]
        assert row["source"] == claim["source"]
        assert row["attributed"] == (claim["source"] != AUTHOR)
    for doc_id in docs:
        released = Counter(r["text"] for r in rows if r["doc_id"] == doc_id)
        assert released == draft_quotes(drafts, doc_id), doc_id
    return len(rows)


def check_tokens_cover_the_text(release: Path, corpus: Path) -> int:
    """Each sentence's tokens are its non-space characters, in order, split only at spaces
    or between a word and a non-word character (or at a boilerplate edge), and the sentences
    together hold every non-space character of the document once. Returns sentences."""
    texts = corpus_texts(corpus)
    rows = release_rows(release, "tokens")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_doc.setdefault(row["doc_id"], []).append(row)
    for doc_id, text in texts.items():
        sentences = sorted(by_doc.get(doc_id, []), key=lambda r: r["start"])
        joined = ""
        previous_end = 0
        for s in sentences:
            assert previous_end <= s["start"] < s["end"], s["sentence_id"]
            assert text[previous_end:s["start"]].strip() == "", s["sentence_id"]
            previous_end = s["end"]
            toks, starts, ends = s["tokens"], s["token_starts"], s["token_ends"]
            assert (starts[0], ends[-1]) == (s["start"], s["end"]), s["sentence_id"]
            assert "".join(toks) == "".join(text[s["start"]:s["end"]].split())
            for i, (tok, a, b) in enumerate(zip(toks, starts, ends, strict=True)):
                assert text[a:b] == tok, (s["sentence_id"], i)
                assert re.fullmatch(r"\w+|[^\w\s]", tok), (s["sentence_id"], tok)
                if i:
                    assert text[ends[i - 1]:a].strip() == "", (s["sentence_id"], i)
            joined += "".join(toks)
        assert text[previous_end:].strip() == ""
        assert joined == "".join(text.split()), doc_id
    return len(rows)


def check_bio_layers(release: Path, annotations: Path) -> int:
    """seqeval decodes every sentence's claim, source and cue tags to exactly the standoff
    spans that lie in the sentence, and every standoff span lies in one sentence."""
    docs = standoff(annotations)
    rows = release_rows(release, "tokens")
    decoded: dict[tuple[str, str], set[tuple[int, int]]] = {}
    for s in rows:
        doc = docs[s["doc_id"]]
        for layer, spans in layer_spans(doc).items():
            got = bio_spans(s[f"{layer}_tags"], s["token_starts"], s["token_ends"])
            inside = {(a, b) for a, b in spans if s["start"] <= a and b <= s["end"]}
            assert got == inside, (s["sentence_id"], layer, sorted(got ^ inside))
            key = (s["doc_id"], layer)
            assert not decoded.get(key, set()) & got, (s["sentence_id"], layer)
            decoded.setdefault(key, set()).update(got)
    for doc_id, doc in docs.items():
        for layer, spans in layer_spans(doc).items():
            assert decoded.get((doc_id, layer), set()) == spans, (doc_id, layer)
    return len(rows)


def check_pairs(release: Path, annotations: Path) -> int:
    """Every pair's ids, documents, flags, similarity (rapidfuzz) and reuse label."""
    claims = claims_by_id(annotations)
    tokens = {cid: reuse_tokens(c["text"]) for cid, (_, c) in claims.items()}
    rows = release_rows(release, "pairs")
    assert {(r["claim_id_a"], r["claim_id_b"]) for r in rows} == set(
        combinations(sorted(claims), 2))
    assert len(rows) == len(claims) * (len(claims) - 1) // 2
    for r in rows:
        (doc_a, a), (doc_b, b) = claims[r["claim_id_a"]], claims[r["claim_id_b"]]
        duplicate = a["cluster"] == b["cluster"]
        sim = dice(tokens[a["id"]], tokens[b["id"]])
        assert (r["doc_id_a"], r["doc_id_b"], r["same_doc"]) == (doc_a, doc_b, doc_a == doc_b)
        assert r["duplicate"] == duplicate
        assert r["contradiction"] == (duplicate and (a["stance"] == "denied")
                                      != (b["stance"] == "denied"))
        # float32 keeps 24 significant bits: |error| <= 2**-25 for a value in [0, 1].
        assert abs(r["similarity"] - sim) <= 2 ** -25, (r["claim_id_a"], r["claim_id_b"])
        assert r["reuse"] == reuse(duplicate, sim), (r["claim_id_a"], r["claim_id_b"])
    return len(rows)


def check_folds(release: Path, annotations: Path, expected: dict[str, int]) -> None:
    """Each document's fold is ``expected``; its claims and sentences carry it; each fold
    holds one document's items; every pair lies in the folds of its two documents."""
    documents = release_rows(release, "documents")
    assert {d["doc_id"]: d["fold"] for d in documents} == expected
    assert sorted(expected.values()) == list(range(len(expected)))
    claim_doc = {cid: doc_id for cid, (doc_id, _) in claims_by_id(annotations).items()}
    for config, id_field in (("claims", "claim_id"), ("tokens", "sentence_id")):
        docs_in_fold: dict[int, set[str]] = {}
        for row in release_rows(release, config):
            assert row["fold"] == expected[row["doc_id"]], (config, row[id_field])
            docs_in_fold.setdefault(row["fold"], set()).add(row["doc_id"])
        assert all(len(d) == 1 for d in docs_in_fold.values()), config
    test_pairs: Counter[int] = Counter()
    rows = release_rows(release, "pairs")
    for r in rows:
        assert (r["doc_id_a"], r["doc_id_b"]) == (claim_doc[r["claim_id_a"]],
                                                  claim_doc[r["claim_id_b"]])
        test_pairs.update({expected[r["doc_id_a"]], expected[r["doc_id_b"]]})
    # A same-document pair is a test item of one fold, a cross-document pair of two.
    same = sum(r["same_doc"] for r in rows)
    assert sum(test_pairs.values()) == same + 2 * (len(rows) - same)
