"""The committed data is consistent: drafts, standoff files, agreement, release, datasheet.

These tests read the real corpus and annotations, so a change to any of them that was not
carried through (re-agreed, rebuilt, regenerated) fails here; ``test_anchor`` checks that
every draft reproduces its committed standoff file.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import oracles
import pytest

from retold.annotate.agreement import compare
from retold.build.features import features_for
from retold.describe import datasheet
from retold.io.corpus import load_corpus_or_raise
from retold.io.jsonio import dump_json
from retold.io.release import read_build_info, release_files
from retold.pipeline import build_release
from retold.schema import CONFIGS
from retold.validate.checks import validate

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
ANNOTATIONS = ROOT / "annotations"
READS = {
    "gold": ANNOTATIONS,
    "first_read": ANNOTATIONS / "first_read",
    "second_read": ANNOTATIONS / "second_read",
}
TEXTS = {d.doc_id: d.text for d in load_corpus_or_raise(CORPUS)}
DOC_IDS = sorted(TEXTS)


@pytest.mark.parametrize("read", sorted(READS))
def test_annotation_set_is_valid(read: str) -> None:
    assert validate(CORPUS, READS[read]) == []


def test_every_document_is_annotated() -> None:
    for read in READS.values():
        assert sorted(p.stem for p in (read / "docs").glob("*.json")) == DOC_IDS


def test_agreement_file_is_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the file records the reads' repository-relative paths
    figures = compare(Path("corpus"), Path("annotations/first_read"),
                      Path("annotations/second_read"))
    assert (ANNOTATIONS / "agreement.json").read_text(encoding="utf-8") == dump_json(
        figures), "re-run: retold agree"


def test_committed_release_matches_a_fresh_build(tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(CORPUS, ANNOTATIONS, out)
    committed = ROOT / "release"
    assert release_files(out) == release_files(committed)
    built_with = read_build_info(committed).get("libraries", {})
    have = read_build_info(out).get("libraries", {})
    versions = "; ".join(f"built with {name} {built_with.get(name)}, you have {have[name]}"
                         for name in sorted(have) if built_with.get(name) != have[name])
    for rel in release_files(out):
        if rel == "build_info.json":
            continue
        assert (out / rel).read_bytes() == (committed / rel).read_bytes(), (
            f"release/{rel} differs from a fresh build: "
            + (versions if versions else "same library versions, so the release is stale: "
               "re-run retold build"))


def test_card_statistics_are_counted_from_the_json_files() -> None:
    card = oracles.card_statistics((ROOT / "release" / "README.md").read_text(encoding="utf-8"))
    assert oracles.nonzero(card) == oracles.nonzero(
        oracles.expected_statistics(CORPUS, ANNOTATIONS))
    assert card["Summary"]["documents"] == ("5",)
    assert card["Summary"]["claim mentions"] == ("157",)


def test_release_claim_texts_match_the_standoff_files_and_drafts() -> None:
    assert oracles.check_claim_texts(ROOT / "release", CORPUS, ANNOTATIONS,
                                     ANNOTATIONS / "drafts") == 157


def test_release_tokens_cover_the_texts() -> None:
    assert oracles.check_tokens_cover_the_text(ROOT / "release", CORPUS) == card_row_counts()[
        "tokens"]


def test_release_bio_layers_decode_to_the_standoff_spans() -> None:
    """seqeval decodes every sentence's three BIO layers to the standoff spans."""
    assert oracles.check_bio_layers(ROOT / "release", ANNOTATIONS) == card_row_counts()[
        "tokens"]


def test_release_pairs_match_rapidfuzz() -> None:
    assert oracles.check_pairs(ROOT / "release", ANNOTATIONS) == 157 * 156 // 2


def test_release_folds() -> None:
    oracles.check_folds(ROOT / "release", ANNOTATIONS, {
        "000-blog-thread": 0, "001-forum-repost": 1, "002-summary": 2,
        "003-turkish-outlet": 3, "004-state-media": 4})


def test_claim_span_agreement_matches_the_stored_reads() -> None:
    """The claims task's agreement, recounted from the two reads' standoff files (spans
    compared as (doc, start, end) sets), and every interval is ordered and in [0, 1]."""
    spans = {}
    for read in ("first_read", "second_read"):
        found = set()
        for path in sorted((READS[read] / "docs").glob("*.json")):
            doc = oracles.read_json(path)
            found |= {(doc["doc_id"], c["start"], c["end"]) for c in doc["claims"]}
        spans[read] = found
    first, second = spans["first_read"], spans["second_read"]
    both = len(first & second)
    agreement = oracles.read_json(ANNOTATIONS / "agreement.json")
    claims = agreement["tasks"]["claims"]["scores"]
    assert claims["span_f1_exact"] == pytest.approx(2 * both / (len(first) + len(second)))
    assert (claims["n_gold"], claims["n_predicted"]) == (len(first), len(second))
    for task, entry in agreement["tasks"].items():
        for key, ci in entry["ci"].items():
            assert 0.0 <= ci["lower"] <= ci["upper"] <= 1.0, (task, key)


def test_datasheet_figures_are_up_to_date() -> None:
    assert datasheet.main([str(ROOT / "DATASHEET.md"), "--corpus", str(CORPUS),
                           "--annotations", str(ANNOTATIONS), "--check"]) == 0


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/main.sh" in readme
    assert "bash scripts/test.sh" in ci


def test_one_constraints_file_pins_torch() -> None:
    pins = (ROOT / "constraints.txt").read_text(encoding="utf-8").split()
    assert "torch==2.13.0" in pins
    for script in (ROOT / "scripts").glob("*.sh"):
        text = script.read_text(encoding="utf-8")
        if "pip install" in text or "pip_install" in text:
            assert "-c constraints.txt" in text, script.name


@pytest.mark.parametrize("config", [c.name for c in CONFIGS])
def test_committed_release_loads_offline_with_schema_features(config: str) -> None:
    from datasets import load_dataset

    ds = load_dataset(str(ROOT / "release"), config, split="test")
    assert ds.features == features_for(config)
    assert ds.num_rows == card_row_counts()[config]


@functools.cache
def card_row_counts() -> dict[str, int]:
    """Rows per config, as the card's front matter states them."""
    import yaml

    card = (ROOT / "release" / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n", 2)[1])
    return {info["config_name"]: info["splits"][0]["num_examples"]
            for info in front["dataset_info"]}


def test_the_nested_layer_is_checked_by_seqeval(tmp_path: Path) -> None:
    """The release has nested claims, and the oracle fails when one nested tag is lost."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = oracles.release_rows(ROOT / "release", "tokens")
    nested = sum(tags.count("B") for tags in (r["nested_claim_tags"] for r in rows))
    assert nested == sum(bool(c.get("parent")) for d in oracles.standoff(ANNOTATIONS).values()
                         for c in d["claims"]) == 7
    copy = tmp_path / "release"
    shutil.copytree(ROOT / "release", copy)
    [path] = sorted((copy / "data" / "tokens").glob("*.parquet"))
    table = pq.read_table(path)
    stored = table.to_pylist()
    row = next(r for r in stored if 1 in r["nested_claim_tags"])  # ids: O=0, B=1, I=2
    first = row["nested_claim_tags"].index(1)
    row["nested_claim_tags"][first:] = [0] * (len(row["nested_claim_tags"]) - first)
    pq.write_table(pa.Table.from_pylist(stored, schema=table.schema), path)
    with pytest.raises(AssertionError):
        oracles.check_bio_layers(copy, ANNOTATIONS)


def test_release_checksum_covers_the_data_and_only_the_data(tmp_path: Path) -> None:
    import hashlib

    from retold.io.release import release_checksum

    committed = ROOT / "release"
    lines = (committed / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    data_lines = [ln for ln in lines if ln.split("  ", 1)[1].startswith("data/")]
    assert len(data_lines) == len(CONFIGS)  # one Parquet file per config
    expected = hashlib.sha256("".join(ln + "\n" for ln in data_lines).encode()).hexdigest()
    assert release_checksum(committed) == expected
    copy = tmp_path / "release"
    shutil.copytree(committed, copy)
    with (copy / "SHA256SUMS").open("a", encoding="utf-8") as f:  # a card change: same data
        f.write("0" * 64 + "  README.md.bak\n")
    assert release_checksum(copy) == expected
    sums = (copy / "SHA256SUMS").read_text(encoding="utf-8").replace(
        data_lines[0][:64], "f" * 64)
    (copy / "SHA256SUMS").write_text(sums, encoding="utf-8")
    assert release_checksum(copy) != expected
