"""The schema against its snapshot, and the schema-derived ``datasets`` features.

The snapshot makes every schema change deliberate: a changed label, field, type,
threshold or version fails here until ``python tests/update_golden.py`` is run and the
diff of ``tests/golden/schema_snapshot.json`` is reviewed.
"""

from __future__ import annotations

import pyarrow as pa
from datasets import ClassLabel, List, Value
from update_golden import check_golden, dump, schema_snapshot

from retold.build.features import arrow_schema, feature_for_dtype, features_for
from retold.schema import CONFIGS, STANCES


def test_schema_matches_snapshot() -> None:
    check_golden("schema_snapshot.json", dump(schema_snapshot()))


def test_features_follow_the_schema() -> None:
    for config in CONFIGS:
        features = features_for(config.name)
        assert tuple(features) == config.field_names
        schema = arrow_schema(config.name)
        assert schema.names == list(config.field_names)
        assert b"huggingface" in schema.metadata
    claims = features_for("claims")
    assert claims["stance"] == ClassLabel(names=list(STANCES))
    assert arrow_schema("claims").field("stance").type == pa.int64()
    assert arrow_schema("pairs").field("similarity").type == pa.float32()
    assert arrow_schema("tokens").field("claim_tags").type == pa.list_(pa.int64())
    assert feature_for_dtype(("list", "int32")) == List(Value("int32"))
    assert feature_for_dtype(("struct", (("a", "string"),))) == {"a": Value("string")}
