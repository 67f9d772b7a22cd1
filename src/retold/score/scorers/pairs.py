"""Scorer of ``duplicated``: a score and a decision per pair of claim mentions.

Every pair of the ``pairs`` config is an item and is scored once (its ``fold`` is that of
claim_id_a's document); a file that predicts a pair twice is rejected. A missing pair is
scored as the wrong answer: ranked below every given score for a duplicate pair (each
missing duplicate pair at its own rank, so they are never a tie that averages their
precision up), above every given score for a non-duplicate pair, and the wrong decision.
Average precision depends only on the order of the scores and their ties, so the scores
are replaced by their ranks. When any pair is missing, every tie is also broken against the
prediction (``ranking.average_precision(..., against_ties=True)``): scikit-learn's tie rule
could otherwise let a missing duplicate pair raise AP by a hair. With every pair given, AP
is scikit-learn's.

Contrast pairs (``contrast_pairs``, keyed by ``pair_id``) pair a natural mention with an
edited text; ``contrast_consistency`` is the share of natural mentions whose contrast pairs
all get the right decision.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retold.io.jsonio import show
from retold.schema import PAIR_CELLS, REUSE_LABELS
from retold.score.formats import PREDICTION_VALUE, UNKNOWN_ID, Line, Problems, align_items
from retold.score.gold import Release
from retold.score.metrics.bootstrap import resample_counts
from retold.score.metrics.classification import binary_outcomes, prf, ratio
from retold.score.metrics.ranking import (
    average_precision,
    average_precision_grouped,
    average_precision_of_ranks,
)
from retold.score.protocol import new_claims
from retold.score.scorers.base import (
    Computed,
    accuracy_by_edit_type,
    add_prf,
    interval,
    n_folds,
)
from retold.score.tasks import CONTRAST, Task, per_fold, prf_keys

PAIR_COLUMNS: tuple[str, ...] = ("claim_id_a", "claim_id_b", "duplicate", "fold", "same_doc",
                                  "reuse")
"""The columns of the ``pairs`` config the natural gold reads."""
CLAIM_COLUMNS: tuple[str, ...] = ("claim_id", "cluster_id", "fold")
"""The columns of the ``claims`` config it reads (for each pair's new/seen subset)."""


@dataclass(frozen=True)
class PairGold:
    """Gold pairs in config order, with what the subsets and the bootstrap need."""

    keys: list[Hashable]
    index: dict[Hashable, int]
    duplicate: np.ndarray
    folds: np.ndarray
    n_folds: int
    group: np.ndarray
    """Bootstrap group of each pair: its claim_id_a (natural) or claim_id (contrast)."""
    n_groups: int
    same_doc: np.ndarray | None = None
    reuse: np.ndarray | None = None
    new: np.ndarray | None = None
    """True for a duplicate pair whose cluster is new to the pair's fold."""
    claim_ids: frozenset[str] = frozenset()
    edit_type: list[str] | None = None
    cell: list[str] | None = None
    """The 2x2 cell of each contrast pair (``contrast_pairs.cell``)."""

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def natural(cls, pairs: Mapping[str, Sequence[Any]], claims: Sequence[dict[str, Any]],
                n_folds: int) -> PairGold:
        """From the ``pairs`` config's columns (``PAIR_COLUMNS``, in config order) and the
        ``claims`` rows."""
        is_new = new_claims(claims)
        firsts, seconds = list(pairs["claim_id_a"]), list(pairs["claim_id_b"])
        keys = list(zip(firsts, seconds, strict=True))
        groups: dict[str, int] = {}
        group = np.array([groups.setdefault(a, len(groups)) for a in firsts], dtype=np.int64)
        duplicate = np.asarray(pairs["duplicate"], dtype=bool)
        group_is_new = np.array([is_new[a] for a in groups], dtype=bool)
        return cls(
            keys=keys,
            index=dict(zip(keys, range(len(keys)), strict=True)),
            duplicate=duplicate,
            folds=np.asarray(pairs["fold"], dtype=np.int64),
            n_folds=n_folds,
            group=group,
            n_groups=len(groups),
            same_doc=np.asarray(pairs["same_doc"], dtype=bool),
            reuse=np.asarray(pairs["reuse"], dtype=str),
            new=duplicate & group_is_new[group],  # protocol.pair_is_new, per pair
            claim_ids=frozenset(c["claim_id"] for c in claims),
        )

    @classmethod
    def contrast(cls, rows: Sequence[dict[str, Any]], n_folds: int) -> PairGold:
        rows = sorted(rows, key=lambda r: r["pair_id"])
        keys = [r["pair_id"] for r in rows]
        groups: dict[str, int] = {}
        group = np.array([groups.setdefault(r["claim_id"], len(groups)) for r in rows],
                         dtype=np.int64)
        return cls(
            keys=list(keys),
            index={k: i for i, k in enumerate(keys)},
            duplicate=np.array([r["duplicate"] for r in rows], dtype=bool),
            folds=np.array([r["fold"] for r in rows], dtype=np.int64),
            n_folds=n_folds,
            group=group,
            n_groups=len(groups),
            edit_type=[r["edit_type"] for r in rows],
            cell=[r["cell"] for r in rows],
        )


@dataclass(frozen=True)
class PairPredictions:
    present: np.ndarray
    score: np.ndarray
    duplicate: np.ndarray

    def filled(self, gold: PairGold) -> tuple[np.ndarray, np.ndarray]:
        """(ranks, decisions) with every missing pair given the wrong answer.

        The given scores become their dense ranks 1..m (ties kept); missing non-duplicate
        pairs share rank m + 1, missing duplicate pairs get 0, -1, -2, ... (no arithmetic
        on the given scores, so no rounding can tie a missing pair with a given one).
        """
        ranks = np.zeros(len(self.present), dtype=float)
        values, inverse = np.unique(self.score[self.present], return_inverse=True)
        ranks[self.present] = inverse + 1
        lost = ~self.present & gold.duplicate
        ranks[lost] = -np.arange(int(lost.sum()), dtype=float)
        ranks[~self.present & ~gold.duplicate] = len(values) + 1
        decision = np.where(self.present, self.duplicate, ~gold.duplicate)
        return ranks, decision


class PairScorer:
    """``duplicated``, natural and contrast."""

    def load(self, task: Task, release: Release, subset: str) -> PairGold:
        if subset == CONTRAST:
            return PairGold.contrast(release.rows("contrast_pairs"), n_folds(release))
        claims = release.columns("claims", CLAIM_COLUMNS)
        rows = [dict(zip(CLAIM_COLUMNS, values, strict=True))
                for values in zip(*(claims[name] for name in CLAIM_COLUMNS), strict=True)]
        return PairGold.natural(release.columns("pairs", PAIR_COLUMNS), rows, n_folds(release))

    def check(self, task: Task, gold: PairGold, lines: Sequence[Line],
              problems: Problems) -> PairPredictions:
        contrast = gold.edit_type is not None

        def unknown_key(record: dict[str, Any]) -> tuple[str, str] | None:
            if contrast:
                return None
            a, b = record["claim_id_a"], record["claim_id_b"]
            for name, value in (("claim_id_a", a), ("claim_id_b", b)):
                if value not in gold.claim_ids:
                    return UNKNOWN_ID, f"{name} {show(value, as_json=False)} is not a claim id"
            if a == b:
                return PREDICTION_VALUE, f"a pair needs two claims, not {a!r} twice"
            return PREDICTION_VALUE, (f"claim_id_a must be the smaller id: write this pair as "
                                      f"claim_id_a {b!r}, claim_id_b {a!r} (pairs config order)")

        subset = CONTRAST if contrast else "natural"
        checked = align_items(lines, task.fields_for(subset), task.key_for(subset), gold.index,
                              len(gold), problems, unknown_key=unknown_key)
        present = np.array(checked.present, dtype=bool)
        score = np.array([0.0 if s is None else s for s in checked.columns["score"]],
                         dtype=float)
        decision = np.array([bool(d) for d in checked.columns["duplicate"]], dtype=bool)
        return PairPredictions(present, score, decision)

    def n_items(self, gold: PairGold) -> int:
        return len(gold)

    def missing(self, gold: PairGold, preds: PairPredictions) -> int:
        return int((~preds.present).sum())

    def references(self, task: Task, gold: PairGold) -> dict[str, PairPredictions]:
        n = len(gold)
        every = np.ones(n, dtype=bool)
        return {
            "floor": PairPredictions(np.zeros(n, dtype=bool), np.zeros(n), np.zeros(n, bool)),
            "trivial": PairPredictions(every, np.zeros(n), every.copy()),
            "max": PairPredictions(every, gold.duplicate.astype(float), gold.duplicate.copy()),
        }

    def compute(self, task: Task, gold: PairGold, preds: PairPredictions, n_boot: int,
                seed: int) -> Computed:
        score, decision = preds.filled(gold)
        positive = gold.duplicate
        outcomes = binary_outcomes(positive, decision)
        everything = np.ones(len(gold), dtype=bool)
        subsets: dict[str, np.ndarray] = {"": everything}
        values: dict[str, Any] = {}

        against_ties = bool((~preds.present).any())

        def ap(mask: np.ndarray) -> float:
            if not against_ties:  # the ranks are dense: counted, not sorted (same float)
                return average_precision_of_ranks(positive, score, mask)
            return average_precision(positive[mask], score[mask], against_ties=True)

        def f1(mask: np.ndarray) -> float:
            return prf(*outcomes[mask].sum(axis=0))[2]

        values["average_precision"] = ap(everything)
        add_prf(values, prf_keys("pair"), outcomes.sum(axis=0))
        if gold.same_doc is not None and gold.reuse is not None and gold.new is not None:
            for name, mask in (("within", gold.same_doc), ("cross", ~gold.same_doc)):
                values[f"average_precision_{name}"] = ap(mask)
                values[f"pair_f1_{name}"] = f1(mask)
            reuse = gold.reuse
            for label in REUSE_LABELS:
                if label != "none":
                    wanted = positive & (reuse == label)
                    values[f"recall_{label}"] = ratio(outcomes[wanted, 0].sum(), wanted.sum())
            subsets["_new"] = ~positive | gold.new
            subsets["_seen"] = ~positive | ~gold.new
            for suffix in ("_new", "_seen"):
                mask = subsets[suffix]
                values[f"average_precision{suffix}"] = ap(mask)
                tp, fp, fn = outcomes[mask].sum(axis=0)
                values[f"pair_f1{suffix}"] = prf(tp, fp, fn)[2]
                values[f"pair_recall{suffix}"] = prf(tp, fp, fn)[1]
                values[f"n_positive{suffix}"] = int((positive & mask).sum())
        values["n_positive"] = int(positive.sum())
        values[per_fold("average_precision")] = [
            ap(gold.folds == k) if (positive & (gold.folds == k)).any() else None
            for k in range(gold.n_folds)]

        samples: dict[str, Any] = {}
        if gold.cell is not None:
            values.update(_cell_scores(gold.cell, positive, decision == positive, ap))
        if gold.edit_type is not None:
            values.update(_consistency(gold, decision, preds.present))
            if n_boot and gold.n_groups:
                flags = _group_flags(gold, decision, preds.present)
                w = resample_counts(gold.n_groups, n_boot, seed)
                samples["contrast_consistency"] = ratio(w @ flags, w.sum(axis=1))
        subset = CONTRAST if gold.edit_type is not None else "natural"
        wanted = task.ci_scores_for(subset)
        if n_boot and gold.n_groups:
            samples.update(_resampled(gold, positive, score, outcomes, subsets, wanted,
                                      n_boot, seed, against_ties))
        return Computed(values, {k: interval(samples[k]) for k in wanted if k in samples})


def _resampled(gold: PairGold, positive: np.ndarray, score: np.ndarray, outcomes: np.ndarray,
               subsets: dict[str, np.ndarray], wanted: Sequence[str], n_boot: int, seed: int,
               against_ties: bool) -> dict[str, np.ndarray]:
    """AP and pair F1 per resample of the claim_id_a groups, on each subset."""
    w = resample_counts(gold.n_groups, n_boot, seed)
    samples: dict[str, np.ndarray] = {}
    for suffix, mask in subsets.items():
        if f"average_precision{suffix}" in wanted:
            samples[f"average_precision{suffix}"] = average_precision_grouped(
                positive, score, w, gold.group, mask, against_ties=against_ties)
        if f"pair_f1{suffix}" in wanted:
            per_group = np.zeros((gold.n_groups, 3))
            np.add.at(per_group, gold.group[mask], outcomes[mask])
            summed = w @ per_group
            samples[f"pair_f1{suffix}"] = prf(summed[:, 0], summed[:, 1], summed[:, 2])[2]
    return samples


def _cell_scores(cells: Sequence[str], positive: np.ndarray, right: np.ndarray,
                 ap: Any) -> dict[str, float | None]:
    """AP within each overlap level (high: the cells ``*_high``, similarity >=
    ``schema.HIGH_OVERLAP_MIN``) where both labels occur, and the accuracy of each 2x2
    cell (a missing prediction counts as wrong)."""
    cell = np.array(cells, dtype=object)
    high = np.array([c.endswith("_high") for c in cells], dtype=bool)
    out: dict[str, float | None] = {}
    for level, mask in (("high", high), ("low", ~high)):
        both = bool((positive & mask).any() and (~positive & mask).any())
        out[f"average_precision_{level}_overlap"] = ap(mask) if both else None
    for name in PAIR_CELLS:
        mask = cell == name
        out[f"accuracy_{name}"] = float(right[mask].mean()) if mask.any() else None
    return out


def _group_flags(gold: PairGold, decision: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per natural mention: 1 when all its contrast pairs get the right decision."""
    wrong = ~((decision == gold.duplicate) & present)
    flags = np.ones(gold.n_groups)
    flags[gold.group[wrong]] = 0.0
    return flags


def _consistency(gold: PairGold, decision: np.ndarray, present: np.ndarray) -> dict[str, Any]:
    flags = _group_flags(gold, decision, present)
    right = (decision == gold.duplicate) & present
    return {"contrast_consistency": ratio(flags.sum(), len(flags)),
            "n_originals": gold.n_groups,
            "accuracy_by_edit_type": accuracy_by_edit_type(gold.edit_type or [], right)}
