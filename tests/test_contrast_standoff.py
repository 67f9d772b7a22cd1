"""The contrast set is anchored once (``retold anchor --contrast``) into committed standoff.

Oracles: the stored texts (every offset of the committed standoff spells its quote in the
corpus or the row's text), SHA-256 computed here from the draft lines, and the bytes of
the files before and after a refused command.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from retold import errors as v
from retold.annotate.contrast_anchor import anchor_contrast_set
from retold.cli import main
from retold.errors import InvalidInputError
from retold.io.corpus import load_corpus_or_raise
from retold.pipeline import build_release
from retold.validate import checks, contrast_anchoring

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"
SETS = {"repository": (ROOT / "corpus", ROOT / "annotations"),
        "mini": (MINI / "corpus", MINI / "annotations")}
EDITS = "annotations/contrast/edits.jsonl"
STANDOFF = "annotations/contrast/standoff"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _sha256(obj: dict) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", sorted(SETS))
def test_committed_standoff_spells_its_drafts(name: str) -> None:
    """Every standoff line is its draft line's: same id and order, the digest of the draft
    line, and offsets that give back the quotes in the stored texts."""
    corpus, annotations = SETS[name]
    texts = {d.doc_id: d.text for d in load_corpus_or_raise(corpus)}
    claims = {}
    for path in (annotations / "docs").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        claims.update({c["id"]: (doc["doc_id"], c) for c in doc["claims"]})
    for kind, key in (("edits", "contrast_id"), ("pairs", "pair_id")):
        drafts = _jsonl(annotations / "contrast" / f"{kind}.jsonl")
        lines = _jsonl(annotations / "contrast" / "standoff" / f"{kind}.jsonl")
        assert [d[key] for d in drafts] == [s[key] for s in lines]
        assert [_sha256(d) for d in drafts] == [s["draft_sha256"] for s in lines]
    for draft, line in zip(_jsonl(annotations / "contrast" / "edits.jsonl"),
                           _jsonl(annotations / "contrast" / "standoff" / "edits.jsonl"),
                           strict=True):
        text = line["text"]
        assert text == draft["text"]
        assert text[line["start"]:line["end"]] == line["claim_text"] == draft["claim"]
        doc_id, original = claims[draft["original_claim_id"]]
        passage = texts[doc_id][line["passage_start"]:line["passage_end"]]
        assert passage == draft["original"] == line["original_text"]
        assert line["passage_start"] <= original["start"] < original["end"] <= \
            line["passage_end"]
        for link, quoted in zip(line["chain"], draft["chain"], strict=True):
            assert link["source"] == quoted["source"]
            for what, span in (("mention", "source"), ("cue", "cue")):
                start, end = link[f"{span}_start"], link[f"{span}_end"]
                assert (text[start:end] if start >= 0 else None) == quoted[what]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def _edit_note(root: Path, number: int, note: str) -> None:
    path = root / EDITS
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[number - 1])
    row["note"] = note
    lines[number - 1] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_edited_draft_is_stale_until_anchored_again(
        mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_note(mini, 2, "reworded note")
    args = ["--corpus", str(mini / "corpus"), "--annotations", str(mini / "annotations")]
    assert main(["validate", *args]) == 1
    out = capsys.readouterr().out
    assert f"{mini / EDITS}: line 2 x-0002: [stale-standoff]" in out
    assert out.count("[stale-standoff]") == 1  # only the edited line
    assert main(["anchor", "--contrast", *args]) == 0
    line = _jsonl(mini / STANDOFF / "edits.jsonl")[1]
    assert (line["contrast_id"], line["note"]) == ("x-0002", "reworded note")
    assert main(["validate", *args]) == 0


def test_anchoring_refuses_a_bad_draft_and_writes_nothing(
        mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = mini / EDITS
    rows = _jsonl(path)
    rows[0]["claim"] = "words that are not in the text"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    before = _snapshot(mini / STANDOFF)
    code = main(["anchor", "--contrast", "--corpus", str(mini / "corpus"),
                 "--annotations", str(mini / "annotations")])
    assert code == 1
    assert f"line 1 x-0001: [{v.QUOTE_NOT_FOUND}]" in capsys.readouterr().err
    assert _snapshot(mini / STANDOFF) == before


def test_anchoring_replaces_only_the_folder_it_wrote(
        mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hand = mini / STANDOFF / "edits.jsonl"
    hand.write_text(hand.read_text(encoding="utf-8").replace('"note": ""', '"note": "x"', 1),
                    encoding="utf-8")
    before = _snapshot(mini / STANDOFF)
    code = main(["anchor", "--contrast", "--corpus", str(mini / "corpus"),
                 "--annotations", str(mini / "annotations")])
    assert code == 1
    assert "[unsafe-output]" in capsys.readouterr().err
    assert _snapshot(mini / STANDOFF) == before


@pytest.mark.parametrize("extra", [["--out", "x.json"], ["--doc-id", "000-mini-report"],
                                   ["draft.jsonl"]])
def test_anchor_contrast_takes_no_draft_options(extra: list[str]) -> None:
    assert main(["anchor", "--contrast", *extra]) == 2


def test_validate_and_build_read_the_standoff_and_never_anchor(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With quote finding broken, a current standoff still validates and builds (nothing
    is anchored there); a draft edited after anchoring is then the only problem."""
    def broken(*args: object, **kwargs: object) -> object:
        raise AssertionError("anchored outside `retold anchor --contrast`")

    build_release(mini / "corpus", mini / "annotations", tmp_path / "before")
    monkeypatch.setattr(contrast_anchoring, "find_quote", broken)
    assert checks.validate(mini / "corpus", mini / "annotations") == []
    build_release(mini / "corpus", mini / "annotations", tmp_path / "after")
    for name in ("contrast", "contrast_pairs"):
        rel = f"data/{name}/test-00000-of-00001.parquet"
        assert (tmp_path / "after" / rel).read_bytes() == (tmp_path / "before" / rel).read_bytes()


def test_a_standoff_line_without_its_draft_line_is_refused(mini: Path) -> None:
    """A row dropped from the drafts (its id retired) but still in the standoff would be
    released: it is reported until the drafts are anchored again."""
    path = mini / EDITS
    rows = _jsonl(path)
    dropped = rows.pop(1)["contrast_id"]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    registry = mini / "annotations/contrast/retired.json"
    data = json.loads(registry.read_text(encoding="utf-8"))
    data["retired"].append({"id": dropped, "reason": "test"})
    registry.write_text(json.dumps(data), encoding="utf-8")
    problems = checks.validate(mini / "corpus", mini / "annotations")
    assert [(p.code, p.where) for p in problems] == [(v.STALE_STANDOFF, f"line 2 {dropped}")]
    anchor_contrast_set(mini / "corpus", mini / "annotations")
    assert checks.validate(mini / "corpus", mini / "annotations") == []
    assert dropped not in (mini / STANDOFF / "edits.jsonl").read_text(encoding="utf-8")


def test_load_validated_includes_the_contrast_set(mini: Path) -> None:
    _edit_note(mini, 1, "changed")
    with pytest.raises(InvalidInputError) as err:
        checks.load_validated(mini / "corpus", mini / "annotations")
    assert [p.code for p in err.value.problems] == [v.STALE_STANDOFF]
    checks.load_validated(mini / "corpus", mini / "annotations", contrast=False)
