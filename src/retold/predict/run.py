"""``retold predict``: read the inputs, run the detectors, write a checked annotation set."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from retold.errors import InvalidInputError, Problem
from retold.io.owned import check_output_folder, manifest_owner
from retold.predict.engines import run_engine
from retold.predict.inputs import read_inputs
from retold.predict.write import WRITER, assemble, read_detector_meta, write_prediction

DEFAULTS = {"genre": "news_article", "rights": "third_party_copyright", "language": "en"}
"""Manifest fields of a document whose input does not give them (``--genre`` ...)."""


def check_written(folder: Path) -> None:
    """Refuse a predicted set ``retold validate`` does not accept (a bug, reported as such):
    run on the staging folder, so nothing reaches ``--out``."""
    from retold.validate import validate

    problems = validate(folder / "corpus", folder / "annotations")
    if problems:
        raise InvalidInputError([Problem(p.file, p.where, p.code,
                                         f"{p.message} (a bug in retold predict: please "
                                         "report it)") for p in problems])


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
    write_prediction(Path(out), files, check=check_written)
    claims = sum(len(o["claims"]) for o in outputs)
    return {"documents": len(docs), "claims": claims, "engine": engine, "workers": workers,
            "seconds": round(time.perf_counter() - start, 3),
            "documents_per_second": round(len(docs) / predicted, 3) if predicted else None}
