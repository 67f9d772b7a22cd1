"""numpy's float64 row sum, bit for bit, of rows that are zero but at a few columns.

``np.add.reduce`` sums a contiguous float64 row by pairwise summation: a row of fewer than
8 values is added left to right; a row of at most 128 values is added in 8 interleaved
running sums (lane ``j`` takes the values ``j, j + 8, ...`` of the whole groups of 8),
combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, and the last ``n % 8``
values are added one by one; a longer row is split at ``n2 = n // 2 - (n // 2) % 8`` and
the two halves' sums are added. Adding an exact zero leaves a float unchanged, so the sum
of a row that is zero everywhere but at ``positions`` depends only on the values there and
on where they sit in this tree: ``sparse_row_sums`` walks the tree over those positions
alone and gives, for every row at once, the very float ``np.sum(dense, axis=1)`` gives,
without building the dense rows. The bootstrap of average precision uses it: its dense rows
would be resamples x pairs long, the non-zero terms are only at the positive pairs.
"""

from __future__ import annotations

import numpy as np

_LANES = 8
_BLOCK = 128
"""numpy's PW_BLOCKSIZE: rows up to this length are summed in 8 lanes without splitting."""


def sparse_row_sums(values: np.ndarray, positions: np.ndarray, length: int, *,
                    pairwise: bool = True) -> np.ndarray:
    """``np.sum(dense, axis=1)`` for the (rows, ``length``) float64 array ``dense`` that holds
    ``values[:, k]`` at column ``positions[k]`` (strictly increasing) and 0.0 elsewhere;
    every value non-negative (so no sign of zero is at stake).

    ``pairwise=True``: ``dense`` is row-major (C order) or has one row, so each row is summed
    pairwise. ``pairwise=False``: ``dense`` is column-major (Fortran order, as numpy's
    ``x[:, index]`` gives for a ``x`` of two rows or more), and numpy then adds its columns
    one by one, left to right.
    """
    values = np.asarray(values, dtype=np.float64)
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size and (np.any(np.diff(positions) <= 0) or positions[0] < 0
                           or positions[-1] >= length):
        raise ValueError("positions must increase strictly and lie within the row")
    if not pairwise:
        return _sequential(values, 0, positions.size)
    return _tree(values, positions, 0, length, 0, positions.size)


def _tree(values: np.ndarray, positions: np.ndarray, lo: int, n: int, a: int, b: int
          ) -> np.ndarray:
    """The pairwise sum over columns ``lo .. lo + n - 1``, whose entries are ``a .. b - 1``."""
    rows = values.shape[0]
    if a == b:
        return np.zeros(rows)
    if n < _LANES:
        return _sequential(values, a, b)
    if n <= _BLOCK:
        whole = lo + n - n % _LANES
        mid = a + int(np.searchsorted(positions[a:b], whole))
        lane_of = (positions[a:mid] - lo) % _LANES
        r = [np.zeros(rows) for _ in range(_LANES)]
        for k, lane in zip(range(a, mid), lane_of.tolist(), strict=True):
            r[lane] = r[lane] + values[:, k]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(mid, b):
            res = res + values[:, k]
        return res
    n2 = n // 2
    n2 -= n2 % _LANES
    split = a + int(np.searchsorted(positions[a:b], lo + n2))
    return (_tree(values, positions, lo, n2, a, split)
            + _tree(values, positions, lo + n2, n - n2, split, b))


def _sequential(values: np.ndarray, a: int, b: int) -> np.ndarray:
    res = np.zeros(values.shape[0])
    for k in range(a, b):
        res = res + values[:, k]
    return res
