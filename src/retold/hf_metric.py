"""The shared base of the local ``evaluate`` metric modules under ``metrics/<task>/``.

Each module (``metrics/attributed/attributed.py``, ...) is a few lines: a subclass of
``RetoldMetric`` naming its task. The description and the scores come from
``retold.score``, so ``evaluate.load("metrics/<task>")`` gives exactly the numbers of
``retold score``. This module needs ``evaluate`` and ``datasets``; ``retold.score`` does not
import it.

``compute(predictions=[...], release_dir="release", subset="natural", n_bootstrap=1000,
seed=0)`` takes the prediction lines (dicts, or their JSON text) and returns
``Scores.to_json()``. evaluate keeps its inputs in an Arrow column; each line is stored as
its JSON text, so the format checker sees exactly the line that was given (no type is
converted on the way) and natural and contrast lines can be mixed; the text is read by the
same strict line reader as a predictions file.
"""

from __future__ import annotations

import json
from typing import Any

import datasets
import evaluate

from retold.score import TASKS, score_lines
from retold.score.formats import parse_texts
from retold.score.tasks import Task

CITATION = """@misc{retold,
  title  = {retold: claims, attribution and duplication across retellings of one news report},
  author = {{retold contributors}},
  year   = {2026}
}"""


def _as_text(line: Any) -> Any:
    return line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)


class RetoldMetric(evaluate.Metric):
    """An ``evaluate`` metric that scores one retold task against a local release."""

    task_name = ""

    @property
    def task(self) -> Task:
        return TASKS[self.task_name]

    def _info(self) -> evaluate.MetricInfo:
        task = self.task
        return evaluate.MetricInfo(
            description=(f"retold task `{task.name}`. Input: {task.input} Output: "
                         f"{task.output} Main score: {task.main_score}. See docs/metrics.md."),
            citation=CITATION,
            inputs_description=(
                "predictions: list of prediction lines, dicts with the fields "
                f"{', '.join(task.field_names)} (or their JSON text); release_dir: the "
                "release folder (default 'release'); subset: "
                + " or ".join(repr(s.name) for s in task.subsets.values() if s.selectable)
                + "; n_bootstrap, seed: the bootstrap of the 95% intervals."),
            features=datasets.Features({"predictions": datasets.Value("string")}),
            reference_urls=["docs/metrics.md"],
        )

    def add_batch(self, *, predictions: Any = None, references: Any = None,
                  **kwargs: Any) -> None:
        """Store each line as its JSON text."""
        if predictions is not None:
            predictions = [_as_text(line) for line in predictions]
        super().add_batch(predictions=predictions, references=references, **kwargs)

    def add(self, *, prediction: Any = None, reference: Any = None, **kwargs: Any) -> None:
        """Store one line as its JSON text."""
        super().add(prediction=None if prediction is None else _as_text(prediction),
                    reference=reference, **kwargs)

    def _compute(self, predictions: list[str], release_dir: str = "release",
                 subset: str = "natural", n_bootstrap: int = 1000,
                 seed: int = 0) -> dict[str, Any]:
        # read as strictly as a file: a repeated key, NaN or a too deep line is a problem of
        # its line (a PredictionError), never an exception of the JSON parser
        lines = parse_texts(predictions)
        return score_lines(self.task_name, lines, release_dir, subset=subset,
                           n_bootstrap=n_bootstrap, seed=seed).to_json()
