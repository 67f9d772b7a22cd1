"""The evaluation protocol for any system: folds, training rows and label-free test items.

Leave-one-document-out: fold k holds out the document whose ``fold`` is k. The model of
fold k may learn from every row of the four other documents (``Fold.training``) and must
predict the held-out document's items (``Fold.test_items``), which carry only what a model
may see: ids, text and the offsets of the item to classify, never a gold label, a cluster,
a source, a stance, an edit type, a rule or a similarity. Pooling the predictions of the
five folds gives one predictions file per task and subset, which ``retold score`` scores
and ``retold results add`` turns into results files (docs/protocol.md)::

    from retold.protocol import folds

    for fold in folds("release"):
        train_claims = fold.training["claims"]          # gold rows of the training docs
        items = fold.test_items("denied")               # claim_id, doc_id, start, end, text
        contrast = fold.test_items("denied", "contrast")

Which config a task's items come from is read from its declaration (``retold.score.tasks``):
the config whose primary key is the task's key, or ``documents`` for the span tasks.
The subset helpers of ``retold.score.protocol`` (which items are new to their fold) are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.io.release import read_config
from retold.score.protocol import cluster_is_new, new_claims, pair_is_new
from retold.score.tasks import NATURAL, get_task

__all__ = [
    "ITEM_FIELDS",
    "TRAINING_CONFIGS",
    "Fold",
    "cluster_is_new",
    "folds",
    "item_config",
    "new_claims",
    "pair_is_new",
]

ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "text"),
    "claims": ("claim_id", "doc_id", "start", "end", "text"),
    "pairs": ("claim_id_a", "claim_id_b", "doc_id_a", "doc_id_b"),
    "contrast": ("contrast_id", "doc_id", "text", "start", "end"),
    "contrast_pairs": ("pair_id", "claim_id", "doc_id", "claim_text", "edited_text"),
}
"""The fields of a test item, per config it comes from: the input a model may see."""
TRAINING_CONFIGS: tuple[str, ...] = ("documents", "claims", "clusters", "pairs", "tokens",
                                     "contrast", "contrast_pairs")
"""The configs of a fold's training rows (``sources`` is left out: its aliases are read
from every document, the held-out one included)."""
OPTIONAL_CONFIGS: tuple[str, ...] = ("contrast", "contrast_pairs")
"""Configs a release may lack (dataset 1.0 has no contrast set)."""


def item_config(task: str, subset: str = NATURAL) -> str:
    """The release config a task's test items of ``subset`` come from."""
    declared = get_task(task)
    if not declared.aligned:
        return "documents"
    if subset not in declared.subsets:
        raise ValueError(f"task {task!r} has no {subset} subset")
    return declared.subset(subset).items


@dataclass(frozen=True)
class Fold:
    """One fold of the protocol: its held-out document, training rows and test rows."""

    fold: int
    test_document: str
    training_documents: tuple[str, ...]
    training: Mapping[str, tuple[dict[str, Any], ...]]
    """config -> the gold rows of the training documents only (``TRAINING_CONFIGS``)."""
    _test_rows: Mapping[str, tuple[dict[str, Any], ...]]

    def test_items(self, task: str, subset: str = NATURAL) -> list[dict[str, Any]]:
        """The items of ``task`` and ``subset`` the model of this fold predicts, label-free
        (only ``ITEM_FIELDS`` of their config), in the release's order."""
        config = item_config(task, subset)
        fields = ITEM_FIELDS[config]
        return [{f: row[f] for f in fields} for row in self._test_rows.get(config, ())]


def _training(rows: Mapping[str, list[dict[str, Any]]], train_docs: set[str],
              fold: int) -> dict[str, tuple[dict[str, Any], ...]]:
    claims = tuple(c for c in rows["claims"] if c["doc_id"] in train_docs)
    kept = {c["claim_id"] for c in claims}
    clusters = []
    for cluster in rows["clusters"]:
        ids = [i for i in cluster["claim_ids"] if i in kept]
        if ids:
            clusters.append({**cluster, "claim_ids": ids,
                             "doc_ids": [d for d in cluster["doc_ids"] if d in train_docs]})
    return {
        "documents": tuple(d for d in rows["documents"] if d["doc_id"] in train_docs),
        "claims": claims,
        "clusters": tuple(clusters),
        "pairs": tuple(p for p in rows["pairs"]
                       if p["doc_id_a"] in train_docs and p["doc_id_b"] in train_docs),
        "tokens": tuple(t for t in rows["tokens"] if t["doc_id"] in train_docs),
        "contrast": tuple(r for r in rows.get("contrast", ()) if r["fold"] != fold),
        "contrast_pairs": tuple(r for r in rows.get("contrast_pairs", ()) if r["fold"] != fold),
    }


def folds(release: Path | str) -> list[Fold]:
    """The folds of a release, in fold order (``InvalidInputError`` for an unreadable one)."""
    release = Path(release)
    rows: dict[str, list[dict[str, Any]]] = {}
    for name in dict.fromkeys((*TRAINING_CONFIGS, *ITEM_FIELDS)):
        if name in OPTIONAL_CONFIGS and not (release / "data" / name).is_dir():
            continue
        rows[name] = read_config(release, name)
    doc_fold = {d["doc_id"]: d["fold"] for d in rows["documents"]}
    out = []
    for fold in sorted(set(doc_fold.values())):
        test = sorted(d for d, f in doc_fold.items() if f == fold)
        if len(test) != 1:
            raise ValueError(f"{release}: fold {fold} has {len(test)} documents; expected one")
        train = tuple(sorted(d for d, f in doc_fold.items() if f != fold))
        test_rows = {name: tuple(r for r in rows[name] if r["fold"] == fold)
                     for name in ITEM_FIELDS if name in rows}
        out.append(Fold(fold=fold, test_document=test[0], training_documents=train,
                        training=_training(rows, set(train), fold), _test_rows=test_rows))
    return out
