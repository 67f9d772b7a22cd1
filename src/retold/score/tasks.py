"""The benchmark tasks, each declared once: what a model gets, what it predicts, how it is scored.

Everything else (the format checker, the scorers, ``retold score``, the ``evaluate`` metric
modules under ``metrics/``, the tables of ``docs/metrics.md``) reads these declarations;
nothing else spells out a task's fields, its main score or the configs it reads.

A prediction file is JSON Lines, one object per item, with exactly the fields of
``Task.fields`` (``Task.contrast_fields`` for the contrast rows). A field's ``kind`` says
what a valid value is:

``id``       a string that must be a gold id (claim id, pair side, document id, contrast id)
``bool``     JSON ``true`` or ``false`` (not 0/1, not a string)
``offset``   a JSON integer; ``-1`` means "none" where the field allows it
``number``   a finite JSON number (integer or float; not a boolean)
``label``    a string from ``PredictionField.labels``
``string``   any string
``id_list``  a list of strings, each a gold id
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retold.schema import STANCES

ID = "id"
BOOL = "bool"
OFFSET = "offset"
NUMBER = "number"
LABEL = "label"
STRING = "string"
ID_LIST = "id_list"
FIELD_KINDS: tuple[str, ...] = (ID, BOOL, OFFSET, NUMBER, LABEL, STRING, ID_LIST)

NATURAL = "natural"
CONTRAST = "contrast"
SUBSETS: tuple[str, ...] = (NATURAL, CONTRAST)


@dataclass(frozen=True)
class PredictionField:
    """One field of a prediction line."""

    name: str
    kind: str
    description: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Task:
    """One benchmark task, declared once."""

    name: str
    input: str
    output: str
    fields: tuple[PredictionField, ...]
    """Every field of a natural prediction line; the key fields come first."""
    key: tuple[str, ...]
    """The fields that identify the gold item a line predicts (one line per item)."""
    main_score: str
    higher_is_better: bool
    configs: tuple[str, ...]
    """The release configs the scorer reads for the natural subset."""
    scores: tuple[str, ...]
    """Every score key of the natural subset (``retold score --json``), main score first."""
    ci_scores: tuple[str, ...]
    """The scores given a bootstrap confidence interval (main score first)."""
    resampled: str
    """The bootstrap's resampling unit, and why."""
    trivial: str
    """The trivial predictor whose score is printed beside the model's (FNC-1's 'null')."""
    example: dict[str, Any]
    """One natural prediction line (documented, and checked by the tests)."""
    aligned: bool = True
    """True: one prediction per gold item, missing items counted as wrong. False: a free
    set of predicted spans (``claims``, ``end2end``), where a gold span without a matching
    prediction is a false negative."""
    contrast_key: tuple[str, ...] = ()
    contrast_fields: tuple[PredictionField, ...] = ()
    contrast_configs: tuple[str, ...] = ()
    contrast_scores: tuple[str, ...] = ()
    contrast_ci_scores: tuple[str, ...] = ()
    contrast_resampled: str = ""
    contrast_example: dict[str, Any] | None = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def has_contrast(self) -> bool:
        return bool(self.contrast_key)

    def fields_for(self, subset: str) -> tuple[PredictionField, ...]:
        return self.contrast_fields if subset == CONTRAST else self.fields

    def key_for(self, subset: str) -> tuple[str, ...]:
        return self.contrast_key if subset == CONTRAST else self.key

    def scores_for(self, subset: str) -> tuple[str, ...]:
        return self.contrast_scores if subset == CONTRAST else self.scores

    def ci_scores_for(self, subset: str) -> tuple[str, ...]:
        return self.contrast_ci_scores if subset == CONTRAST else self.ci_scores

    def resampled_for(self, subset: str) -> str:
        return self.contrast_resampled if subset == CONTRAST else self.resampled


def prf_keys(prefix: str, suffix: str = "") -> tuple[str, ...]:
    """``(prefix_precision, prefix_recall, prefix_f1)`` with an optional suffix on each."""
    return tuple(f"{prefix}_{m}{suffix}" for m in ("precision", "recall", "f1"))


def per_fold(key: str) -> str:
    """The key of a score's per-fold list (one value per fold; null where undefined)."""
    return f"{key}_per_fold"


STANCE_CLASS_KEYS: tuple[str, ...] = tuple(
    k for label in STANCES for k in prf_keys(f"stance_{label}"))
REUSE_RECALL_KEYS: tuple[str, ...] = tuple(
    f"recall_{r}" for r in ("verbatim", "near_verbatim", "paraphrase"))
"""Recall at the ``duplicate`` decision per reuse class of the gold pair (``schema.REUSE_LABELS``
without ``none``)."""
COREF_METRICS: tuple[str, ...] = ("muc", "b3", "ceafe")
COREF_KEYS: tuple[str, ...] = tuple(k for m in COREF_METRICS for k in prf_keys(m))

_CLAIM_ID = PredictionField("claim_id", ID, "A claim id of the `claims` config.")
_CONTRAST_ID = PredictionField("contrast_id", ID, "A contrast id of the `contrast` config.")
_SOURCE_FIELDS = (
    PredictionField("attributed", BOOL, "Whether the claim is attributed to a source."),
    PredictionField("source_start", OFFSET,
                    "Start of the immediate source's span in the text, or -1 for none."),
    PredictionField("source_end", OFFSET, "End (exclusive) of that span, or -1 for none."),
)
_STANCE = PredictionField("stance", LABEL, "The stance as presented, by label name.", STANCES)
_PAIR_DECISION = (
    PredictionField("score", NUMBER, "Higher means more likely a duplicate (ranks the pairs)."),
    PredictionField("duplicate", BOOL, "The decision: the two state the same proposition."),
)
_SPAN_FIELDS = (
    PredictionField("doc_id", ID, "A doc id of the `documents` config."),
    PredictionField("start", OFFSET, "Start of the predicted claim span (code points)."),
    PredictionField("end", OFFSET, "End (exclusive) of the predicted claim span."),
)

_CONTRAST_EXTRA = ("contrast_consistency", "n_originals", "accuracy_by_edit_type")

ATTRIBUTED = Task(
    name="attributed",
    input="A gold claim span in its document.",
    output="Whether the claim is attributed, and the span of its immediate source (or none).",
    fields=(_CLAIM_ID, *_SOURCE_FIELDS),
    key=("claim_id",),
    main_score="attributed_f1",
    higher_is_better=True,
    configs=("documents", "claims"),
    scores=(
        "attributed_f1", "attributed_precision", "attributed_recall",
        *prf_keys("source_span", "_exact"), *prf_keys("source_span", "_overlap"),
        per_fold("attributed_f1"),
    ),
    ci_scores=("attributed_f1", "attributed_precision", "attributed_recall",
               "source_span_f1_exact", "source_span_f1_overlap"),
    resampled="claim mentions (one prediction per mention; mentions drawn with replacement)",
    trivial="every claim attributed, with no source span",
    example={"claim_id": "000-c001", "attributed": True, "source_start": 119,
             "source_end": 126},
    contrast_key=("contrast_id",),
    contrast_fields=(_CONTRAST_ID, *_SOURCE_FIELDS),
    contrast_configs=("documents", "claims", "contrast"),
    contrast_scores=(
        "attributed_f1", "attributed_precision", "attributed_recall",
        *prf_keys("source_span", "_exact"), *prf_keys("source_span", "_overlap"),
        per_fold("attributed_f1"), *_CONTRAST_EXTRA,
    ),
    contrast_ci_scores=("attributed_f1", "source_span_f1_exact", "contrast_consistency"),
    contrast_resampled=("contrast rows (scores) and original claims with all their edits "
                        "(contrast_consistency), drawn with replacement"),
    contrast_example={"contrast_id": "c0001", "attributed": False, "source_start": -1,
                      "source_end": -1},
)

DENIED = Task(
    name="denied",
    input="A gold claim span in its document.",
    output="The claim's stance as presented (asserted, reported, hedged, denied).",
    fields=(_CLAIM_ID, _STANCE),
    key=("claim_id",),
    main_score="denied_f1",
    higher_is_better=True,
    configs=("documents", "claims"),
    scores=(
        "denied_f1", "denied_precision", "denied_recall", "stance_macro_f1", "stance_accuracy",
        *STANCE_CLASS_KEYS, "stance_confusion_matrix", per_fold("denied_f1"),
    ),
    ci_scores=("denied_f1", "denied_precision", "denied_recall", "stance_macro_f1"),
    resampled="claim mentions (one prediction per mention; mentions drawn with replacement)",
    trivial="every claim denied",
    example={"claim_id": "004-c003", "stance": "denied"},
    contrast_key=("contrast_id",),
    contrast_fields=(_CONTRAST_ID, _STANCE),
    contrast_configs=("documents", "claims", "contrast"),
    contrast_scores=(
        "denied_f1", "denied_precision", "denied_recall", "stance_macro_f1", "stance_accuracy",
        *STANCE_CLASS_KEYS, "stance_confusion_matrix", per_fold("denied_f1"),
        *_CONTRAST_EXTRA, "stance_consistency",
    ),
    contrast_ci_scores=("denied_f1", "stance_macro_f1", "contrast_consistency"),
    contrast_resampled=("contrast rows (scores) and original claims with all their edits "
                        "(contrast_consistency), drawn with replacement"),
    contrast_example={"contrast_id": "c0001", "stance": "denied"},
)

_PAIR_SCORES = ("average_precision", *prf_keys("pair"))

DUPLICATED = Task(
    name="duplicated",
    input="A pair of gold claim mentions (claim_id_a < claim_id_b), within or across documents.",
    output="A score that ranks the pair (higher: more likely duplicate) and a decision.",
    fields=(
        PredictionField("claim_id_a", ID, "The smaller claim id of the pair (pairs config)."),
        PredictionField("claim_id_b", ID, "The larger claim id of the pair."),
        *_PAIR_DECISION,
    ),
    key=("claim_id_a", "claim_id_b"),
    main_score="average_precision",
    higher_is_better=True,
    configs=("documents", "claims", "pairs"),
    scores=(
        *_PAIR_SCORES,
        "average_precision_within", "pair_f1_within", "average_precision_cross", "pair_f1_cross",
        *REUSE_RECALL_KEYS,
        "average_precision_new", "pair_f1_new", "pair_recall_new",
        "average_precision_seen", "pair_f1_seen", "pair_recall_seen",
        "n_positive", "n_positive_new", "n_positive_seen", per_fold("average_precision"),
    ),
    ci_scores=("average_precision", "pair_f1", "average_precision_new", "pair_f1_new",
               "average_precision_seen"),
    resampled=("pairs grouped by their claim_id_a mention: a drawn mention brings all its "
               "pairs as claim_id_a, so every pair is in exactly one group and the pairs "
               "that share their first mention stay together"),
    trivial="the same score for every pair, every pair a duplicate",
    example={"claim_id_a": "000-c001", "claim_id_b": "001-c002", "score": 0.93,
             "duplicate": True},
    contrast_key=("pair_id",),
    contrast_fields=(
        PredictionField("pair_id", ID, "A pair id of the `contrast_pairs` config."),
        *_PAIR_DECISION,
    ),
    contrast_configs=("documents", "contrast_pairs"),
    contrast_scores=(*_PAIR_SCORES, "n_positive", per_fold("average_precision"),
                     *_CONTRAST_EXTRA),
    contrast_ci_scores=("average_precision", "pair_f1", "contrast_consistency"),
    contrast_resampled=("contrast pairs grouped by their natural mention (claim_id); the "
                        "same groups for contrast_consistency"),
    contrast_example={"pair_id": "p0001", "score": 0.12, "duplicate": False},
)

CLUSTERS = Task(
    name="clusters",
    input="All gold claim mentions.",
    output="A cluster label per mention; only the partition matters, not the labels.",
    fields=(_CLAIM_ID,
            PredictionField("cluster", STRING, "Any label; mentions with equal labels form a "
                                               "predicted cluster.")),
    key=("claim_id",),
    main_score="conll_f1",
    higher_is_better=True,
    configs=("documents", "claims"),
    scores=(
        "conll_f1", *COREF_KEYS, "ari",
        "conll_f1_new", "muc_f1_new", "b3_f1_new", "ceafe_f1_new", "ari_new", "n_items_new",
    ),
    ci_scores=("conll_f1", "muc_f1", "b3_f1", "ceafe_f1", "conll_f1_new"),
    resampled=("gold clusters: a cluster drawn k times enters as k disjoint copies of its "
               "mentions, each with the predicted partition restricted to that copy"),
    trivial="every mention its own cluster",
    example={"claim_id": "000-c001", "cluster": "evacuation"},
)

RETRIEVAL = Task(
    name="retrieval",
    input="A claim mention of the held-out document (the query).",
    output="The claims of the other documents, ranked best first (a prefix may be given).",
    fields=(_CLAIM_ID,
            PredictionField("ranking", ID_LIST, "Claim ids of other documents, best first, "
                                                "each at most once.")),
    key=("claim_id",),
    main_score="map",
    higher_is_better=True,
    configs=("documents", "claims"),
    scores=(
        "map", "recall_at_1", "recall_at_5", "map_new", "recall_at_1_new", "recall_at_5_new",
        "n_queries", "n_queries_new", "unscored_queries", per_fold("map"),
    ),
    ci_scores=("map", "recall_at_1", "recall_at_5", "map_new"),
    resampled="queries (claim mentions with a duplicate in another document)",
    trivial="every candidate ranked in a seeded random order",
    example={"claim_id": "002-c001", "ranking": ["000-c001", "001-c002", "003-c001"]},
)

_SPAN_SCORES = (*prf_keys("span", "_exact"), *prf_keys("span", "_overlap"))

CLAIMS = Task(
    name="claims",
    input="The raw text of a document.",
    output="Claim spans, one line per predicted span.",
    fields=_SPAN_FIELDS,
    key=("doc_id", "start", "end"),
    main_score="span_f1_exact",
    higher_is_better=True,
    configs=("documents", "claims", "tokens"),
    scores=("span_f1_exact", "span_precision_exact", "span_recall_exact",
            "span_f1_overlap", "span_precision_overlap", "span_recall_overlap",
            "n_gold", "n_predicted", per_fold("span_f1_exact")),
    ci_scores=("span_f1_exact", "span_f1_overlap"),
    resampled=("sentences (tokens config): a span belongs to the sentence where it starts, "
               "and a drawn sentence brings its matches, misses and false alarms"),
    trivial="every sentence one claim span",
    example={"doc_id": "000-blog-thread", "start": 0, "end": 82},
    aligned=False,
)

_E2E_SCORES = tuple(
    f"{what}_span_{m}_{mode}" for what in ("attributed", "denied") for mode in ("exact", "overlap")
    for m in ("f1", "precision", "recall"))

END2END = Task(
    name="end2end",
    input="The raw text of a document.",
    output="Claim spans, each flagged attributed and/or denied.",
    fields=(*_SPAN_FIELDS,
            PredictionField("attributed", BOOL, "The claim is attributed to a source."),
            PredictionField("denied", BOOL, "The claim is presented as denied.")),
    key=("doc_id", "start", "end"),
    main_score="attributed_span_f1_exact",
    higher_is_better=True,
    configs=("documents", "claims", "tokens"),
    scores=(*_E2E_SCORES, *_SPAN_SCORES, "n_gold", "n_predicted",
            per_fold("attributed_span_f1_exact")),
    ci_scores=("attributed_span_f1_exact", "attributed_span_f1_overlap",
               "denied_span_f1_exact", "denied_span_f1_overlap"),
    resampled=("sentences (tokens config): a span belongs to the sentence where it starts, "
               "and a drawn sentence brings its matches, misses and false alarms"),
    trivial="every sentence one claim span, flagged attributed and denied",
    example={"doc_id": "004-state-media", "start": 12, "end": 43, "attributed": True,
             "denied": True},
    aligned=False,
)

TASKS: dict[str, Task] = {t.name: t for t in (
    ATTRIBUTED, DENIED, DUPLICATED, CLUSTERS, RETRIEVAL, CLAIMS, END2END)}
TASK_NAMES: tuple[str, ...] = tuple(TASKS)


def get_task(name: str) -> Task:
    """The task called ``name``; ``KeyError`` naming the known tasks otherwise."""
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task {name!r}; known tasks: {', '.join(TASK_NAMES)}") from None

SCORING_RULES_VERSION = "1"
"""The version of the scoring rules (formats, metrics, bootstrap, references): bumped
whenever the same predictions and release could give a different number. Results files
record it (``retold.results``), and ``retold results check`` names it when scores differ."""
