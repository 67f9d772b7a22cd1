"""The plug-in model interface (``baselines.families``, docs/models.md).

- the documented example model is one file of at most 40 lines, included verbatim in the
  doc, and runs through the runner on the committed release with no other edit;
- models never receive a test item's gold or metadata: spy models in every family record all
  they are given, checked against the fields ``retold.schema`` declares held out and against
  the held-out rows' own values;
- registration is by declaration: the registry's tables are the classes' declarations.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from baselines import registry
from baselines.base import RunContext
from baselines.cli import main
from baselines.data import Corpus, fold_views, load_corpus
from baselines.families import (
    ClassifierModel,
    FoldItems,
    Joint,
    JointModel,
    Label,
    PairModel,
    SpanModel,
)
from baselines.items import Document, Mention, Pair, TrainView
from retold.io.release import read_config
from retold.schema import CONFIGS
from retold.score import score_file

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
EXAMPLE = ROOT / "examples" / "models" / "jaccard.py"
DOC = ROOT / "docs" / "models.md"


# --- the documented example ------------------------------------------------------------

def test_the_doc_shows_the_example_file_verbatim_and_it_is_short() -> None:
    code = EXAMPLE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert code in blocks
    assert len(code.splitlines()) <= 40
    assert f"--model-file {EXAMPLE.relative_to(ROOT)}" in DOC.read_text(encoding="utf-8")


def _jaccard(a: str, b: str) -> float:
    """The oracle: token Jaccard written out here, not imported from the example."""
    x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(x & y) / len(x | y) if x | y else 0.0


def test_the_example_model_runs_through_the_runner(tmp_path: Path) -> None:
    code = main(["run", "--quick", "--model-file", str(EXAMPLE), "--baselines", "jaccard",
                 "--results", str(tmp_path / "results"),
                 "--predictions", str(tmp_path / "predictions"), "--no-report"])
    assert code == 0
    results = sorted((tmp_path / "results").rglob("*.json"))
    assert {p.parent.parent.name for p in results} == {"duplicated", "retrieval", "clusters"}
    claims = {c["claim_id"]: c["text"] for c in read_config(RELEASE, "claims")}
    pairs = read_config(RELEASE, "pairs")
    for path in results:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["system"]["name"] == "jaccard" and data["system"]["kind"] == "rules"
        assert data["runner"]["config"] == {"lowercase": True}
        task = data["task"]
        predictions = tmp_path / "predictions" / task / "jaccard" / "deterministic.jsonl"
        assert score_file(task, predictions, RELEASE).main == data["scores"]["natural"]["main"]
        if task == "duplicated":
            lines = [json.loads(line) for line in predictions.read_text().splitlines()]
            assert len(lines) == len(pairs)  # every pair, once, by its fold's model
            for line in lines[::97]:
                expected = _jaccard(claims[line["claim_id_a"]], claims[line["claim_id_b"]])
                assert line["score"] == round(expected, 6)
            assert data["scores"]["contrast"] is not None
            assert data["scores"]["natural"]["main"] > 0


# --- no gold or metadata reaches a model -------------------------------------------------

class _Spy:
    """Records every object the runner hands to the model."""

    def record(self, kind: str, value: Any) -> None:
        self.seen.setdefault(kind, []).append(value)

    def fit(self, train: TrainView) -> None:
        self.seen: dict[str, list[Any]] = getattr(self, "seen", {})
        self.record("fit", train)


class SpyFamilies(_Spy, ClassifierModel, PairModel, SpanModel, name="spy-families",
                  kind="test"):
    tasks = ("attributed", "denied", "duplicated", "retrieval", "clusters", "claims",
             "end2end")

    def predict(self, items: Sequence[Mention]) -> list[Label]:
        self.record("test", list(items))
        return [Label() for _ in items]

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        self.record("test", list(claims))
        return np.eye(len(claims))

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        self.record("test", list(pairs))
        return np.zeros(len(pairs))

    def spans(self, documents: Sequence[Document]) -> list[list[Any]]:
        self.record("test", list(documents))
        return [[] for _ in documents]


class SpyJoint(_Spy, JointModel, name="spy-joint", kind="test"):
    tasks = ("attributed", "denied", "duplicated", "retrieval", "clusters")
    train_contrast = True

    def predict_all(self, test: FoldItems) -> Joint:
        self.record("test", test)
        return Joint(labels=[Label()] * len(test.mentions),
                     contrast_labels=[Label()] * len(test.contrast),
                     pair_scores=[0.0] * len(test.pairs),
                     pair_decisions=[False] * len(test.pairs),
                     contrast_pair_scores=[0.0] * len(test.contrast_pairs),
                     contrast_pair_decisions=[False] * len(test.contrast_pairs),
                     clusters=[m.item_id for m in test.mentions],
                     rankings=[[] for _ in test.mentions])


def _walk(value: Any, keys: set[str], strings: set[str], rows: list[Any]) -> None:
    """Every dict key / attribute name, string value and config row reachable from value."""
    if isinstance(value, Corpus):
        for name in ("claims", "pairs", "tokens", "contrast", "contrast_pairs"):
            rows.extend(getattr(value, name))
        _walk(list(value.documents), keys, strings, rows)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            keys.add(f.name)
            _walk(getattr(value, f.name), keys, strings, rows)
    elif isinstance(value, dict):
        for k, v in value.items():
            keys.add(k)
            _walk(v, keys, strings, rows)
    elif isinstance(value, list | tuple):
        for v in value:
            _walk(v, keys, strings, rows)
    elif isinstance(value, str):
        strings.add(value)


HELD_OUT = {c.name: set(c.held_out_fields()) for c in CONFIGS}
"""Gold and metadata fields per release config, as ``retold.schema`` declares them."""


def test_the_schema_holds_the_labels_out() -> None:
    """An independent list of what is gold or metadata: the schema must hold each out."""
    assert {"stance", "source", "cluster_id", "attributed", "denied", "fold", "chain",
            "source_chain", "parent_claim_id"} <= HELD_OUT["claims"]
    assert {"duplicate", "similarity", "reuse", "contradiction", "fold"} <= HELD_OUT["pairs"]
    assert {"stance", "source", "edit_type", "rule", "original_stance", "original_source",
            "original_claim_id", "doc_id", "fold"} <= HELD_OUT["contrast"]
    assert {"duplicate", "cluster_id", "edit_type", "rule", "similarity",
            "fold"} <= HELD_OUT["contrast_pairs"]
    assert {"genre", "outlet", "fold", "url"} <= HELD_OUT["documents"]


@pytest.fixture(scope="module")
def spied() -> tuple[Corpus, list[tuple[int, dict[str, list[Any]]]]]:
    corpus = load_corpus(RELEASE)
    seen = []
    for view in fold_views(corpus):
        for spy in (SpyFamilies(), SpyJoint()):
            spy.run_fold(view, RunContext(seed=0, quick=True, model="unused"))
            seen.append((view.fold, spy.seen))
    return corpus, seen


def test_test_items_hold_no_gold_or_metadata_field(spied: Any) -> None:
    corpus, seen = spied
    allowed = set().union(*(c.model_inputs for c in CONFIGS))
    # a document's annotated boilerplate spans are gold: not "boilerplate", nor its "kind"
    assert "boilerplate" not in allowed
    item_fields = {f.name for cls in (Mention, Pair, Document, FoldItems)
                   for f in dataclasses.fields(cls)}
    gold = set().union(*HELD_OUT.values()) - allowed
    for fold, records in seen:
        keys: set[str] = set()
        strings: set[str] = set()
        rows: list[Any] = []
        _walk(records["test"], keys, strings, rows)
        assert rows == [], f"fold {fold}: a test item carries release rows"
        assert not keys & gold, f"fold {fold}: {sorted(keys & gold)}"
        assert keys <= allowed | item_fields
        # the held-out rows' own gold and metadata values are nowhere in what the model got
        held = ([c for c in corpus.claims if c["fold"] == fold]
                + [r for r in corpus.contrast if r["fold"] == fold]
                + [r for r in corpus.contrast_pairs if r["fold"] == fold])
        values = {r[k] for r in held for k in ("stance", "source", "cluster_id", "edit_type",
                                                 "rule", "original_stance", "original_source")
                  if isinstance(r.get(k), str) and r.get(k)}
        assert values and not values & strings, f"fold {fold}: {sorted(values & strings)[:5]}"


def test_training_views_hold_no_held_out_row(spied: Any) -> None:
    corpus, seen = spied
    for fold, records in seen:
        (train,) = records["fit"]
        test_doc = next(d["doc_id"] for d in corpus.documents if d["fold"] == fold)
        assert {d["doc_id"] for d in train.corpus.documents} == (
            {d["doc_id"] for d in corpus.documents} - {test_doc})
        assert all(c["doc_id"] != test_doc for c in train.claims)
        assert all(test_doc not in (p["doc_id_a"], p["doc_id_b"]) for p in train.pairs)
        assert all(s["doc_id"] != test_doc for s in train.sentences)
        assert all(r["fold"] != fold for r in train.contrast)
    spies = {type(s).__name__ for s in (SpyFamilies(), SpyJoint())}
    assert spies == {"SpyFamilies", "SpyJoint"}


def test_contrast_rows_are_given_only_to_models_that_ask(spied: Any) -> None:
    corpus, seen = spied
    for fold, records in seen:
        (train,) = records["fit"]
        asks = any(isinstance(t, FoldItems) for t in records["test"])  # the SpyJoint
        expected = [r["contrast_id"] for r in corpus.contrast if r["fold"] != fold]
        assert [r["contrast_id"] for r in train.contrast] == (expected if asks else [])


# --- registration by declaration -----------------------------------------------------------

def test_the_registry_is_the_declarations() -> None:
    models = registry.ALL
    assert tuple(m.name for m in models) == registry.NAMES
    assert {m.name: m.kind for m in models} == registry.KIND
    assert registry.OPT_IN == ("finetuned-classifier", "finetuned-crossencoder")
    assert registry.LLM_NAMES == ("llm-zero-shot", "llm-few-shot")
    assert registry.NAMES[:4] == ("majority", "random", "rules", "string-similarity")
    assert "spy-families" not in registry.NAMES  # test modules are not discovered


def test_a_name_is_declared_once() -> None:
    registry.discover()
    with pytest.raises(ValueError, match="already declared"):
        class Again(PairModel, name="majority", kind="floor"):
            pass


def test_a_model_file_that_declares_nothing_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "nothing.py"
    empty.write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="declares no model"):
        registry.load_model_file(empty)
    with pytest.raises(ValueError, match="no such model file"):
        registry.load_model_file(tmp_path / "absent.py")


def test_the_readme_lists_the_declared_models() -> None:
    from baselines.model_list import BEGIN, END, model_list

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(BEGIN)[1].split(END)[0]
    assert block == "\n" + model_list()
    for name in ("majority", "rules", "finetuned-chain", "llm-few-shot"):
        assert f"- `{name}` (" in block
