"""The evaluation protocol's subsets, defined once: which items are "new" to their fold.

Leave-one-document-out: fold k holds out the document whose ``fold`` is k. A claim's fold is
its document's; a pair's fold is the fold of its claim_id_a's document (``pairs.fold``).

A cluster is **new to fold k** when no two of its mentions lie together in the training
documents of fold k (the documents whose fold is not k): a model trained for fold k has
never seen a positive pair of that proposition. Otherwise it is **seen**. Most positive
test pairs belong to seen clusters, where expanding through the training clusters works
without learning anything; the ``_new`` scores measure generalisation.

- a claim is new when its cluster is new to the claim's fold;
- a duplicate pair is new when its cluster is new to the pair's fold (that of claim_id_a);
  a non-duplicate pair belongs to both subsets, so each subset's AP ranks its positives
  against every negative pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any


def cluster_is_new(mentions_per_fold: Mapping[int, int], fold: int) -> bool:
    """Whether a cluster with ``mentions_per_fold`` (fold -> mentions) is new to ``fold``."""
    return sum(n for f, n in mentions_per_fold.items() if f != fold) < 2


def new_claims(claims: Iterable[Mapping[str, Any]]) -> dict[str, bool]:
    """claim_id -> whether the claim's cluster is new to the claim's fold."""
    rows = list(claims)
    per_cluster: dict[str, Counter[int]] = {}
    for row in rows:
        per_cluster.setdefault(row["cluster_id"], Counter())[row["fold"]] += 1
    return {row["claim_id"]: cluster_is_new(per_cluster[row["cluster_id"]], row["fold"])
            for row in rows}


def pair_is_new(duplicate: bool, claim_a_is_new: bool) -> bool | None:
    """A pair's subset: True (new) or False (seen) for a duplicate pair; None (both) otherwise.

    The pair's fold is claim_id_a's, so its cluster is new to the pair's fold exactly when
    claim_id_a is a new claim.
    """
    return claim_a_is_new if duplicate else None
