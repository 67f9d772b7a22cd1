"""The dataset card (``README.md`` of the release), generated from the schema.

Nothing in the card is typed by hand: the YAML ``configs`` and ``dataset_info`` come from
``schema.CONFIGS`` through ``datasets``' own ``Features._to_yaml_list``; field and label
tables from the schema's descriptions and definitions; the statistics from
``retold.stats``; the segmentation rule from ``retold.segment``. So the card cannot
disagree with the Parquet files or the code. It holds no dates, paths or byte sizes,
so two builds of the same input give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from retold.annotation import read_json
from retold.features import features_yaml
from retold.guidelines import label_tables
from retold.markdown import code, table
from retold.problems import InvalidInputError, Problem
from retold.rows import Row
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
from retold.segment import SEGMENTATION_RULE
from retold.stats import Stats, format_stats

AGREEMENT_FILE = "agreement.json"
LICENSE = "cc-by-4.0"
PRETTY_NAME = "retold: claims, attribution and duplication across retellings of one news report"
DATA_FILE = "test-00000-of-00001.parquet"
_SIZE_BUCKETS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                 (1_000_000, "100K<n<1M"))


def data_path(config_name: str) -> str:
    """Relative path of a config's Parquet file in the release."""
    return f"data/{config_name}/{DATA_FILE}"


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
             f"`annotations/{AGREEMENT_FILE}`. Spans are matched exactly, or one-to-one by "
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
                agreement: Mapping[str, Any] | None) -> str:
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
    body = f"""# {DATASET_NAME}

{PRETTY_NAME}.

{DATASET_NAME} is a small evaluation corpus of {n_docs} English texts that retell one
news report in different genres (see [Documents](#documents)). They are annotated with
**claim mentions**, their **stance** as the document presents it, their **attribution
chains** (who said it, according to whom, with source and cue spans), **boilerplate**,
and **clusters** of mentions that state the same proposition across documents. From
these the release derives every pair of claim mentions with duplicate, contradiction and
text-reuse labels, and sentence-level BIO tags for claim, source and cue spans.

Dataset version {DATASET_VERSION}, schema version {SCHEMA_VERSION}. Every config has one
split, `{SPLIT}`: the corpus is for evaluation, with the leave-one-document-out protocol
below.

{counts_table}

## Loading

Each config is one Parquet file under `data/<config>/`. With the `datasets` library (a
local release folder or its Hub repository id):

```python
from datasets import load_dataset

{loading}
```

Class-label columns are stored as integer ids; `ds.features["stance"].int2str(i)` (and
the tables below) give the names. The label order is frozen: new labels are appended.

## Offsets

All offsets (`start`/`end`, `source_start`/`source_end`, `cue_start`/`cue_end`,
boilerplate spans, `token_starts`/`token_ends`, sentence `start`/`end`) are indices into
the document's `text` in the `documents` config, counted in **Unicode code points**
(Python `str` indices), half-open `[start, end)`. They are not byte offsets and not UTF-16
code units: `documents.text[start:end]` in Python gives the span. A missing span is -1 and
its text empty. `published` is an ISO 8601 date kept as a string.

## Configs

{_configs_section()}

## Labels

The `id` columns give the integer stored for each class label.

{label_tables()}

### Genres

{genres}

### Rights

{rights}

### Attribution

`source` is the immediate source: the last link of `chain`, or {code(AUTHOR)} when the
document states the claim in its own voice (`attributed` is false and the chain empty).
`chain` lists the attribution links outermost first ("X reports, citing Y" gives X, Y);
`source_start`/`cue_start` and their texts are those of the last link.

### Pairs

A pair is every unordered pair of claim mentions, within and across documents, with
`claim_id_a < claim_id_b`. `duplicate` means the same cluster; `contradiction` means the
same cluster with exactly one side denied. `similarity` is computed for every pair and
stored as float32; the `reuse` label was decided on the exact (double-precision) value,
so use the label rather than re-thresholding the float32.

## Protocol

Protocol: `{PROTOCOL}`. {PROTOCOL_DESCRIPTION}

## Sentence segmentation and tokens (`tokens` config)

{SEGMENTATION_RULE}

## Documents

{_documents_table(rows["documents"])}

## Statistics

Generated by `retold stats --format markdown` (the same code).

{format_stats(stats, "markdown")}

## How the data was made

- **Texts.** The five documents were supplied to the project as seed files and are kept
  byte for byte (the build refuses changed bytes). Their origin is known only as far as
  the texts show it: `outlet` says so where the text names no outlet, and no URLs are
  known. Nothing was cleaned; boilerplate is annotated as spans.
- **Annotators.** All annotation was done by an AI language model (Anthropic's Claude),
  not by people. A first read was made by the model working as the project's engineer. A
  second, independent read was made by a separate instance of the same model that saw only
  the guidelines, the raw texts and the schema. The first annotator adjudicated every
  difference and logged each decision with its reason. No person has annotated or
  reviewed the labels.
- **Single-annotated parts.** The document metadata, the source registry's names,
  aliases and kinds, and the cluster propositions were written once.
- **Checks.** Every annotation set passes `retold validate` (offsets, covered text,
  labels, references, overlaps, token alignment, attribution chains), and the release is
  rebuilt deterministically (two builds give identical bytes; see `SHA256SUMS`).

The annotation guidelines, the adjudication log and the datasheet are in the source
repository (`annotations/GUIDELINES.md`, `annotations/DECISIONS.md`, `DATASHEET.md`).

## Inter-annotator agreement

{agreement_section(agreement)}

## Limitations

Five documents, one story, one week, English only; two of the texts are machine-translated
or machine-written. The labels come from AI annotators, so scores against them measure
agreement with one model's reading of the guidelines. The stance is the stance the
document *presents*: it says nothing about whether a claim is true. Scores on so few
items need confidence intervals, and they will be wide.

## Citation

```bibtex
@misc{{retold{DATASET_VERSION.replace(".", "")},
  title  = {{retold: claims, attribution and duplication across retellings of one news report}},
  author = {{{{retold contributors}}}},
  year   = {{2026}},
  note   = {{Dataset version {DATASET_VERSION}, schema version {SCHEMA_VERSION}}}
}}
```

## License

The **annotations** (everything except the document texts) are released under
CC BY 4.0. The **texts** are third-party copyrighted material (news articles, reposts
and summaries written and owned by others), redistributed unchanged for research on
claims and attribution; their rights status is in the `rights` column. They are not
covered by CC BY 4.0: check with the rights holders before any other use.
"""
    return f"---\n{front}---\n\n{body}"  # body ends with one newline
