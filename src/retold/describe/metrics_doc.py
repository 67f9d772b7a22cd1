"""Regenerate the task tables of ``docs/metrics.md`` from the task declarations.

``python -m retold.describe.metrics_doc [path]`` rewrites only the block between
``BEGIN_MARKER`` and ``END_MARKER``: one table of the tasks (input, output, main score,
configs) and, per task, its prediction fields, an example line and every score key, all
read from ``retold.score.tasks``. ``--check`` writes nothing and exits 1 when the block is
stale, so a test catches a task change that was not carried into the documentation.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from retold.describe.markdown import block_command, code, replace_block, table
from retold.score.tasks import TASKS, Task

BEGIN_MARKER = "<!-- BEGIN GENERATED: python -m retold.describe.metrics_doc -->"
END_MARKER = "<!-- END GENERATED -->"
DEFAULT_PATH = Path("docs") / "metrics.md"


def _fields(fields: tuple, key: tuple[str, ...]) -> str:
    rows = []
    for f in fields:
        kind = f.kind + (f" ({', '.join(f.labels)})" if f.labels else "")
        rows.append((code(f.name) + (" (key)" if f.name in key else ""), kind, f.description))
    return table(("field", "kind", "meaning"), rows)


def _task_section(task: Task) -> str:
    parts = [
        f"### `{task.name}`",
        f"Input: {task.input} Output: {task.output} Main score: {code(task.main_score)} "
        f"({'higher' if task.higher_is_better else 'lower'} is better). Reads: "
        f"{', '.join(code(c) for c in task.configs)}.",
        _fields(task.fields, task.key),
        "Example line:",
        "```json\n" + json.dumps(task.example, ensure_ascii=False) + "\n```",
        f"Scores: {', '.join(code(s) for s in task.scores)}.",
        f"Intervals for: {', '.join(code(s) for s in task.ci_scores)}; resampled: "
        f"{task.resampled}.",
        f"Trivial predictor: {task.trivial}.",
    ]
    if task.has_contrast:
        parts += [
            f"Contrast subset (`--subset contrast`): reads "
            f"{', '.join(code(c) for c in task.contrast_configs)}; lines:",
            _fields(task.contrast_fields, task.contrast_key),
            "```json\n" + json.dumps(task.contrast_example, ensure_ascii=False) + "\n```",
            f"Scores: {', '.join(code(s) for s in task.contrast_scores)}.",
        ]
    return "\n\n".join(parts)


def task_tables() -> str:
    """The generated part of docs/metrics.md."""
    overview = table(
        ("task", "input", "output", "main score", "contrast"),
        [(code(t.name), t.input, t.output, code(t.main_score), "yes" if t.has_contrast else "")
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
