"""Results files and their predictions on disk: the schema, the layout, reading and writing.

A results folder holds one JSON file per (task, system, run) and the predictions they were
scored from, gzip-compressed::

    <results>/<task>/<system>/<run>.json
    <results>/predictions/<task>/<system>/<run>.jsonl.gz            natural subset
    <results>/predictions/<task>/<system>/<run>.contrast.jsonl.gz   contrast subset

Every path a results file records is relative to the results folder, so the folder can be
moved or committed as it is. The compressed files are deterministic (gzip with mtime 0 and
no file name); a results file records the SHA-256 of the *uncompressed* JSON Lines, which
does not depend on the zlib that compressed them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from retold.io.jsonio import dump_json
from retold.score.tasks import CONTRAST, NATURAL, TASK_NAMES

RESULTS_FORMAT = 2
"""The version of the results format (``results.schema.json``); bumped on any change."""
PREDICTIONS_DIR = "predictions"
"""The folder of the results folder that holds the compressed predictions."""
MAX_PREDICTIONS_BYTES = 256 * 2**20
"""The most uncompressed bytes read from one compressed predictions file."""


class ResultsError(ValueError):
    """A results file, system card or predictions folder that is not as documented (the
    message is one line that names the file and the problem)."""


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The results schema shipped with the package (``results.schema.json``)."""
    text = files("retold.results").joinpath("results.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=4)
def _validator(definition: str | None = None) -> Any:
    import jsonschema

    full = schema()
    target = full if definition is None else {**full["definitions"][definition],
                                              "definitions": full["definitions"]}
    jsonschema.Draft7Validator.check_schema(target)
    return jsonschema.Draft7Validator(target)


def schema_errors(data: Any, definition: str | None = None) -> list[str]:
    """Every schema violation of ``data`` as ``field/path: message`` (sorted by place)."""
    errors = sorted(_validator(definition).iter_errors(data),
                    key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors]


def validate_results(data: Any, source: str = "<results>") -> None:
    """Raise ``ResultsError`` naming ``source`` and every violation of the results schema."""
    problems = schema_errors(data)
    if not problems and data["task"] not in TASK_NAMES:
        problems = [f"task: {data['task']!r} is not a task ({', '.join(TASK_NAMES)})"]
    if problems:
        raise ResultsError(f"{source}: not a valid results file (format {RESULTS_FORMAT}): "
                           + "; ".join(problems))


def results_path(results_dir: Path, task: str, system: str, run: str) -> Path:
    return Path(results_dir) / task / system / f"{run}.json"


def predictions_relpath(task: str, system: str, run: str, subset: str) -> str:
    """Where a run's compressed predictions go, relative to the results folder."""
    suffix = ".contrast.jsonl.gz" if subset == CONTRAST else ".jsonl.gz"
    return f"{PREDICTIONS_DIR}/{task}/{system}/{run}{suffix}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed, the same bytes on every run: mtime 0, no file name."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buffer.getvalue()


def read_gzip(path: Path) -> bytes:
    """The uncompressed bytes of a compressed predictions file (``ResultsError`` if it is not
    gzip or inflates beyond ``MAX_PREDICTIONS_BYTES``)."""
    try:
        with gzip.open(path, "rb") as gz:
            data = gz.read(MAX_PREDICTIONS_BYTES + 1)
    except (OSError, EOFError) as err:
        raise ResultsError(f"{path}: cannot read the compressed predictions: {err}") from None
    if len(data) > MAX_PREDICTIONS_BYTES:
        raise ResultsError(f"{path}: inflates to more than {MAX_PREDICTIONS_BYTES:,} bytes")
    return data


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def write_predictions(results_dir: Path, relpath: str, data: bytes) -> None:
    """Write ``data`` (JSON Lines bytes) compressed at ``results_dir/relpath``."""
    _write_atomic(Path(results_dir) / relpath, gzip_bytes(data))


def write_results(results_dir: Path, data: dict[str, Any]) -> Path:
    """Validate, then write one results file (canonical JSON)."""
    system = data.get("system", {}).get("name") if isinstance(data.get("system"), dict) else None
    validate_results(data, f"{data.get('task')}/{system}/{data.get('run')}")
    path = results_path(results_dir, data["task"], data["system"]["name"], data["run"])
    _write_atomic(path, dump_json(data).encode("utf-8"))
    return path


def results_files(results_dir: Path) -> list[Path]:
    """Every results file of ``results_dir`` (``<task>/<system>/<run>.json``), sorted."""
    return sorted(p for task in TASK_NAMES
                  for p in (Path(results_dir) / task).glob("*/*.json"))


def read_results_file(path: Path) -> dict[str, Any]:
    """One results file, validated; its task/system/run must match its path."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultsError(f"{path}: cannot read: {err}") from None
    if isinstance(data, dict) and data.get("results_format") != RESULTS_FORMAT:
        raise ResultsError(f"{path}: results format {data.get('results_format')!r}, this "
                           f"retold reads format {RESULTS_FORMAT}: re-run or re-add it")
    validate_results(data, str(path))
    expected = (path.parent.parent.name, path.parent.name, path.stem)
    found = (data["task"], data["system"]["name"], data["run"])
    if found != expected:
        raise ResultsError(f"{path}: task/system/run {'/'.join(found)} do not match its path")
    return data


def load_results(results_dir: Path) -> list[dict[str, Any]]:
    """Every results file under ``results_dir``, validated, sorted by task, system, run."""
    return [read_results_file(p) for p in results_files(results_dir)]


def read_predictions(results_dir: Path, record: dict[str, Any],
                     subset: str = NATURAL) -> bytes:
    """The uncompressed JSON Lines bytes of a results file's predictions (of ``subset``)."""
    entry = record["predictions"][subset]
    if entry is None:
        raise ResultsError(f"{record['task']}/{record['system']['name']}/{record['run']}: "
                           f"no {subset} predictions")
    return read_gzip(Path(results_dir) / entry["path"])
