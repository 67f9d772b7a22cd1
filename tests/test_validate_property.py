"""Property: ``retold validate`` is the build's gate on any input.

The valid mini fixture (``tests/fixtures/mini``) is mutated at random: values, types,
keys (removed, added, misspelt, repeated), offsets (moved, with or without the stored
text), ids (emptied, padded, swapped for other ids), records (removed, repeated,
reordered), manifest fields (folds, dates, languages, relays, checksums), the corpus texts
(a character replaced, the checksum updated or not) and the raw JSON (cut short). For each
mutated copy:

* ``validate`` never raises: it returns problems, each with a declared code, and the
  ``retold validate`` command exits 1 with them (0 without), never with a traceback;
* whenever ``validate`` reports no problem, ``build_release`` succeeds.

The profile is fixed (``derandomize=True``), so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from retold import errors
from retold.cli import main
from retold.pipeline import build_release
from retold.schema import TOKEN_PATTERN
from retold.validate import validate

MINI = Path(__file__).parent / "fixtures" / "mini"
MANIFEST = "corpus/manifest.json"
JSON_FILES = ("annotations/docs/000-mini-report.json", "annotations/docs/001-mini-denial.json",
              "annotations/sources.json", "annotations/clusters.json", MANIFEST)
TEXT_FILES = ("corpus/texts/000_mini.txt", "corpus/texts/001_mini.txt")
EXAMPLES_PER_KIND = 16
"""Examples per first mutation: about 350 in all, a few seconds on a laptop."""
TOKEN_RE = re.compile(TOKEN_PATTERN)

BASE = {rel: json.loads((MINI / rel).read_text(encoding="utf-8")) for rel in JSON_FILES}
TEXTS = {rel: (MINI / rel).read_bytes() for rel in TEXT_FILES}

Path_ = tuple[Any, ...]
State = dict[str, Any]  # {"json": {rel: data}, "texts": {rel: bytes}, "raw": {rel: cut}}


def _walk(data: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    """Every node below the root with its path."""
    out: list[tuple[Path_, Any]] = []
    items = (data.items() if isinstance(data, dict)
             else enumerate(data) if isinstance(data, list) else ())
    for key, value in items:
        out.append(((*path, key), value))
        out.extend(_walk(value, (*path, key)))
    return out


def _strings(data: Any) -> set[str]:
    return {v for _, v in _walk(data) if isinstance(v, str) and len(v) <= 40}


KNOWN_STRINGS = sorted(set().union(*(_strings(d) for d in BASE.values())))
KNOWN_KEYS = sorted({k for d in BASE.values() for p, _ in _walk(d) for k in p[-1:]
                     if isinstance(k, str)})
SOURCE_IDS = sorted(s["source_id"] for s in BASE["annotations/sources.json"])
TRICKY_STRINGS = ["", " ", "\t", "author", "x", "000-c001 ", "\ud800", "a\udfffb", "0",
                  "7 Dec 2024", "2024-02-30", "english", "en_US", "en-GB", "x-private"]

json_values = st.one_of(
    st.integers(min_value=-3, max_value=300),
    st.sampled_from(KNOWN_STRINGS + TRICKY_STRINGS),
    st.text(max_size=8),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.just([]),
    st.just({}),
    st.lists(st.sampled_from(KNOWN_STRINGS), max_size=2),
)


def _parent(state: State, rel: str, path: Path_) -> Any:
    node = state["json"][rel]
    for step in path[:-1]:
        node = node[step]
    return node


def _nodes(state: State, want: Callable[[Any], bool] = lambda v: True,
           rels: tuple[str, ...] = JSON_FILES) -> list[tuple[str, Path_]]:
    return [(rel, path) for rel in rels for path, value in _walk(state["json"][rel])
            if want(value)]


def _node_in_a_file(draw: Any, state: State,
                    want: Callable[[Any], bool] = lambda v: True) -> tuple[str, Path_] | None:
    """A node of a file drawn first, so that the small files (the manifest, the registries)
    are mutated as often as the large ones."""
    rel = draw(st.sampled_from(JSON_FILES))
    nodes = _nodes(state, want, (rel,))
    return draw(st.sampled_from(nodes)) if nodes else None


def _objects(state: State) -> list[tuple[str, Path_]]:
    """Every object (also the root object of a document file)."""
    roots = [(rel, ()) for rel in JSON_FILES if isinstance(state["json"][rel], dict)]
    return roots + _nodes(state, lambda v: isinstance(v, dict))


def _lists(state: State) -> list[tuple[str, Path_]]:
    roots = [(rel, ()) for rel in JSON_FILES if isinstance(state["json"][rel], list)]
    return roots + _nodes(state, lambda v: isinstance(v, list))


def _at(state: State, rel: str, path: Path_) -> Any:
    return _parent(state, rel, path)[path[-1]] if path else state["json"][rel]


def _text_of(state: State, doc_rel: str) -> str | None:
    """The current text of a document file's text (by the fixture's naming), or None."""
    rel = TEXT_FILES[0] if "000-" in doc_rel else TEXT_FILES[1]
    try:
        return state["texts"][rel].decode("utf-8")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------------------
# Mutations: each draws its choices and edits the state in place.
# --------------------------------------------------------------------------------------
def m_value(draw: Any, state: State) -> str:
    node = _node_in_a_file(draw, state)
    if node:
        rel, path = node
        _parent(state, rel, path)[path[-1]] = draw(json_values)
    return "value"


def m_type(draw: Any, state: State) -> str:
    node = _node_in_a_file(draw, state, lambda v: isinstance(v, str | int | bool) or v is None)
    if node is None:
        return "type"
    rel, path = node
    parent = _parent(state, rel, path)
    value = parent[path[-1]]
    parent[path[-1]] = (str(value) if isinstance(value, int | bool) or value is None
                        else draw(st.sampled_from([7, None, [value], {"v": value}, True])))
    return "type"


def m_delete_key(draw: Any, state: State) -> str:
    rel, path = draw(st.sampled_from(_objects(state)))
    obj = _at(state, rel, path)
    if obj:
        del obj[draw(st.sampled_from(sorted(obj)))]
    return "delete-key"


def m_add_key(draw: Any, state: State) -> str:
    rel, path = draw(st.sampled_from(_objects(state)))
    obj = _at(state, rel, path)
    key = draw(st.sampled_from(KNOWN_KEYS))
    key = key + draw(st.sampled_from(["", "_", "s"])) if key in obj else key
    obj[key] = draw(json_values)
    return "add-key"


def m_offset(draw: Any, state: State) -> str:
    spans = [(rel, path) for rel, path in _objects(state)
             if isinstance(_at(state, rel, path), dict)
             and isinstance(_at(state, rel, path).get("start"), int)
             and isinstance(_at(state, rel, path).get("end"), int)]
    if not spans:
        return "offset"
    rel, path = draw(st.sampled_from(spans))
    span = _at(state, rel, path)
    text = _text_of(state, rel)
    if draw(st.booleans()) or text is None:
        key = draw(st.sampled_from(["start", "end"]))
        span[key] += draw(st.integers(-4, 4))
    else:  # move it anywhere in the text
        start = draw(st.integers(0, max(0, len(text) - 1)))
        span["start"], span["end"] = start, draw(st.integers(start + 1, len(text)))
    if text is not None and draw(st.integers(0, 3)) and 0 <= span["start"] <= span["end"]:
        span["text"] = text[span["start"]:span["end"]]  # keep the stored text in step
    return "offset"


def m_aligned(draw: Any, state: State) -> str:
    """Move one edge of a claim, mention or cue to a token edge of either side (a start to
    a token's end, so on the white space after it, is a case the build refuses), stored
    text in step: often valid, so that the build runs on new spans."""
    spans = [(rel, path) for rel, path in _nodes(state, lambda v: isinstance(v, dict))
             if len(path) == 2 and path[0] in ("claims", "source_mentions", "cues")
             and isinstance(_at(state, rel, path).get("start"), int)
             and isinstance(_at(state, rel, path).get("end"), int)]
    if not spans:
        return "aligned"
    rel, path = draw(st.sampled_from(spans))
    span, text = _at(state, rel, path), _text_of(state, rel)
    if text is None:
        return "aligned"
    edges = sorted({edge for m in TOKEN_RE.finditer(text) for edge in m.span()})
    if draw(st.booleans()):
        starts = [e for e in edges if e < span["end"]]
        if starts:
            span["start"] = draw(st.sampled_from(starts))
    else:
        ends = [e for e in edges if e > span["start"]]
        if ends:
            span["end"] = draw(st.sampled_from(ends))
    if 0 <= span["start"] <= span["end"] <= len(text):
        span["text"] = text[span["start"]:span["end"]]
    return "aligned"


def m_free_text(draw: Any, state: State) -> str:
    """Any string in a field that is free text (valid whatever it holds)."""
    free = {"proposition", "name", "note", "outlet", "url", "provenance"}
    nodes = [(rel, path) for rel, path in _nodes(state, lambda v: isinstance(v, str))
             if path[-1] in free or (len(path) >= 2 and path[-2] == "aliases")]
    if not nodes:
        return "free-text"
    rel, path = draw(st.sampled_from(nodes))
    _parent(state, rel, path)[path[-1]] = draw(st.one_of(
        st.text(min_size=1, max_size=12), st.sampled_from(["\ud800", "a\udfffb", "\x00"])))
    return "free-text"


def m_id(draw: Any, state: State) -> str:
    id_keys = {"id", "doc_id", "source_id", "cluster_id", "cluster", "source", "mention",
               "cue"}
    nodes = [(rel, path) for rel, path in _nodes(state, lambda v: isinstance(v, str))
             if path[-1] in id_keys or (len(path) >= 2 and path[-2] == "relays")]
    if not nodes:
        return "id"
    rel, path = draw(st.sampled_from(nodes))
    parent = _parent(state, rel, path)
    old = parent[path[-1]]
    parent[path[-1]] = draw(st.one_of(st.sampled_from(KNOWN_STRINGS),
                                      st.sampled_from(["", " ", f"{old} ", f" {old}", "\n"])))
    return "id"


def m_records(draw: Any, state: State) -> str:
    lists = [(rel, path) for rel, path in _lists(state) if _at(state, rel, path)]
    if not lists:
        return "records"
    rel, path = draw(st.sampled_from(lists))
    items = _at(state, rel, path)
    action = draw(st.sampled_from(["remove", "repeat", "repeat-new-id", "reverse", "swap"]))
    i = draw(st.integers(0, len(items) - 1))
    if action == "remove":
        del items[i]
    elif action.startswith("repeat"):
        twin = copy.deepcopy(items[i])
        if action == "repeat-new-id" and isinstance(twin, dict) and isinstance(twin.get("id"),
                                                                                str):
            twin["id"] += "-twin"
        items.insert(draw(st.integers(0, len(items))), twin)
    elif action == "reverse":
        items.reverse()
    else:
        j = draw(st.integers(0, len(items) - 1))
        items[i], items[j] = items[j], items[i]
    return f"records-{action}"


def _manifest_values(key: str, record: dict[str, Any]) -> Any:
    """Values for one manifest field: valid ones and the mistakes the issue lists."""
    return {
        "fold": st.integers(-1, 3),
        "published": st.sampled_from(["", "2024-12-07", "7 Dec 2024", "2024-02-30",
                                      "2024-12-07T10:00"]),
        "language": st.sampled_from(["en", "EN", "en-GB", "english", "en_US", "", "x-foo",
                                     "ar-a-aaa-a-bbb"]),
        "relays": st.lists(st.one_of(st.sampled_from(SOURCE_IDS), st.integers(), st.none()),
                           min_size=1, max_size=3),
        "sha256": st.sampled_from(["", "0" * 64, str(record.get("sha256", "")).upper()]),
        "source_file": st.sampled_from(["", ".", "..", "001_mini.txt", "000_mini.txt",
                                        "nul\0.txt", "../manifest.json"]),
        "genre": st.sampled_from(["news_article", "summary", "News_Article"]),
        "rights": st.sampled_from(["third_party_copyright", "cc-by"]),
        "doc_id": st.sampled_from([*KNOWN_STRINGS, "", " "]),
    }[key]


MANIFEST_KEYS = ("fold", "published", "language", "relays", "sha256", "source_file", "genre",
                 "rights", "doc_id")


def m_manifest(key: str) -> Callable[[Any, State], str]:
    """A mutation that sets manifest field ``key`` of one record."""

    def mutate(draw: Any, state: State) -> str:
        manifest = state["json"][MANIFEST]
        records = ([r for r in manifest if isinstance(r, dict)]
                   if isinstance(manifest, list) else [])
        if records:
            record = draw(st.sampled_from(records))
            record[key] = draw(_manifest_values(key, record))
        return f"manifest-{key}"

    return mutate


def m_converted(draw: Any, state: State) -> str:
    """A text with a byte-order mark or CRLF line endings, as a checkout might leave it."""
    rel = draw(st.sampled_from(TEXT_FILES))
    raw = state["texts"][rel]
    state["texts"][rel] = draw(st.sampled_from([b"\xef\xbb\xbf" + raw,
                                                raw.replace(b"\n", b"\r\n")]))
    return "text-converted"


def m_text(draw: Any, state: State) -> str:
    """Replace one character of a text; usually update the manifest checksum to match."""
    rel = draw(st.sampled_from(TEXT_FILES))
    raw = state["texts"][rel]
    text = raw.decode("utf-8", errors="surrogateescape")
    i = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from([" ", "\n", "\r", "\u2028", "x", ".", "\t", "\u00a0", "’",
                                 "_", "A", "-", "\x00"]))
    new = (text[:i] + char + text[i + 1:]).encode("utf-8", errors="surrogateescape")
    state["texts"][rel] = new
    manifest = state["json"][MANIFEST]
    if draw(st.integers(0, 4)) and isinstance(manifest, list):
        for record in manifest:
            if isinstance(record, dict) and record.get("source_file") == Path(rel).name:
                record["sha256"] = hashlib.sha256(new).hexdigest()
    return "text"


def m_raw(draw: Any, state: State) -> str:
    """Repeat a key or cut a file short in its written form."""
    rel = draw(st.sampled_from(JSON_FILES))
    state["raw"][rel] = draw(st.one_of(st.integers(0, 400),
                                       st.sampled_from(KNOWN_KEYS)))
    return "raw"


MUTATIONS: dict[str, Callable[[Any, State], str]] = {
    "value": m_value, "type": m_type, "delete-key": m_delete_key, "add-key": m_add_key,
    "offset": m_offset, "aligned": m_aligned, "id": m_id, "records": m_records,
    "text": m_text, "text-converted": m_converted, "raw": m_raw, "free-text": m_free_text,
    **{f"manifest-{key}": m_manifest(key) for key in MANIFEST_KEYS},
}


@st.composite
def mutated(draw: Any, first: str) -> State:
    """The fixture after the mutation ``first`` and up to two more of any kind."""
    state: State = {"json": copy.deepcopy(BASE), "texts": dict(TEXTS), "raw": {}}
    event(MUTATIONS[first](draw, state))
    for _ in range(draw(st.integers(0, 2))):
        event(draw(st.sampled_from(list(MUTATIONS.values())))(draw, state))
    return state


def _serialise(data: Any, raw: int | str | None) -> str:
    text = json.dumps(data, indent=2)  # ASCII: lone surrogates are written as escapes
    if isinstance(raw, int):
        return text[:raw]  # cut short
    if isinstance(raw, str) and f'"{raw}": ' in text:
        return text.replace(f'"{raw}": ', f'"{raw}": 0, "{raw}": ', 1)  # repeated key
    return text


def _write(state: State, root: Path) -> None:
    for rel, data in state["json"].items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_serialise(data, state["raw"].get(rel)), encoding="utf-8")
    for rel, raw in state["texts"].items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(raw)


@pytest.mark.parametrize("first", sorted(MUTATIONS))
@settings(derandomize=True, max_examples=EXAMPLES_PER_KIND, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_validate_never_raises_and_what_it_accepts_builds(first: str, data: Any) -> None:
    state = data.draw(mutated(first))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(state, root)
        corpus, annotations = root / "corpus", root / "annotations"
        problems = validate(corpus, annotations)
        assert {p.code for p in problems} <= set(errors.CODES)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(["validate", "--corpus", str(corpus), "--annotations", str(annotations)])
        assert rc == (1 if problems else 0)
        assert all(str(p) in out.getvalue() for p in problems)
        if problems:
            event("refused")
            return
        event("accepted and built")
        build_release(corpus, annotations, root / "release")
        assert (root / "release" / "README.md").is_file()
