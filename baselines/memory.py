"""Handing memory back to the system between trainings and folds (no torch needed)."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from typing import Any


def release_memory() -> bool:
    """Collect garbage, then hand the C heap's free pages back to the system
    (``malloc_trim``), where the C library is glibc; return whether it trimmed.

    glibc keeps the pages a fold's freed tensors held. Measured in one-seed runs, the
    largest resident set per fold grew from 2.85 to 3.59 GB over five folds before this and
    the per-fold model copies, and from 2.58 to 2.88 GB with both; the official run's peak
    fell from 4.44 to 3.25 GB. The fine-tuned baselines also call it after each training
    (``finetune.common.run_training``): a training's freed pages otherwise stay with the
    process until the fold ends, about 0.4 GB per trained model (measured: 1.20 GB resident
    after one classifier training, 0.79 GB after this). Where there is no glibc (macOS,
    Windows, musl) this only collects garbage."""
    gc.collect()
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None; looked up once (``find_library`` runs a process)."""
    name = ctypes.util.find_library("c")
    try:
        trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
    return trim
