"""What every baseline provides to the runner."""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field, is_dataclass
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


_DECLARED = itertools.count()
REGISTRY: dict[str, type[Baseline]] = {}
"""Every declared model by name, in declaration (import) order; filled by ``Baseline``'s
subclass hook, read by ``baselines.registry``."""


class Baseline:
    """A model: a name, the tasks it predicts, and one fold's predictions.

    A class is registered by declaring it with a name::

        class MyModel(PairModel, name="my-model", kind="rules"):
            ...

    ``kind`` is its leaderboard kind, ``opt_in`` leaves it out of the default run, ``llm``
    marks a model that needs ``--llm``. Models implement one or more task families
    (``baselines.families``); ``run_fold`` is the runner's, not the model's.
    """

    name: str = ""
    kind: str = ""
    opt_in: bool = False
    """Left out of the default full run (``--quick`` and ``--baselines`` run it)."""
    llm: bool = False
    """Needs ``--llm MODEL``; skipped without it."""
    tasks: tuple[str, ...] = ()
    trained: bool = False
    """Fine-tuned: results vary with the seed and carry a loss history."""
    seeded: bool = False
    """Results depend on the seed (trained models and random baselines)."""
    description: str = ""
    train_contrast: bool = False
    """Trains on the contrast rows of the training documents too (never the held-out one)."""
    declared: int = -1
    """Declaration order (the run order within a module)."""
    settings: Any = None
    """The model's hyperparameters: a dataclass instance, written as the results' ``config``."""

    def __init_subclass__(cls, *, name: str | None = None, kind: str | None = None,
                          opt_in: bool | None = None, llm: bool | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if kind is not None:
            cls.kind = kind
        if opt_in is not None:
            cls.opt_in = opt_in
        if llm is not None:
            cls.llm = llm
        if name is None:
            return
        if not name or (name in REGISTRY and REGISTRY[name].__qualname__ != cls.__qualname__):
            raise ValueError(f"model name {name!r} of {cls.__module__}.{cls.__qualname__} is "
                             f"empty or already declared by {REGISTRY[name].__module__}")
        if not cls.kind:
            raise ValueError(f"model {name!r} declares no kind")
        cls.name = name
        cls.declared = next(_DECLARED)
        REGISTRY[name] = cls

    def config(self, ctx: RunContext) -> dict[str, Any]:
        """Every setting that affects the predictions (written into the results)."""
        if self.settings is not None and is_dataclass(self.settings):
            return asdict(self.settings)
        return {}

    def model_info(self, ctx: RunContext) -> dict[str, Any] | None:
        """Model id and revision, for baselines that load one."""
        return None

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        raise NotImplementedError
