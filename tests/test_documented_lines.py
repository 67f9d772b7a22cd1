"""Every documented prediction line of every task and subset is scored against the
committed release, and accepted: the lines of the declarations (``Subset.examples``), the
line blocks of docs/metrics.md as rendered, and the ``predictions=[...]`` of the
``evaluate`` snippets (docs/metrics.md and each metric card).

Accepted means the real scorer raises no problem (no ``unknown-id``, no wrong field) and
each line counts as the prediction of one gold item (``missing`` drops by one per line).
The items of a new-proposition example are checked against the release, recomputed here
from the claims' clusters and folds: they must be new to their fold.
"""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from retold.io.release import read_config
from retold.score import TASKS, score_records
from retold.score.tasks import NEW, Subset, Task

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
DOC = ROOT / "docs" / "metrics.md"
LINES = re.compile(r"<!-- lines: (\w+) (\w+) -->\s*```json\n(.*?)\n```", re.S)
JSON_BLOCK = re.compile(r"(<!-- [^>]*-->)?\s*```json\n", re.S)
SNIPPET = re.compile(r"```python\n(.*?)```", re.S)
CALL = re.compile(r"predictions=(\[.*?\])\s*,\s*\n?\s*release_dir", re.S)

DECLARED = [(task, subset, line) for task in TASKS.values() for subset in task.subsets.values()
            for line in subset.examples]


def accepted(task: Task, subset: Subset, lines: list[dict[str, Any]]) -> None:
    """Score ``lines`` as the subset's predictions; fail on any problem or unmatched line."""
    scored = subset.part_of or subset.name
    scores = score_records(task.name, lines, RELEASE, subset=scored, n_bootstrap=0)
    if task.aligned:
        assert scores.missing == scores.n_items - len(lines), (task.name, subset.name, lines)
    else:
        assert scores.values["n_predicted"] == len(lines), (task.name, lines)


def new_to_their_fold() -> set[str]:
    """Claims whose cluster has fewer than two mentions outside the claim's fold (an
    oracle beside ``retold.score.protocol``: counted here from the claims config)."""
    claims = read_config(RELEASE, "claims")
    outside = Counter()
    for c in claims:
        for fold in {d["fold"] for d in claims}:
            if c["fold"] != fold:
                outside[(c["cluster_id"], fold)] += 1
    return {c["claim_id"] for c in claims if outside[(c["cluster_id"], c["fold"])] < 2}


def test_every_subset_documents_a_line() -> None:
    for task in TASKS.values():
        for subset in task.subsets.values():
            assert subset.examples, (task.name, subset.name)


@pytest.mark.parametrize(("task", "subset", "line"), DECLARED,
                         ids=[f"{t.name}-{s.name}-{i}" for i, (t, s, _) in enumerate(DECLARED)])
def test_a_declared_line_is_accepted(task: Task, subset: Subset, line: dict[str, Any]) -> None:
    accepted(task, subset, [line])


def test_the_new_proposition_lines_are_of_new_items() -> None:
    new = new_to_their_fold()
    duplicates = {(p["claim_id_a"], p["claim_id_b"]) for p in read_config(RELEASE, "pairs")
                  if p["duplicate"]}
    checked = 0
    for task in TASKS.values():
        if task.new is None:
            continue
        for line in task.new.examples:
            if "claim_id_a" in line:  # a pair: a duplicate one, of a cluster new to claim_id_a
                assert (line["claim_id_a"], line["claim_id_b"]) in duplicates, line
                assert line["claim_id_a"] in new, line
            else:
                assert line["claim_id"] in new, (task.name, line)
            checked += 1
    assert checked == sum(len(t.new.examples) for t in TASKS.values() if t.new is not None) >= 3


def test_the_documented_line_blocks_are_accepted() -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = LINES.findall(text)
    assert {(t, s) for t, s, _ in blocks} == {
        (t.name, s) for t in TASKS.values() for s in t.subsets}, (
        "run python -m retold.describe.metrics_doc")
    for task_name, subset_name, body in blocks:
        task = TASKS[task_name]
        lines = [json.loads(row) for row in body.splitlines()]
        assert lines, (task_name, subset_name)
        accepted(task, task.subset(subset_name), lines)


def test_every_json_block_of_the_doc_is_a_checked_one() -> None:
    """A JSON block is either a hand-worked example (tests/test_score_docs.py) or a block of
    lines scored here; none escapes both."""
    for marker in JSON_BLOCK.findall(DOC.read_text(encoding="utf-8")):
        assert marker == "<!-- example -->" or marker.startswith("<!-- lines: "), marker


def snippet_lines() -> list[tuple[str, str, list[Any]]]:
    """(where, task, lines) of every ``evaluate`` snippet with a list of lines."""
    found = []
    cards = [(DOC, None), *((ROOT / "metrics" / t / "README.md", t) for t in TASKS)]
    for path, task in cards:
        for code in SNIPPET.findall(path.read_text(encoding="utf-8")):
            call = CALL.search(code)
            if call is None:
                continue
            loaded = re.search(r'evaluate\.load\("metrics/(\w+)"\)', code)
            name = task or (loaded.group(1) if loaded else "")
            lines = [x for x in ast.literal_eval(call.group(1)) if x is not Ellipsis]
            found.append((path.relative_to(ROOT).as_posix(), name, lines))
    return found


def test_the_evaluate_snippets_lines_are_accepted() -> None:
    found = snippet_lines()
    assert {task for _, task, _ in found} == set(TASKS), found  # every card, and the doc
    assert any(where == "docs/metrics.md" for where, _, _ in found)
    for where, task_name, lines in found:
        task = TASKS[task_name]
        assert lines, where
        accepted(task, task.natural, lines)


def test_a_line_of_an_unknown_id_is_refused() -> None:
    """The check above can fail: the ids docs/metrics.md once showed are refused."""
    from retold.score.formats import InvalidInputError

    task = TASKS["duplicated"]
    with pytest.raises(InvalidInputError, match="unknown-id"):
        accepted(task, task.subset("contrast"),
                 [{"pair_id": "p0001", "score": 0.12, "duplicate": False}])
    with pytest.raises(InvalidInputError, match="unknown-id"):
        accepted(TASKS["denied"], TASKS["denied"].subset("contrast"),
                 [{"contrast_id": "c0001", "stance": "denied"}])
    assert NEW in TASKS["clusters"].subsets
