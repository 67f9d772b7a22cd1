"""Problems found in input files, and every error code they carry, in one place.

A ``Problem`` is one record per problem (never just the first): the file, the id or line,
a stable error code and a message. The codes are documented in ``retold.validate`` (the
validator's codes) and below (the other commands' codes); tests check that every code has
a fixture that triggers it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, tied to an id (or line) and a stable error code."""

    file: str
    where: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: [{self.code}] {self.message}"


class InvalidInputError(Exception):
    """Raised when input files have problems; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s):\n{lines}")


# Error codes of the validator (documented in ``retold.validate.checks``).
SHAPE = "shape"
MISSING_FILE = "missing-file"
CHECKSUM = "checksum"
WRONG_SCHEMA_VERSION = "schema-version"
UNKNOWN_DOCUMENT = "unknown-document"
MISSING_ANNOTATION = "missing-annotation"
OFFSET_OUT_OF_RANGE = "offset-out-of-range"
SPAN_TEXT_MISMATCH = "span-text-mismatch"
UNKNOWN_LABEL = "unknown-label"
UNKNOWN_SOURCE = "unknown-source"
DANGLING_REFERENCE = "dangling-reference"
MENTION_SOURCE_MISMATCH = "mention-source-mismatch"
DUPLICATE_ID = "duplicate-id"
BOILERPLATE_OVERLAP = "boilerplate-overlap"
CLAIM_OVERLAP = "claim-overlap"
SPAN_OVERLAP = "span-overlap"
CROSSES_LINE = "crosses-line"
CHAIN_SOURCE_MISMATCH = "chain-source-mismatch"
EMPTY_PROPOSITION = "empty-proposition"
UNUSED_CLUSTER = "unused-cluster"
UNUSED_SOURCE = "unused-source"
NOT_TOKEN_ALIGNED = "not-token-aligned"
UNUSED_SPAN = "unused-span"

CODES: tuple[str, ...] = (
    SHAPE,
    MISSING_FILE,
    CHECKSUM,
    WRONG_SCHEMA_VERSION,
    UNKNOWN_DOCUMENT,
    MISSING_ANNOTATION,
    OFFSET_OUT_OF_RANGE,
    SPAN_TEXT_MISMATCH,
    UNKNOWN_LABEL,
    UNKNOWN_SOURCE,
    DANGLING_REFERENCE,
    MENTION_SOURCE_MISMATCH,
    DUPLICATE_ID,
    BOILERPLATE_OVERLAP,
    CLAIM_OVERLAP,
    SPAN_OVERLAP,
    CROSSES_LINE,
    CHAIN_SOURCE_MISMATCH,
    EMPTY_PROPOSITION,
    UNUSED_CLUSTER,
    UNUSED_SOURCE,
    NOT_TOKEN_ALIGNED,
    UNUSED_SPAN,
)
"""Every error code a Problem from ``validate`` can carry."""

# Error codes of the scorer (``retold score``; documented in ``retold.score.formats``).
RELEASE = "release"
PREDICTION_SYNTAX = "prediction-syntax"
PREDICTION_FIELDS = "prediction-fields"
PREDICTION_TYPE = "prediction-type"
UNKNOWN_ID = "unknown-id"
DUPLICATE_PREDICTION = "duplicate-prediction"
PREDICTION_VALUE = "prediction-value"
TOO_MANY_PROBLEMS = "too-many-problems"
SCORE_CODES: tuple[str, ...] = (
    RELEASE,
    PREDICTION_SYNTAX,
    PREDICTION_FIELDS,
    PREDICTION_TYPE,
    UNKNOWN_LABEL,
    UNKNOWN_ID,
    DUPLICATE_PREDICTION,
    PREDICTION_VALUE,
    TOO_MANY_PROBLEMS,
)
"""Every error code a Problem from ``retold score`` can carry."""
