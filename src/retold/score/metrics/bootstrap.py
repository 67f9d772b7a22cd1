"""Percentile bootstrap: resample units with replacement, a fixed seed, a 95% interval.

Scores are recomputed on each resample from per-unit counts weighted by how often each unit
was drawn (``resample_counts``), which is the same as copying the units. The interval is
the 2.5th and 97.5th percentile of the resampled scores; resamples where a score is
undefined (no positive item drawn) are left out, and when more than half are, the interval
is undefined.
"""

from __future__ import annotations

import numpy as np

N_BOOTSTRAP = 1000
"""Resamples of the official scores."""
SEED = 0
"""Seed of the resampling: the same predictions always get the same interval."""
CONFIDENCE = 0.95


def resample_counts(n_units: int, n_boot: int = N_BOOTSTRAP, seed: int = SEED) -> np.ndarray:
    """How often each unit is drawn in each resample: an (n_boot, n_units) int array.

    Each row draws ``n_units`` units uniformly with replacement (a multinomial draw).
    """
    if n_units == 0 or n_boot == 0:
        return np.zeros((n_boot, n_units), dtype=np.int64)
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_boot)


def percentile_interval(samples: np.ndarray,
                        confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """The central ``confidence`` interval of the defined samples, or None."""
    samples = np.asarray(samples, dtype=float)
    defined = samples[~np.isnan(samples)]
    if samples.size == 0 or defined.size * 2 < samples.size:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)
