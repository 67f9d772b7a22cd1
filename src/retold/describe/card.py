"""The dataset card (``README.md`` of the release), generated from the schema.

Nothing in the card is typed by hand: the YAML ``configs`` and ``dataset_info`` come from
``schema.CONFIGS`` through ``datasets``' own ``Features._to_yaml_list``; field and label
tables from the schema's descriptions and definitions; the statistics from
``retold.describe.stats``; the segmentation rule from ``retold.text.segment``. So the card cannot
disagree with the Parquet files or the code. It holds no dates, paths or byte sizes,
so two builds of the same input give the same bytes.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from retold.build.features import features_yaml
from retold.build.rows import Row
from retold.describe.contrast import card_section
from retold.describe.guidelines import label_tables
from retold.describe.markdown import code, table
from retold.describe.stats import Stats, format_stats
from retold.errors import InvalidInputError, Problem
from retold.io.jsonio import read_json
from retold.schema import (
    AUTHOR,
    CONFIGS,
    DATASET_NAME,
    DATASET_VERSION,
    GENRES,
    PROTOCOL,
    PROTOCOL_DESCRIPTION,
    RIGHTS_DEFINITIONS,
    RIGHTS_STATUSES,
    SCHEMA_VERSION,
    SPLIT,
)
from retold.text.segment import SEGMENTATION_RULE

AGREEMENT_FILE = "agreement.json"
LICENSE = "other"
LICENSE_NAME = "retold-data-license"
"""The Hub's ``other``: annotations CC BY 4.0, texts third-party (see ``LICENSE-DATA.md``)."""
LICENSE_LINK = "LICENSE-DATA.md"
TEMPLATES = Path(__file__).parent / "templates"
PRETTY_NAME = "retold: claims, attribution and duplication across retellings of one news report"
_SIZE_BUCKETS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                 (1_000_000, "100K<n<1M"))


def size_category(counts: Mapping[str, int]) -> str:
    """The Hub's size category of the largest config."""
    largest = max(counts.values(), default=0)
    for bound, name in _SIZE_BUCKETS:
        if largest < bound:
            return name
    return "n>1M"


def card_metadata(counts: Mapping[str, int], num_bytes: Mapping[str, int]) -> dict[str, Any]:
    """The YAML front matter: Hub metadata, ``configs`` and ``dataset_info`` per config.

    ``datasets`` ignores a split entry without ``num_bytes``, so it is given: the Arrow
    size of the table read back from its Parquet file, which is what ``datasets`` itself
    records and depends only on the data (and the pyarrow version). No ``download_size``
    or ``dataset_size``: they add nothing and would tie the card to the file encoding.
    """
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["en"],
        "license": LICENSE,
        "license_name": LICENSE_NAME,
        "license_link": LICENSE_LINK,
        "task_categories": ["text-classification", "token-classification"],
        "size_categories": [size_category(counts)],
        "tags": ["claim-detection", "attribution", "stance", "cross-document-coreference",
                 "text-reuse", "news"],
        "configs": [
            {"config_name": c.name,
             "data_files": [{"split": SPLIT, "path": f"data/{c.name}/*.parquet"}]}
            for c in CONFIGS
        ],
        "dataset_info": [
            {"config_name": c.name,
             "features": features_yaml(c.name),
             "splits": [{"name": SPLIT, "num_bytes": num_bytes[c.name],
                         "num_examples": counts[c.name]}]}
            for c in CONFIGS
        ],
    }


def dtype_text(dtype: Any) -> str:
    """A short human-readable type for the field tables."""
    if isinstance(dtype, str):
        return dtype
    kind = dtype[0]
    if kind == "class_label":
        return "class label (" + ", ".join(dtype[1]) + ")"
    if kind == "list":
        return f"list of {dtype_text(dtype[1])}"
    if kind == "struct":
        return "struct {" + ", ".join(f"{n}: {dtype_text(t)}" for n, t in dtype[1]) + "}"
    raise ValueError(f"unknown schema type {dtype!r}")


def load_agreement(annotations_dir: Path) -> dict[str, Any] | None:
    """``annotations/agreement.json`` if present (a JSON object), else None."""
    path = annotations_dir / AGREEMENT_FILE
    if not path.exists():
        return None
    problems: list[Problem] = []
    data = read_json(path, problems)
    if not problems and not isinstance(data, dict):
        problems.append(Problem(str(path), "-", "shape", "must hold one JSON object"))
    if problems:
        raise InvalidInputError(problems)
    return data


def agreement_section(agreement: Mapping[str, Any] | None) -> str:
    intro = ("Agreement between the two independent annotation reads (the first read against "
             "the second, before adjudication), computed by `retold agree` and stored in "
             f"`annotations/{AGREEMENT_FILE}`. The figures describe the two reads as they were "
             "made, before adjudication and before the later corrections of the gold listed "
             "in the repository's `CHANGELOG.md` (the reads are kept unchanged, so the "
             "figures keep their "
             "meaning); they are not agreement with the released gold. Spans are matched "
             "exactly, or one-to-one by "
             "largest overlap; stance, source and cluster figures are on overlap-matched "
             "mentions. Both reads were made by instances of the same AI language model from "
             "the same guidelines, so these figures are likely higher than two human "
             "annotators would reach: read them as the consistency of the annotation "
             "procedure, not as a human upper bound.")
    if agreement is None:
        return f"{intro}\n\nNot yet computed."
    rows = []
    for key, value in agreement.items():  # the file's order: its writer chose it
        if not isinstance(value, str | int | float | bool) and value is not None:
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        rows.append((key, value))
    return f"{intro}\n\n{table(('figure', 'value'), rows)}"


def _configs_section() -> str:
    blocks = []
    for c in CONFIGS:
        fields = table(("field", "type", "description"),
                       [(code(f.name), dtype_text(f.dtype), f.description) for f in c.fields])
        blocks.append(
            f"### `{c.name}`\n\n{c.description} Rows are sorted by "
            f"{', '.join(code(k) for k in c.sort_key)}; the primary key is "
            f"{', '.join(code(k) for k in c.primary_key)}.\n\n{fields}"
        )
    return "\n\n".join(blocks)


def _documents_table(documents: Sequence[Row]) -> str:
    return table(("doc_id", "fold", "genre", "outlet", "published", "rights"),
                 [(code(d["doc_id"]), d["fold"], d["genre"], d["outlet"],
                   d["published"] or "—", d["rights"]) for d in documents])


def render_card(counts: Mapping[str, int], num_bytes: Mapping[str, int],
                rows: Mapping[str, Sequence[Row]], stats: Stats,
                agreement: Mapping[str, Any] | None,
                contrast_agreement: Mapping[str, Any] | None = None) -> str:
    """The whole ``README.md``: YAML front matter and Markdown body."""
    front = yaml.safe_dump(card_metadata(counts, num_bytes), sort_keys=False, allow_unicode=True,
                           default_flow_style=False, width=10_000)
    loading = "\n".join(
        f'{c.name} = load_dataset("path/to/retold", "{c.name}", split="{SPLIT}")'
        for c in CONFIGS
    )
    genres = table(("id", "genre"), [(i, code(g)) for i, g in enumerate(GENRES)])
    rights = table(("id", "rights", "meaning"),
                   [(i, code(r), RIGHTS_DEFINITIONS[r]) for i, r in enumerate(RIGHTS_STATUSES)])
    n_docs = len(rows["documents"])
    counts_table = table(("config", "rows"), [(code(c.name), counts[c.name]) for c in CONFIGS])
    body = string.Template((TEMPLATES / "card.md").read_text(encoding="utf-8")).substitute(
        dataset_name=DATASET_NAME, pretty_name=PRETTY_NAME, n_docs=n_docs,
        n_docs_words=_number_words(n_docs), n_docs_title=_number_words(n_docs).capitalize(),
        dataset_version=DATASET_VERSION, schema_version=SCHEMA_VERSION, split=SPLIT,
        counts_table=counts_table, loading=loading, configs_section=_configs_section(),
        label_tables=label_tables(), genres=genres, rights=rights, author=code(AUTHOR),
        protocol=PROTOCOL, protocol_description=PROTOCOL_DESCRIPTION,
        segmentation_rule=SEGMENTATION_RULE, documents_table=_documents_table(rows["documents"]),
        statistics=format_stats(stats, "markdown"), agreement=agreement_section(agreement),
        version_key=DATASET_VERSION.replace(".", ""),
        contrast=card_section(rows["contrast"], rows["contrast_pairs"], contrast_agreement),
    )
    return f"---\n{front}---\n\n{body}"  # body ends with one newline


def _number_words(n: int) -> str:
    """Small counts in words for prose ("two documents"), digits beyond ten."""
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def render_license() -> str:
    """The release's ``LICENSE-DATA.md``: the annotations' licence and the texts' rights."""
    return (TEMPLATES / "LICENSE-DATA.md").read_text(encoding="utf-8")
