"""The single source of truth for retold's labels, fields, thresholds and versions.

Everything else imports this module or is generated from it: the validator, the builder,
the dataset card's ``dataset_info``, the guidelines' label tables, and (later) the scorers
and the baselines' ``id2label`` maps. It is pure Python with no third-party imports, so a
scorer can use it with a light install.

Label order is frozen. A new label is appended at the end and ``SCHEMA_VERSION`` bumped;
existing integer ids never change meaning.

Offsets everywhere are indices into the Python ``str`` of the raw document text, i.e.
Unicode code points, half-open ``[start, end)``. They are *not* byte offsets and *not*
UTF-16 code units: "’" (U+2019) counts as one position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.2.0"
"""Version of the annotation format and of the release's features (semver: a minor version
adds fields or labels and still reads the files of every earlier minor version of its major
version; a major version breaks that)."""

DATASET_NAME = "retold"
DATASET_VERSION = "1.2.0"
"""Version of the released data (semver: corrections ship as a new version, old versions
are never rewritten; see CHANGELOG.md)."""


def reads_schema_version(version: str) -> bool:
    """Whether files written at schema ``version`` are read by this schema: the same major
    version and a minor version not above ``SCHEMA_VERSION``'s (a 1.0.0 standoff file has
    no nested claims and reads unchanged under 1.1.0)."""
    try:
        major, minor, _ = (int(x) for x in version.split("."))
    except ValueError:
        return False
    current_major, current_minor, _ = (int(x) for x in SCHEMA_VERSION.split("."))
    return major == current_major and minor <= current_minor

AUTHOR = "author"
"""Reserved source id: the document says the claim in its own voice (no attribution)."""

# --------------------------------------------------------------------------------------
# Stance as presented by the document.
# --------------------------------------------------------------------------------------
STANCES: tuple[str, ...] = ("asserted", "reported", "hedged", "denied")
STANCE_DEFINITIONS: dict[str, str] = {
    "asserted": "The document states the claim in its own voice, without hedging.",
    "reported": (
        "The claim is attributed to a source that asserts it; the author neither "
        "endorses nor disputes it."
    ),
    "hedged": (
        "The author or the source marks the claim as uncertain (reportedly, allegedly, "
        'may, could, appears, "seen as").'
    ),
    "denied": (
        'The source or the author says the claim is false (denies, dismisses, "is not '
        'true", "is false"). Denied wins over the other stances, and a denial belongs '
        "to the cluster of the claim it denies."
    ),
}
STANCE_PRECEDENCE: tuple[str, ...] = ("denied", "hedged", "reported", "asserted")
"""When several stances apply to one mention, the first in this tuple wins."""

# --------------------------------------------------------------------------------------
# Sources.
# --------------------------------------------------------------------------------------
SOURCE_KINDS: tuple[str, ...] = (
    "outlet",
    "news_agency",
    "person",
    "government_body",
    "armed_forces",
    "armed_group",
    "unnamed_collective",
    "unnamed_individual",
)
SOURCE_KIND_DEFINITIONS: dict[str, str] = {
    "outlet": "A named news outlet (newspaper, broadcaster, website).",
    "news_agency": "A named wire or news agency.",
    "person": "A named individual, whatever title is used for them.",
    "government_body": "A government, ministry, office or state as a collective speaker.",
    "armed_forces": "A state military or one of its commands speaking as an institution.",
    "armed_group": "A non-state armed group or coalition.",
    "unnamed_collective": 'Unnamed plural sources: "sources", "officials", "reports".',
    "unnamed_individual": 'One unnamed speaker: "a military source", "an official".',
}

# --------------------------------------------------------------------------------------
# Documents.
# --------------------------------------------------------------------------------------
GENRES: tuple[str, ...] = (
    "blog_comment_thread",
    "forum_repost_of_translation",
    "summary",
    "news_article",
    "state_media_article",
)
RIGHTS_STATUSES: tuple[str, ...] = (
    "third_party_copyright",
    "third_party_copyright_derivative",
)
RIGHTS_DEFINITIONS: dict[str, str] = {
    "third_party_copyright": (
        "Text written and owned by a third party; redistributed unchanged for research."
    ),
    "third_party_copyright_derivative": (
        "A repost, translation or summary of a third party's copyrighted text; the rights "
        "of the original's owner and of the reposter may both apply."
    ),
}

BOILERPLATE_KINDS: tuple[str, ...] = (
    "comment_thread_control",
    "image_file_name",
    "navigation",
    "related_link",
    "photo_credit",
    "attachment_notice",
    "byline",
    "dateline",
    "aggregator_residue",
)
BOILERPLATE_DEFINITIONS: dict[str, str] = {
    "comment_thread_control": 'Blog or forum controls such as "Reply", "Delete".',
    "image_file_name": "The file name of an image, left over from scraping.",
    "navigation": 'Section or navigation headings ("More on the Middle East").',
    "related_link": "The headline of a link to another article.",
    "photo_credit": "The credit line of a photograph (agency, photographer).",
    "attachment_notice": "Attachment or moderation notices ([attachment deleted by admin]).",
    "byline": "The author line.",
    "dateline": "The publication time stamp as printed by the page.",
    "aggregator_residue": 'Aggregator leftovers ("Read Entire Article", "Original Source").',
}

# --------------------------------------------------------------------------------------
# Pairs: text reuse between two claim mentions.
# --------------------------------------------------------------------------------------
REUSE_LABELS: tuple[str, ...] = ("verbatim", "near_verbatim", "paraphrase", "none")
REUSE_NEAR_VERBATIM_MIN = 0.7
"""Minimum token-LCS Dice similarity for a duplicate pair to count as near_verbatim."""
REUSE_DEFINITIONS: dict[str, str] = {
    "verbatim": "Duplicate pair whose normalised token sequences are identical (similarity 1).",
    "near_verbatim": (
        f"Duplicate pair with similarity >= {REUSE_NEAR_VERBATIM_MIN} but below 1."
    ),
    "paraphrase": f"Duplicate pair with similarity < {REUSE_NEAR_VERBATIM_MIN}.",
    "none": "Not a duplicate: the two mentions are in different clusters.",
}
REUSE_MEASURE = (
    "Both spans are normalised with Unicode NFKC and lower-cased (Python's str.lower), then "
    "split into word tokens: the matches of the regular expression \\w+ in Python, i.e. runs "
    "of characters for which str.isalnum() is true, and the underscore. Every other "
    "character only separates tokens; that includes punctuation and the straight and "
    "curly quotation marks and apostrophes ' ‘ ’ \" “ ”, so quote style never changes the "
    "tokens: \"Iran’s\" and \"Iran's\" both give iran, s. The similarity is the Dice "
    "coefficient of the longest common token subsequence: "
    "2 * LCS(a, b) / (len(a) + len(b)), 1.0 for two empty sequences."
)

# --------------------------------------------------------------------------------------
# Contrast set: minimally edited copies of claim mentions (annotations/CONTRAST.md).
# --------------------------------------------------------------------------------------
CONTRAST_EDIT_TYPES: tuple[str, ...] = (
    "asserted_to_reported",
    "reported_to_asserted",
    "reported_to_hedged",
    "hedged_to_reported",
    "asserted_to_hedged",
    "hedged_to_asserted",
    "to_denied_lexical",
    "to_denied_nonlexical",
    "denied_to_reported",
    "denial_reworded",
    "distractor_denial_word",
    "distractor_attribution_word",
    "distractor_hedge_word",
    "source_changed",
    "chain_added",
    "chain_removed",
)
CONTRAST_EDIT_DEFINITIONS: dict[str, str] = {
    "asserted_to_reported": "A source and a cue are added: the author's claim becomes reported.",
    "reported_to_asserted": "The source and cue are removed: the document now asserts the claim.",
    "reported_to_hedged": "A hedge is added to a reported claim; the attribution is unchanged.",
    "hedged_to_reported": "The hedge is replaced by a source and a cue.",
    "asserted_to_hedged": "A hedge is added to a claim the author asserts.",
    "hedged_to_asserted": "The hedge is removed: the author asserts the claim.",
    "to_denied_lexical": (
        "A source now says the claim is false, with a denial word (deny, dismiss, reject, "
        'refute, false, untrue, "not true", baseless).'
    ),
    "to_denied_nonlexical": (
        "A source now says the claim is false without any denial word (\"is wrong\", "
        '"never happened", an answer that the contrary holds).'
    ),
    "denied_to_reported": "The denial becomes a confirmation: the source now asserts the claim.",
    "denial_reworded": (
        "The claim stays denied, but a denial word is replaced by other words (or the reverse)."
    ),
    "distractor_denial_word": (
        "A denial word is added that does not deny the claim; every label stays as it was."
    ),
    "distractor_attribution_word": (
        "An attribution word is added that does not attribute the claim; labels stay."
    ),
    "distractor_hedge_word": (
        "A hedge-like word is added that does not hedge the claim; labels stay."
    ),
    "source_changed": "The immediate source is replaced by another one; the stance stays.",
    "chain_added": "A link is added to the attribution chain (a nested attribution).",
    "chain_removed": "A link is removed from a chain of two or more links.",
}
CONTRAST_PAIR_EDIT_TYPES: tuple[str, ...] = (
    "hard_negative_time",
    "hard_negative_actor",
    "hard_negative_place",
    "hard_negative_quantity",
    "hard_negative_scope",
    "hard_negative_action",
    "hard_positive_paraphrase",
    "hard_positive_restructure",
    # Added in dataset 1.2.0 (appended, so the class ids above keep their values).
    "hard_negative_polarity",
    "same_alias",
    "same_synonym",
    "same_word_order",
    "same_translation",
    "same_frame",
    "different_paraphrase_actor",
    "different_paraphrase_place",
    "different_paraphrase_quantity",
    "different_paraphrase_time",
    "different_paraphrase_action",
    "different_paraphrase_scope",
    "different_paraphrase_polarity",
)
CONTRAST_PAIR_EDIT_DEFINITIONS: dict[str, str] = {
    "hard_negative_time": "Near-identical wording, another time: a different proposition.",
    "hard_negative_actor": "Near-identical wording, another actor or affected party.",
    "hard_negative_place": "Near-identical wording, another place or destination.",
    "hard_negative_quantity": "Near-identical wording, another number or amount.",
    "hard_negative_scope": (
        "Near-identical wording, a narrower or broader claim whose truth differs."
    ),
    "hard_negative_action": "Near-identical wording, another action or state.",
    "hard_positive_paraphrase": (
        "Other words (synonyms, names for the same entity), same proposition."
    ),
    "hard_positive_restructure": (
        "Other structure (voice, word order, nominalisation), same proposition."
    ),
    "hard_negative_polarity": (
        "Near-identical wording, negated (or a negation removed): the contrary proposition."
    ),
    "same_alias": (
        "Near-identical wording, another name for the same entity (Tehran for Iran, the IRGC "
        "for the Revolutionary Guards, Quds Forces for Quds Force): same proposition."
    ),
    "same_synonym": "Near-identical wording, a synonym for one word or phrase: same proposition.",
    "same_word_order": (
        "The same words in another order (the two items of a list, a time phrase moved to the "
        "front): same proposition."
    ),
    "same_translation": (
        "Near-identical wording, another rendering: spelling, transliteration or date format "
        "(Fuad/Fouad, Sweida/Es-Suwayda, advisors/advisers): same proposition."
    ),
    "same_frame": (
        "Near-identical wording, another frame around the same fact: tense or aspect (has "
        "begun/began), reported-speech backshift (would/will), a hedge added or removed "
        "(reportedly): same proposition."
    ),
    "different_paraphrase_actor": (
        "Other words or structure, and another actor or affected party (also by swapping two "
        "roles): a different proposition."
    ),
    "different_paraphrase_place": "Other words or structure, and another place.",
    "different_paraphrase_quantity": "Other words or structure, and another number or amount.",
    "different_paraphrase_time": "Other words or structure, and another time.",
    "different_paraphrase_action": "Other words or structure, and another action or state.",
    "different_paraphrase_scope": (
        "Other words or structure, and a narrower or broader claim whose truth differs."
    ),
    "different_paraphrase_polarity": "Other words or structure, and the contrary proposition.",
}
CONTRAST_PAIR_EDIT_CELLS: dict[str, tuple[bool, bool]] = {
    **{t: (False, True) for t in CONTRAST_PAIR_EDIT_TYPES if t.startswith("hard_negative_")},
    **{t: (True, False) for t in CONTRAST_PAIR_EDIT_TYPES if t.startswith("hard_positive_")},
    **{t: (True, True) for t in CONTRAST_PAIR_EDIT_TYPES if t.startswith("same_")},
    **{t: (False, False) for t in CONTRAST_PAIR_EDIT_TYPES if t.startswith("different_")},
}
"""What each pair edit type must be: ``(duplicate, high overlap)``, where high overlap means
a similarity (``REUSE_MEASURE``) of at least ``REUSE_NEAR_VERBATIM_MIN`` between the natural
mention and the edited text. The four combinations are the 2x2 design of the contrast pairs
(``annotations/CONTRAST.md`` Part 2): both labels at both overlap levels, so that surface
overlap alone cannot tell a duplicate."""
CONTRAST_HARD_NEGATIVE_PREFIX = "hard_negative_"
CONTRAST_HARD_POSITIVE_PREFIX = "hard_positive_"

PAIR_OVERLAP_MEASURE = (
    "The surface overlap of a contrast pair is its `similarity` column: the token-LCS Dice "
    "similarity of `claim_text` and `edited_text`, measured exactly as the `similarity` of "
    "the `pairs` config (normalised word tokens; see the reuse labels)."
)
HIGH_OVERLAP_MIN = 0.7
"""A contrast pair has high surface overlap iff its similarity is >= this (the boundary at
which release 1.1 built every hard negative above and every hard positive below)."""
PAIR_CELLS: tuple[str, ...] = ("same_high", "same_low", "different_high", "different_low")
"""The 2x2 design of ``contrast_pairs``: {same, different proposition} x {high, low overlap}.
Frozen order (the ``cell`` column's class ids)."""
PAIR_CELL_DEFINITIONS: dict[str, str] = {
    "same_high": f"Same proposition (duplicate), similarity >= {HIGH_OVERLAP_MIN}.",
    "same_low": f"Same proposition (duplicate), similarity < {HIGH_OVERLAP_MIN}.",
    "different_high": f"Different proposition, similarity >= {HIGH_OVERLAP_MIN}.",
    "different_low": f"Different proposition, similarity < {HIGH_OVERLAP_MIN}.",
}


def pair_cell(duplicate: bool, similarity: float) -> str:
    """The 2x2 cell of a contrast pair, from its gold ``duplicate`` and its ``similarity``
    (the exact double-precision value, as ``reuse`` labels are decided)."""
    high = similarity >= HIGH_OVERLAP_MIN
    return PAIR_CELLS[(0 if duplicate else 2) + (0 if high else 1)]


PROBE_CHECK_FROM = "1.2.0"
"""The artefact probes (``retold.validate.probes``) refuse a contrast set they solve from
this ``DATASET_VERSION`` on; below it the build computes and releases their scores but
does not fail (release 1.1's contrast set is solved by them: issue 14)."""


def probe_check_enforced(dataset_version: str | None = None) -> bool:
    """Whether the build refuses a contrast set that an artefact probe solves: true when
    ``dataset_version`` (default ``DATASET_VERSION``) is at least ``PROBE_CHECK_FROM``."""
    def key(version: str) -> tuple[int, ...]:
        return tuple(int(x) for x in version.split("."))
    return key(dataset_version or DATASET_VERSION) >= key(PROBE_CHECK_FROM)

# --------------------------------------------------------------------------------------
# Tokens: BIO layers.
# --------------------------------------------------------------------------------------
BIO_TAGS: tuple[str, ...] = ("O", "B", "I")
TOKEN_LAYERS: tuple[str, ...] = ("claim", "source", "cue", "nested_claim")
"""The BIO layers of the ``tokens`` config, each written to the field ``<layer>_tags``.

``claim`` holds the top-level claims and ``nested_claim`` the claims nested inside another
claim (``parent_claim_id`` set). A claim nests at most one level deep, so two claim layers
hold every claim; the validator refuses a claim nested in a nested claim."""
TOKEN_PATTERN = r"\w+|[^\w\s]"
"""Regular expression that splits text into tokens (words, and single punctuation marks).

Boundaries of boilerplate spans are forced token breaks (see ``retold.text.tokens``), so glued
scraping residue such as "ReplyDeleteAmong" yields the tokens "ReplyDelete" and "Among"."""

# --------------------------------------------------------------------------------------
# Protocol: 5-fold leave-one-document-out.
# --------------------------------------------------------------------------------------
SPLIT = "test"
"""The corpus is an evaluation set: every config has one split, ``test``."""
PROTOCOL = "leave-one-document-out"
PROTOCOL_DESCRIPTION = (
    "One fold per document. In fold k the document whose `fold` is k is held out for "
    "testing and the others may be used for training and model selection (contrast edits "
    "of document k included). A row's `fold` is the fold in which it is a test item. Each "
    "pair is scored once: its `fold` is the fold of claim_id_a's document, so the model "
    "trained without that document predicts it; in fold k, training pairs are those with "
    "neither side in document k. The official scores (`retold score`) pool the "
    "out-of-fold predictions of all folds, one per item, and give 95% bootstrap "
    "confidence intervals; they are not means over folds. Per-fold figures are reported "
    "only where they are defined (a fold with no positive item has no F1 or AP). "
    "`duplicated`, `clusters` and `retrieval` are also reported on the items whose cluster "
    "is new to their fold (no two of its mentions lie in the fold's training documents), "
    "next to the overall figure; see docs/metrics.md."
)

# --------------------------------------------------------------------------------------
# Release configs: fields and their types.
# --------------------------------------------------------------------------------------
# A type is one of:
#   "string" | "int32" | "float32" | "bool"
#   ("class_label", names)  ("list", inner_type)  ("struct", ((name, type), ...))


@dataclass(frozen=True)
class Field:
    """One column of a release config."""

    name: str
    dtype: Any
    description: str
    analysis_only: bool = False
    """Metadata that gives a label away (how an edit was made, the original's labels): for
    analysis only, never a model input. The card lists these columns."""


SPAN_STRUCT = ("struct", (("start", "int32"), ("end", "int32"), ("kind", "string")))
CHAIN_LINK_STRUCT = (
    "struct",
    (
        ("source", "string"),
        ("source_start", "int32"),
        ("source_end", "int32"),
        ("cue_start", "int32"),
        ("cue_end", "int32"),
    ),
)


@dataclass(frozen=True)
class Config:
    """One release config (one Parquet file and one ``configs`` entry of the card)."""

    name: str
    description: str
    fields: tuple[Field, ...]
    sort_key: tuple[str, ...]
    primary_key: tuple[str, ...] = field(default=())
    model_inputs: tuple[str, ...] = field(default=())
    """The fields a benchmark model may read of a test item of this config (its id and its
    text); every other field is gold or metadata (:meth:`held_out_fields`)."""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def held_out_fields(self) -> tuple[str, ...]:
        """The gold and metadata fields: what no model may see of a test item."""
        return tuple(n for n in self.field_names if n not in self.model_inputs)


_ATTRIBUTION_FIELDS: tuple[Field, ...] = (
    Field("source", "string", f'Immediate source id, or "{AUTHOR}".'),
    Field(
        "source_chain",
        ("list", "string"),
        "Source ids, outermost first and immediate source last; empty if unattributed.",
    ),
    Field("source_start", "int32", "Start of the immediate source's span, or -1."),
    Field("source_end", "int32", "End of the immediate source's span, or -1."),
    Field("cue_start", "int32", "Start of the immediate attribution cue, or -1."),
    Field("cue_end", "int32", "End of the immediate attribution cue, or -1."),
    Field("source_text", "string", "Covered text of the source span, or empty."),
    Field("cue_text", "string", "Covered text of the cue span, or empty."),
)
"""The attribution columns shared by ``claims`` and ``contrast`` (offsets into the row's
text: the document's for ``claims``, the edited passage's for ``contrast``)."""


CONFIGS: tuple[Config, ...] = (
    Config(
        name="documents",
        model_inputs=("doc_id", "text"),
        description="The documents, byte for byte, with metadata and boilerplate spans.",
        sort_key=("doc_id",),
        primary_key=("doc_id",),
        fields=(
            Field("doc_id", "string", "Stable document id."),
            Field("source_file", "string", "The original file name of the seed."),
            Field("text", "string", "The raw text, unchanged (boilerplate included)."),
            Field("outlet", "string", "The outlet, as far as the text shows it."),
            Field("genre", ("class_label", GENRES), "Genre of the document."),
            Field("language", "string", "BCP-47 language tag of the text."),
            Field("published", "string", "ISO 8601 date shown by the text, or empty."),
            Field("url", "string", "URL where known, or empty."),
            Field("relays", ("list", "string"), "Source ids of the outlets it relays."),
            Field("rights", ("class_label", RIGHTS_STATUSES), "Rights status of the text."),
            Field("sha256", "string", "SHA-256 of the UTF-8 bytes of `text`."),
            Field("boilerplate", ("list", SPAN_STRUCT), "Boilerplate spans and their kinds."),
            Field("fold", "int32", "Fold in which this document is the test document."),
        ),
    ),
    Config(
        name="claims",
        model_inputs=("claim_id", "doc_id", "start", "end", "text"),
        description="One row per claim mention.",
        sort_key=("doc_id", "start", "end", "claim_id"),
        primary_key=("claim_id",),
        fields=(
            Field(
                "claim_id",
                "string",
                "Stable claim-mention id (`004-c001`): given once when the claim is "
                "annotated, never renumbered or reused; ids need not follow text order.",
            ),
            Field("doc_id", "string", "Document of the mention."),
            Field("start", "int32", "Start offset (code points) of the claim span."),
            Field("end", "int32", "End offset (exclusive) of the claim span."),
            Field("text", "string", "Covered text of the claim span."),
            Field(
                "parent_claim_id",
                "string",
                "The claim this mention is nested in (its span lies inside the parent's "
                'span, as a gloss inside the claim it glosses), or "" for a top-level claim. '
                "Claims nest one level deep at most, and never cross.",
            ),
            Field("cluster_id", "string", "Cluster of mentions stating the same proposition."),
            Field("stance", ("class_label", STANCES), "Stance as presented by the document."),
            *_ATTRIBUTION_FIELDS,
            Field(
                "chain",
                ("list", CHAIN_LINK_STRUCT),
                "Every link of the chain with its source and cue spans (-1 when absent).",
            ),
            Field("attributed", "bool", f'source != "{AUTHOR}".'),
            Field("denied", "bool", "stance == denied."),
            Field("duplicated", "bool", "The cluster has another mention anywhere in the corpus."),
            Field("fold", "int32", "Fold in which this mention is a test item."),
        ),
    ),
    Config(
        name="clusters",
        description="Claim clusters: mentions that state the same proposition.",
        sort_key=("cluster_id",),
        primary_key=("cluster_id",),
        fields=(
            Field("cluster_id", "string", "Stable cluster id."),
            Field("proposition", "string", "One canonical sentence stating the proposition."),
            Field("claim_ids", ("list", "string"), "Its mentions, sorted."),
            Field("doc_ids", ("list", "string"), "Documents it occurs in, sorted."),
        ),
    ),
    Config(
        name="sources",
        description="The source registry: one id per real source across documents.",
        sort_key=("source_id",),
        primary_key=("source_id",),
        fields=(
            Field("source_id", "string", "Normalised source id."),
            Field("name", "string", "Canonical name."),
            Field("aliases", ("list", "string"), "Spellings, transliterations and titles seen."),
            Field("kind", ("class_label", SOURCE_KINDS), "Kind of source."),
        ),
    ),
    Config(
        name="pairs",
        model_inputs=("claim_id_a", "claim_id_b", "doc_id_a", "doc_id_b"),
        description="Every unordered pair of claim mentions, within and across documents.",
        sort_key=("claim_id_a", "claim_id_b"),
        primary_key=("claim_id_a", "claim_id_b"),
        fields=(
            Field("claim_id_a", "string", "The smaller claim id of the pair."),
            Field("claim_id_b", "string", "The larger claim id of the pair."),
            Field("doc_id_a", "string", "Document of claim a."),
            Field("doc_id_b", "string", "Document of claim b."),
            Field("same_doc", "bool", "Both mentions are in one document."),
            Field("duplicate", "bool", "Both mentions are in the same cluster."),
            Field("reuse", ("class_label", REUSE_LABELS), "Surface reuse class (see card).",
                  analysis_only=True),
            Field("similarity", "float32", "Token-LCS Dice similarity of the two spans."),
            Field("contradiction", "bool", "Same cluster, and exactly one side is denied.",
                  analysis_only=True),
            Field("fold", "int32", "Fold in which the pair is scored: that of claim a's document."),
        ),
    ),
    Config(
        name="tokens",
        description="One row per sentence: tokens, offsets and BIO tags per layer.",
        sort_key=("doc_id", "start"),
        primary_key=("sentence_id",),
        fields=(
            Field(
                "sentence_id",
                "string",
                "Stable sentence id: the document id up to its first hyphen, `-t` and the "
                "sentence's start offset in five digits (`004-t01282`). It is derived from "
                "the text, not from the sentence's position, so adding or removing a claim "
                "never renames another sentence; a claim that crosses a candidate split "
                "point joins two sentences under the first one's id.",
            ),
            Field("doc_id", "string", "Document of the sentence."),
            Field("start", "int32", "Start offset of the sentence."),
            Field("end", "int32", "End offset of the sentence."),
            Field("tokens", ("list", "string"), "Tokens."),
            Field("token_starts", ("list", "int32"), "Start offset of each token."),
            Field("token_ends", ("list", "int32"), "End offset of each token."),
            Field("claim_tags", ("list", ("class_label", BIO_TAGS)),
                  "BIO tags of top-level claim spans (claims with an empty parent_claim_id)."),
            Field("source_tags", ("list", ("class_label", BIO_TAGS)), "BIO tags of source spans."),
            Field("cue_tags", ("list", ("class_label", BIO_TAGS)), "BIO tags of cue spans."),
            Field("nested_claim_tags", ("list", ("class_label", BIO_TAGS)),
                  "BIO tags of nested claim spans: claims inside another claim's span "
                  "(parent_claim_id set), a second layer over the same tokens, so a token "
                  "can be I of a claim and B or I of a claim nested in it."),
            Field("fold", "int32", "Fold in which this sentence is a test item."),
        ),
    ),
    Config(
        name="contrast",
        model_inputs=("contrast_id", "text", "start", "end", "claim_text"),
        description=(
            "Contrast set for stance and attribution: one row per minimally edited copy of a "
            "claim mention's passage, with full gold labels (annotations/CONTRAST.md)."
        ),
        sort_key=("contrast_id",),
        primary_key=("contrast_id",),
        fields=(
            Field("contrast_id", "string", "Stable id of the edit (never reused)."),
            Field("original_claim_id", "string", "The natural claim mention that was edited."),
            Field("doc_id", "string", "Document of the original mention."),
            Field("edit_type", ("class_label", CONTRAST_EDIT_TYPES), "What the edit changes.",
                  analysis_only=True),
            Field("rule", "string", "Id of the rule in CONTRAST.md that the edit follows.",
                  analysis_only=True),
            Field("text", "string", "The edited passage (a sentence or a paragraph)."),
            Field("start", "int32", "Start offset (code points) of the claim span in `text`."),
            Field("end", "int32", "End offset (exclusive) of the claim span in `text`."),
            Field("claim_text", "string", "Covered text of the claim span."),
            Field("stance", ("class_label", STANCES), "Stance as presented by the edited passage."),
            *_ATTRIBUTION_FIELDS,
            Field(
                "chain",
                ("list", CHAIN_LINK_STRUCT),
                "Every link of the chain with its source and cue spans in `text` (-1 when absent).",
            ),
            Field("attributed", "bool", f'source != "{AUTHOR}".'),
            Field("denied", "bool", "stance == denied."),
            Field("original_text", "string", "The unedited passage, as in the document."),
            Field("passage_start", "int32", "Start of the unedited passage in the document."),
            Field("passage_end", "int32", "End of the unedited passage in the document."),
            Field(
                "original_stance",
                ("class_label", STANCES),
                "Stance of the original mention (the claims config).",
                analysis_only=True,
            ),
            Field("original_source", "string", "Immediate source of the original mention.",
                  analysis_only=True),
            Field("fold", "int32", "Fold of the original mention's document."),
        ),
    ),
    Config(
        name="contrast_pairs",
        model_inputs=("pair_id", "claim_id", "claim_text", "edited_text"),
        description=(
            "Contrast set for duplication: a natural claim mention paired with an edited claim "
            "text that states the same proposition (hard positive) or, in near-identical "
            "words, another one (hard negative)."
        ),
        sort_key=("pair_id",),
        primary_key=("pair_id",),
        fields=(
            Field("pair_id", "string", "Stable id of the pair (never reused)."),
            Field("claim_id", "string", "The natural claim mention."),
            Field("doc_id", "string", "Document of the natural mention."),
            Field("cluster_id", "string", "Cluster of the natural mention."),
            Field("claim_text", "string", "Covered text of the natural mention."),
            Field("edited_text", "string", "The edited claim text."),
            Field(
                "duplicate",
                "bool",
                "The edited text states the natural mention's proposition (same cluster).",
            ),
            Field(
                "edit_type",
                ("class_label", CONTRAST_PAIR_EDIT_TYPES),
                "What the edit changes.",
                analysis_only=True,
            ),
            Field("rule", "string", "Id of the rule in CONTRAST.md that the edit follows.",
                  analysis_only=True),
            Field("similarity", "float32",
                  "Token-LCS Dice similarity of the two texts: the pair's surface overlap.",
                  analysis_only=True),
            Field("fold", "int32", "Fold of the natural mention's document."),
            Field(
                "cell",
                ("class_label", PAIR_CELLS),
                "Cell of the 2x2 design: same or different proposition (`duplicate`) x high "
                f"(similarity >= {HIGH_OVERLAP_MIN}) or low surface overlap.",
                analysis_only=True,
            ),
        ),
    ),
)
CONFIG_NAMES: tuple[str, ...] = tuple(c.name for c in CONFIGS)


def get_config(name: str) -> Config:
    """Return the release config called ``name``; raise ``KeyError`` naming the known ones."""
    for config in CONFIGS:
        if config.name == name:
            return config
    raise KeyError(f"unknown config {name!r}; known configs: {', '.join(CONFIG_NAMES)}")


def label_named(labels_name: str, label: str) -> str:
    """``label``, checked to be in the label tuple of this module called ``labels_name``.

    Code that needs one particular label looks it up by name with this, never by unpacking
    or indexing the tuple by position, so appending a label (the way labels grow) breaks
    nothing. A renamed or removed label fails at import time with a message naming both.
    """
    labels = globals().get(labels_name)
    if not (isinstance(labels, tuple) and all(isinstance(x, str) for x in labels)):
        raise LookupError(f"retold.schema has no label tuple called {labels_name!r}")
    if label not in labels:
        raise LookupError(f"retold.schema.{labels_name} has no label {label!r}; its labels "
                          f"are {', '.join(labels)}. Labels are appended, never renamed "
                          "or removed.")
    return label


def id2label(labels: tuple[str, ...]) -> dict[int, str]:
    """The ``id2label`` map of a label tuple, in frozen order."""
    return dict(enumerate(labels))


def label2id(labels: tuple[str, ...]) -> dict[str, int]:
    """The ``label2id`` map of a label tuple, in frozen order."""
    return {label: i for i, label in enumerate(labels)}


def encode_value(dtype: Any, value: Any) -> Any:
    """Turn a decoded value (label names) into its stored form (label ids), recursively.

    Raises ``KeyError`` for a label the schema does not know: the builder never guesses.
    """
    if isinstance(dtype, str):
        return value
    kind = dtype[0]
    if kind == "class_label":
        return label2id(tuple(dtype[1]))[value]
    if kind == "list":
        return [encode_value(dtype[1], v) for v in value]
    if kind == "struct":
        return {name: encode_value(inner, value[name]) for name, inner in dtype[1]}
    raise ValueError(f"unknown schema type {dtype!r}")


def decode_value(dtype: Any, value: Any) -> Any:
    """The inverse of ``encode_value``: label ids back to names (for golden files and tests)."""
    if isinstance(dtype, str):
        return value
    kind = dtype[0]
    if kind == "class_label":
        return dtype[1][value]
    if kind == "list":
        return [decode_value(dtype[1], v) for v in value]
    if kind == "struct":
        return {name: decode_value(inner, value[name]) for name, inner in dtype[1]}
    raise ValueError(f"unknown schema type {dtype!r}")
