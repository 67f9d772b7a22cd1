"""The committed data is consistent: drafts, standoff files, agreement, release, datasheet.

These tests read the real corpus and annotations, so a change to any of them that was not
carried through (re-anchored, re-agreed, rebuilt, regenerated) fails here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from retold.annotate.agreement import compare, load_read, summary
from retold.annotate.anchor import anchor_draft
from retold.build.features import features_for
from retold.describe import datasheet
from retold.describe.stats import compute_stats, format_stats
from retold.io.corpus import load_corpus_or_raise
from retold.io.jsonio import dump_json
from retold.io.release import read_build_info, release_files
from retold.io.standoff import doc_to_json
from retold.pipeline import build_release
from retold.schema import CONFIGS
from retold.validate.checks import load_validated, validate

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


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize("read", sorted(READS))
def test_drafts_anchor_to_the_committed_standoff_file(read: str, doc_id: str) -> None:
    draft = READS[read] / "drafts" / f"{doc_id}.jsonl"
    doc = anchor_draft(draft.read_text(encoding="utf-8").splitlines(), TEXTS[doc_id], doc_id,
                       str(draft))
    committed = (READS[read] / "docs" / f"{doc_id}.json").read_text(encoding="utf-8")
    assert dump_json(doc_to_json(doc)) == committed, (
        f"re-run: retold anchor {draft} --doc-id {doc_id} --out .../docs/{doc_id}.json")


def test_every_document_is_annotated() -> None:
    for read in READS.values():
        assert sorted(p.stem for p in (read / "docs").glob("*.json")) == DOC_IDS


def test_agreement_files_are_up_to_date() -> None:
    figures = compare(load_read(CORPUS, READS["first_read"]),
                      load_read(CORPUS, READS["second_read"]))
    assert (ANNOTATIONS / "agreement.json").read_text(encoding="utf-8") == dump_json(
        summary(figures)), "re-run: retold agree"
    assert (ANNOTATIONS / "agreement_details.json").read_text(encoding="utf-8") == dump_json(
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


def test_card_statistics_are_those_of_retold_stats() -> None:
    docs, annotations = load_validated(CORPUS, ANNOTATIONS)
    card = (ROOT / "release" / "README.md").read_text(encoding="utf-8")
    assert format_stats(compute_stats(docs, annotations), "markdown") in card


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
