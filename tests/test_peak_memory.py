"""``scripts/peak_memory.py``: the benchmarks' memory sum counts the processes a run starts.

Oracle: a child process that holds a known number of bytes (written to, so resident) while
it is sampled; the sum must rise by at least that much over this process's own memory."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from peak_memory import PeakMemory

HOLD = 300 * 2**20


def test_the_peak_sums_the_children() -> None:
    pytest.importorskip("psutil")
    import psutil

    own = psutil.Process().memory_info().rss
    child = (f"import sys, time; b = bytearray({HOLD}); b[::4096] = b'x' * len(b[::4096]); "
             "sys.stdout.write('ready\\n'); sys.stdout.flush(); time.sleep(3)")
    with PeakMemory(every=0.05) as memory:
        proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE,
                                text=True)
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.5)
        proc.wait(timeout=30)
    assert memory.peak >= own + HOLD
    assert memory.peak_pss >= HOLD  # the child's pages are its own
