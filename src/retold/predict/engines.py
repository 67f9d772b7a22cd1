"""Where the per-document stage runs: in process, with ``datasets.map``, or on Ray Data.

Every engine runs the same function (``annotate.annotate_text``) on one document at a time,
with the detectors loaded once per worker, and returns the outputs in input order; the
cross-document stage (sources, clusters) then runs once, in the calling process
(``retold.predict.write``). So the engines give the same files, byte for byte (a test runs
all three on one input).

- ``local``: this process, one document after another (torch's own threads);
- ``datasets``: ``Dataset.map`` in batches over ``workers`` processes (``num_proc``);
- ``ray``: Ray Data ``map_batches`` with one detectors actor per worker
  (``pip install '.[scale]'``); it joins a running Ray cluster when ``RAY_ADDRESS`` is set,
  else starts a local one with ``workers`` CPUs.

Each worker of ``datasets`` and ``ray`` uses ``threads`` torch threads (default 1), so that
``workers`` processes share the machine's cores instead of fighting over them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ENGINES = ("local", "datasets", "ray")
BATCH_DOCS = 8
"""Documents per ``map`` / ``map_batches`` batch."""

_LOADED: dict[tuple[str, int | None], Any] = {}


def _detectors(models: str, threads: int | None) -> Any:
    """The detectors of ``models``, loaded once per process."""
    from retold.predict.detectors import load_detectors

    key = (models, threads)
    if key not in _LOADED:
        _LOADED[key] = load_detectors(Path(models), threads=threads)
    return _LOADED[key]


def annotate_batch(texts: Sequence[str], models: str, threads: int | None) -> list[str]:
    """Each text's output as JSON (what crosses process boundaries)."""
    from retold.predict.annotate import annotate_text

    detectors = _detectors(models, threads)
    return [json.dumps(annotate_text(detectors, text)) for text in texts]


def _local(texts: Sequence[str], models: str, workers: int, threads: int | None
           ) -> list[str]:
    from tqdm.auto import tqdm

    return [annotate_batch([t], models, threads)[0]
            for t in tqdm(texts, desc="predict", unit="doc", leave=False)]


def _datasets_map(batch: dict[str, list[Any]], models: str, threads: int | None
                  ) -> dict[str, list[Any]]:
    return {"position": batch["position"],
            "output": annotate_batch(batch["text"], models, threads)}


def _datasets(texts: Sequence[str], models: str, workers: int, threads: int | None
              ) -> list[str]:
    import datasets

    data = datasets.Dataset.from_dict({"position": list(range(len(texts))),
                                       "text": list(texts)})
    mapped = data.map(_datasets_map, batched=True, batch_size=BATCH_DOCS,
                      num_proc=workers if workers > 1 and len(texts) > 1 else None,
                      fn_kwargs={"models": models, "threads": threads},
                      remove_columns=["text"], load_from_cache_file=False,
                      keep_in_memory=True, desc="predict")
    return [output for _, output in sorted(zip(mapped["position"], mapped["output"],
                                               strict=True))]


class _RayPredictor:
    """One Ray actor: the detectors loaded once, annotating batches of documents."""

    def __init__(self, models: str, threads: int | None) -> None:
        self.models, self.threads = models, threads
        _detectors(models, threads)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        return {"position": list(batch["position"]),
                "output": annotate_batch(list(batch["text"]), self.models, self.threads)}


def _ray(texts: Sequence[str], models: str, workers: int, threads: int | None) -> list[str]:
    try:
        import ray
    except ImportError:
        from retold.predict.detectors import MissingDependencyError

        raise MissingDependencyError("--engine ray needs Ray Data: pip install -c "
                                     "constraints.txt -e '.[scale]'") from None
    started = not ray.is_initialized()
    if started:
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        ray.data.DataContext.get_current().enable_progress_bars = True
        data = ray.data.from_items([{"position": i, "text": t} for i, t in enumerate(texts)])
        mapped = data.map_batches(_RayPredictor, batch_size=BATCH_DOCS, batch_format="numpy",
                                  fn_constructor_kwargs={"models": models, "threads": threads},
                                  concurrency=workers, num_cpus=1)
        rows = mapped.take_all()
    finally:
        if started:
            ray.shutdown()
    return [row["output"] for row in sorted(rows, key=lambda r: int(r["position"]))]


def run_engine(engine: str, texts: Sequence[str], models: Path, workers: int = 1,
               threads: int | None = None) -> list[dict[str, Any]]:
    """The per-document outputs of ``texts``, in order, computed by ``engine``."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    if engine != "local" and threads is None:
        threads = 1
    run = {"local": _local, "datasets": _datasets, "ray": _ray}[engine]
    return [json.loads(x) for x in run(texts, str(Path(models).resolve()), workers, threads)]
