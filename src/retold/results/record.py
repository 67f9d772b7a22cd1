"""Turning pooled predictions into a results file: score, compress, record.

``add_run`` is the one way a results file is made, for any system: ``retold results add``
calls it for a researcher's predictions folder, the baselines' runner for each of its runs.
It scores the exact bytes it stores, so ``retold results check`` can re-score them later.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from retold.results.store import (
    RESULTS_FORMAT,
    predictions_relpath,
    sha256_bytes,
    write_predictions,
    write_results,
)
from retold.schema import DATASET_VERSION, SCHEMA_VERSION
from retold.score.tasks import CONTRAST, NATURAL, get_task

RECORDED_ELSEWHERE: tuple[str, ...] = ("release", "predictions", "retold_version")
"""Keys of ``retold score --json`` a results file keeps outside its scores: the release
(by checksum), the predictions (by relative path and SHA-256) and the package version."""


def versions(task: str) -> dict[str, Any]:
    """The retold package version and the task's scoring-rules version
    (``Task.rules_version``) a results file records."""
    return {"retold": version("retold"), "scoring_rules": get_task(task).rules_version}


def score_bytes(task: str, subset: str, data: bytes, release: Path, *, n_bootstrap: int,
                seed: int, source: str) -> dict[str, Any]:
    """The scores a results file records for JSON Lines ``data`` (``retold score --json``
    without the keys of ``RECORDED_ELSEWHERE``). Raises ``InvalidInputError`` listing every
    problem of the predictions, as ``retold score`` does."""
    from retold.score.api import score_lines
    from retold.score.formats import parse_jsonl

    lines = parse_jsonl(data.decode("utf-8-sig"), source)
    scores = score_lines(task, lines, release, subset=subset, n_bootstrap=n_bootstrap,
                         seed=seed, source=source).to_json()
    return {k: v for k, v in scores.items() if k not in RECORDED_ELSEWHERE}


def _line_count(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip())


def add_run(results_dir: Path, release: Path, *, task: str, system: dict[str, Any], run: str,
            seed: int | None, folds: list[int], natural: bytes, contrast: bytes | None,
            release_checksum: str, quick: bool = False, n_bootstrap: int = 1000,
            bootstrap_seed: int = 0, elapsed_s: float | None = None,
            notes: list[str] | None = None,
            runner: dict[str, Any] | None = None) -> Path:
    """Score ``natural`` (and ``contrast``) JSON Lines bytes of one system's run on ``task``,
    write them compressed and write the results file; return its path.

    Nothing is written when a predictions file has a problem (``InvalidInputError``).
    """
    by_subset = {NATURAL: natural, CONTRAST: contrast}
    scores: dict[str, Any] = {}
    predictions: dict[str, Any] = {}
    for subset, data in by_subset.items():
        if data is None:
            scores[subset] = predictions[subset] = None
            continue
        relpath = predictions_relpath(task, system["name"], run, subset)
        scores[subset] = score_bytes(task, subset, data, release, n_bootstrap=n_bootstrap,
                                     seed=bootstrap_seed, source=relpath)
        predictions[subset] = {"path": relpath, "sha256": sha256_bytes(data),
                               "lines": _line_count(data)}
    record: dict[str, Any] = {
        "results_format": RESULTS_FORMAT,
        "task": task,
        "system": system,
        "run": run,
        "seed": seed,
        "folds": sorted(set(folds)),
        "versions": versions(task),
        "release": {"dataset_version": DATASET_VERSION, "schema_version": SCHEMA_VERSION,
                    "checksum": release_checksum},
        "predictions": predictions,
        "scores": scores,
        "quick": quick,
        "elapsed_s": None if elapsed_s is None else round(elapsed_s, 2),
        "notes": list(notes or []),
    }
    if runner is not None:
        record["runner"] = runner
    from retold.results.store import validate_results

    validate_results(record, f"{task}/{system['name']}/{run}")  # before a byte is written
    for subset, data in by_subset.items():
        if data is not None:
            write_predictions(results_dir, predictions[subset]["path"], data)
    return write_results(results_dir, record)
