"""What every baseline provides to the runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from baselines.data import FoldView


@dataclass
class FoldOutput:
    """One fold's predictions per task, and the training loss history per trained model.

    ``contrast`` holds the predictions of the fold's contrast items in the scorer's contrast
    format: lines keyed by ``contrast_id`` (attributed, denied) or ``pair_id`` (duplicated).
    """

    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    contrast: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    loss_history: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class RunContext:
    """Shared by the baselines of one (seed, fold): settings and already-trained models.

    ``cache`` (one fold) lets the end2end chain reuse the tagger and classifier trained for
    the same fold and seed instead of training them again; ``shared`` (the whole run) holds
    what depends on no fold, such as the untrained encoder's similarity matrix.
    """

    seed: int
    quick: bool
    model: str
    llm: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)


class Baseline:
    """A baseline: a name, the tasks it predicts, and one fold's predictions."""

    name: str = ""
    tasks: tuple[str, ...] = ()
    trained: bool = False
    """Fine-tuned: results vary with the seed and carry a loss history."""
    seeded: bool = False
    """Results depend on the seed (trained models and random baselines)."""
    description: str = ""
    train_contrast: bool = False
    """Trains on the contrast rows of the training documents too (never the held-out one)."""

    def config(self, ctx: RunContext) -> dict[str, Any]:
        """Every setting that affects the predictions (written into the results)."""
        return {}

    def model_info(self, ctx: RunContext) -> dict[str, Any] | None:
        """Model id and revision, for baselines that load one."""
        return None

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        raise NotImplementedError
