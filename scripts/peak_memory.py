"""Peak memory of this process and every process below it, sampled (the benchmark scripts).

Two sums, every ``every`` seconds: resident (RSS: a page shared by two processes, a library
or a forked parent's, counts in each, so an upper bound) and proportional (PSS: a shared
page split between the processes sharing it; Linux, elsewhere RSS). A process that starts
and ends between two samples is missed; the scripts' work runs for minutes.
"""

from __future__ import annotations

import contextlib
import threading


class PeakMemory:
    """Peak summed resident memory of this process and its descendants, sampled."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.process, self.every, self.peak, self.peak_pss = psutil.Process(), every, 0, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> tuple[int, int]:
        import psutil

        rss = pss = 0
        for p in [self.process, *self.process.children(recursive=True)]:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
        return rss, pss

    def _run(self) -> None:
        while not self.stop.is_set():
            rss, pss = self._sample()
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self.stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
