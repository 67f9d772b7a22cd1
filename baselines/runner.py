"""The benchmark runner: every baseline over the 5 folds and the seeds, pooled out-of-fold
predictions in the official format, scored with ``retold.score``, one results file per run.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import ctypes.util
import functools
import gc
import json
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from baselines.base import Baseline, FoldOutput, RunContext
from baselines.contrast import CONTRAST_TASKS
from baselines.data import Corpus, fold_views, load_corpus
from baselines.predictions import write_contrast_predictions, write_predictions
from baselines.results import git_state, library_versions
from retold.io.release import release_checksum
from retold.results import add_run

log = logging.getLogger("baselines")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RunSettings:
    release: Path
    results_dir: Path
    predictions_dir: Path
    seeds: tuple[int, ...]
    quick: bool
    model: str
    llm: str | None = None
    tasks: tuple[str, ...] | None = None
    workers: int = 1
    """Processes that run the units (one group of baselines, one seed) side by side; 1: all
    in this process, one after another."""
    threads: int | None = None
    """torch's intra-op threads in each unit (None: torch's default, every core, with one
    worker; the cores shared out with several). Floating-point sums can depend on it, so
    the results record it; ``--official`` refuses ``--threads`` (``baselines.cli``)."""
    model_files: tuple[Path, ...] = ()
    """The ``--model-file`` files, which a worker process imports again."""

    def unit_threads(self) -> int:
        """The threads each unit runs with (``threads``, or the default described there)."""
        if self.threads is not None:
            return self.threads
        if self.workers > 1:
            return max(1, (os.cpu_count() or 1) // self.workers)
        import torch

        return torch.get_num_threads()


@dataclass
class _Pooled:
    records: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    contrast: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    loss: dict[str, dict[str, list[dict[str, float]]]] = field(
        default_factory=lambda: defaultdict(dict))
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    folds: list[int] = field(default_factory=list)

    def add(self, fold: int, out: FoldOutput, seconds: float) -> None:
        for task, records in out.records.items():
            self.records[task].extend(records)
        for task, records in out.contrast.items():
            self.contrast[task].extend(records)
        for model, history in out.loss_history.items():
            self.loss[model][str(fold)] = history
        self.notes.extend(out.notes)
        self.elapsed += seconds
        self.folds.append(fold)


def release_memory() -> bool:
    """Collect garbage, then hand the C heap's free pages back to the system
    (``malloc_trim``), where the C library is glibc; return whether it trimmed.

    glibc keeps the pages a fold's freed tensors held. Measured in one-seed runs, the
    largest resident set per fold grew from 2.85 to 3.59 GB over five folds before this and
    the per-fold model copies, and from 2.58 to 2.88 GB with both; the official run's peak
    fell from 4.44 to 3.25 GB. Where there is no glibc (macOS, Windows, musl) this only
    collects garbage."""
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


def run_name(baseline: Baseline, seed: int) -> str:
    return f"seed{seed}" if baseline.seeded else "deterministic"


QUICK_BOOTSTRAP = 200
"""Bootstrap resamples in quick runs (the scorer's default, 1000, in full runs)."""
N_BOOTSTRAP = 1000


def run_groups(baselines: list[Baseline]) -> list[list[Baseline]]:
    """The baselines in the order the runner takes them: the language-model baselines first,
    over every fold, then the rest. The language model is loaded once for its group and
    released before the encoders are trained, so the two never hold memory at once. Within
    a group, the given order."""
    groups = [[b for b in baselines if b.llm], [b for b in baselines if not b.llm]]
    return [g for g in groups if g]


Unit = tuple[list[Baseline], int]
"""One group of baselines (``run_groups``) and one seed: the work a process takes at once."""


def run_units(settings: RunSettings, baselines: list[Baseline]) -> list[Unit]:
    """The units in run order: each group over the seeds (a group without a seeded
    baseline runs once, with the first seed); the deterministic baselines of a mixed group
    run in its first seed's unit."""
    return [(group, seed) for group in run_groups(baselines)
            for seed in (settings.seeds if any(b.seeded for b in group)
                         else settings.seeds[:1])]


def run_unit(settings: RunSettings, views: list[Any], group: list[Baseline], seed: int,
             is_main: bool = True) -> dict[tuple[str, int], _Pooled]:
    """Every fold of one unit, in this process: each fold gets a fresh context (its cache
    of trained models) and a fresh copy of each model; ``shared`` lives for the unit."""
    pooled: dict[tuple[str, int], _Pooled] = defaultdict(_Pooled)
    shared: dict[str, Any] = {}
    bar = tqdm(views, desc=f"seed {seed} x fold" + (" (LLM)" if group[0].llm else ""),
               unit="fold", disable=not is_main, dynamic_ncols=True)
    for view in bar:
        bar.set_postfix(fold=view.fold)
        ctx = RunContext(seed=seed, quick=settings.quick, model=settings.model,
                         llm=settings.llm, shared=shared)
        for baseline in group:
            if not baseline.seeded and seed != settings.seeds[0]:
                continue
            start = time.perf_counter()
            # a fresh copy per fold: what fit() stores (models, training view) goes with
            # it, instead of living on until the next fold's fit() replaces it
            fold_model = copy.copy(baseline)
            out = fold_model.run_fold(view, ctx)
            del fold_model
            pooled[(baseline.name, seed)].add(view.fold, out, time.perf_counter() - start)
        del ctx  # the fold's cache of trained models
        release_memory()
    del shared  # the unit's language model, before the next unit starts
    release_memory()
    return dict(pooled)


def run_all(settings: RunSettings, baselines: list[Baseline],
            is_main: bool = True) -> list[Path]:
    """Run ``baselines`` over every fold and seed; return the results files written.

    With ``settings.workers`` above 1 the units run in that many worker processes, each
    unit in a fresh one (``_unit_in_worker``), with ``settings.unit_threads()`` threads;
    the predictions do not depend on how the units are shared out."""
    corpus = load_corpus(settings.release)
    views = fold_views(corpus)
    checksum = release_checksum(settings.release)
    units = run_units(settings, baselines)
    if len(units) <= 1:
        settings = replace(settings, workers=1)  # what the results record
    pooled: dict[tuple[str, int], _Pooled] = {}
    if settings.workers > 1:
        for part in _run_in_workers(settings, units):
            pooled.update(part)
    else:
        with _torch_threads(settings.threads):
            for group, seed in units:
                pooled.update(run_unit(settings, views, group, seed, is_main))
    if not is_main:
        return []
    written = []
    for (name, seed), result in sorted(pooled.items()):
        baseline = next(b for b in baselines if b.name == name)
        written += _write(settings, corpus, baseline, seed, result, checksum)
    return written


@contextlib.contextmanager
def _torch_threads(threads: int | None) -> Iterator[None]:
    """torch's thread count set to ``threads`` (None: left alone) for the block, then set
    back: a run called from other code leaves the caller's setting as it was."""
    if threads is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _run_in_workers(settings: RunSettings, units: list[Unit]
                    ) -> list[dict[tuple[str, int], _Pooled]]:
    """The units in ``settings.workers`` spawned processes, a fresh one per unit (what a
    unit loaded, a language model or a fold's networks, goes with its process). The
    language-model units are queued last: they are shorter than a seed of fine-tuning, so
    they fill the gap left when the seeds do not divide evenly between the workers."""
    order = sorted(range(len(units)), key=lambda i: units[i][0][0].llm)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=settings.workers, mp_context=context,
                             max_tasks_per_child=1, initializer=_init_worker,
                             initargs=(settings.unit_threads(),)) as pool:
        futures = {i: pool.submit(_unit_in_worker, settings,
                                  [b.name for b in units[i][0]], units[i][1])
                   for i in order}
        return [futures[i].result() for i in range(len(units))]


def _init_worker(threads: int) -> None:
    """A worker's torch threads. The rest of the process set-up comes from the parent: a
    spawned process inherits its environment (``TOKENIZERS_PARALLELISM``, set by
    ``baselines.cli``), and a unit logs nothing (the parent writes and logs the results)."""
    import torch

    torch.set_num_threads(threads)


def _unit_in_worker(settings: RunSettings, names: list[str], seed: int
                    ) -> dict[tuple[str, int], _Pooled]:
    """One unit in a worker process: the models are declared again by name (built-ins,
    plugins and ``settings.model_files``), the release read again."""
    from baselines.registry import discover

    declared = {cls.name: cls for cls in discover(settings.model_files)}
    missing = [n for n in names if n not in declared]
    if missing:
        raise ValueError(f"model(s) {', '.join(missing)} are not declared in a module a "
                         f"worker process can import; run them with --workers 1")
    views = fold_views(load_corpus(settings.release))
    return run_unit(settings, views, [declared[n]() for n in names], seed)


def _write(settings: RunSettings, corpus: Corpus, baseline: Baseline, seed: int,
           result: _Pooled, checksum: str) -> list[Path]:
    ctx = RunContext(seed=seed, quick=settings.quick, model=settings.model, llm=settings.llm)
    run = run_name(baseline, seed)
    written = []
    for task in baseline.tasks:
        if settings.tasks and task not in settings.tasks:
            continue
        path = settings.predictions_dir / task / baseline.name / f"{run}.jsonl"
        write_predictions(task, result.records[task], path)
        notes = list(result.notes)
        contrast_path = None
        if task in CONTRAST_TASKS and not corpus.contrast:
            notes.append("contrast configs absent from the release: no contrast score")
        elif task in CONTRAST_TASKS and task not in result.contrast:
            notes.append("contrast predictions not implemented for this baseline")
        elif task in CONTRAST_TASKS:
            contrast_path = write_contrast_predictions(
                task, result.contrast[task], result.records[task],
                settings.predictions_dir / task / baseline.name / f"{run}.contrast.jsonl")
        model = baseline.model_info(ctx)
        system = {"name": baseline.name, "description": baseline.description,
                  "kind": baseline.kind, "trained": baseline.trained,
                  "training_data": {"documents": "the four other documents of each fold",
                                    "contrast_rows": baseline.train_contrast},
                  "model": model["id"] if model else None, "url": None, "citation": None,
                  "licence": None}
        runner = {"git": git_state(), "libraries": library_versions(),
                  "config": baseline.config(ctx), "model": model,
                  "processes": {"workers": settings.workers,
                                "torch_threads": settings.unit_threads()},
                  "loss_history": dict(result.loss) if baseline.trained else {}}
        written.append(add_run(
            settings.results_dir, settings.release, task=task, system=system, run=run,
            seed=seed if baseline.seeded else None, folds=result.folds,
            natural=path.read_bytes(),
            contrast=contrast_path.read_bytes() if contrast_path else None,
            release_checksum=checksum, quick=settings.quick,
            n_bootstrap=QUICK_BOOTSTRAP if settings.quick else N_BOOTSTRAP,
            elapsed_s=result.elapsed, notes=notes, runner=runner))
        scores = json.loads(written[-1].read_text(encoding="utf-8"))["scores"]
        natural, contrast = scores["natural"], scores["contrast"]
        log.info("%-10s %-29s %-13s %s = %s%s", task, baseline.name, run,
                 natural["main_score"], _fmt(natural["main"]),
                 f"; contrast {_fmt(contrast['main'])}" if contrast else "")
    return written


def _fmt(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"
