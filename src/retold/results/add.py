"""``retold results add``: a researcher's predictions folder -> results files.

The predictions folder holds pooled out-of-fold predictions (every item predicted by the
model of its fold), one JSON Lines file per task and subset, named::

    <task>.jsonl            the natural subset of <task>   (e.g. attributed.jsonl)
    <task>.contrast.jsonl   the contrast subset of <task>  (e.g. attributed.contrast.jsonl)

Any task may be left out; a contrast file needs its natural file beside it. Any other file
is refused, so nothing is silently skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from retold.io.release import read_config, release_checksum
from retold.results.card import read_card
from retold.results.record import add_run
from retold.results.store import (
    ResultsError,
    predictions_relpath,
    read_results_file,
    results_path,
)
from retold.score.tasks import CONTRAST, NATURAL, TASKS

RUN_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
NATURAL_SUFFIX = ".jsonl"
CONTRAST_SUFFIX = ".contrast.jsonl"


def predictions_name(task: str, subset: str) -> str:
    """The file name of a task's predictions of ``subset`` in a predictions folder."""
    return f"{task}{CONTRAST_SUFFIX if subset == CONTRAST else NATURAL_SUFFIX}"


def predictions_layout(folder: Path) -> dict[str, dict[str, Path]]:
    """task -> subset -> file of a predictions folder; ``ResultsError`` for anything else."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: no such predictions folder")
    names = {predictions_name(t.name, s): (t.name, s) for t in TASKS.values()
             for s in ((NATURAL, CONTRAST) if t.has_contrast else (NATURAL,))}
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.name not in names or not path.is_file():
            raise ResultsError(f"{path}: not a predictions file of the layout (expected "
                               f"<task>.jsonl or <task>.contrast.jsonl, task one of "
                               f"{', '.join(TASKS)}; contrast only for "
                               f"{', '.join(t.name for t in TASKS.values() if t.has_contrast)})")
        task, subset = names[path.name]
        found.setdefault(task, {})[subset] = path
    if not found:
        raise ResultsError(f"{folder}: no predictions file (expected <task>.jsonl, e.g. "
                           f"attributed.jsonl)")
    for task, subsets in found.items():
        if NATURAL not in subsets:
            raise ResultsError(f"{subsets[CONTRAST]}: {predictions_name(task, NATURAL)} is "
                               f"missing (a contrast file comes with its natural file)")
    return dict(sorted(found.items(), key=lambda kv: list(TASKS).index(kv[0])))


def add_predictions(predictions: Path, system: Path, results_dir: Path, release: Path, *,
                    run: str = "submitted", seed: int | None = None,
                    n_bootstrap: int = 1000, replace: bool = False) -> list[Path]:
    """Score every file of a predictions folder and write one results file per task.

    Everything is checked before anything is written: the system card, the layout, that no
    results file of this system and run exists (unless ``replace``: then it may replace
    results files of the same system only), and every predictions file (scored first)."""
    if not RUN_NAME.fullmatch(run):
        raise ResultsError(f"run name {run!r}: lowercase letters, digits and '-' (up to 64, "
                           f"not starting with '-')")
    card = read_card(system)
    layout = predictions_layout(predictions)
    replaced: list[Path] = []  # compressed predictions the replaced results files named
    for task in layout:
        target = results_path(results_dir, task, card["name"], run)
        if target.exists() and not replace:
            raise ResultsError(f"{target}: exists; choose another --run or give --replace")
        if target.exists():
            existing = read_results_file(target)  # only a results file is ever replaced
            if existing["system"]["name"] != card["name"]:
                raise ResultsError(f"{target}: a results file of another system")
            replaced += [Path(results_dir) / e["path"]
                         for e in existing["predictions"].values() if e is not None]
    checksum = release_checksum(Path(release))
    folds = sorted({d["fold"] for d in read_config(Path(release), "documents")})
    data = {task: {s: p.read_bytes() for s, p in subsets.items()}
            for task, subsets in layout.items()}
    from retold.results.record import score_bytes

    for task, subsets in layout.items():  # every problem found before a byte is written
        for subset, path in subsets.items():
            score_bytes(task, subset, data[task][subset], release, n_bootstrap=0, seed=0,
                        source=str(path))
    written = [add_run(results_dir, release, task=task, system=card, run=run, seed=seed,
                       folds=folds, natural=by[NATURAL], contrast=by.get(CONTRAST),
                       release_checksum=checksum, n_bootstrap=n_bootstrap)
               for task, by in data.items()]
    for path in replaced:  # a subset the new run no longer has: its old file would dangle
        if not any(path == Path(results_dir) / predictions_relpath(task, card["name"], run, s)
                   for task, by in data.items() for s in by):
            path.unlink(missing_ok=True)
    return written
