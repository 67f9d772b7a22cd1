"""Coreference metrics of a predicted partition of the gold mentions: MUC, B³, CEAF-e, CoNLL F1.

The definitions are those of the CoNLL-2012 reference scorer (Pradhan et al., ACL 2014):

- MUC (Vilain et al., 1995), link based. Recall ``Σ_k (|k| - |p(k)|) / Σ_k (|k| - 1)``,
  where ``p(k)`` is the partition of the key cluster ``k`` by the response (a key mention
  missing from the response is a part of its own); precision swaps key and response.
  A zero denominator (every cluster a singleton) gives 0, as in the reference scorer.
- B³ (Bagga and Baldwin, 1998), mention based. Recall ``Σ_k Σ_r |k∩r|² / |k|`` over the
  number of key mentions; precision ``Σ_r Σ_k |k∩r|² / |r|`` over the response mentions.
- CEAF-e (Luo, 2005), entity based. ``φ4(k, r) = 2|k∩r| / (|k| + |r|)``; the best
  one-to-one alignment of key and response clusters (Hungarian algorithm, scipy) gives the
  total similarity, divided by the number of key clusters (recall) or response clusters
  (precision).
- CoNLL F1: the mean of the three F1 scores.

Singletons count (every gold claim is a mention, and a claim stated once is a cluster of
one): MUC ignores them by construction, B³ and CEAF-e do not. The numerators and
denominators are kept apart (``CorefCounts``) because they add up over disjoint sets of
mentions, which the bootstrap uses.

**Missing mentions** (a gold mention without a predicted label) are charged the most that
any label could cost them, metric by metric, so that leaving a line out never raises a
score (docs/metrics.md, "Missing predictions count as wrong"). Every completion of the
partition (each missing mention given some label) scores at least as much:

- recall (MUC, B³): the missing mention is a part of its own in its key cluster and earns
  nothing, as a "twinless" key mention of the reference scorer;
- MUC precision: each missing mention adds 1 to the denominator and nothing to the
  numerator (joining a response cluster that holds no mention of its key cluster);
- B³ precision: each missing mention counts as a response mention (denominator + 1) and
  takes 1 off the numerator: joining a response cluster of size s lowers that cluster's
  sum by less than 1 (at most (s-1)/(s+1)), and its own share is at least 0;
- CEAF-e: each missing mention takes 1/3 off the aligned similarity (joining a response
  cluster lowers its φ4 with the aligned key cluster by at most 2c/((|k|+|r|)(|k|+|r|+1))
  <= 1/(2c+1) <= 1/3) and counts as a response cluster of its own (precision denominator
  + 1).

Numerators are floored at 0. With every mention predicted the counts are the reference
scorer's (checked against scorch).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, fields

import numpy as np

CEAFE_MISSING_CHARGE = 1 / 3
"""CEAF-e similarity taken off per missing mention: the most that adding one mention to a
response cluster can lower its φ4 with the key cluster aligned to it."""


@dataclass(frozen=True)
class CorefCounts:
    """Numerators and denominators of MUC, B³ and CEAF-e; they add over disjoint mention sets."""

    muc_recall_num: float = 0.0
    muc_recall_den: float = 0.0
    muc_precision_num: float = 0.0
    muc_precision_den: float = 0.0
    b3_recall_num: float = 0.0
    b3_recall_den: float = 0.0
    b3_precision_num: float = 0.0
    b3_precision_den: float = 0.0
    ceafe_similarity: float = 0.0
    ceafe_key_clusters: float = 0.0
    ceafe_response_clusters: float = 0.0

    def __add__(self, other: CorefCounts) -> CorefCounts:
        return CorefCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                              for f in fields(self)})


@dataclass(frozen=True)
class CorefScores:
    """Precision, recall and F1 of MUC, B³ and CEAF-e, and their CoNLL mean."""

    muc: tuple[float, float, float]
    b3: tuple[float, float, float]
    ceafe: tuple[float, float, float]

    @property
    def conll_f1(self) -> float:
        return (self.muc[2] + self.b3[2] + self.ceafe[2]) / 3


def _div(num: float, den: float) -> float:
    return num / den if den > 0 else 0.0


def _prf(p_num: float, p_den: float, r_num: float, r_den: float) -> tuple[float, float, float]:
    precision, recall = _div(p_num, p_den), _div(r_num, r_den)
    f1 = _div(2 * precision * recall, precision + recall)
    return precision, recall, f1


def scores_from_counts(c: CorefCounts) -> CorefScores:
    """The three metrics' (precision, recall, F1) from summed counts.

    The B³ precision numerator and the CEAF-e similarity are floored at 0: the charge for
    missing mentions (``counts_from_table``) can take them below it.
    """
    b3_num = max(c.b3_precision_num, 0.0)
    similarity = max(c.ceafe_similarity, 0.0)
    return CorefScores(
        muc=_prf(c.muc_precision_num, c.muc_precision_den, c.muc_recall_num, c.muc_recall_den),
        b3=_prf(b3_num, c.b3_precision_den, c.b3_recall_num, c.b3_recall_den),
        ceafe=_prf(similarity, c.ceafe_response_clusters, similarity, c.ceafe_key_clusters),
    )


def counts_from_table(table: np.ndarray, missing: np.ndarray) -> CorefCounts:
    """Counts from a contingency table (key clusters x response clusters) and, per key
    cluster, the number of its mentions that the response leaves out.

    Rows of key clusters with no mention at all and empty response columns are ignored.
    Each missing mention is charged as the module docstring says (the charge is per
    mention, so the counts still add over disjoint sets of mentions).
    """
    table = np.asarray(table, dtype=float)
    missing = np.asarray(missing, dtype=float)
    key_size = table.sum(axis=1) + missing
    keep_rows = key_size > 0
    table, missing, key_size = table[keep_rows], missing[keep_rows], key_size[keep_rows]
    resp_size = table.sum(axis=0)
    table = table[:, resp_size > 0]
    resp_size = resp_size[resp_size > 0]
    if table.shape[0] == 0:
        return CorefCounts()
    linked = table > 0
    squared = table ** 2
    similarity = 2 * table / (key_size[:, None] + resp_size[None, :])
    if table.shape[1]:
        from scipy.optimize import linear_sum_assignment  # here: a slow import few tasks need

        rows, cols = linear_sum_assignment(similarity, maximize=True)
        best = float(similarity[rows, cols].sum())
    else:
        best = 0.0
    n_missing = float(missing.sum())
    b3_precision = float((squared.sum(axis=0) / resp_size).sum()) if resp_size.size else 0.0
    return CorefCounts(
        muc_recall_num=float((key_size - linked.sum(axis=1) - missing).sum()),
        muc_recall_den=float((key_size - 1).sum()),
        muc_precision_num=float((resp_size - linked.sum(axis=0)).sum()),
        muc_precision_den=float((resp_size - 1).sum()) + n_missing,
        b3_recall_num=float((squared.sum(axis=1) / key_size).sum()),
        b3_recall_den=float(key_size.sum()),
        b3_precision_num=b3_precision - n_missing,
        b3_precision_den=float(resp_size.sum()) + n_missing,
        ceafe_similarity=best - n_missing * CEAFE_MISSING_CHARGE,
        ceafe_key_clusters=float(table.shape[0]),
        ceafe_response_clusters=float(table.shape[1]) + n_missing,
    )


def contingency(key: Sequence[Hashable], response: Sequence[Hashable | None]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(table, missing, key codes, response codes) of two aligned label sequences.

    ``response[i] is None`` means mention ``i`` has no prediction (response code -1).
    """
    if len(key) != len(response):
        raise ValueError("key and response must label the same mentions")
    key_ids: dict[Hashable, int] = {}
    resp_ids: dict[Hashable, int] = {}
    key_codes = np.array([key_ids.setdefault(k, len(key_ids)) for k in key], dtype=np.int64)
    resp_codes = np.array([-1 if r is None else resp_ids.setdefault(r, len(resp_ids))
                           for r in response], dtype=np.int64)
    table = np.zeros((len(key_ids), len(resp_ids)), dtype=np.int64)
    present = resp_codes >= 0
    np.add.at(table, (key_codes[present], resp_codes[present]), 1)
    missing = np.bincount(key_codes[~present], minlength=len(key_ids))
    return table, missing, key_codes, resp_codes


def coref_scores(key: Sequence[Hashable], response: Sequence[Hashable | None]) -> CorefScores:
    """MUC, B³ and CEAF-e of the response labels against the key labels, mention by mention.

    Labels are compared only for equality: renaming clusters changes nothing. ``None``
    marks a missing mention, charged as the module docstring says.
    """
    table, missing, _, _ = contingency(key, response)
    return scores_from_counts(counts_from_table(table, missing))
