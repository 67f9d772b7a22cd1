"""Imported at start-up by the Python processes of ``scripts/mutation.sh`` (through
PYTHONPATH): find ``retold`` in ``mutants/src`` and ``baselines`` in ``mutants``.

mutmut copies the code to ``mutants/`` and runs the tests from there, but it also removes
every ``src`` folder from ``sys.path`` (so that unmutated code cannot be imported), which
leaves a src-layout package such as retold unimportable unless it is installed. This finder
is looked up before ``sys.path``, so it serves the mutated copy whatever the path holds.
"""

from __future__ import annotations

import os
import sys
from importlib.machinery import ModuleSpec, PathFinder
from typing import Any

_ROOT = os.environ.get("RETOLD_MUTANTS_ROOT", "")


class _MutantsFinder:
    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        where = {"retold": os.path.join(_ROOT, "src"), "baselines": _ROOT}.get(fullname)
        return PathFinder.find_spec(fullname, [where]) if where else None


if _ROOT:
    sys.meta_path.insert(0, _MutantsFinder())
