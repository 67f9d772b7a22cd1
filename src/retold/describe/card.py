"""The dataset card (``README.md`` of the release), written through ``huggingface_hub``.

The card is a ``huggingface_hub.DatasetCard`` made from a ``DatasetCardData`` (the YAML
metadata: licence, creators, tasks, size, ``configs`` with a default, ``dataset_info``) and
the Jinja template ``templates/card.md``, which follows the sections of the Hub's dataset
card template. Nothing in it is typed by hand: ``configs`` and ``dataset_info`` come from
``schema.CONFIGS`` through ``datasets``' own ``Features._to_yaml_list``; the descriptive
metadata from ``describe.metadata`` (shared with ``croissant.json`` and ``CITATION.cff``);
the field and label tables from the schema; the statistics from ``describe.stats``; the
agreement figures from ``annotations/agreement.json``; the leaderboard from
``results/leaderboard.md`` when it exists. It holds no dates, paths or byte sizes, so two
builds of the same input give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from huggingface_hub import DatasetCard, DatasetCardData

from retold.build.features import features_yaml
from retold.build.rows import Row
from retold.describe import metadata as meta
from retold.describe.contrast import card_section
from retold.describe.guidelines import label_tables
from retold.describe.markdown import code, table
from retold.describe.probes import card_section as probes_card_section
from retold.describe.stats import Stats, format_stats
from retold.errors import InvalidInputError, Problem
from retold.io.agreement import key_figures
from retold.io.jsonio import read_optional_object
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
LEADERBOARD_FILE = Path("results") / "leaderboard.md"
"""Written by the baselines; relative to the repository root (the annotations' parent)."""
NO_RESULTS = ("No results yet: the leaderboard appears here once the baselines have been run "
              "and `results/leaderboard.md` has been written.")
TEMPLATES = Path(__file__).parent / "templates"
LICENSE = meta.LICENSE
LICENSE_NAME = meta.LICENSE_NAME
LICENSE_LINK = meta.LICENSE_LINK
PRETTY_NAME = meta.PRETTY_NAME


def card_data(counts: Mapping[str, int], num_bytes: Mapping[str, int]) -> DatasetCardData:
    """The YAML metadata: Hub fields, ``configs`` (with a default) and ``dataset_info``.

    ``datasets`` ignores a split entry without ``num_bytes``, so it is given: the Arrow
    size of the table read back from its Parquet file, which is what ``datasets`` itself
    records and depends only on the data (and the pyarrow version). No ``download_size``
    or ``dataset_size``: they add nothing and would tie the card to the file encoding.
    """
    configs = []
    for c in CONFIGS:
        entry: dict[str, Any] = {"config_name": c.name,
                                 "data_files": [{"split": SPLIT,
                                                 "path": f"data/{c.name}/*.parquet"}]}
        if c.name == meta.DEFAULT_CONFIG:
            entry["default"] = True
        configs.append(entry)
    return DatasetCardData(
        pretty_name=meta.PRETTY_NAME,
        language=list(meta.LANGUAGE),
        language_creators=list(meta.LANGUAGE_CREATORS),
        annotations_creators=list(meta.ANNOTATIONS_CREATORS),
        license=meta.LICENSE,
        multilinguality=list(meta.MULTILINGUALITY),
        size_categories=[meta.size_category(counts)],
        source_datasets=list(meta.SOURCE_DATASETS),
        task_categories=list(meta.TASK_CATEGORIES),
        task_ids=list(meta.TASK_IDS),
        license_name=meta.LICENSE_NAME,
        license_link=meta.LICENSE_LINK,
        tags=list(meta.TAGS),
        configs=configs,
        dataset_info=[
            {"config_name": c.name,
             "features": features_yaml(c.name),
             "splits": [{"name": SPLIT, "num_bytes": num_bytes[c.name],
                         "num_examples": counts[c.name]}]}
            for c in CONFIGS
        ],
    )


def card_metadata(counts: Mapping[str, int], num_bytes: Mapping[str, int]) -> dict[str, Any]:
    """The card's YAML metadata as a plain dict (what ``DatasetCardData`` dumps)."""
    return card_data(counts, num_bytes).to_dict()


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
    return read_optional_object(path)


def agreement_section(agreement: Mapping[str, Any] | None) -> str:
    intro = ("Agreement between the two independent annotation reads (before adjudication), "
             "computed by `retold agree` and stored in "
             f"`annotations/{AGREEMENT_FILE}`: the second read is turned into prediction "
             "lines of each task and scored against a release built from the first read by "
             "`retold score` itself, so every figure is a score of the scorer, under its "
             "key, with the scorer's 95% bootstrap interval (the key scores of each task "
             "are shown; the file has every score). A second-read claim predicts for the "
             "first-read claim with the same span, else for the one the scorer's one-to-one "
             "overlap matching pairs it with; a first-read claim left unmatched has no "
             "prediction and counts as wrong. `retrieval` is not scored: a read gives "
             "clusters, not a ranking. The figures describe the two reads as they were "
             "made, before adjudication and before the later corrections of the gold listed "
             "in the repository's `CHANGELOG.md` (the reads are kept unchanged, so the "
             "figures keep their meaning); they are not agreement with the released gold. "
             "Both reads were made by instances of the same AI language model from "
             "the same guidelines, so these figures are likely higher than two human "
             "annotators would reach: read them as the consistency of the annotation "
             "procedure, not as a human upper bound.")
    if agreement is None:
        return f"{intro}\n\nNot yet computed."
    rows = [(code(task), code(key), _figure(value),
             f"[{ci[0]:.4f}, {ci[1]:.4f}]" if ci else "")
            for task, key, value, ci in key_figures(agreement)]
    return f"{intro}\n\n{table(('task', 'score', 'value', '95% CI'), rows)}"


def _figure(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "undefined" if value is None else str(value)


def _configs_section() -> str:
    blocks = []
    for c in CONFIGS:
        fields = table(("field", "type", "description"),
                       [(code(f.name), dtype_text(f.dtype),
                         f.description + (" *Analysis only: never a model input.*"
                                          if f.analysis_only else ""))
                        for f in c.fields])
        blocks.append(
            f"#### `{c.name}`\n\n{c.description} Rows are sorted by "
            f"{', '.join(code(k) for k in c.sort_key)}; the primary key is "
            f"{', '.join(code(k) for k in c.primary_key)}.\n\n{fields}"
        )
    return "\n\n".join(blocks)


def _documents_table(documents: Sequence[Row]) -> str:
    return table(("doc_id", "fold", "genre", "outlet", "published", "rights"),
                 [(code(d["doc_id"]), d["fold"], d["genre"], d["outlet"],
                   d["published"] or "—", d["rights"]) for d in documents])


def load_leaderboard(path: Path | None) -> str:
    """The leaderboard Markdown of ``path`` (stripped), or the no-results sentence."""
    if path is None or not path.is_file():
        return NO_RESULTS
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInputError([Problem(str(path), "-", "shape",
                                         f"cannot read the leaderboard: {err}")]) from None
    return text or NO_RESULTS


def render_card(counts: Mapping[str, int], num_bytes: Mapping[str, int],
                rows: Mapping[str, Sequence[Row]], stats: Stats,
                agreement: Mapping[str, Any] | None, leaderboard: str = NO_RESULTS,
                contrast_agreement: Mapping[str, Any] | None = None,
                contrast_agreement_new: Mapping[str, Any] | None = None,
                probes: Mapping[str, Any] | None = None) -> str:
    """The whole ``README.md``: the ``DatasetCard`` of ``card_data`` and the template;
    ``probes`` is the artefact probe report (``retold.validate.probes.run_probes``)."""
    data = card_data(counts, num_bytes)
    loading = "\n".join(
        f'{c.name} = load_dataset("path/to/retold", "{c.name}", split="{SPLIT}")'
        for c in CONFIGS
    )
    n_docs = len(rows["documents"])
    card = DatasetCard.from_template(
        data,
        template_path=str(TEMPLATES / "card.md"),
        dataset_name=DATASET_NAME,
        summary=meta.SUMMARY,
        n_docs=n_docs,
        authors=meta.AUTHORS,
        annotation_model=meta.ANNOTATION_MODEL,
        languages=", ".join(meta.LANGUAGE),
        license_name=meta.LICENSE_NAME,
        license_link=meta.LICENSE_LINK,
        dataset_version=DATASET_VERSION,
        schema_version=SCHEMA_VERSION,
        use_cases=meta.bullet_list(meta.USE_CASES),
        out_of_scope=meta.bullet_list(meta.OUT_OF_SCOPE),
        split=SPLIT,
        default_config=meta.DEFAULT_CONFIG,
        counts_table=table(("config", "rows"), [(code(c.name), counts[c.name]) for c in CONFIGS]),
        loading=loading,
        configs_section=_configs_section(),
        label_tables=label_tables(),
        genres=table(("id", "genre"), [(i, code(g)) for i, g in enumerate(GENRES)]),
        rights=table(("id", "rights", "meaning"), [(i, code(r), RIGHTS_DEFINITIONS[r])
                                                   for i, r in enumerate(RIGHTS_STATUSES)]),
        author=code(AUTHOR),
        protocol=PROTOCOL,
        protocol_description=PROTOCOL_DESCRIPTION,
        segmentation_rule=SEGMENTATION_RULE,
        documents_table=_documents_table(rows["documents"]),
        statistics=format_stats(stats, "markdown"),
        data_collection=meta.data_collection(n_docs),
        annotation_protocol=meta.ANNOTATION_PROTOCOL,
        agreement=agreement_section(agreement),
        personal_information=meta.PERSONAL_INFORMATION,
        biases=meta.bullet_list(meta.BIASES),
        limitations=meta.bullet_list(meta.limitations(n_docs)),
        leaderboard=leaderboard,
        contrast=card_section(rows["contrast"], rows["contrast_pairs"], contrast_agreement,
                              contrast_agreement_new),
        probes=probes_card_section(rows["contrast_pairs"], probes),
        bibtex=meta.bibtex(),
        versioning_policy=meta.VERSIONING_POLICY,
        texts_rights=meta.TEXTS_RIGHTS,
    )
    content = card.content
    return content if content.endswith("\n") else content + "\n"


def render_license() -> str:
    """The release's ``LICENSE-DATA.md``: the annotations' licence and the texts' rights."""
    return (TEMPLATES / "LICENSE-DATA.md").read_text(encoding="utf-8")
