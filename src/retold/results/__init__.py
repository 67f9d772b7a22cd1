"""Results: any system's scored predictions, as versioned, re-scorable files.

    retold results add --predictions DIR --system system.yaml [--results DIR]
    retold results check [--results DIR]

A results file (``<results>/<task>/<system>/<run>.json``, schema ``results.schema.json``,
format ``RESULTS_FORMAT``) records the system card, the scores, the retold and scoring-rules
versions that made them, the release checksum, and the compressed predictions they were
scored from (by relative path and SHA-256), so ``retold results check`` can re-score it.
This layer sits above ``retold.score`` and below the describers; see docs/results.md.
"""

from __future__ import annotations

from retold.results.add import add_predictions, predictions_layout, predictions_name
from retold.results.card import CARD_FIELDS, read_card, validate_card
from retold.results.check import check_results
from retold.results.record import add_run, versions
from retold.results.store import (
    PREDICTIONS_DIR,
    RESULTS_FORMAT,
    ResultsError,
    load_results,
    read_predictions,
    read_results_file,
    results_files,
    schema,
    validate_results,
)

__all__ = [
    "CARD_FIELDS",
    "PREDICTIONS_DIR",
    "RESULTS_FORMAT",
    "ResultsError",
    "add_predictions",
    "add_run",
    "check_results",
    "load_results",
    "predictions_layout",
    "predictions_name",
    "read_card",
    "read_predictions",
    "read_results_file",
    "results_files",
    "schema",
    "validate_card",
    "validate_results",
    "versions",
]
