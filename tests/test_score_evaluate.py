"""The local `evaluate` modules load offline and give the numbers of `retold score`.

conftest.py makes the Hugging Face libraries offline with a throw-away cache, so a module
that tried to reach the Hub would fail here.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from score_gold import perfect

from retold.score import TASKS, score_records
from retold.score.formats import PredictionError

evaluate = pytest.importorskip("evaluate")  # in the dev extras; CI installs it

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
METRICS = ROOT / "metrics"


def noisy_lines(task: str) -> list[dict]:
    """The gold written as predictions, a fifth of it changed or left out."""
    rng = random.Random(task)
    lines = []
    for line in perfect(task):
        roll = rng.random()
        if roll < 0.1:
            continue
        line = dict(line)
        if roll < 0.2:
            for key in ("attributed", "duplicate", "denied"):
                if key in line:
                    line[key] = not line[key]
                    if key == "attributed" and "source_start" in line:
                        line.update(source_start=-1, source_end=-1)
            if "stance" in line:
                line["stance"] = "asserted"
            if "cluster" in line:
                line["cluster"] = "lumped"
            if "ranking" in line:
                line["ranking"] = line["ranking"][::-1]
            if "score" in line:
                line["score"] = rng.random()
        lines.append(line)
    return lines


@pytest.mark.parametrize("task", list(TASKS))
def test_the_evaluate_module_gives_the_scorers_numbers(task: str) -> None:
    metric = evaluate.load(str(METRICS / task))
    lines = noisy_lines(task)
    got = metric.compute(predictions=lines, release_dir=str(RELEASE), n_bootstrap=40)
    assert got == score_records(task, lines, RELEASE, n_bootstrap=40).to_json()
    assert got["missing"] > 0 or not TASKS[task].aligned


def test_the_evaluate_module_rejects_what_the_scorer_rejects() -> None:
    metric = evaluate.load(str(METRICS / "attributed"))
    bad = {"claim_id": "000-c001", "attributed": 1, "source_start": -1, "source_end": -1}
    with pytest.raises(PredictionError, match="attributed must be true or false"):
        metric.compute(predictions=[bad], release_dir=str(RELEASE), n_bootstrap=0)


@pytest.mark.parametrize("task", list(TASKS))
def test_each_module_folder_names_its_task_and_has_a_card(task: str) -> None:
    script = METRICS / task / f"{task}.py"
    tree = ast.parse(script.read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1
    assigned = {t.id: ast.literal_eval(n.value) for n in classes[0].body
                if isinstance(n, ast.Assign) for t in n.targets}
    assert assigned == {"task_name": task}
    card = (METRICS / task / "README.md").read_text(encoding="utf-8")
    assert repr(TASKS[task].example) in card
    for key in TASKS[task].scores:
        assert f"`{key}`" in card, key
    assert sorted(p.name for p in METRICS.iterdir()) == sorted(TASKS)
