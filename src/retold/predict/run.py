"""``retold predict``: read the inputs, run the detectors, write a checked annotation set."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from retold.errors import InvalidInputError, Problem
from retold.io.owned import check_output_folder, manifest_owner
from retold.predict.engines import run_engine
from retold.predict.inputs import read_inputs
from retold.predict.write import WRITER, assemble, read_detector_meta, write_prediction

log = logging.getLogger(__name__)

DEFAULTS = {"genre": "news_article", "rights": "third_party_copyright", "language": "en"}
"""Manifest fields of a document whose input does not give them (``--genre`` ...)."""


def check_files(files: dict[str, bytes]) -> list[Problem]:
    """What ``retold validate`` says about the predicted set (written to a scratch folder)."""
    import tempfile

    from retold.validate import validate

    with tempfile.TemporaryDirectory(prefix="retold-predict-") as scratch:
        root = Path(scratch)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        return validate(root / "corpus", root / "annotations")


def predict(models: Path, inputs: Path, out: Path, *, engine: str = "local", workers: int = 1,
            threads: int | None = None, defaults: dict[str, str] | None = None
            ) -> dict[str, Any]:
    """Annotate every document of ``inputs`` with the detectors of ``models`` into ``out``.

    The inputs, the detectors folder and ``out`` are checked before any model runs; the
    result is validated before it is written (a problem there is a bug, reported as such).
    Returns a summary: documents, claims, seconds, documents per second."""
    docs = read_inputs(inputs)
    meta = read_detector_meta(models)
    check_output_folder(Path(out), manifest_owner(WRITER))
    start = time.perf_counter()
    outputs = run_engine(engine, [d.text for d in docs], models, workers, threads)
    predicted = time.perf_counter() - start
    files = assemble(docs, outputs, meta, {**DEFAULTS, **(defaults or {})})
    problems = check_files(files)
    if problems:
        raise InvalidInputError([Problem(p.file, p.where, p.code,
                                         f"{p.message} (a bug in retold predict: please "
                                         "report it)") for p in problems])
    write_prediction(Path(out), files)
    claims = sum(len(o["claims"]) for o in outputs)
    return {"documents": len(docs), "claims": claims, "engine": engine, "workers": workers,
            "seconds": round(time.perf_counter() - start, 3),
            "documents_per_second": round(len(docs) / predicted, 3) if predicted else None}
