"""The package's layers: lower layers never import higher ones, checked by import-linter.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``). A second test proves the
contract can fail: a copy of the package with one upward import is rejected.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(src: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
                          capture_output=True, text=True, env=env, cwd=src.parent, check=False)


def test_import_contracts_are_kept() -> None:
    result = _lint(SRC, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "retold", copy / "retold",
                    ignore=shutil.ignore_patterns("__pycache__"))
    schema = copy / "retold" / "schema.py"
    schema.write_text(schema.read_text(encoding="utf-8") + "\nimport retold.cli  # noqa\n",
                      encoding="utf-8")
    text = copy / "retold" / "text" / "tokens.py"
    text.write_text(text.read_text(encoding="utf-8") + "\nimport datasets  # noqa\n",
                    encoding="utf-8")
    result = _lint(copy, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert "retold.schema -> retold.cli" in result.stdout
    assert "retold.text.tokens -> datasets" in result.stdout


def test_the_package_never_imports_the_baselines() -> None:
    offenders = []
    for path in sorted((SRC / "retold").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n == "baselines" or n.startswith("baselines.")]
    assert offenders == []
