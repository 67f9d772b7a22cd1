"""Regenerate the task tables of ``docs/metrics.md`` from the task declarations.

``python -m retold.describe.metrics_doc [path]`` rewrites only the block between
``BEGIN_MARKER`` and ``END_MARKER``: one table of the tasks (input, output, main score,
subsets) and, per task and subset, its prediction fields, its example lines (each block
marked ``LINES_MARKER``, scored by tests/test_documented_lines.py) and every score key,
all read from ``retold.score.tasks``. ``--check`` writes nothing and exits 1 when the block is
stale, so a test catches a task change that was not carried into the documentation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from retold.describe.markdown import block_command, code, replace_block, table
from retold.score.tasks import CONTRAST, NATURAL, NEW, TASKS, Subset, Task

BEGIN_MARKER = "<!-- BEGIN GENERATED: python -m retold.describe.metrics_doc -->"
END_MARKER = "<!-- END GENERATED -->"
DEFAULT_PATH = Path("docs") / "metrics.md"


LINES_MARKER = "<!-- lines: {task} {subset} -->"
"""Precedes every block of example lines, so the tests find each one and score it."""
SUBSET_TITLES = {NATURAL: "Natural subset", CONTRAST: "Contrast subset (`--subset contrast`)",
                 NEW: "New-proposition subset (reported in the natural result under its "
                      "`_new` keys; not a `--subset` of its own)"}


def _fields(fields: tuple, key: tuple[str, ...]) -> str:
    rows = []
    for f in fields:
        kind = f.kind + (f" ({', '.join(f.labels)})" if f.labels else "")
        rows.append((code(f.name) + (" (key)" if f.name in key else ""), kind, f.description))
    return table(("field", "kind", "meaning"), rows)


def example_block(task: Task, subset: Subset) -> str:
    """The marked block of a subset's example lines (JSON Lines: one object per line)."""
    lines = "\n".join(json.dumps(line, ensure_ascii=False) for line in subset.examples)
    return (LINES_MARKER.format(task=task.name, subset=subset.name)
            + "\n\n```json\n" + lines + "\n```")


def _subset_section(task: Task, subset: Subset) -> list[str]:
    same_lines = subset.name != NATURAL and subset.fields == task.fields
    parts = [
        f"{SUBSET_TITLES[subset.name]}: {subset.description} Items: the "
        f"{code(subset.items)} config; reads {', '.join(code(c) for c in subset.configs)}. "
        f"Main score: {code(subset.main_score)}.",
    ]
    if same_lines:
        parts.append("Lines: as in the natural subset.")
    else:
        parts.append(_fields(subset.fields, subset.key))
    parts += [
        "Example lines:" if len(subset.examples) > 1 else "Example line:",
        example_block(task, subset),
        f"Scores: {', '.join(code(s) for s in subset.scores)}.",
        f"Intervals for: {', '.join(code(s) for s in subset.ci_scores)}; resampled: "
        f"{subset.resampled}.",
    ]
    if subset.consistency:
        parts.append(f"`contrast_consistency`: the share of {subset.consistency}.")
    return parts


def _task_section(task: Task) -> str:
    parts = [
        f"### `{task.name}`",
        f"Input: {task.input} Output: {task.output} Main score: {code(task.main_score)} "
        f"({'higher' if task.higher_is_better else 'lower'} is better). Scorer family: "
        f"{code(task.family)}. Scoring rules version: {task.rules_version}.",
        f"Trivial predictor: {task.trivial}. Leaderboard columns: "
        f"{', '.join(code(s) for s in task.leaderboard_columns)}; beside them, the agreement "
        f"of the two annotation reads (both made by an AI model, Claude: not a human "
        f"ceiling) on {', '.join(code(s) for s in task.agreement_scores)}.",
    ]
    for subset in task.subsets.values():
        parts += _subset_section(task, subset)
    return "\n\n".join(parts)


def task_tables() -> str:
    """The generated part of docs/metrics.md."""
    overview = table(
        ("task", "input", "output", "main score", "subsets"),
        [(code(t.name), t.input, t.output, code(t.main_score), ", ".join(t.subsets))
         for t in TASKS.values()])
    return "\n\n".join([overview, *(_task_section(t) for t in TASKS.values())])


def render(document: str) -> str:
    """``document`` with its generated block replaced by the current task tables."""
    return replace_block(document, BEGIN_MARKER, END_MARKER, task_tables())


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the generated block of docs/metrics.md."""
    return block_command(argv, prog="python -m retold.describe.metrics_doc", doc=__doc__ or "",
                         default_path=DEFAULT_PATH, render=render)


if __name__ == "__main__":
    sys.exit(main())
