"""The scorer's entry points: ``score_records``, ``score_file`` and their result, ``Scores``.

Both check the predictions against the gold of a release (every problem reported, with its
line number), score them, attach 95% bootstrap intervals of the key scores, and score three
reference predictions for comparison, as the FNC-1 scorer does: ``floor`` (no prediction
at all), ``trivial`` (``Task.trivial``) and ``max`` (the gold itself).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from retold.io.jsonio import show
from retold.schema import SCHEMA_VERSION
from retold.score.formats import (
    Line,
    Problems,
    number_records,
    read_predictions,
    require_lines,
)
from retold.score.gold import Release, open_release
from retold.score.limits import MAX_BOOTSTRAP, MAX_SEED
from retold.score.metrics.bootstrap import CONFIDENCE, N_BOOTSTRAP, SEED
from retold.score.scorers.base import TaskScorer
from retold.score.scorers.classify import ClassifyScorer
from retold.score.scorers.clusters import ClusterScorer
from retold.score.scorers.pairs import PairScorer
from retold.score.scorers.retrieval import RetrievalScorer
from retold.score.scorers.spans import SpanScorer
from retold.score.tasks import (
    MENTIONS,
    PAIRS,
    PARTITION,
    RANKING,
    SPANS,
    SUBSETS,
    TASKS,
    Task,
    get_task,
)

FAMILY_SCORERS: dict[str, TaskScorer] = {
    MENTIONS: ClassifyScorer(),
    PAIRS: PairScorer(),
    PARTITION: ClusterScorer(),
    RANKING: RetrievalScorer(),
    SPANS: SpanScorer(),
}
"""One scorer per family (``Task.family``); a task's behaviour within its family comes
from its declaration."""


def scorer_for(task: Task) -> TaskScorer:
    """The scorer of ``task``'s family."""
    return FAMILY_SCORERS[task.family]

REFERENCES: tuple[str, ...] = ("floor", "trivial", "max")
META_KEYS: tuple[str, ...] = (
    "task", "subset", "main_score", "main", "higher_is_better", "n_items", "missing", "ci",
    "resampled", "bootstrap", "reference", "trivial_predictor", "release", "predictions",
    "retold_version", "schema_version", "scoring_rules_version",
)
"""Keys of ``Scores.to_json`` besides the score names (no score may take one of them)."""


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars to Python, NaN to None, containers recursively."""
    if isinstance(value, dict | Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer | int):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    return value


@dataclass(frozen=True)
class Scores:
    """The scores of one predictions file on one task and subset (immutable).

    ``values`` holds every score of ``Task.subset(subset).scores`` (``None`` where undefined),
    ``ci`` the 95% percentile-bootstrap interval of the key scores (``resampled`` says what
    was drawn), ``reference`` the same key scores of the floor, trivial and maximum
    predictions. ``missing`` counts gold items without a prediction, scored as wrong.
    """

    task: str
    subset: str
    main_score: str
    main: float | None
    higher_is_better: bool
    values: Mapping[str, Any]
    ci: Mapping[str, tuple[float, float]]
    resampled: str
    n_items: int
    missing: int
    reference: Mapping[str, Mapping[str, Any]]
    trivial_predictor: str
    n_bootstrap: int
    seed: int
    release: Mapping[str, str]
    predictions: str
    scoring_rules_version: int
    """``Task.rules_version`` of the rules that made these numbers."""

    def to_json(self) -> dict[str, Any]:
        """The ``retold score --json`` object: score names -> values, then the metadata."""
        from retold import __version__

        return {
            **_plain(self.values),
            "task": self.task,
            "subset": self.subset,
            "main_score": self.main_score,
            "main": self.main,
            "higher_is_better": self.higher_is_better,
            "n_items": self.n_items,
            "missing": self.missing,
            "ci": {k: list(v) for k, v in self.ci.items()},
            "resampled": self.resampled,
            "bootstrap": {"resamples": self.n_bootstrap, "seed": self.seed,
                          "confidence": CONFIDENCE, "method": "percentile"},
            "reference": _plain(self.reference),
            "trivial_predictor": self.trivial_predictor,
            "release": dict(self.release),
            "predictions": self.predictions,
            "retold_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "scoring_rules_version": self.scoring_rules_version,
        }


_RELEASE_CACHE: dict[tuple[str, str], Release] = {}
_GOLD_CACHE: dict[tuple[str, str, str, str], Any] = {}


def _release(release_dir: Path | str) -> Release:
    """The checked release, its configs cached across calls while its checksum holds."""
    fresh = open_release(release_dir)
    key = (str(Path(release_dir).resolve()), fresh.checksum)
    return _RELEASE_CACHE.setdefault(key, fresh)


def _gold(task: Task, release: Release, subset: str) -> Any:
    scorer = scorer_for(task)
    key = (str(release.path.resolve()), release.checksum, task.name, subset)
    if key not in _GOLD_CACHE:
        _GOLD_CACHE[key] = scorer.load(task, release, subset)
    return _GOLD_CACHE[key]


def _integer_in(value: Any, top: int) -> bool:
    """Whether ``value`` is an integer (numpy's too, not a bool) from 0 to ``top``."""
    return (isinstance(value, int | np.integer) and not isinstance(value, bool)
            and 0 <= value <= top)


def _arguments(task_name: str, subset: str, n_bootstrap: int, seed: int) -> Task:
    try:
        task = get_task(task_name)
    except KeyError as err:
        raise ValueError(err.args[0]) from None
    if subset not in SUBSETS:
        raise ValueError(f"unknown subset {subset!r}; subsets: {', '.join(SUBSETS)}")
    if subset not in task.subsets:
        with_it = [t.name for t in TASKS.values() if subset in t.subsets]
        raise ValueError(f"task {task.name!r} has no {subset} subset; tasks with one: "
                         f"{', '.join(with_it)}")
    if not _integer_in(n_bootstrap, MAX_BOOTSTRAP):
        raise ValueError(f"n_bootstrap must be an integer from 0 (no intervals) to "
                         f"{MAX_BOOTSTRAP:,}, not {show(n_bootstrap)}")
    if not _integer_in(seed, MAX_SEED):
        raise ValueError(f"seed must be an integer from 0 to {MAX_SEED:,}, not {show(seed)}")
    return task


def score_lines(task_name: str, lines: Sequence[Line], release_dir: Path | str, *,
                subset: str = "natural", n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED,
                source: str = "<records>") -> Scores:
    """Score numbered, parsed prediction lines (what ``score_file`` and ``score_records`` do)."""
    task = _arguments(task_name, subset, n_bootstrap, seed)
    release = _release(release_dir)
    scorer = scorer_for(task)
    gold = _gold(task, release, subset)
    require_lines(lines, source)
    problems = Problems(source)
    preds = scorer.check(task, gold, lines, problems)
    problems.raise_if_any()
    computed = scorer.compute(task, gold, preds, n_bootstrap, seed)
    declared = task.subset(subset)
    keys = declared.ci_scores
    reference = {}
    for name, ref in scorer.references(task, gold).items():
        ref_values = scorer.compute(task, gold, ref, 0, seed).values  # once per reference
        reference[name] = {k: _plain(ref_values.get(k)) for k in keys}
    values = _plain(computed.values)
    return Scores(
        task=task.name,
        subset=subset,
        main_score=task.main_score,
        main=values[task.main_score],
        higher_is_better=task.higher_is_better,
        values=MappingProxyType({k: values[k] for k in declared.scores}),
        ci=MappingProxyType({k: v for k, v in computed.intervals.items() if v is not None}),
        resampled=declared.resampled,
        n_items=scorer.n_items(gold),
        missing=scorer.missing(gold, preds),
        reference=MappingProxyType({k: MappingProxyType(reference[k]) for k in REFERENCES}),
        trivial_predictor=task.trivial,
        n_bootstrap=n_bootstrap,
        seed=seed,
        release=MappingProxyType({"path": str(release.path), "sha256": release.checksum}),
        predictions=source,
        scoring_rules_version=task.rules_version,
    )


def score_records(task: str, records: Iterable[Any], release_dir: Path | str = Path("release"),
                  *, subset: str = "natural", n_bootstrap: int = N_BOOTSTRAP,
                  seed: int = SEED) -> Scores:
    """Score prediction records (dicts, as JSON Lines would hold them) against a release.

    Raises ``InvalidInputError`` listing every problem (record ``i`` is "line i+1"; no record
    at all is a ``no-predictions`` problem), and ``ValueError`` for an unknown task or subset,
    ``n_bootstrap`` outside 0..``MAX_BOOTSTRAP`` or ``seed`` outside 0..``MAX_SEED``.
    """
    return score_lines(task, number_records(records), release_dir, subset=subset,
                       n_bootstrap=n_bootstrap, seed=seed)


def score_file(task: str, path: Path | str, release_dir: Path | str = Path("release"), *,
               subset: str = "natural", n_bootstrap: int = N_BOOTSTRAP,
               seed: int = SEED) -> Scores:
    """Score a JSON Lines predictions file against a release (see ``score_records``)."""
    declared = _arguments(task, subset, n_bootstrap, seed)
    _release(release_dir)  # a bad release is reported before the predictions are read
    lines = read_predictions(Path(path), declared.fields_for(subset))
    return score_lines(task, lines, release_dir, subset=subset,
                       n_bootstrap=n_bootstrap, seed=seed, source=str(path))
