"""Schema field types → ``datasets.Features``, Arrow schemas and card YAML.

The release's column types are declared once, in ``schema.CONFIGS``, in a small type
language (``"string"``, ``("class_label", names)``, ``("list", inner)``,
``("struct", fields)``). This module is the only place that turns them into ``datasets``
types, so the Parquet files, the card's ``dataset_info`` and the tests all agree: a
ClassLabel is stored as its integer id (int64, as ``datasets`` itself stores it) and its
names are the schema's tuple in frozen order.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from datasets import ClassLabel, Features, List, Value

from retold.schema import decode_value, encode_value, get_config

_VALUE_TYPES = frozenset({"string", "int32", "float32", "bool"})


def feature_for_dtype(dtype: Any) -> Any:
    """The ``datasets`` feature of one schema type; raise ``ValueError`` for an unknown one."""
    if isinstance(dtype, str):
        if dtype not in _VALUE_TYPES:
            raise ValueError(f"unknown value type {dtype!r}")
        return Value(dtype)
    kind = dtype[0]
    if kind == "class_label":
        return ClassLabel(names=list(dtype[1]))
    if kind == "list":
        return List(feature_for_dtype(dtype[1]))
    if kind == "struct":
        return {name: feature_for_dtype(inner) for name, inner in dtype[1]}
    raise ValueError(f"unknown schema type {dtype!r}")


def features_for(config_name: str) -> Features:
    """The ``datasets.Features`` of a release config, columns in schema order."""
    config = get_config(config_name)
    return Features({f.name: feature_for_dtype(f.dtype) for f in config.fields})


def arrow_schema(config_name: str) -> pa.Schema:
    """The Arrow schema of a config's Parquet file, with ``datasets``' ``huggingface`` metadata.

    The metadata is ``datasets``' own JSON of the features (no timestamps, no paths), so it
    is identical from build to build and lets ``datasets`` restore the ClassLabels.
    """
    return features_for(config_name).arrow_schema


def features_yaml(config_name: str) -> list[dict[str, Any]]:
    """The card's ``dataset_info.features`` list, written by ``datasets`` itself."""
    return features_for(config_name)._to_yaml_list()






def encode_row(config_name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row with label names → the row as stored, checking it has exactly the config's fields."""
    config = get_config(config_name)
    if tuple(row) != config.field_names:
        raise ValueError(
            f"{config_name}: row fields {tuple(row)} differ from the schema's {config.field_names}"
        )
    return {f.name: encode_value(f.dtype, row[f.name]) for f in config.fields}


def decode_row(config_name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row → the row with label names, in schema field order."""
    config = get_config(config_name)
    return {f.name: decode_value(f.dtype, row[f.name]) for f in config.fields}
