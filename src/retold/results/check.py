"""``retold results check``: re-score every results file from its committed predictions.

A results file passes when its compressed predictions are there, their uncompressed bytes
have the recorded SHA-256, it was scored on the release given (same checksum) under the
scoring rules of this scorer, and re-scoring them gives every recorded score exactly (the
bootstrap is seeded, so the intervals are reproduced too). Every difference is reported,
one line per results file and problem; a compressed predictions file that no results file
names is reported too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.errors import InvalidInputError
from retold.io.release import release_checksum
from retold.results.record import score_bytes
from retold.results.store import (
    PREDICTIONS_DIR,
    ResultsError,
    read_gzip,
    read_results_file,
    results_files,
    sha256_bytes,
)
from retold.score.tasks import get_task

MAX_DIFFERENCES_SHOWN = 3


def differences(recorded: Any, rescored: Any, where: str = "") -> list[str]:
    """Every place where two JSON values differ, as ``key.path: recorded X, re-scored Y``."""
    if isinstance(recorded, dict) and isinstance(rescored, dict):
        out = []
        for key in sorted(set(recorded) | set(rescored), key=str):
            here = f"{where}.{key}" if where else str(key)
            if key not in rescored:
                out.append(f"{here}: recorded, not in the re-score")
            elif key not in recorded:
                out.append(f"{here}: in the re-score, not recorded")
            else:
                out += differences(recorded[key], rescored[key], here)
        return out
    if isinstance(recorded, list) and isinstance(rescored, list) and len(recorded) == len(
            rescored):
        return [d for i, (a, b) in enumerate(zip(recorded, rescored, strict=True))
                for d in differences(a, b, f"{where}[{i}]")]
    same = recorded == rescored and type(recorded) is type(rescored)
    return [] if same else [f"{where}: recorded {recorded!r}, re-scored {rescored!r}"]


def _check_file(path: Path, results_dir: Path, release: Path, checksum: str,
                named: set[Path]) -> list[str]:
    try:
        record = read_results_file(path)
    except ResultsError as err:
        return [str(err)]
    problems = []
    if record["release"]["checksum"] != checksum:
        problems.append(f"{path}: scored on release {record['release']['checksum'][:12]}, "
                        f"{release} is release {checksum[:12]}")
    rules, current = record["versions"]["scoring_rules"], get_task(record["task"]).rules_version
    if rules != current:
        problems.append(f"{path}: scored under scoring rules {rules} of {record['task']}, this "
                        f"scorer applies {current}: re-score the predictions (re-add them)")
    for subset, entry in record["predictions"].items():
        if entry is None:
            continue
        gz = results_dir / entry["path"]
        named.add(gz.resolve())
        if not gz.is_file():
            problems.append(f"{path}: {subset} predictions {entry['path']} are missing")
            continue
        try:
            data = read_gzip(gz)
        except ResultsError as err:
            problems.append(f"{path}: {err}")
            continue
        if sha256_bytes(data) != entry["sha256"]:
            problems.append(f"{path}: {subset} predictions {entry['path']} changed: SHA-256 "
                            f"{sha256_bytes(data)[:12]}, recorded {entry['sha256'][:12]}")
            continue
        if problems:
            continue  # another release or other rules: a re-score would differ anyway
        stored = record["scores"][subset]
        try:
            rescored = score_bytes(record["task"], subset, data, release,
                                   n_bootstrap=stored["bootstrap"]["resamples"],
                                   seed=stored["bootstrap"]["seed"], source=entry["path"])
        except (InvalidInputError, ValueError) as err:
            first = err.problems[0] if isinstance(err, InvalidInputError) else err
            problems.append(f"{path}: {subset} predictions no longer score: {first}")
            continue
        diff = differences(stored, rescored, f"scores.{subset}")
        if diff:
            more = (f" (and {len(diff) - MAX_DIFFERENCES_SHOWN} more)"
                    if len(diff) > MAX_DIFFERENCES_SHOWN else "")
            problems.append(f"{path}: re-scoring differs: "
                            + "; ".join(diff[:MAX_DIFFERENCES_SHOWN]) + more)
    return problems


def check_results(results_dir: Path, release: Path) -> tuple[int, list[str]]:
    """(results files checked, every problem found: one line each, naming the file)."""
    results_dir, release = Path(results_dir), Path(release)
    if not results_dir.is_dir():
        raise ResultsError(f"{results_dir}: no such results folder")
    checksum = release_checksum(release)
    paths = results_files(results_dir)
    named: set[Path] = set()
    problems = [p for path in paths
                for p in _check_file(path, results_dir, release, checksum, named)]
    stored = sorted((results_dir / PREDICTIONS_DIR).rglob("*.gz"))
    problems += [f"{gz}: compressed predictions that no results file names"
                 for gz in stored if gz.resolve() not in named]
    if not paths:
        problems.append(f"{results_dir}: no results file (<task>/<system>/<run>.json)")
    return len(paths), problems
