"""The benchmark tasks, each declared once: what a model gets, what it predicts, how it is scored.

Everything else (the format checker, the scorers, ``retold score``, the ``evaluate`` metric
modules under ``metrics/``, the tables of ``docs/metrics.md``, the baselines' prediction
files and leaderboard) reads these declarations; nothing else spells out a task's fields,
its scores, its subsets, its scorer family, its leaderboard columns or its agreement figure
(tests/test_tasks_declared_once.py looks for per-task tables elsewhere).

A task has a natural subset and may have a contrast subset (its own gold items, scored with
``--subset contrast``) and a new-proposition subset (a part of the natural items, reported
in the natural result under its ``_new`` keys). Each ``Subset`` gives its key, fields,
configs, scores, intervals, resampling unit and real example lines, which the tests score
against the committed release. ``Task.rules_version`` versions each task's scoring rules.

A prediction file is JSON Lines, one object per item, with exactly the fields of the
subset (``Task.fields`` for the natural one). A field's ``kind`` says what a valid value is:

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

from retold.schema import PAIR_CELLS, STANCES

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
NEW = "new"
SUBSETS: tuple[str, ...] = (NATURAL, CONTRAST)
"""The subsets ``retold score --subset`` scores: each has gold items of its own."""
SUBSET_NAMES: tuple[str, ...] = (NATURAL, CONTRAST, NEW)
"""Every kind of subset a task may declare; ``new`` is a part of the natural items, scored
within the natural result (its ``_new`` keys), not a ``--subset`` of its own."""

MENTIONS = "mentions"
PAIRS = "pairs"
PARTITION = "partition"
RANKING = "ranking"
SPANS = "spans"
FAMILIES: tuple[str, ...] = (MENTIONS, PAIRS, PARTITION, RANKING, SPANS)
"""Scorer families (``retold.score.scorers``): one per kind of prediction, shared by tasks."""


@dataclass(frozen=True)
class PredictionField:
    """One field of a prediction line."""

    name: str
    kind: str
    description: str
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A task's main yes/no decision: the field a line gives it in, and the value that
    means yes. Its precision, recall and F1 and ``contrast_consistency`` judge it."""

    name: str
    """The prefix of the decision's score keys (``<name>_precision``, ...)."""
    field: str
    positive: Any
    negative: Any
    """The value a missing prediction of a positive item is scored as (a wrong decision;
    a missing prediction of a negative item is scored as ``positive``)."""


@dataclass(frozen=True)
class Subset:
    """One subset of a task's items: what its lines hold and how it is scored."""

    name: str
    description: str
    items: str
    """The release config whose rows are the subset's items."""
    key: tuple[str, ...]
    """The fields that identify the gold item a line predicts (one line per item)."""
    fields: tuple[PredictionField, ...]
    """Every field of a line of this subset; the key fields come first."""
    configs: tuple[str, ...]
    """The release configs the scorer reads for this subset."""
    main_score: str
    scores: tuple[str, ...]
    """Every score key of this subset (``retold score --json``), main score first."""
    ci_scores: tuple[str, ...]
    """The scores given a bootstrap confidence interval (main score first)."""
    resampled: str
    """The bootstrap's resampling unit, and why."""
    examples: tuple[dict[str, Any], ...]
    """Lines of real items of this subset (documented, and scored by the tests against
    the committed release)."""
    part_of: str = ""
    """Empty: scored with ``--subset <name>``. Otherwise the subset whose result reports
    these scores (``new``: the ``_new`` keys of the natural result)."""
    with_natural_lines: bool = False
    """The subset's predictions file also holds the natural lines of the originals
    (contrast rows of ``attributed`` and ``denied``)."""
    consistency: str = ""
    """What ``contrast_consistency`` counts, where the subset reports it."""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def example(self) -> dict[str, Any]:
        return self.examples[0]

    @property
    def selectable(self) -> bool:
        """Whether ``retold score --subset`` scores it on its own."""
        return not self.part_of


@dataclass(frozen=True)
class Task:
    """One benchmark task, declared once. Its natural subset is what ``fields``, ``key``,
    ``scores`` and the other shortcuts below read."""

    name: str
    input: str
    output: str
    family: str
    """The scorer family (``FAMILIES``) that loads, checks and scores its lines."""
    main_score: str
    higher_is_better: bool
    trivial: str
    """The trivial predictor whose score is printed beside the model's (FNC-1's 'null')."""
    natural: Subset
    second_score: str
    """The score the leaderboard shows beside the main one."""
    agreement_scores: tuple[str, ...]
    """The score keys of this task's agreement result (one model-made annotation read
    scored against the other by this task's scorer) that the leaderboard shows beside it."""
    rules_version: int
    """The scoring rules' version of this task: bumped whenever any of its numbers could
    change (a rule, a metric, a default, the code that computes them); ``retold score
    --json`` records it as ``scoring_rules_version``, and tests/test_scoring_rules.py
    fails when a number moves without a bump."""
    contrast: Subset | None = None
    new: Subset | None = None
    """The new-proposition subset: the items whose cluster is new to their fold."""
    decision: Decision | None = None
    aligned: bool = True
    """True: one prediction per gold item, missing items counted as wrong. False: a free
    set of predicted spans (``claims``, ``end2end``), where a gold span without a matching
    prediction is a false negative."""

    def __post_init__(self) -> None:
        problems = []
        if self.family not in FAMILIES:
            problems.append(f"family {self.family!r} is not one of {FAMILIES}")
        if self.family == MENTIONS and self.decision is None:
            problems.append("a mentions task classifies by its decision: declare one")
        for subset in self.subsets.values():
            where = f"{subset.name} subset"
            if subset.key != subset.field_names[:len(subset.key)]:
                problems.append(f"{where}: the key fields must come first")
            if subset.main_score != subset.scores[0] or subset.ci_scores[:1] != (
                    subset.main_score,):
                problems.append(f"{where}: the main score must come first")
            if not set(subset.ci_scores) <= set(subset.scores):
                problems.append(f"{where}: an interval for an undeclared score")
            for line in subset.examples:
                if tuple(line) != subset.field_names:
                    problems.append(f"{where}: example {line} has not the subset's fields")
        if self.natural.main_score != self.main_score:
            problems.append("the natural main score is the task's")
        if self.contrast is not None and self.contrast.main_score != self.main_score:
            problems.append("the contrast main score is the task's")
        if self.new is not None and (self.new.part_of != NATURAL
                                     or not set(self.new.scores) <= set(self.scores)):
            problems.append("the new subset's scores are part of the natural result")
        for score in (self.second_score, *self.agreement_scores):
            if score not in self.scores:
                problems.append(f"{score!r} is not a natural score")
        if self.decision is not None and (
                self.decision.field not in self.field_names
                or f"{self.decision.name}_f1" not in self.scores):
            problems.append(f"decision {self.decision} is not a field with F1 scores")
        if problems:
            raise ValueError(f"task {self.name!r}: " + "; ".join(problems))

    @property
    def subsets(self) -> dict[str, Subset]:
        """The declared subsets by name, natural first."""
        return {s.name: s for s in (self.natural, self.contrast, self.new) if s is not None}

    def subset(self, name: str) -> Subset:
        """The subset called ``name``; ``KeyError`` naming the task's subsets otherwise."""
        try:
            return self.subsets[name]
        except KeyError:
            raise KeyError(f"task {self.name!r} has no {name!r} subset; it has: "
                           f"{', '.join(self.subsets)}") from None

    @property
    def fields(self) -> tuple[PredictionField, ...]:
        return self.natural.fields

    @property
    def key(self) -> tuple[str, ...]:
        return self.natural.key

    @property
    def configs(self) -> tuple[str, ...]:
        return self.natural.configs

    @property
    def scores(self) -> tuple[str, ...]:
        return self.natural.scores

    @property
    def ci_scores(self) -> tuple[str, ...]:
        return self.natural.ci_scores

    @property
    def resampled(self) -> str:
        return self.natural.resampled

    @property
    def example(self) -> dict[str, Any]:
        return self.natural.example

    @property
    def field_names(self) -> tuple[str, ...]:
        return self.natural.field_names

    @property
    def has_contrast(self) -> bool:
        return self.contrast is not None

    @property
    def leaderboard_columns(self) -> tuple[str, ...]:
        """The scores of the task's leaderboard table, in order: main, second, and the
        new-proposition subset's main score where the task has that subset."""
        return (self.main_score, self.second_score,
                *((self.new.main_score,) if self.new is not None else ()))

    def field(self, name: str) -> PredictionField:
        """The natural field called ``name``; ``KeyError`` otherwise."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"task {self.name!r} has no field {name!r}")

    def fields_for(self, subset: str) -> tuple[PredictionField, ...]:
        return self.subset(subset).fields

    def key_for(self, subset: str) -> tuple[str, ...]:
        return self.subset(subset).key

    def scores_for(self, subset: str) -> tuple[str, ...]:
        return self.subset(subset).scores

    def ci_scores_for(self, subset: str) -> tuple[str, ...]:
        return self.subset(subset).ci_scores

    def resampled_for(self, subset: str) -> str:
        return self.subset(subset).resampled


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
_MENTIONS_RESAMPLED = ("claim mentions (one prediction per mention; mentions drawn with "
                       "replacement)")
_CONTRAST_ROWS_RESAMPLED = ("contrast rows (scores) and original claims with all their edits "
                            "(contrast_consistency), drawn with replacement")
_CONTRAST_ROWS = ("Minimally edited copies of natural claims (`contrast` config); the file "
                  "also holds the natural lines (`claim_id`) of their originals, whose own "
                  "predictions count for `contrast_consistency` (natural lines of other "
                  "claims are checked, not scored).")
_ORIGINALS_CONSISTENT = ("originals whose own prediction and every edit's prediction are "
                         "right")
_NEW_CLAIMS = ("Claim mentions whose cluster is new to their fold (no two of its mentions "
               "in the fold's training documents; `retold.score.protocol`).")

_ATTRIBUTED_SCORES = (
    "attributed_f1", "attributed_precision", "attributed_recall",
    *prf_keys("source_span", "_exact"), *prf_keys("source_span", "_overlap"),
    per_fold("attributed_f1"),
)

ATTRIBUTED = Task(
    name="attributed",
    input="A gold claim span in its document.",
    output="Whether the claim is attributed, and the span of its immediate source (or none).",
    family=MENTIONS,
    main_score="attributed_f1",
    higher_is_better=True,
    trivial="every claim attributed, with no source span",
    decision=Decision("attributed", "attributed", True, False),
    natural=Subset(
        name=NATURAL,
        description="Every gold claim mention (`claims` config).",
        items="claims",
        key=("claim_id",),
        fields=(_CLAIM_ID, *_SOURCE_FIELDS),
        configs=("documents", "claims"),
        main_score="attributed_f1",
        scores=_ATTRIBUTED_SCORES,
        ci_scores=("attributed_f1", "attributed_precision", "attributed_recall",
                   "source_span_f1_exact", "source_span_f1_overlap"),
        resampled=_MENTIONS_RESAMPLED,
        examples=({"claim_id": "000-c001", "attributed": True, "source_start": 119,
                   "source_end": 126},),
    ),
    contrast=Subset(
        name=CONTRAST,
        description=_CONTRAST_ROWS,
        items="contrast",
        key=("contrast_id",),
        fields=(_CONTRAST_ID, *_SOURCE_FIELDS),
        configs=("documents", "claims", "contrast"),
        main_score="attributed_f1",
        scores=(*_ATTRIBUTED_SCORES, *_CONTRAST_EXTRA),
        ci_scores=("attributed_f1", "source_span_f1_exact", "contrast_consistency"),
        resampled=_CONTRAST_ROWS_RESAMPLED,
        examples=({"contrast_id": "x-0001", "attributed": False, "source_start": -1,
                   "source_end": -1},
                  {"contrast_id": "x-0002", "attributed": True, "source_start": 124,
                   "source_end": 131}),
        with_natural_lines=True,
        consistency=_ORIGINALS_CONSISTENT,
    ),
    second_score="source_span_f1_overlap",
    agreement_scores=("attributed_f1", "source_span_f1_overlap"),
    rules_version=1,
)

_DENIED_SCORES = (
    "denied_f1", "denied_precision", "denied_recall", "stance_macro_f1", "stance_accuracy",
    *STANCE_CLASS_KEYS, "stance_confusion_matrix", per_fold("denied_f1"),
)

DENIED = Task(
    name="denied",
    input="A gold claim span in its document.",
    output="The claim's stance as presented (asserted, reported, hedged, denied).",
    family=MENTIONS,
    main_score="denied_f1",
    higher_is_better=True,
    trivial="every claim denied",
    decision=Decision("denied", "stance", "denied", "asserted"),
    natural=Subset(
        name=NATURAL,
        description="Every gold claim mention (`claims` config).",
        items="claims",
        key=("claim_id",),
        fields=(_CLAIM_ID, _STANCE),
        configs=("documents", "claims"),
        main_score="denied_f1",
        scores=_DENIED_SCORES,
        ci_scores=("denied_f1", "denied_precision", "denied_recall", "stance_macro_f1"),
        resampled=_MENTIONS_RESAMPLED,
        examples=({"claim_id": "004-c003", "stance": "denied"},),
    ),
    contrast=Subset(
        name=CONTRAST,
        description=_CONTRAST_ROWS,
        items="contrast",
        key=("contrast_id",),
        fields=(_CONTRAST_ID, _STANCE),
        configs=("documents", "claims", "contrast"),
        main_score="denied_f1",
        scores=(*_DENIED_SCORES, *_CONTRAST_EXTRA, "stance_consistency"),
        ci_scores=("denied_f1", "stance_macro_f1", "contrast_consistency"),
        resampled=_CONTRAST_ROWS_RESAMPLED,
        examples=({"contrast_id": "x-0003", "stance": "denied"},
                  {"contrast_id": "x-0001", "stance": "asserted"}),
        with_natural_lines=True,
        consistency=_ORIGINALS_CONSISTENT,
    ),
    second_score="stance_macro_f1",
    agreement_scores=("denied_f1", "stance_macro_f1", "stance_accuracy"),
    rules_version=1,
)

_PAIR_SCORES = ("average_precision", *prf_keys("pair"))
_PAIR_FIELDS = (
    PredictionField("claim_id_a", ID, "The smaller claim id of the pair (pairs config)."),
    PredictionField("claim_id_b", ID, "The larger claim id of the pair."),
    *_PAIR_DECISION,
)
_PAIRS_RESAMPLED = ("pairs grouped by their claim_id_a mention: a drawn mention brings all "
                    "its pairs as claim_id_a, so every pair is in exactly one group and the "
                    "pairs that share their first mention stay together")

OVERLAP_LEVELS: tuple[str, ...] = ("high", "low")
PAIR_CELL_SCORES: tuple[str, ...] = (
    *(f"average_precision_{level}_overlap" for level in OVERLAP_LEVELS),
    *(f"accuracy_{cell}" for cell in PAIR_CELLS),
)
"""The contrast pairs' 2x2 design (``schema.PAIR_CELLS``): AP within each overlap level
(each cell holds one label, so AP is defined per level, where both labels meet), and the
decision accuracy in each cell; None where a level lacks a label or a cell is empty."""

DUPLICATED = Task(
    name="duplicated",
    input="A pair of gold claim mentions (claim_id_a < claim_id_b), within or across documents.",
    output="A score that ranks the pair (higher: more likely duplicate) and a decision.",
    family=PAIRS,
    main_score="average_precision",
    higher_is_better=True,
    trivial="the same score for every pair, every pair a duplicate",
    decision=Decision("pair", "duplicate", True, False),
    natural=Subset(
        name=NATURAL,
        description="Every pair of gold claim mentions (`pairs` config), each scored once.",
        items="pairs",
        key=("claim_id_a", "claim_id_b"),
        fields=_PAIR_FIELDS,
        configs=("documents", "claims", "pairs"),
        main_score="average_precision",
        scores=(
            *_PAIR_SCORES,
            "average_precision_within", "pair_f1_within", "average_precision_cross",
            "pair_f1_cross",
            *REUSE_RECALL_KEYS,
            "average_precision_new", "pair_f1_new", "pair_recall_new",
            "average_precision_seen", "pair_f1_seen", "pair_recall_seen",
            "n_positive", "n_positive_new", "n_positive_seen", per_fold("average_precision"),
        ),
        ci_scores=("average_precision", "pair_f1", "average_precision_new", "pair_f1_new",
                   "average_precision_seen"),
        resampled=_PAIRS_RESAMPLED,
        examples=({"claim_id_a": "000-c001", "claim_id_b": "001-c002", "score": 0.93,
                   "duplicate": True},),
    ),
    contrast=Subset(
        name=CONTRAST,
        description=("A natural mention against a minimally edited text (`contrast_pairs` "
                     "config)."),
        items="contrast_pairs",
        key=("pair_id",),
        fields=(PredictionField("pair_id", ID, "A pair id of the `contrast_pairs` config."),
                *_PAIR_DECISION),
        configs=("documents", "contrast_pairs"),
        main_score="average_precision",
        scores=(*_PAIR_SCORES, "n_positive", per_fold("average_precision"), *_CONTRAST_EXTRA,
                *PAIR_CELL_SCORES),
        ci_scores=("average_precision", "pair_f1", "contrast_consistency"),
        resampled=("contrast pairs grouped by their natural mention (claim_id); the same "
                   "groups for contrast_consistency"),
        examples=({"pair_id": "p-0001", "score": 0.12, "duplicate": False},
                  {"pair_id": "p-0004", "score": 0.87, "duplicate": True}),
        consistency="natural mentions whose contrast pairs all get the right decision",
    ),
    new=Subset(
        name=NEW,
        description=("The duplicate pairs whose cluster is new to the pair's fold, ranked "
                     "against every non-duplicate pair (`retold.score.protocol`)."),
        items="pairs",
        key=("claim_id_a", "claim_id_b"),
        fields=_PAIR_FIELDS,
        configs=("documents", "claims", "pairs"),
        main_score="average_precision_new",
        scores=("average_precision_new", "pair_f1_new", "pair_recall_new", "n_positive_new"),
        ci_scores=("average_precision_new", "pair_f1_new"),
        resampled=_PAIRS_RESAMPLED,
        examples=({"claim_id_a": "000-c004", "claim_id_b": "004-c016", "score": 0.81,
                   "duplicate": True},),
        part_of=NATURAL,
    ),
    second_score="pair_f1",
    agreement_scores=("pair_f1",),
    rules_version=2,
)

_CLUSTER_FIELDS = (_CLAIM_ID,
                   PredictionField("cluster", STRING, "Any label; mentions with equal labels "
                                                      "form a predicted cluster."))
_CLUSTERS_RESAMPLED = ("gold clusters: a cluster drawn k times enters as k disjoint copies "
                       "of its mentions, each with the predicted partition restricted to "
                       "that copy")

CLUSTERS = Task(
    name="clusters",
    input="All gold claim mentions.",
    output="A cluster label per mention; only the partition matters, not the labels.",
    family=PARTITION,
    main_score="conll_f1",
    higher_is_better=True,
    trivial="every mention its own cluster",
    natural=Subset(
        name=NATURAL,
        description="Every gold claim mention (`claims` config), as one partition.",
        items="claims",
        key=("claim_id",),
        fields=_CLUSTER_FIELDS,
        configs=("documents", "claims"),
        main_score="conll_f1",
        scores=(
            "conll_f1", *COREF_KEYS, "ari",
            "conll_f1_new", "muc_f1_new", "b3_f1_new", "ceafe_f1_new", "ari_new",
            "n_items_new",
        ),
        ci_scores=("conll_f1", "muc_f1", "b3_f1", "ceafe_f1", "conll_f1_new"),
        resampled=_CLUSTERS_RESAMPLED,
        examples=({"claim_id": "000-c001", "cluster": "evacuation"},),
    ),
    new=Subset(
        name=NEW,
        description=_NEW_CLAIMS + " Both partitions are restricted to these mentions.",
        items="claims",
        key=("claim_id",),
        fields=_CLUSTER_FIELDS,
        configs=("documents", "claims"),
        main_score="conll_f1_new",
        scores=("conll_f1_new", "muc_f1_new", "b3_f1_new", "ceafe_f1_new", "ari_new",
                "n_items_new"),
        ci_scores=("conll_f1_new",),
        resampled=_CLUSTERS_RESAMPLED,
        examples=({"claim_id": "000-c004", "cluster": "advisers-stay"},),
        part_of=NATURAL,
    ),
    second_score="b3_f1",
    agreement_scores=("conll_f1", "b3_f1"),
    rules_version=1,
)

_RETRIEVAL_FIELDS = (_CLAIM_ID,
                     PredictionField("ranking", ID_LIST, "Claim ids of other documents, best "
                                                         "first, each at most once."))
_QUERIES_RESAMPLED = "queries (claim mentions with a duplicate in another document)"

RETRIEVAL = Task(
    name="retrieval",
    input="A claim mention of the held-out document (the query).",
    output="The claims of the other documents, ranked best first (a prefix may be given).",
    family=RANKING,
    main_score="map",
    higher_is_better=True,
    trivial="every candidate ranked in a seeded random order",
    natural=Subset(
        name=NATURAL,
        description=("Every gold claim mention with a duplicate in another document (a "
                     "query; lines for other claims are counted in `unscored_queries`)."),
        items="claims",
        key=("claim_id",),
        fields=_RETRIEVAL_FIELDS,
        configs=("documents", "claims"),
        main_score="map",
        scores=(
            "map", "recall_at_1", "recall_at_5", "map_new", "recall_at_1_new",
            "recall_at_5_new", "n_queries", "n_queries_new", "unscored_queries",
            per_fold("map"),
        ),
        ci_scores=("map", "recall_at_1", "recall_at_5", "map_new"),
        resampled=_QUERIES_RESAMPLED,
        examples=({"claim_id": "002-c001", "ranking": ["000-c001", "001-c002", "003-c001"]},),
    ),
    new=Subset(
        name=NEW,
        description=_NEW_CLAIMS.replace("Claim mentions", "Queries"),
        items="claims",
        key=("claim_id",),
        fields=_RETRIEVAL_FIELDS,
        configs=("documents", "claims"),
        main_score="map_new",
        scores=("map_new", "recall_at_1_new", "recall_at_5_new", "n_queries_new"),
        ci_scores=("map_new",),
        resampled=_QUERIES_RESAMPLED,
        examples=({"claim_id": "000-c004", "ranking": ["004-c016", "001-c002"]},),
        part_of=NATURAL,
    ),
    second_score="recall_at_5",
    agreement_scores=(),
    rules_version=1,
)

_SPAN_SCORES = (*prf_keys("span", "_exact"), *prf_keys("span", "_overlap"))
_SENTENCES_RESAMPLED = ("sentences (tokens config): a span belongs to the sentence where it "
                        "starts, and a drawn sentence brings its matches, misses and false "
                        "alarms")
_DOCUMENT_TEXTS = ("Every document's text (`documents` config); the gold spans are every "
                   "claim of the `claims` config, nested claims included.")

CLAIMS = Task(
    name="claims",
    input="The raw text of a document.",
    output="Claim spans, one line per predicted span.",
    family=SPANS,
    main_score="span_f1_exact",
    higher_is_better=True,
    trivial="every sentence one claim span",
    natural=Subset(
        name=NATURAL,
        description=_DOCUMENT_TEXTS,
        items="claims",
        key=("doc_id", "start", "end"),
        fields=_SPAN_FIELDS,
        configs=("documents", "claims", "tokens"),
        main_score="span_f1_exact",
        scores=("span_f1_exact", "span_precision_exact", "span_recall_exact",
                "span_f1_overlap", "span_precision_overlap", "span_recall_overlap",
                "n_gold", "n_predicted", per_fold("span_f1_exact")),
        ci_scores=("span_f1_exact", "span_f1_overlap"),
        resampled=_SENTENCES_RESAMPLED,
        examples=({"doc_id": "000-blog-thread", "start": 0, "end": 82},),
    ),
    second_score="span_f1_overlap",
    agreement_scores=("span_f1_exact", "span_f1_overlap"),
    rules_version=1,
    aligned=False,
)

_E2E_SCORES = tuple(
    f"{what}_span_{m}_{mode}" for what in ("attributed", "denied") for mode in ("exact", "overlap")
    for m in ("f1", "precision", "recall"))

END2END = Task(
    name="end2end",
    input="The raw text of a document.",
    output="Claim spans, each flagged attributed and/or denied.",
    family=SPANS,
    main_score="attributed_span_f1_exact",
    higher_is_better=True,
    trivial="every sentence one claim span, flagged attributed and denied",
    natural=Subset(
        name=NATURAL,
        description=_DOCUMENT_TEXTS,
        items="claims",
        key=("doc_id", "start", "end"),
        fields=(*_SPAN_FIELDS,
                PredictionField("attributed", BOOL, "The claim is attributed to a source."),
                PredictionField("denied", BOOL, "The claim is presented as denied.")),
        configs=("documents", "claims", "tokens"),
        main_score="attributed_span_f1_exact",
        scores=(*_E2E_SCORES, *_SPAN_SCORES, "n_gold", "n_predicted",
                per_fold("attributed_span_f1_exact")),
        ci_scores=("attributed_span_f1_exact", "attributed_span_f1_overlap",
                   "denied_span_f1_exact", "denied_span_f1_overlap"),
        resampled=_SENTENCES_RESAMPLED,
        examples=({"doc_id": "004-state-media", "start": 12, "end": 43, "attributed": True,
                   "denied": True},),
    ),
    second_score="denied_span_f1_overlap",
    agreement_scores=("attributed_span_f1_overlap", "span_f1_overlap"),
    rules_version=1,
    aligned=False,
)

TASKS: dict[str, Task] = {t.name: t for t in (
    ATTRIBUTED, DENIED, DUPLICATED, CLUSTERS, RETRIEVAL, CLAIMS, END2END)}
"""Every task by name, in the order of the documentation and the leaderboard."""
TASK_NAMES: tuple[str, ...] = tuple(TASKS)


def get_task(name: str) -> Task:
    """The task called ``name``; ``KeyError`` naming the known tasks otherwise."""
    try:
        return TASKS[name]
    except KeyError:
        raise KeyError(f"unknown task {name!r}; known tasks: {', '.join(TASK_NAMES)}") from None

