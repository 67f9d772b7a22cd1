"""Claims that state the same proposition, within and across documents, without comparing
every pair: blocked average-linkage clustering.

1. **Block.** Each claim's ``NEIGHBOURS`` nearest claims by cosine (faiss: exact inner
   product up to ``EXACT_LIMIT`` claims, an HNSW graph beyond) give the candidate pairs;
   a candidate at or above the duplicate threshold is an edge.
2. **Split.** The connected components of those edges are clustered separately: two
   claims in different components have no pair above the threshold among the candidates.
3. **Cluster.** Inside each component, average-linkage agglomerative clustering
   (scikit-learn) on cosine distance, cut at ``1 - threshold``: what the baselines do over
   the whole corpus.

Average linkage merges two groups only when their mean distance is under the cut, which
needs at least one pair above the threshold, so when every claim has fewer than
``NEIGHBOURS`` claims above the threshold the result is the unblocked clustering exactly
(a test checks it against scikit-learn on all pairs). The cost grows with the number of
claims times ``NEIGHBOURS``, plus the square of the largest component. faiss runs on one
thread so that the neighbours, and so the clusters, are the same on every run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 32
EXACT_LIMIT = 20_000
"""Up to this many claims the neighbours are exact (a flat index); beyond, HNSW."""
HNSW_LINKS, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128


@dataclass(frozen=True)
class Clustering:
    labels: list[int]
    """One label per claim; labels are numbered by their first claim."""
    candidate_pairs: int
    """Pairs compared (the blocking's cost)."""
    largest_component: int
    index: str


def neighbours(vectors: np.ndarray, k: int = NEIGHBOURS) -> tuple[np.ndarray, np.ndarray, str]:
    """(cosines, indices) of each row's ``k`` nearest rows (itself included; -1 pads), and
    the index used."""
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # which CPU build it found
    try:
        import faiss
    except ImportError:
        from retold.predict.detectors import MissingDependencyError

        raise MissingDependencyError("retold predict needs faiss: pip install -c "
                                     "constraints.txt -e '.[predict]'") from None

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    faiss.omp_set_num_threads(1)
    if n <= EXACT_LIMIT:
        index, name = faiss.IndexFlatIP(dim), "exact"
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        name = f"hnsw(M={HNSW_LINKS}, efSearch={HNSW_EF_SEARCH})"
    index.add(vectors)
    cosines, indices = index.search(vectors, min(k, n))
    return cosines, indices, name


def _average_linkage(vectors: np.ndarray, threshold: float) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    sim = np.clip(vectors.astype(np.float64) @ vectors.astype(np.float64).T, -1.0, 1.0)
    distance = np.maximum(1.0 - sim, 0.0)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    return AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                   distance_threshold=max(1.0 - threshold, 1e-9)
                                   ).fit_predict(distance)


def cluster_claims(vectors: np.ndarray, threshold: float, k: int = NEIGHBOURS) -> Clustering:
    """Blocked average-linkage clusters of unit-length ``vectors`` at cosine ``threshold``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(vectors)
    if n == 0:
        return Clustering([], 0, 0, "none")
    cosines, indices, name = neighbours(vectors, k)
    rows = np.repeat(np.arange(n), indices.shape[1])
    cols, sims = indices.ravel(), cosines.ravel()
    keep = (cols >= 0) & (cols != rows) & (sims >= threshold)
    graph = coo_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    labels = np.full(n, -1)
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(component):
        groups.setdefault(int(c), []).append(i)
    offset = 0
    for members in groups.values():
        inner = _average_linkage(vectors[members], threshold)
        labels[members] = offset + inner
        offset += int(inner.max()) + 1
    relabel = {label: k for k, label in enumerate(dict.fromkeys(labels.tolist()))}
    return Clustering([relabel[x] for x in labels.tolist()], int(n * indices.shape[1]),
                      max(len(m) for m in groups.values()), name)
