"""``retold.protocol``: folds, training rows and label-free test items, checked against the
release's own configs (read with ``retold.io.release.read_config``) and the schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retold.io.release import read_config
from retold.protocol import ITEM_FIELDS, folds, item_config
from retold.schema import get_config
from retold.score.tasks import SUBSETS, TASKS

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
PAIRS = [(t.name, s) for t in TASKS.values() for s in SUBSETS if s in t.subsets]

INPUT = {"doc_id", "text", "start", "end", "claim_id", "claim_id_a", "claim_id_b",
         "doc_id_a", "doc_id_b", "contrast_id", "pair_id", "claim_text", "edited_text",
         "sentence_id", "tokens", "token_starts", "token_ends"}
"""Fields a model may see. Every other field of the schema is gold or metadata; the test
below fails for a schema field that is in neither set, so a new field must be classified."""
GOLD = {"source_file", "outlet", "genre", "language", "published", "url", "relays", "rights",
        "sha256", "boilerplate", "fold", "parent_claim_id", "cluster_id", "stance", "source",
        "source_chain", "source_start", "source_end", "cue_start", "cue_end", "source_text",
        "cue_text", "chain", "attributed", "denied", "duplicated", "same_doc", "duplicate",
        "reuse", "similarity", "contradiction", "original_claim_id", "edit_type", "rule",
        "original_text", "passage_start", "passage_end", "original_stance", "original_source",
        "claim_tags", "source_tags", "cue_tags", "nested_claim_tags", "proposition",
        "claim_ids", "doc_ids", "source_id", "name", "aliases", "kind", "cell"}


@pytest.fixture(scope="module")
def views() -> list:
    return folds(RELEASE)


def test_every_schema_field_is_classified_input_or_gold() -> None:
    from retold.schema import CONFIGS

    fields = {f.name for c in CONFIGS for f in c.fields}
    assert not INPUT & GOLD
    assert fields - INPUT - GOLD == set(), "classify the new schema fields"
    # the schema's analysis-only columns are never input
    assert {f.name for c in CONFIGS for f in c.fields if f.analysis_only} <= GOLD


@pytest.mark.parametrize(("task", "subset"), PAIRS)
def test_test_items_carry_no_gold_or_metadata(views: list, task: str, subset: str) -> None:
    config = get_config(item_config(task, subset))
    schema = {f.name: f.dtype for f in config.fields}
    for view in views:
        for item in view.test_items(task, subset):
            assert set(item) <= set(schema), set(item) - set(schema)
            assert not set(item) & GOLD, set(item) & GOLD
            for name in item:  # no label, flag or score type of the schema
                dtype = schema[name]
                assert dtype in ("string", "int32"), (name, dtype)


@pytest.mark.parametrize(("task", "subset"), PAIRS)
def test_pooled_test_items_are_every_gold_item_once(views: list, task: str,
                                                    subset: str) -> None:
    config = item_config(task, subset)
    key = get_config(config).primary_key
    gold = [tuple(row[k] for k in key) for row in read_config(RELEASE, config)]
    pooled = [tuple(item[k] for k in key) for view in views
              for item in view.test_items(task, subset)]
    assert sorted(pooled) == sorted(gold) and len(set(pooled)) == len(pooled)
    rows = {tuple(row[k] for k in key): row for row in read_config(RELEASE, config)}
    for view in views:  # an item is its row, cut to the input fields, of its own fold
        for item in view.test_items(task, subset):
            row = rows[tuple(item[k] for k in key)]
            assert row["fold"] == view.fold
            assert item == {f: row[f] for f in ITEM_FIELDS[config]}


def test_training_rows_never_hold_the_held_out_document(views: list) -> None:
    documents = read_config(RELEASE, "documents")
    assert [v.fold for v in views] == sorted({d["fold"] for d in documents})
    claims = {c["claim_id"]: c["doc_id"] for c in read_config(RELEASE, "claims")}
    for view in views:
        held_out = view.test_document
        assert {d["doc_id"] for d in documents if d["fold"] == view.fold} == {held_out}
        assert set(view.training_documents) == {d["doc_id"] for d in documents} - {held_out}
        for config, rows in view.training.items():
            assert rows, config
            for row in rows:
                docs = {row.get(k) for k in ("doc_id", "doc_id_a", "doc_id_b")} - {None}
                docs |= set(row.get("doc_ids", ())) | {claims[i] for i in row.get("claim_ids", ())}
                assert held_out not in docs, (config, row)
                if "fold" in row:
                    assert row["fold"] != view.fold, (config, row)
        natural_pairs = [p for p in read_config(RELEASE, "pairs")
                         if held_out not in (p["doc_id_a"], p["doc_id_b"])]
        assert len(view.training["pairs"]) == len(natural_pairs)


def test_the_documented_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/protocol.md's example, run as written (in a folder with the release), writes a
    predictions file that retold score accepts with every claim predicted."""
    from retold.score import score_file

    (tmp_path / "release").symlink_to(RELEASE)
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], "docs/protocol.md", "exec"), {})
    scores = score_file("denied", "runs/my-system/predictions/denied.jsonl", "release",
                        n_bootstrap=0)
    assert scores.missing == 0 and scores.n_items == len(read_config(RELEASE, "claims"))
