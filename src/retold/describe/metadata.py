"""The release's descriptive metadata, stated once: the card, Croissant and CITATION.cff use it.

The card's YAML (``describe.card``), ``croissant.json`` (``describe.croissant``) and the
citation files (``describe.citation``) all read these constants, so the three cannot say
different things about the licence, the creators, the tasks or how to cite the dataset.
Values in the Hub's controlled vocabularies (creators, multilinguality, task categories
and ids, size categories) are checked in the tests against pinned copies of the Hub's
accepted lists (``tests/fixtures/hub/``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retold.schema import DATASET_NAME, DATASET_VERSION, SCHEMA_VERSION, get_config

PRETTY_NAME = "retold: claims, attribution and duplication across retellings of one news report"
SUMMARY = (
    "A small evaluation corpus of English texts that retell one news report (The New York "
    "Times, 6 December 2024: Iran was evacuating military personnel from Syria). Every claim "
    "is annotated with its span, its attribution chain (source and cue spans), its stance as "
    "presented (asserted, reported, hedged, denied) and its cluster of mentions that state the "
    "same proposition. The benchmark tasks are detecting attributed, denied and duplicated "
    "claims."
)
AUTHORS = "retold contributors"
"""Who made and maintains the dataset (an entity, not a person's name)."""
YEAR = "2026"
"""The year of the current dataset version, for the citation."""

ANNOTATION_MODEL = "Anthropic's Claude"
"""The model that made every label (``annotations_creators: machine-generated``)."""

LICENSE = "other"
LICENSE_NAME = "retold-data-license"
"""The Hub's ``other``: annotations CC BY 4.0, texts third-party (see ``LICENSE-DATA.md``)."""
LICENSE_LINK = "LICENSE-DATA.md"
ANNOTATIONS_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
TEXTS_RIGHTS = (
    "The document texts are third-party copyrighted news text, redistributed unchanged for "
    "research on claims and attribution; they are not covered by CC BY 4.0 (see "
    f"{LICENSE_LINK})."
)

LANGUAGE: tuple[str, ...] = ("en",)
LANGUAGE_CREATORS: tuple[str, ...] = ("found",)
"""The texts were found as published (some read as machine-translated or machine-written:
their origin is unknown, so nothing more specific is claimed)."""
ANNOTATIONS_CREATORS: tuple[str, ...] = ("machine-generated",)
MULTILINGUALITY: tuple[str, ...] = ("monolingual",)
SOURCE_DATASETS: tuple[str, ...] = ("original",)
TASK_CATEGORIES: tuple[str, ...] = ("text-classification", "token-classification")
TASK_IDS: tuple[str, ...] = (
    "multi-class-classification",
    "semantic-similarity-classification",
    "coreference-resolution",
)
TAGS: tuple[str, ...] = ("claim-detection", "attribution", "stance",
                         "cross-document-coreference", "text-reuse", "news")
DEFAULT_CONFIG = "claims"
"""The config ``load_dataset`` opens when no config name is given."""
SIZE_CONFIG = "claims"
"""The size category counts claim mentions: the annotated unit, not the derived pairs."""

SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"),
)
"""Upper bounds (exclusive) of the Hub's size categories used here, smallest first."""

USE_CASES: tuple[str, ...] = (
    "Evaluating detectors of attributed claims (who says a claim, through which chain).",
    "Evaluating detectors of denied claims (a source or the author says a claim is false).",
    "Evaluating detectors of duplicated claims across retellings of one report "
    "(cross-document proposition matching, text reuse).",
    "Studying how a report is relayed, hedged and denied across genres.",
)
OUT_OF_SCOPE: tuple[str, ...] = (
    "Fact-checking: the stance is the stance the document presents, not whether a claim "
    "is true.",
    "Training large models: the corpus is a handful of documents about one story; it is an "
    "evaluation set with a leave-one-document-out protocol.",
    "Claims about human annotation quality: every label was made by an AI model.",
    "Any use of the third-party texts beyond research on claims and attribution.",
)
LIMITATIONS: tuple[str, ...] = (
    f"All labels were made by an AI model ({ANNOTATION_MODEL}); scores against them measure "
    "agreement with one model's reading of the guidelines, and the agreement between two "
    "reads by the same model is no human ceiling.",
    "Scores on so few items need confidence intervals, and they will be wide.",
    "The texts' origin is known only as far as the texts show it.",
)
BIASES: tuple[str, ...] = (
    "The documents relay one Western newspaper's report, with one piece built around the "
    "Iranian government's denial; they are not a balanced sample of coverage.",
    "Some texts read as machine-translated or machine-written, which shapes their wording.",
    "One AI model made both annotation reads, so its systematic readings are shared by both.",
)
PERSONAL_INFORMATION = (
    "The texts name public figures (officials, spokespeople) and news organisations as "
    "sources of claims about a military and diplomatic event. Blog comments and a forum "
    "post are included as published, with no user names in the texts. No other personal "
    "data was collected."
)
DATA_COLLECTION = (
    "documents were supplied to the project as seed files and are kept byte for byte (their "
    "SHA-256 is checked on every build); their genre, outlet and rights status are recorded "
    "in the documents config. Nothing was cleaned: boilerplate is annotated as spans."
)
"""Completed by ``data_collection``, which puts the document count in front."""


def number_words(n: int) -> str:
    """Small counts in words for prose ("two documents"), digits beyond ten."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def data_collection(n_docs: int) -> str:
    """How the texts were collected, counting the documents of this release."""
    return f"The {number_words(n_docs)} {DATA_COLLECTION}"


def limitations(n_docs: int) -> tuple[str, ...]:
    """The limitations, the first counting the documents of this release."""
    return (f"{number_words(n_docs).capitalize()} documents, one story, one week, English "
            "only.", *LIMITATIONS)
ANNOTATION_PROTOCOL = (
    f"Every label was made by an AI language model ({ANNOTATION_MODEL}), not by people. A "
    "first read was made by the model working as the project's engineer; a second, "
    "independent read by a separate instance of the same model that saw only the "
    "guidelines, the raw texts and the schema. The first annotator adjudicated every "
    "difference and logged each decision. Agreement between the two reads is reported in "
    "the card."
)


def size_category(counts: Mapping[str, int]) -> str:
    """The Hub's size category of the ``SIZE_CONFIG`` row count (claim mentions)."""
    get_config(SIZE_CONFIG)  # fails loudly if the schema renames the config
    n = counts[SIZE_CONFIG]
    for bound, name in SIZE_CATEGORIES:
        if n < bound:
            return name
    raise ValueError(f"{n} {SIZE_CONFIG} rows: add the next size category")


def version_key() -> str:
    """The BibTeX key of the current version (``retold010`` for 0.1.0)."""
    return DATASET_NAME + DATASET_VERSION.replace(".", "")


def bibtex() -> str:
    """The BibTeX entry of the current dataset version (no trailing newline)."""
    return "\n".join((
        f"@misc{{{version_key()},",
        f"  title  = {{{PRETTY_NAME}}},",
        f"  author = {{{{{AUTHORS}}}}},",
        f"  year   = {{{YEAR}}},",
        f"  note   = {{Dataset version {DATASET_VERSION}, schema version {SCHEMA_VERSION}}}",
        "}",
    ))


def bullet_list(items: Sequence[str]) -> str:
    """Markdown bullets, one per item."""
    return "\n".join(f"- {item}" for item in items)


VERSIONING_POLICY = (
    "The dataset and the schema each have a semantic version (`MAJOR.MINOR.PATCH`), both "
    "stated in the card, in `croissant.json` and in `CITATION.cff`. The **schema version** "
    "changes when the annotation format or the release's features change: a new label, "
    "field or config is a minor version, a removed or re-typed one a major version. The "
    "**dataset version** changes when the data changes: a correction is a patch or minor "
    "version, a change of the protocol or of the meaning of a label a major version. "
    "Corrections ship as new versions; a released version is never rewritten; a "
    "`claim_id`, `cluster_id`, `doc_id`, `sentence_id` or source id is never reused for "
    "something else, and a removed id stays retired. Every change is listed in "
    "`CHANGELOG.md` of the source repository."
)
