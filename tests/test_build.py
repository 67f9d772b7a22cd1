"""The release built from the mini fixture: goldens, reproducibility, loading, the card."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, Features, List, load_dataset
from update_golden import check_golden, golden_texts, release_rows

from retold.build.features import features_for
from retold.cli import main
from retold.describe.stats import compute_stats, format_stats
from retold.errors import InvalidInputError
from retold.io.release import CARD_FILE, DATA_FILE, SUMS_FILE, release_files, verify_sha256sums
from retold.pipeline import build_release
from retold.schema import (
    CONFIG_NAMES,
    REUSE_NEAR_VERBATIM_MIN,
    get_config,
)
from retold.text.reuse import text_similarity
from retold.validate.checks import load_validated

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).parent.parent


def front_matter(card: str) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n", 2)[1])


# --------------------------------------------------------------------------------------
# Goldens.
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("rel", [*(f"mini/{c}.json" for c in CONFIG_NAMES), "mini/README.md"])
def test_golden(mini_release: tuple[Path, dict[str, int]], rel: str) -> None:
    release, _ = mini_release
    check_golden(rel, golden_texts(release)[rel])


def test_release_layout(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, counts = mini_release
    expected = sorted([CARD_FILE, "LICENSE-DATA.md", "build_info.json", "croissant.json",
                       *(f"data/{c}/{DATA_FILE}" for c in CONFIG_NAMES)])
    assert release_files(release) == expected
    assert (release / SUMS_FILE).is_file()
    assert list(counts) == list(CONFIG_NAMES)
    assert counts == {"documents": 2, "claims": 5, "clusters": 3, "sources": 4,
                      "pairs": 10, "tokens": 7}


# --------------------------------------------------------------------------------------
# Reproducibility and checksums.
# --------------------------------------------------------------------------------------
def test_two_builds_are_byte_identical(mini_release: tuple[Path, dict[str, int]],
                                       tmp_path: Path) -> None:
    first, _ = mini_release
    second = tmp_path / "elsewhere" / "release"
    build_release(MINI / "corpus", MINI / "annotations", second)
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix()
                           for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_sha256sums_verify_and_catch_tampering(mini_release: tuple[Path, dict[str, int]],
                                               tmp_path: Path) -> None:
    release, _ = mini_release
    assert verify_sha256sums(release) == []
    lines = (release / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == release_files(release)
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    card = copy / CARD_FILE
    card.write_text(card.read_text(encoding="utf-8") + "x", encoding="utf-8")
    (copy / "extra.txt").write_text("stray", encoding="utf-8")
    assert verify_sha256sums(copy) == [CARD_FILE, "extra.txt"]


def test_stale_data_files_of_a_previous_release_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    # A previous release that had one more config: its file is listed in its SHA256SUMS.
    stale = out / "data" / "old-config" / "test-00000-of-00001.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"stale")
    with (out / SUMS_FILE).open("a", encoding="utf-8") as f:
        f.write(f"{hashlib.sha256(b'stale').hexdigest()}  data/old-config/{stale.name}\n")
    build_release(MINI / "corpus", MINI / "annotations", out)
    assert not stale.exists()
    assert sorted(p.name for p in (out / "data").iterdir()) == sorted(CONFIG_NAMES)
    assert verify_sha256sums(out) == []


@pytest.mark.parametrize("foreign", ["README.md", "notes/todo.txt", "data/mine.parquet"])
def test_build_refuses_a_folder_that_is_not_a_release(tmp_path: Path, foreign: str) -> None:
    out = tmp_path / "project"
    path = out / foreign
    path.parent.mkdir(parents=True)
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        build_release(MINI / "corpus", MINI / "annotations", out)
    assert err.value.problems[0].code == "unsafe-output"
    assert path.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        foreign]


def test_build_refuses_foreign_files_inside_a_release(tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    (out / "my-notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        build_release(MINI / "corpus", MINI / "annotations", out)
    assert "my-notes.txt" in err.value.problems[0].message
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_sha256sums_lists_exactly_the_files_written(tmp_path: Path) -> None:
    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    listed = [line.split("  ", 1)[1]
              for line in (out / SUMS_FILE).read_text(encoding="utf-8").splitlines()]
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                     if p.is_file() and p.name != SUMS_FILE)
    assert listed == on_disk
    for line in (out / SUMS_FILE).read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest


def test_an_io_error_midway_keeps_the_previous_release(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    before = {rel: (out / rel).read_bytes() for rel in release_files(out)}
    calls = {"n": 0}
    real = Path.write_bytes

    def flaky(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(InvalidInputError) as err:
        build_release(MINI / "corpus", MINI / "annotations", out)
    monkeypatch.undo()
    assert "No space left on device" in err.value.problems[0].message
    assert {rel: (out / rel).read_bytes() for rel in release_files(out)} == before
    assert [p.name for p in tmp_path.iterdir()] == ["release"], "staging folder left behind"


def test_build_info_records_the_writing_libraries(tmp_path: Path) -> None:
    from importlib.metadata import version

    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    info = json.loads((out / "build_info.json").read_text(encoding="utf-8"))
    assert info["libraries"]["pyarrow"] == version("pyarrow")
    assert info["libraries"]["datasets"] == version("datasets")


def test_parquet_metadata_is_deterministic(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    for name in CONFIG_NAMES:
        meta = pq.read_metadata(release / "data" / name / DATA_FILE)
        assert set(meta.metadata) == {b"ARROW:schema", b"huggingface"}
        assert json.loads(meta.metadata[b"huggingface"]) == {
            "info": {"features": features_for(name).to_dict()}}
        assert meta.num_row_groups == 1


# --------------------------------------------------------------------------------------
# Loading with datasets.
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def loaded(mini_release: tuple[Path, dict[str, int]],
           tmp_path_factory: pytest.TempPathFactory) -> dict:
    release, _ = mini_release
    cache = tmp_path_factory.mktemp("hf-datasets-cache")
    return {name: load_dataset(str(release), name, split="test", cache_dir=str(cache))
            for name in CONFIG_NAMES}


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_load_dataset_features(loaded: dict, mini_release: tuple[Path, dict[str, int]],
                               name: str) -> None:
    ds = loaded[name]
    assert ds.features == features_for(name)
    assert tuple(ds.column_names) == get_config(name).field_names
    assert len(ds) == mini_release[1][name]
    config = get_config(name)
    for field in config.fields:
        if isinstance(field.dtype, tuple) and field.dtype[0] == "class_label":
            assert ds.features[field.name] == ClassLabel(names=list(field.dtype[1]))
        if (isinstance(field.dtype, tuple) and field.dtype[0] == "list"
                and isinstance(field.dtype[1], tuple) and field.dtype[1][0] == "class_label"):
            assert ds.features[field.name] == List(ClassLabel(names=list(field.dtype[1][1])))


def test_loaded_rows_match_golden_rows(loaded: dict,
                                       mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    for name in CONFIG_NAMES:
        ds = loaded[name]
        decoded = [ds.features.decode_example(row) for row in ds]
        stored = release_rows(release, name)
        # datasets returns ClassLabels as ids: compare through the features' names.
        for got, want in zip(decoded, stored, strict=True):
            for field in get_config(name).fields:
                value = got[field.name]
                feature = ds.features[field.name]
                if isinstance(feature, ClassLabel):
                    value = feature.int2str(value)
                elif isinstance(feature, List) and isinstance(feature.feature, ClassLabel):
                    value = [feature.feature.int2str(v) for v in value]
                if isinstance(value, float):
                    assert value == pytest.approx(want[field.name])
                else:
                    assert value == want[field.name], (name, field.name)


def test_offsets_slice_the_text(loaded: dict) -> None:
    texts = {d["doc_id"]: d["text"] for d in loaded["documents"]}
    for d in loaded["documents"]:
        for b in d["boilerplate"]:
            assert 0 <= b["start"] < b["end"] <= len(d["text"])
    for c in loaded["claims"]:
        text = texts[c["doc_id"]]
        assert text[c["start"]:c["end"]] == c["text"]
        if c["source_start"] >= 0:
            assert text[c["source_start"]:c["source_end"]] == c["source_text"]
        else:
            assert c["source_text"] == "" and c["source_end"] == -1
        if c["cue_start"] >= 0:
            assert text[c["cue_start"]:c["cue_end"]] == c["cue_text"]
        if c["chain"]:
            last = c["chain"][-1]
            assert (last["source_start"], last["cue_start"]) == (c["source_start"], c["cue_start"])
            assert [link["source"] for link in c["chain"]] == c["source_chain"]
        assert c["attributed"] == (c["source"] != "author") == bool(c["chain"])
    for s in loaded["tokens"]:
        text = texts[s["doc_id"]]
        sentence = text[s["start"]:s["end"]]
        assert sentence == sentence.strip() and sentence
        for tok, a, b in zip(s["tokens"], s["token_starts"], s["token_ends"], strict=True):
            assert text[a:b] == tok
            assert s["start"] <= a < b <= s["end"]


def test_claim_spans_are_tagged(loaded: dict) -> None:
    """Every claim is exactly one B followed by Is in the tokens config."""
    tags = loaded["tokens"].features["claim_tags"].feature
    spans = set()
    for s in loaded["tokens"]:
        names = [tags.int2str(t) for t in s["claim_tags"]]
        for i, tag in enumerate(names):
            if tag == "B":
                j = i + 1
                while j < len(names) and names[j] == "I":
                    j += 1
                spans.add((s["doc_id"], s["token_starts"][i], s["token_ends"][j - 1]))
    assert spans == {(c["doc_id"], c["start"], c["end"]) for c in loaded["claims"]}


def test_dates_stay_strings(loaded: dict) -> None:
    published = {d["doc_id"]: d["published"] for d in loaded["documents"]}
    assert published == {"000-mini-report": "2024-12-06", "001-mini-denial": ""}
    assert all(isinstance(v, str) for v in published.values())


def test_pairs_semantics(loaded: dict) -> None:
    claims = {c["claim_id"]: c for c in loaded["claims"]}
    pairs = loaded["pairs"]
    reuse = pairs.features["reuse"]
    n = len(claims)
    assert len(pairs) == n * (n - 1) // 2
    seen = set()
    for p in pairs:
        a, b = claims[p["claim_id_a"]], claims[p["claim_id_b"]]
        assert p["claim_id_a"] < p["claim_id_b"]
        seen.add((p["claim_id_a"], p["claim_id_b"]))
        assert p["duplicate"] == (a["cluster_id"] == b["cluster_id"])
        assert p["same_doc"] == (a["doc_id"] == b["doc_id"])
        assert p["contradiction"] == (p["duplicate"] and a["denied"] != b["denied"])
        sim = text_similarity(a["text"], b["text"])
        assert p["similarity"] == pytest.approx(sim, abs=1e-7)
        label = reuse.int2str(p["reuse"])
        if not p["duplicate"]:
            assert label == "none"
        elif sim == 1.0:
            assert label == "verbatim"
        else:
            assert label == ("near_verbatim" if sim >= REUSE_NEAR_VERBATIM_MIN else "paraphrase")
    assert len(seen) == len(pairs)


# --------------------------------------------------------------------------------------
# The card.
# --------------------------------------------------------------------------------------
def test_card_yaml_matches_schema(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, counts = mini_release
    meta = front_matter((release / CARD_FILE).read_text(encoding="utf-8"))
    assert [c["config_name"] for c in meta["configs"]] == list(CONFIG_NAMES)
    for c in meta["configs"]:
        assert c["data_files"] == [{"split": "test", "path": f"data/{c['config_name']}/*.parquet"}]
    assert [i["config_name"] for i in meta["dataset_info"]] == list(CONFIG_NAMES)
    for info in meta["dataset_info"]:
        name = info["config_name"]
        assert Features._from_yaml_list(info["features"]) == features_for(name)
        assert info["splits"][0]["name"] == "test"
        assert info["splits"][0]["num_examples"] == counts[name]
    assert meta["license"] == "other"
    assert meta["license_name"] == "retold-data-license"
    assert meta["license_link"] == "LICENSE-DATA.md"
    assert (release / "LICENSE-DATA.md").read_bytes() == (ROOT / "LICENSE-DATA").read_bytes()
    assert meta["language"] == ["en"]
    assert meta["task_categories"] == ["text-classification", "token-classification"]
    assert meta["size_categories"] == ["n<1K"]


def test_card_statistics_come_from_stats(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    card = (release / CARD_FILE).read_text(encoding="utf-8")
    docs, annotations = load_validated(MINI / "corpus", MINI / "annotations")
    assert format_stats(compute_stats(docs, annotations), "markdown") in card
    assert "Not yet computed." in card


def test_card_renders_agreement_file(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    figures = {"stance Cohen's kappa (matched)": 0.81, "claims, first read": 5}
    (root / "annotations" / "agreement.json").write_text(json.dumps(figures), encoding="utf-8")
    build_release(root / "corpus", root / "annotations", tmp_path / "release")
    card = (tmp_path / "release" / CARD_FILE).read_text(encoding="utf-8")
    assert "Not yet computed." not in card
    assert "| stance Cohen's kappa (matched) | 0.81 |" in card
    assert "| claims, first read | 5 |" in card


# --------------------------------------------------------------------------------------
# Refusals.
# --------------------------------------------------------------------------------------
def test_build_refuses_invalid_annotations(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "annotations" / "docs" / "000-mini-report.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["claims"][0]["text"] = "Officials evacuated staff from the embassy on Sunday"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "release"
    with pytest.raises(InvalidInputError) as err:
        build_release(root / "corpus", root / "annotations", out)
    assert any(p.code == "span-text-mismatch" and p.where == "000-c001"
               for p in err.value.problems)
    assert not out.exists()


def test_failed_build_keeps_previous_release(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    out = tmp_path / "release"
    build_release(root / "corpus", root / "annotations", out)
    before = {rel: (out / rel).read_bytes() for rel in release_files(out)}
    (root / "annotations" / "clusters.json").write_text("[", encoding="utf-8")
    with pytest.raises(InvalidInputError):
        build_release(root / "corpus", root / "annotations", out)
    assert {rel: (out / rel).read_bytes() for rel in release_files(out)} == before


# --------------------------------------------------------------------------------------
# The command line.
# --------------------------------------------------------------------------------------
def test_cli_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "release"
    code = main(["build", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", str(out)])
    assert code == 0
    assert "pairs: 10 rows" in capsys.readouterr().out
    assert verify_sha256sums(out) == []


def test_cli_build_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    (root / "annotations" / "docs" / "001-mini-denial.json").unlink()
    code = main(["build", "--corpus", str(root / "corpus"),
                 "--annotations", str(root / "annotations"), "--out", str(tmp_path / "r")])
    assert code == 1
    assert "missing-annotation" in capsys.readouterr().err


def test_cli_stats_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stats", "--format", "json", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations")])
    assert code == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert data["claims"] == 5
    assert data["pairs"]["contradiction"] == 2
    assert text.strip() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
