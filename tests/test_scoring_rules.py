"""A task's numbers move only with a bump of its scoring-rules version.

``tests/golden/scoring_rules.json`` holds, per task and subset, ``Task.rules_version`` and
every number ``retold score --json`` gives (scores, intervals, reference scores, counts)
for fixed, deterministic predictions on the committed release (whose checksum it records:
a new release is new data, and its numbers are recorded anew): the gold with a share of
lines changed or left out. When a number changes and the task's version did not, the test
fails: bump ``rules_version`` of that task in ``src/retold/score/tasks.py`` (results made
under the old rules can then be told apart), and record the new numbers with

    RETOLD_UPDATE_GOLDEN=1 python -m pytest tests/test_scoring_rules.py

Floats are compared to 1e-9, so a platform's last-bit rounding is not a rule change.
"""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path
from typing import Any

from score_gold import perfect
from update_golden import GOLDEN, UPDATE_ENV, dump

from retold.io.release import read_config, release_checksum
from retold.score import TASKS, score_records
from retold.score.tasks import CONTRAST

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
SNAPSHOT = GOLDEN / "scoring_rules.json"
N_BOOTSTRAP = 100
SEED = 3
NOT_NUMBERS = ("retold_version", "release", "predictions", "scoring_rules_version",
               "schema_version")
"""Keys of the score JSON that are not made by the scoring rules."""


def noisy(task: str, lines: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """A tenth of the lines left out and a fifth changed, the same way on every run."""
    rng = random.Random(f"{task}-{seed}")
    out = []
    for line in lines:
        roll = rng.random()
        if roll < 0.1:
            continue
        line = dict(line)
        if roll < 0.3:
            for key in ("attributed", "duplicate", "denied"):
                if key in line:
                    line[key] = not line[key]
                    if key == "attributed" and "source_start" in line:
                        line.update(source_start=-1, source_end=-1)
            if "stance" in line:
                line["stance"] = rng.choice(["asserted", "reported", "hedged", "denied"])
            if "cluster" in line:
                line["cluster"] = rng.choice(["a", "b", line["cluster"]])
            if "ranking" in line:
                line["ranking"] = line["ranking"][::-1]
        if "score" in line:
            line["score"] = round(rng.random() * 0.5 + 0.5 * float(line["duplicate"]), 3)
        out.append(line)
    return out


def contrast_gold(task: str) -> list[dict[str, Any]]:
    """The gold of a task's contrast subset, written as its lines."""
    subset = TASKS[task].subset(CONTRAST)
    return [{name: float(r["duplicate"]) if name == "score" else r[name]
             for name in subset.field_names} for r in read_config(RELEASE, subset.items)]


def numbers() -> dict[str, Any]:
    """``task/subset`` -> rules version and the numbers of the fixed predictions."""
    out = {}
    checksum = release_checksum(RELEASE)
    for name, task in TASKS.items():
        for subset in task.subsets.values():
            if not subset.selectable:
                continue  # its numbers are in the natural result
            lines = noisy(name, perfect(name), 0)
            if subset.name == CONTRAST:
                contrast = noisy(name, contrast_gold(name), 1)
                lines = (noisy(name, perfect(name), 2) + contrast
                         if subset.with_natural_lines else contrast)
            scores = score_records(name, lines, RELEASE, subset=subset.name,
                                   n_bootstrap=N_BOOTSTRAP, seed=SEED).to_json()
            out[f"{name}/{subset.name}"] = {
                "rules_version": task.rules_version,
                "release": checksum,
                "numbers": {k: v for k, v in scores.items() if k not in NOT_NUMBERS}}
    return out


def close(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 (relative or absolute)."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, int | float) and isinstance(b, int | float)
                and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(close, a, b))
    return a == b


def test_numbers_move_only_with_a_rules_version_bump() -> None:
    current = numbers()
    if os.environ.get(UPDATE_ENV) == "1":
        SNAPSHOT.write_text(dump(current), encoding="utf-8")
        return
    assert SNAPSHOT.exists(), f"missing {SNAPSHOT.name}: RETOLD_UPDATE_GOLDEN=1 pytest {__file__}"
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert stored.keys() == current.keys()
    for key, now in current.items():
        task, before = key.split("/")[0], stored[key]
        assert now["rules_version"] >= before["rules_version"], key
        assert before.get("release") == now["release"], (
            f"{key}: the release changed since the numbers were recorded (new data, not new "
            "rules): record them anew with RETOLD_UPDATE_GOLDEN=1 python -m pytest "
            "tests/test_scoring_rules.py")
        moved = [k for k in now["numbers"].keys() | before["numbers"].keys()
                 if not close(now["numbers"].get(k), before["numbers"].get(k))]
        assert not moved or now["rules_version"] > before["rules_version"], (
            f"{key}: {moved} changed under scoring rules version {now['rules_version']}: "
            f"bump rules_version of {task!r} in src/retold/score/tasks.py, then record the "
            "numbers with RETOLD_UPDATE_GOLDEN=1 python -m pytest tests/test_scoring_rules.py")
        assert now["rules_version"] == before["rules_version"], (
            f"{key}: rules version {now['rules_version']} is not recorded: "
            "RETOLD_UPDATE_GOLDEN=1 python -m pytest tests/test_scoring_rules.py")


def test_the_comparison_sees_a_moved_number() -> None:
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    numbers_ = stored["duplicated/natural"]["numbers"]
    assert close(numbers_, json.loads(json.dumps(numbers_)))
    moved = dict(numbers_, average_precision=numbers_["average_precision"] + 1e-6)
    assert not close(numbers_, moved)
    low, high = numbers_["ci"]["average_precision"]
    assert not close(numbers_, dict(numbers_, ci={**numbers_["ci"],
                                                  "average_precision": [low, high + 1e-6]}))
    assert not close({"n": 1}, {"n": 1.5}) and not close([1, 2], [1])


def test_the_version_is_in_every_result() -> None:
    for name, task in TASKS.items():
        assert isinstance(task.rules_version, int) and task.rules_version >= 1
        scores = score_records(name, [task.example], RELEASE, n_bootstrap=0)
        assert scores.to_json()["scoring_rules_version"] == task.rules_version
