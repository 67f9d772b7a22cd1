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
CLAIM_PARENT = "claim-parent"
CLAIM_NESTING_DEPTH = "claim-nesting-depth"
SPAN_OVERLAP = "span-overlap"
CROSSES_LINE = "crosses-line"
CHAIN_SOURCE_MISMATCH = "chain-source-mismatch"
EMPTY_PROPOSITION = "empty-proposition"
UNUSED_CLUSTER = "unused-cluster"
UNUSED_SOURCE = "unused-source"
NOT_TOKEN_ALIGNED = "not-token-aligned"
UNUSED_SPAN = "unused-span"
WHITESPACE_EDGE = "whitespace-edge"
EMPTY_ID = "empty-id"
FOLD_OUT_OF_RANGE = "fold-out-of-range"
DUPLICATE_FOLD = "duplicate-fold"
INVALID_DATE = "invalid-date"
INVALID_LANGUAGE = "invalid-language"
UNKNOWN_KEY = "unknown-key"
DUPLICATE_KEY = "duplicate-key"
CONVERTED_TEXT = "converted-text"
ID_REGISTRY = "id-registry"
# Contrast set (documented in ``retold.validate.contrast``).
QUOTE_NOT_FOUND = "quote-not-found"
QUOTE_AMBIGUOUS = "quote-ambiguous"
EDIT_MISMATCH = "edit-mismatch"
UNKNOWN_RULE = "unknown-rule"
BAD_ID = "bad-id"
RETIRED_ID = "retired-id"
UNKNOWN_ORIGINAL = "unknown-original"
DOC_MISMATCH = "doc-mismatch"
FOLD_MISMATCH = "fold-mismatch"
PASSAGE_MISMATCH = "passage-mismatch"
STANCE_SOURCE_MISMATCH = "stance-source-mismatch"
EDIT_TYPE_MISMATCH = "edit-type-mismatch"
PAIR_LABEL_MISMATCH = "pair-label-mismatch"
PAIR_SURFACE = "pair-surface"
STALE_STANDOFF = "stale-standoff"

CONTRAST_CODES: tuple[str, ...] = (
    QUOTE_NOT_FOUND,
    QUOTE_AMBIGUOUS,
    EDIT_MISMATCH,
    UNKNOWN_RULE,
    BAD_ID,
    RETIRED_ID,
    UNKNOWN_ORIGINAL,
    DOC_MISMATCH,
    FOLD_MISMATCH,
    PASSAGE_MISMATCH,
    STANCE_SOURCE_MISMATCH,
    EDIT_TYPE_MISMATCH,
    PAIR_LABEL_MISMATCH,
    PAIR_SURFACE,
    STALE_STANDOFF,
)
"""The codes only the contrast-set checks use (``retold.validate.contrast``, run by
``retold validate``, and the validation of ``retold build``, after the natural annotations
pass). They also
report ``shape``, ``missing-file``, ``id-registry``, ``duplicate-id``, ``unknown-label``,
``unknown-source``, ``offset-out-of-range``, ``span-text-mismatch``, ``span-overlap``,
``crosses-line``, ``chain-source-mismatch`` and ``not-token-aligned`` with the same meaning
as for natural annotations."""

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
    CLAIM_PARENT,
    CLAIM_NESTING_DEPTH,
    SPAN_OVERLAP,
    CROSSES_LINE,
    CHAIN_SOURCE_MISMATCH,
    EMPTY_PROPOSITION,
    UNUSED_CLUSTER,
    UNUSED_SOURCE,
    NOT_TOKEN_ALIGNED,
    UNUSED_SPAN,
    ID_REGISTRY,
    WHITESPACE_EDGE,
    EMPTY_ID,
    FOLD_OUT_OF_RANGE,
    DUPLICATE_FOLD,
    INVALID_DATE,
    INVALID_LANGUAGE,
    UNKNOWN_KEY,
    DUPLICATE_KEY,
    CONVERTED_TEXT,
)
"""Every error code a Problem from ``validate`` can carry."""

# Error codes of the other commands (build, export, import, render, predict), not of
# ``validate``.
UNSAFE_OUTPUT = "unsafe-output"
"""The output folder exists and is not safe to write (not empty, not a previous release)."""
NOT_EXPORTABLE = "not-exportable"
"""export: an annotation the format cannot represent (a chain link without a source mention);
the export stops rather than drop it."""
UNKNOWN_FORMAT = "unknown-format"
"""export/import: a format name the command does not know."""
MISSING_DEPENDENCY = "missing-dependency"
"""export/render: a library of the ``kit`` extra is not installed."""
ANCHOR = "anchor"
"""anchor: a draft line that cannot be anchored (quote not found or ambiguous, bad id)."""
RELEASE = "release"
"""score and readers of the release: a release file is missing, unreadable or not as
``SHA256SUMS`` and the schema say."""
UNREADABLE_INPUT = "unreadable-input"
"""predict: an input text that cannot be annotated (empty, binary, not UTF-8, too large, a
repeated id, a bad manifest field), or a detectors folder that is not as written."""
COMMAND_CODES: tuple[str, ...] = (UNSAFE_OUTPUT, NOT_EXPORTABLE, UNKNOWN_FORMAT,
                                  MISSING_DEPENDENCY, ANCHOR, RELEASE, UNREADABLE_INPUT)
"""Error codes a Problem from a command other than ``validate`` can carry (besides the
validator's ``shape``, ``missing-file``, ``unknown-document`` and ``missing-annotation``)."""

# Error codes of ``retold score``'s format checker (``retold.score.formats``), which also
# reports ``unknown-label``, ``duplicate-key`` and ``release``.
PREDICTION_SYNTAX = "prediction-syntax"
"""The predictions file cannot be read (missing, not a regular file, too large), or a line is
not one JSON object (too long, nested too deeply, invalid JSON)."""
NO_PREDICTIONS = "no-predictions"
"""The predictions file, or the records given, hold no line: nothing to score."""
PREDICTION_FIELDS = "prediction-fields"
"""A predictions line lacks a field of its task or has one it does not know."""
PREDICTION_TYPE = "prediction-type"
"""A field has the wrong JSON type."""
UNKNOWN_ID = "unknown-id"
"""An id that is not in the release's gold for the task: an error, never skipped."""
DUPLICATE_PREDICTION = "duplicate-prediction"
"""The same item is predicted twice (a pair scored twice included)."""
PREDICTION_VALUE = "prediction-value"
"""A value out of its range (a span outside the text, a ranking with the query in it)."""
TOO_MANY_PROBLEMS = "too-many-problems"
"""More than 100 problems: the rest are counted, not listed."""
SCORE_CODES: tuple[str, ...] = (PREDICTION_SYNTAX, DUPLICATE_KEY, NO_PREDICTIONS,
                                PREDICTION_FIELDS, PREDICTION_TYPE, UNKNOWN_LABEL, UNKNOWN_ID,
                                DUPLICATE_PREDICTION, PREDICTION_VALUE, RELEASE,
                                TOO_MANY_PROBLEMS)
"""Every code a Problem from ``retold score``'s format checker can carry."""
