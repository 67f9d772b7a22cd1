"""``retold validate`` is the build's exact gate: what it accepts the build builds, and a
problem is reported once, where it is, never as a derived problem about a value that is
not in the file.

The oracles here are the build's own tagger (``retold.text.segment``, run on spans the
validator never saw), the RFC 5646 examples of language tags, and the files themselves.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from retold import errors as v
from retold.cli import main
from retold.errors import InvalidInputError, Problem
from retold.io.standoff import load_doc
from retold.text.segment import segment_document
from retold.validate import checks
from retold.validate.manifest import date_problem, language_tag_problem, well_formed_language_tag
from retold.validate.nesting import check_nesting
from retold.validate.spans import check_spans

MINI = Path(__file__).parent / "fixtures" / "mini"
FILES = ("annotations/docs/000-mini-report.json", "annotations/docs/001-mini-denial.json",
         "annotations/sources.json", "annotations/clusters.json", "corpus/manifest.json")
OPTIONAL = {"note", "mention", "cue"}


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def run(root: Path) -> list[Problem]:
    return checks.validate(root / "corpus", root / "annotations")


# --------------------------------------------------------------------------------------
# Token boundaries: the validator refuses exactly what the build's tagger refuses.
# --------------------------------------------------------------------------------------
_TOKEN_CODES = {v.WHITESPACE_EDGE, v.NOT_TOKEN_ALIGNED}
_OTHER_SPAN_CODES = {v.OFFSET_OUT_OF_RANGE, v.BOILERPLATE_OVERLAP, v.CLAIM_OVERLAP,
                     v.SPAN_OVERLAP, v.CROSSES_LINE, v.CLAIM_PARENT, v.CLAIM_NESTING_DEPTH}


def _moved(doc: Any, layer: str, index: int, start: int, end: int, text: str) -> Any:
    items = list(getattr(doc, layer))
    items[index] = replace(items[index], start=start, end=end, text=text[start:end])
    return replace(doc, **{layer: tuple(items)})


def _variants(text: str, doc: Any) -> Iterator[tuple[Any, str]]:
    """Every claim, mention and cue of ``doc`` with one edge moved to every offset."""
    for layer in ("claims", "source_mentions", "cues"):
        for index, span in enumerate(getattr(doc, layer)):
            for start in range(len(text)):
                if start < span.end:
                    yield _moved(doc, layer, index, start, span.end, text), span.id
            for end in range(span.start + 1, len(text) + 1):
                yield _moved(doc, layer, index, span.start, end, text), span.id


@pytest.mark.parametrize("name", ["000-mini-report", "001-mini-denial"])
def test_token_checks_refuse_exactly_what_the_tagger_refuses(name: str) -> None:
    """Move each span's start or end to every offset of the text. Wherever the validator
    reports no other span problem, it reports a token problem if and only if the build's
    tagger (``segment_document``) refuses the document; the old check, which accepted a
    start on a token's end, fails this test on the spans starting on a space."""
    doc = load_doc(MINI / "annotations" / "docs" / f"{name}.json", [])
    text = (MINI / "corpus" / "texts" / ("000_mini.txt" if name.startswith("000")
                                         else "001_mini.txt")).read_bytes().decode("utf-8")
    compared = refused = 0
    for variant, span_id in _variants(text, doc):
        codes = {p.code for p in (*check_spans(variant, text), *check_nesting(variant, text))}
        if codes & _OTHER_SPAN_CODES:
            continue
        try:
            segment_document(text, variant)
            built = True
        except InvalidInputError as err:
            built = False
            assert {p.code for p in err.problems} <= {"token-boundary", "sentence-boundary"}
        flagged = bool(codes & _TOKEN_CODES)
        assert flagged != built, (span_id, variant, codes)
        compared += 1
        refused += not built
    assert compared > 300 and 0 < refused < compared


# --------------------------------------------------------------------------------------
# One problem per wrong field: no derived problem quoting a default.
# --------------------------------------------------------------------------------------
def _objects(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict[str, Any]]]:
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from _objects(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _objects(value, (*path, i))


def _fields() -> list[tuple[str, tuple, str, Any]]:
    """(file, path to an object, key, its value) for every key of every kind of object:
    the first object of each kind (document, boilerplate, mention, cue, claim, chain link,
    source, cluster, manifest record) stands for the others."""
    out, seen = [], set()
    for rel in FILES:
        data = json.loads((MINI / rel).read_text(encoding="utf-8"))
        kind_of_file = "docs" if "/docs/" in rel else rel
        for path, obj in _objects(data):
            kind = (kind_of_file, tuple("*" if isinstance(p, int) else p for p in path))
            for key, value in obj.items():
                if (kind, key) not in seen:
                    seen.add((kind, key))
                    out.append((rel, path, key, value))
    return out


FIELDS = _fields()


def _wrong_type(value: Any) -> Any:
    """A value of another JSON type than ``value`` (a string for a number, as ``"0"``)."""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, str) or value is None:
        return 7
    if isinstance(value, list):
        return {"0": value}
    return [value]


def _edit(root: Path, rel: str, path: tuple, change: Any) -> None:
    file = root / rel
    data = json.loads(file.read_text(encoding="utf-8"))
    obj = data
    for step in path:
        obj = obj[step]
    change(obj)
    file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def _field_id(field: tuple[str, tuple, str, Any]) -> str:
    rel, path, key, _ = field
    return f"{Path(rel).name}:{'/'.join(map(str, path))}:{key}"


@pytest.mark.parametrize("field", FIELDS, ids=[_field_id(f) for f in FIELDS])
def test_a_wrong_typed_field_is_one_shape_problem(mini: Path, field: tuple) -> None:
    rel, path, key, value = field
    _edit(mini, rel, path, lambda obj: obj.update({key: _wrong_type(value)}))
    problems = run(mini)
    assert [p.code for p in problems] == [v.SHAPE], "\n".join(map(str, problems))
    assert f"field {key!r} must be" in problems[0].message
    assert problems[0].file.replace("\\", "/").endswith(rel)


@pytest.mark.parametrize("field", [f for f in FIELDS if f[2] not in OPTIONAL],
                         ids=[_field_id(f) for f in FIELDS if f[2] not in OPTIONAL])
def test_a_missing_field_is_one_shape_problem(mini: Path, field: tuple) -> None:
    rel, path, key, _ = field
    _edit(mini, rel, path, lambda obj: obj.pop(key))
    problems = run(mini)
    assert [(p.code, p.message) for p in problems] == [(v.SHAPE, f"missing field {key!r}")], (
        "\n".join(map(str, problems)))


@pytest.mark.parametrize("field", FIELDS, ids=[_field_id(f) for f in FIELDS])
def test_an_unknown_key_is_one_problem(mini: Path, field: tuple) -> None:
    """Beside every key of every object, a misspelt copy ``<key>_``: one unknown-key
    problem, which names the key it resembles."""
    rel, path, key, value = field
    _edit(mini, rel, path, lambda obj: obj.update({f"{key}_": value}))
    problems = run(mini)
    assert [p.code for p in problems] == [v.UNKNOWN_KEY], "\n".join(map(str, problems))
    assert f"unknown key '{key}_'; did you mean {key!r}?" in problems[0].message


def test_start_as_a_string_is_reported_once_without_a_made_up_value(mini: Path) -> None:
    """The issue's case: ``"start": "0"``. Before, a derived offset problem quoted
    ``[-1, 52)``, a value that is not in the file."""
    _edit(mini, FILES[0], ("claims", 0), lambda obj: obj.update(start="0"))
    problems = run(mini)
    assert [(p.code, p.where, p.message) for p in problems] == [
        (v.SHAPE, "claims[0] 000-c001", "field 'start' must be an integer, got a string")]


def test_a_repeated_key_is_reported_not_last_wins(mini: Path) -> None:
    path = mini / FILES[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"doc_id": "001-mini-denial",',
                                 '"doc_id": "001-mini-denial", "doc_id": "999-other",', 1),
                    encoding="utf-8")
    problems = run(mini)
    assert [(p.code, p.where) for p in problems] == [(v.DUPLICATE_KEY, "001-mini-denial")]
    assert "'doc_id'" in problems[0].message and '"999-other"' in problems[0].message


def test_invalid_json_names_line_and_column_and_the_whole_message(mini: Path) -> None:
    path = mini / FILES[2]
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"name": ', '"name" ')  # line 4: a missing colon
    path.write_text("\n".join(lines), encoding="utf-8")
    column = lines[3].index('"name"') + len('"name"') + 2  # 1-based, after the space
    problems = run(mini)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.code, problem.where) == (v.SHAPE, f"line 4 column {column}")
    assert "Expecting ':' delimiter" in problem.message
    assert f"line 4 column {column}" in problem.message


def test_validate_on_a_file_instead_of_a_folder_is_a_problem_not_a_traceback(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus_file = mini / "corpus" / "manifest.json"
    rc = main(["validate", "--corpus", str(corpus_file),
               "--annotations", str(mini / "annotations")])
    out = capsys.readouterr().out
    assert rc == 1
    assert "[missing-file] cannot be read" in out


# --------------------------------------------------------------------------------------
# Dates and language tags.
# --------------------------------------------------------------------------------------
# RFC 5646 Appendix A: examples of valid tags, and its three "Some Invalid Tags".
RFC_VALID = (
    "de", "fr", "ja", "i-enochian", "zh-Hant", "zh-Hans", "sr-Cyrl", "sr-Latn",
    "zh-cmn-Hans-CN", "cmn-Hans-CN", "zh-yue-HK", "yue-HK", "zh-Hans-CN", "sr-Latn-RS",
    "sl-rozaj", "sl-rozaj-biske", "sl-nedis", "de-CH-1901", "sl-IT-nedis",
    "hy-Latn-IT-arevela", "de-DE", "en-US", "es-419", "de-CH-x-phonebk",
    "az-Arab-x-AZE-derbend", "x-whatever", "qaa-Qaaa-QM-x-southern", "de-Qaaa", "sr-Latn-QM",
    "sr-Qaaa-RS", "en-US-u-islamcal", "zh-CN-a-myext-x-private", "en-a-myext-b-another",
)
RFC_ILL_FORMED = ("de-419-DE", "a-DE")  # two regions; a one-letter primary subtag
RFC_WELL_FORMED_INVALID = ("ar-a-aaa-b-bbb-a-ccc",)  # the extension letter 'a' twice
ILL_FORMED = ("en_US", "en-", "-en", "en--US", "", " en", "en ", "ｅｎ", "C.UTF-8", "7",
              "en-abcdefghi", "toolongtag")
WELL_FORMED_INVALID = ("english", "jp", "en-english", "xx-YY")


@pytest.mark.parametrize("tag", [*RFC_VALID, "en", "EN", "en-gb"])
def test_valid_language_tags_pass(tag: str) -> None:
    assert well_formed_language_tag(tag)
    assert language_tag_problem(tag) is None


@pytest.mark.parametrize("tag", [*RFC_ILL_FORMED, *ILL_FORMED])
def test_ill_formed_language_tags_are_refused(tag: str) -> None:
    assert not well_formed_language_tag(tag)
    assert "not a well-formed" in language_tag_problem(tag)


@pytest.mark.parametrize("tag", [*RFC_WELL_FORMED_INVALID, *WELL_FORMED_INVALID])
def test_well_formed_but_unregistered_tags_are_refused(tag: str) -> None:
    assert well_formed_language_tag(tag)
    assert "not a valid" in language_tag_problem(tag)


@pytest.mark.parametrize("value", ["", "2024-12-07", "2024-02-29", "1999-01-01"])
def test_valid_dates_pass(value: str) -> None:
    assert date_problem(value) is None


@pytest.mark.parametrize("value", ["7 Dec 2024", "2024-12-7", "20241207", "2024-W49-6",
                                   "2024-12-07T10:47", "2023-02-29", "2024-13-01", " ",
                                   "２０２４-１２-０７", "Dec 7, 2024"])
def test_invalid_dates_are_refused(value: str) -> None:
    assert date_problem(value) is not None
