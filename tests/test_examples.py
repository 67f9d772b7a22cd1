"""examples/: one valid predictions file per task and subset, and a valid system card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.cli import main
from retold.results import predictions_layout, read_card
from retold.score.tasks import SUBSETS, TASKS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "predictions"
PAIRS = [(t.name, s) for t in TASKS.values() for s in SUBSETS if s in t.subsets]


@pytest.mark.parametrize(("task", "subset"), PAIRS)
def test_each_example_file_scores_with_retold_score(task: str, subset: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    name = f"{task}.contrast.jsonl" if subset == "contrast" else f"{task}.jsonl"
    assert main(["score", "--task", task, "--subset", subset, "--predictions",
                 str(EXAMPLES / name), "--release", str(ROOT / "release"), "--json",
                 "--bootstrap", "0"]) == 0
    scores = json.loads(capsys.readouterr().out)
    if TASKS[task].aligned:
        assert scores["missing"] == 0  # one line per gold item


def test_the_examples_folder_is_a_predictions_folder_of_the_layout() -> None:
    layout = predictions_layout(EXAMPLES)
    assert {(t, s) for t, by in layout.items() for s in by} == set(PAIRS)
    read_card(ROOT / "examples" / "system.yaml")


def test_the_script_writes_the_committed_dummy_files() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("example_predictions",
                                                  ROOT / "scripts" / "example_predictions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.example_files(ROOT / "release")
    assert len(files) == len(PAIRS) - 2  # the two attributed files are the rules baseline's
    for name, text in files.items():
        assert (EXAMPLES / name).read_text(encoding="utf-8") == text, name
