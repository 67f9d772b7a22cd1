"""Every task is declared once, in ``retold.score.tasks``: no per-task table elsewhere.

An AST scan of ``src/`` and ``baselines/`` (tasks.py itself left out) fails on what would
restate per-task knowledge by task name: a dict literal keyed by task names, a module-level
tuple, list or set of task names, and a comparison of a task (a name or attribute that
says ``task``) with a task name. Such code reads the declaration instead (``Task.key``,
``Task.contrast``, ``Task.second_score``, ``Task.family``, ...). A model class naming the
tasks it does (``tasks = (...)`` in its body) declares the model, not a task, and a dict of
a model's computed lines per task is output, not a table: both pass.

The scan is checked on planted snippets, so it can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.score.tasks import TASK_NAMES

ROOT = Path(__file__).resolve().parents[1]
DECLARATION = ROOT / "src" / "retold" / "score" / "tasks.py"
SCANNED = (ROOT / "src", ROOT / "baselines")

KNOWN: dict[str, str] = {}
"""Files with a known per-task table, each with the change that removes it. Empty it as
those changes land; a file listed here that is clean fails too, so the list cannot go
stale."""


def _task_names(node: ast.AST) -> list[str]:
    """The task names a string constant or a tuple/list/set of them holds."""
    if isinstance(node, ast.Constant) and node.value in TASK_NAMES:
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        names = [e.value for e in node.elts
                 if isinstance(e, ast.Constant) and e.value in TASK_NAMES]
        return names if names and len(names) == len(node.elts) else []
    return []


def _literal(node: ast.AST) -> bool:
    """Data written out: a constant, a name, or a collection of them (a table's value; a
    model's computed output per task is not one)."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(map(_literal, node.elts))
    return isinstance(node, ast.Constant | ast.Name | ast.Attribute)


def _says_task(node: ast.AST) -> bool:
    """A name or attribute chain that names a task: ``task``, ``task_name``, ``t.task``,
    ``task.name``, ``args.task``."""
    while isinstance(node, ast.Attribute):
        if "task" in node.attr.lower():
            return True
        node = node.value
    return isinstance(node, ast.Name) and "task" in node.id.lower()


def tables(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) of every per-task table in a module's source."""
    tree = ast.parse(source)
    module_level = {id(n.value) for n in tree.body
                    if isinstance(n, ast.Assign | ast.AnnAssign) and n.value is not None}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            named = [k.value for k in keys if isinstance(k, ast.Constant)
                     and k.value in TASK_NAMES]
            if (len(named) >= 2 and len(named) == len(keys)
                    and (id(node) in module_level or all(map(_literal, node.values)))):
                yield node.lineno, f"a dict keyed by task names {named}"
        elif isinstance(node, ast.Tuple | ast.List | ast.Set) and id(node) in module_level:
            named = _task_names(node)
            if len(named) >= 2:
                yield node.lineno, f"a module-level collection of task names {named}"
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_says_task(s) for s in sides) and any(_task_names(s) for s in sides):
                yield node.lineno, "a comparison of a task with a task name"


def scanned_files() -> list[Path]:
    return sorted(p for folder in SCANNED for p in folder.rglob("*.py") if p != DECLARATION)


def test_the_scan_finds_planted_tables() -> None:
    planted = '''
ORDER = ("attributed", "denied", "duplicated")
KEYS = {"attributed": ("claim_id",), "claims": ("doc_id", "start", "end")}

def f(task, spec, t):
    if task == "duplicated":
        pass
    if spec.task_name != "end2end":
        pass
    if t.name in ("attributed", "denied") and task.name == "clusters":
        pass
    ANSWERS = [{"attributed": ("yes", "no"), "duplicated": ("yes", "no")}]
'''
    found = list(tables(planted))
    assert [line for line, _ in found] == [2, 3, 6, 8, 10, 12], found


def test_the_scan_passes_what_is_not_a_task_table() -> None:
    fine = '''
class Model:
    tasks = ("attributed", "denied")          # a model naming the tasks it does

def lines(c, task):
    record = {"claim_id": c, "attributed": True, "denied": False}   # fields of a line
    rows = release.rows("claims")                                   # a config name
    out = {"claims": []}                                            # one key
    out = {"attributed": attributed(c), "denied": denied(c)}        # a model's output
    for name in ("attributed", "denied"):                           # not module level
        pass
    return task == TASK_NAME or c == "claims"
'''
    assert list(tables(fine)) == []


def test_no_per_task_table_outside_the_declarations() -> None:
    found = {}
    for path in scanned_files():
        hits = list(tables(path.read_text(encoding="utf-8")))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    unknown = {path: hits for path, hits in found.items() if path not in KNOWN}
    assert not unknown, ("per-task knowledge outside src/retold/score/tasks.py (declare it "
                         f"on Task and read it there): {unknown}")
    stale = sorted(set(KNOWN) - set(found))
    assert not stale, f"no per-task table left in {stale}: remove them from KNOWN"


@pytest.mark.parametrize("table", ["SCORERS", "SORT_KEYS", "TASK_ORDER", "SECOND",
                                   "NEW_SUBSET", "AGREEMENT_KEYS"])
def test_the_tables_the_declarations_replaced_are_gone(table: str) -> None:
    pattern = re.compile(rf"\b{table}\b")
    for path in scanned_files():
        assert not pattern.search(path.read_text(encoding="utf-8")), (path, table)
