"""Labels grow by appending (``retold.schema``): code that needs a label finds it by name.

Fresh copies of the modules that use particular labels are executed with every label
tuple of the schema grown by one label, and must behave exactly as before; with a label
removed they must refuse to import, naming the tuple and the label. A static check keeps
any module from unpacking or indexing a schema label tuple by position.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import retold.schema as schema
from retold.io.standoff import Claim, DocAnnotation, SourceMention, Span

SRC = Path(__file__).resolve().parents[1] / "src" / "retold"
NAMED_LABEL_USERS = ("text/reuse.py", "text/segment.py", "build/rows.py")
APPENDED = "appended-label"


def label_tuples() -> dict[str, tuple[str, ...]]:
    """Every upper-case tuple of strings in the schema (labels, layers, config names)."""
    return {name: value for name, value in vars(schema).items()
            if name.isupper() and isinstance(value, tuple) and value
            and all(isinstance(x, str) for x in value)}


def fresh(rel: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Execute ``src/retold/<rel>`` as a new module (the imported one is left untouched)."""
    name = f"_fresh_{rel.replace('/', '_').removesuffix('.py')}"
    spec = importlib.util.spec_from_file_location(name, SRC / rel)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def grow_every_label_tuple(monkeypatch: pytest.MonkeyPatch) -> None:
    # TOKEN_LAYERS and CONFIG_NAMES are not label sets: a new layer or config needs code.
    for name, labels in label_tuples().items():
        if name not in ("TOKEN_LAYERS", "CONFIG_NAMES"):
            monkeypatch.setattr(schema, name, (*labels, APPENDED))


def test_the_tuples_grown_are_the_schema_label_sets() -> None:
    assert {"REUSE_LABELS", "BIO_TAGS", "STANCES", "SOURCE_KINDS", "GENRES",
            "RIGHTS_STATUSES", "BOILERPLATE_KINDS", "STANCE_PRECEDENCE"} <= set(label_tuples())


def test_an_appended_label_breaks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    grow_every_label_tuple(monkeypatch)
    assert schema.REUSE_LABELS[-1] == schema.BIO_TAGS[-1] == APPENDED
    reuse = fresh("text/reuse.py", monkeypatch)
    segment = fresh("text/segment.py", monkeypatch)
    rows = fresh("build/rows.py", monkeypatch)

    # Hand-worked, as in test_reuse: the labels keep their meaning.
    assert (reuse.VERBATIM, reuse.NEAR_VERBATIM, reuse.PARAPHRASE, reuse.NONE) == (
        "verbatim", "near_verbatim", "paraphrase", "none")
    assert reuse.reuse_label(True, 1.0) == "verbatim"
    assert reuse.reuse_label(True, 0.7) == "near_verbatim"
    assert reuse.reuse_label(True, 0.69) == "paraphrase"
    assert reuse.reuse_label(False, 1.0) == "none"
    assert rows.DENIED == "denied"

    # "Iran denies the claim ." with a source on "Iran" and a claim on "the claim".
    tokens = [(0, 4), (5, 11), (12, 15), (16, 21), (22, 23)]
    assert segment.bio_tags(tokens, {(0, 4): ["s1"], (12, 21): ["c1"]}) == [
        "B", "O", "B", "I", "O"]
    text = "Iran denies the claim ."
    doc = DocAnnotation(
        path="docs/x.json", schema_version="1.0.0", doc_id="x", boilerplate=(),
        source_mentions=(SourceMention("s1", 0, 4, "Iran", source="iran"),),
        cues=(Span("q1", 5, 11, "denies"),),
        claims=(Claim("c1", 12, 21, "the claim", stance="denied", cluster="k", source="iran",
                      chain=(), note=""),),
    )
    [sentence] = segment.segment_document(text, doc)
    assert sentence.tokens == ("Iran", "denies", "the", "claim", ".")
    assert sentence.tags == {"claim": ("O", "O", "B", "I", "O"),
                             "source": ("B", "O", "O", "O", "O"),
                             "cue": ("O", "B", "O", "O", "O")}


@pytest.mark.parametrize(("rel", "tuple_name", "label"), [
    ("text/reuse.py", "REUSE_LABELS", "paraphrase"),
    ("text/segment.py", "BIO_TAGS", "I"),
    ("build/rows.py", "STANCES", "denied"),
])
def test_a_missing_label_fails_clearly(monkeypatch: pytest.MonkeyPatch, rel: str,
                                       tuple_name: str, label: str) -> None:
    kept = tuple(x for x in getattr(schema, tuple_name) if x != label)
    monkeypatch.setattr(schema, tuple_name, kept)
    with pytest.raises(LookupError) as err:
        fresh(rel, monkeypatch)
    assert f"retold.schema.{tuple_name} has no label {label!r}" in str(err.value)


def test_label_named() -> None:
    assert schema.label_named("STANCES", "denied") == "denied"
    with pytest.raises(LookupError, match="no label tuple called 'NOPE'"):
        schema.label_named("NOPE", "x")
    with pytest.raises(LookupError, match="no label tuple called 'SCHEMA_VERSION'"):
        schema.label_named("SCHEMA_VERSION", "1")


def positional_uses(source: str, tuples: set[str]) -> list[str]:
    """Places where a schema tuple is unpacked (``a, b = X``) or indexed (``X[0]``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.For):
            targets, value = [node.target], None
        if value is not None and any(isinstance(t, ast.Tuple | ast.List) for t in targets):
            name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
            if name in tuples:
                found.append(f"line {node.lineno}: unpacks {name}")
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            name = (node.value.attr if isinstance(node.value, ast.Attribute)
                    else getattr(node.value, "id", ""))
            if name in tuples and isinstance(node.slice.value, int):
                found.append(f"line {node.lineno}: indexes {name}[{node.slice.value}]")
    return found


def test_no_module_uses_a_schema_label_by_position() -> None:
    tuples = set(label_tuples())
    offenders = [f"{path.relative_to(SRC)} {use}"
                 for path in sorted(SRC.rglob("*.py"))
                 for use in positional_uses(path.read_text(encoding="utf-8"), tuples)]
    assert offenders == []


def test_the_positional_check_can_fail() -> None:
    tuples = set(label_tuples())
    assert positional_uses("VERBATIM, NEAR, PARA, NONE = REUSE_LABELS\n", tuples) == [
        "line 1: unpacks REUSE_LABELS"]
    assert positional_uses("o = schema.BIO_TAGS[0]\n", tuples) == [
        "line 1: indexes BIO_TAGS[0]"]
    assert positional_uses('d = label_named("STANCES", "denied")\n', tuples) == []
