"""``croissant.json``: the release's Croissant 1.1 metadata, written with ``mlcroissant``.

One ``FileObject`` per config's Parquet file (with its SHA-256) and one ``RecordSet`` per
``schema.CONFIGS`` entry, each field typed from the schema: lists are arrays, structs have
sub-fields, class labels are their stored integer ids (the names are in the field's
description). The descriptive and Responsible-AI fields (data collection, annotation
protocol and annotators, biases, limitations, personal and sensitive information, use
cases) come from ``describe.metadata``, the same constants as the card. The JSON holds no
dates, paths or sizes beyond the files' checksums, so two builds give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import mlcroissant as mlc

from retold.describe import metadata as meta
from retold.io.release import CROISSANT_FILE, data_path
from retold.schema import CONFIGS, DATASET_NAME, DATASET_VERSION, SCHEMA_VERSION

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
_SCALARS = {
    "string": mlc.DataType.TEXT,
    "int32": mlc.DataType.INT32,
    "float32": mlc.DataType.FLOAT32,
    "bool": mlc.DataType.BOOL,
}

__all__ = ["CROISSANT_FILE", "croissant_bytes", "croissant_metadata"]


def _file_id(config_name: str) -> str:
    return f"{config_name}-parquet"


def _source(file_id: str, column: str, json_path: str | None = None) -> mlc.Source:
    transforms = [mlc.Transform(json_path=json_path)] if json_path else []
    return mlc.Source(file_object=file_id, extract=mlc.Extract(column=column),
                      transforms=transforms)


def _field(record_set: str, name: str, dtype: Any, description: str,
           file_id: str) -> mlc.Field:
    """One Croissant field for one schema field (recursively for structs)."""
    field_id = f"{record_set}/{name}"
    array: dict[str, Any] = {}
    if isinstance(dtype, tuple) and dtype[0] == "list":
        array = {"is_array": True, "array_shape": "-1"}
        dtype = dtype[1]
    if isinstance(dtype, tuple) and dtype[0] == "struct":
        subs = [mlc.Field(id=f"{field_id}/{sub}", name=sub, data_types=[_SCALARS[sub_type]],
                          source=_source(file_id, name, sub))
                for sub, sub_type in dtype[1]]
        return mlc.Field(id=field_id, name=name, description=description, sub_fields=subs,
                         source=_source(file_id, name), **array)
    if isinstance(dtype, tuple) and dtype[0] == "class_label":
        names = ", ".join(f"{i}={label}" for i, label in enumerate(dtype[1]))
        description = f"{description} Class label id: {names}."
        data_type = mlc.DataType.INT64
    else:
        data_type = _SCALARS[dtype]
    return mlc.Field(id=field_id, name=name, description=description, data_types=[data_type],
                     source=_source(file_id, name), **array)


def croissant_metadata(blobs: Mapping[str, bytes], counts: Mapping[str, int]) -> mlc.Metadata:
    """The ``mlcroissant`` metadata of a release whose data files are ``blobs``.

    ``blobs`` maps each config's relative Parquet path (``io.release.data_path``) to its
    bytes; their SHA-256 go into the file objects. ``counts`` are the rows per config.
    """
    distribution = []
    record_sets = []
    for config in CONFIGS:
        file_id = _file_id(config.name)
        path = data_path(config.name)
        distribution.append(mlc.FileObject(
            id=file_id, name=file_id, description=f"The `{config.name}` config.",
            content_url=path, encoding_formats=[PARQUET],
            sha256=hashlib.sha256(blobs[path]).hexdigest()))
        record_sets.append(mlc.RecordSet(
            id=config.name, name=config.name, description=config.description,
            key=[f"{config.name}/{k}" for k in config.primary_key],
            fields=[_field(config.name, f.name, f.dtype, f.description, file_id)
                    for f in config.fields]))
    return mlc.Metadata(
        name=DATASET_NAME,
        description=f"{meta.PRETTY_NAME}. {meta.SUMMARY}",
        conforms_to=CONFORMS_TO,
        cite_as=meta.bibtex(),
        creators=[mlc.Organization(name=meta.AUTHORS)],
        keywords=list(meta.TAGS),
        in_language=list(meta.LANGUAGE),
        license=[meta.ANNOTATIONS_LICENSE_URL, meta.TEXTS_RIGHTS],
        version=DATASET_VERSION,
        distribution=distribution,
        record_sets=record_sets,
        data_collection=meta.data_collection(counts["documents"]),
        data_collection_type=["Found texts, kept byte for byte"],
        data_annotation_protocol=[meta.ANNOTATION_PROTOCOL],
        data_annotation_platform=["Quote-based drafts anchored to offsets by `retold anchor`"],
        annotations_per_item="Two independent reads by the same AI model, then adjudication.",
        annotator_demographics=[f"Not applicable: the annotator is an AI model "
                                f"({meta.ANNOTATION_MODEL}), not a person."],
        machine_annotation_tools=[meta.ANNOTATION_MODEL],
        data_biases=list(meta.BIASES),
        data_limitations=list(meta.limitations(counts["documents"])),
        data_use_cases=list(meta.USE_CASES) + [f"Out of scope: {u}" for u in meta.OUT_OF_SCOPE],
        personal_sensitive_information=[meta.PERSONAL_INFORMATION],
        data_release_maintenance_plan=f"{meta.VERSIONING_POLICY} Schema version "
                                      f"{SCHEMA_VERSION}.",
    )


def croissant_bytes(blobs: Mapping[str, bytes], counts: Mapping[str, int]) -> bytes:
    """``croissant.json`` as UTF-8 bytes: pretty-printed JSON-LD, one trailing newline."""
    document = croissant_metadata(blobs, counts).to_json()
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
