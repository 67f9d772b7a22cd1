"""The release built from the mini fixture: goldens, reproducibility, loading, the card."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import oracles
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, Features, List, load_dataset
from update_golden import check_golden, golden_texts, release_rows

from retold.build.features import features_for
from retold.cli import main
from retold.errors import InvalidInputError
from retold.io.release import CARD_FILE, DATA_FILE, SUMS_FILE, release_files, verify_sha256sums
from retold.pipeline import build_release
from retold.schema import CONFIG_NAMES, get_config

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
                       "probes.json", *(f"data/{c}/{DATA_FILE}" for c in CONFIG_NAMES)])
    assert release_files(release) == expected
    assert (release / SUMS_FILE).is_file()
    assert list(counts) == list(CONFIG_NAMES)
    assert counts == {"documents": 2, "claims": 5, "clusters": 3, "sources": 4,
                      "pairs": 10, "tokens": 7, "contrast": 6, "contrast_pairs": 2}


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


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_refuses_a_foreign_folder_with_its_own_sha256sums(tmp_path: Path) -> None:
    # Someone's downloads: an image, notes and the sha256sum file that checks them.
    out = tmp_path / "downloads"
    out.mkdir()
    files = {"debian.iso": b"\x00" * 1000, "notes.txt": b"mine\n"}
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / SUMS_FILE).write_text("".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n"
                                         for n, d in sorted(files.items())), encoding="utf-8")
    before = _snapshot(out)
    with pytest.raises(InvalidInputError) as err:
        build_release(MINI / "corpus", MINI / "annotations", out)
    assert err.value.problems[0].code == "unsafe-output"
    assert "build_info.json does not say `retold build` wrote it" in err.value.problems[0].message
    assert _snapshot(out) == before


@pytest.mark.parametrize("change", ["digest", "marker"])
def test_build_refuses_a_release_that_is_not_as_its_record_says(tmp_path: Path,
                                                                 change: str) -> None:
    out = tmp_path / "release"
    build_release(MINI / "corpus", MINI / "annotations", out)
    if change == "digest":  # a file changed after the build: its digest no longer matches
        (out / CARD_FILE).write_text("my own card\n", encoding="utf-8")
        needle = f"{CARD_FILE} was changed after it was written"
    else:  # digests all match, but build_info.json does not name retold build
        info = json.loads((out / "build_info.json").read_text(encoding="utf-8"))
        del info["written_by"]
        (out / "build_info.json").write_text(json.dumps(info), encoding="utf-8")
        lines = [f"{hashlib.sha256((out / rel).read_bytes()).hexdigest()}  {rel}\n"
                 for rel in release_files(out)]
        (out / SUMS_FILE).write_text("".join(lines), encoding="utf-8")
        assert verify_sha256sums(out) == []
        needle = "does not say `retold build` wrote it"
    before = _snapshot(out)
    with pytest.raises(InvalidInputError) as err:
        build_release(MINI / "corpus", MINI / "annotations", out)
    assert needle in err.value.problems[0].message
    assert _snapshot(out) == before


def test_build_refuses_a_symlinked_out_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    build_release(MINI / "corpus", MINI / "annotations", real)
    link = tmp_path / "release"
    link.symlink_to(real)
    before = _snapshot(real)
    result = main(["build", "--corpus", str(MINI / "corpus"), "--annotations",
                   str(MINI / "annotations"), "--out", str(link)])
    assert result == 1
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert _snapshot(real) == before


@pytest.mark.parametrize(("umask", "folder", "file"), [(0o022, 0o755, 0o644),
                                                       (0o077, 0o700, 0o600)])
def test_release_permissions_follow_the_umask(tmp_path: Path, umask: int, folder: int,
                                              file: int) -> None:
    out = tmp_path / "release"
    old = os.umask(umask)
    try:
        for _ in range(2):  # a new release, then one replacing it
            build_release(MINI / "corpus", MINI / "annotations", out)
            dirs = [out, *(p for p in out.rglob("*") if p.is_dir())]
            assert {stat.S_IMODE(p.stat().st_mode) for p in dirs} == {folder}
            assert {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")
                    if p.is_file()} == {file}
    finally:
        os.umask(old)


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
    assert info["written_by"] == "retold build"  # the proof a later build checks


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


def test_claim_texts_match_the_standoff_files_and_drafts(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    assert oracles.check_claim_texts(release, MINI / "corpus", MINI / "annotations",
                                     MINI / "drafts") == 5


def test_tokens_cover_the_text(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    assert oracles.check_tokens_cover_the_text(release, MINI / "corpus") == 7


def test_bio_layers_decode_to_the_standoff_spans(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    """seqeval decodes claim_tags, source_tags and cue_tags back to the standoff spans."""
    release, _ = mini_release
    assert oracles.check_bio_layers(release, MINI / "annotations") == 7


def test_boilerplate_spans_are_those_of_the_standoff_files(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    texts = oracles.corpus_texts(MINI / "corpus")
    docs = oracles.standoff(MINI / "annotations")
    for row in oracles.release_rows(release, "documents"):
        assert row["text"] == texts[row["doc_id"]]
        spans = [(b["start"], b["end"], b["kind"]) for b in row["boilerplate"]]
        assert spans == sorted((b["start"], b["end"], b["kind"])
                               for b in docs[row["doc_id"]]["boilerplate"])
        for b in docs[row["doc_id"]]["boilerplate"]:
            assert row["text"][b["start"]:b["end"]] == b["text"]


def tampered(release: Path, tmp_path: Path, config: str, change: Any) -> Path:
    """A copy of ``release`` whose ``config`` rows went through ``change`` (for the
    tests that show an oracle fails on wrong data)."""
    copy = tmp_path / "tampered"
    shutil.copytree(release, copy)
    path = copy / "data" / config / DATA_FILE
    table = pq.read_table(path)
    rows = table.to_pylist()
    change(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    return copy


def test_the_oracles_fail_on_wrong_data(mini_release: tuple[Path, dict[str, int]],
                                        tmp_path: Path) -> None:
    release, _ = mini_release

    def i_for_b(rows: list[dict]) -> None:  # tag ids: O=0, B=1, I=2
        row = next(r for r in rows if 1 in r["cue_tags"])
        row["cue_tags"][row["cue_tags"].index(1)] = 2

    def shorter_claim(rows: list[dict]) -> None:
        row = next(r for r in rows if r["claim_tags"][-2:] == [2, 0])
        row["claim_tags"][-2] = 0

    def similar(rows: list[dict]) -> None:
        rows[0]["similarity"] += 1e-6

    def moved_text(rows: list[dict]) -> None:
        rows[0]["text"] = rows[0]["text"][1:]

    with pytest.raises(AssertionError, match="starts with I"):
        oracles.check_bio_layers(tampered(release, tmp_path / "a", "tokens", i_for_b),
                                 MINI / "annotations")
    with pytest.raises(AssertionError):
        oracles.check_bio_layers(tampered(release, tmp_path / "b", "tokens", shorter_claim),
                                 MINI / "annotations")
    with pytest.raises(AssertionError):
        oracles.check_pairs(tampered(release, tmp_path / "c", "pairs", similar),
                            MINI / "annotations")
    with pytest.raises(AssertionError):
        oracles.check_claim_texts(tampered(release, tmp_path / "d", "claims", moved_text),
                                  MINI / "corpus", MINI / "annotations", MINI / "drafts")

    def other_fold(rows: list[dict]) -> None:
        rows[-1]["fold"] = 0

    def glued_tokens(rows: list[dict]) -> None:  # "Officials evacuated" as one token
        row = rows[0]
        row["tokens"][:2] = [row["tokens"][0] + " " + row["tokens"][1]]
        row["token_starts"][:2] = row["token_starts"][:1]
        row["token_ends"][:2] = row["token_ends"][1:2]
        for layer in ("claim", "source", "cue"):
            row[f"{layer}_tags"][:2] = row[f"{layer}_tags"][:1]

    with pytest.raises(AssertionError):
        oracles.check_folds(tampered(release, tmp_path / "e", "claims", other_fold),
                            MINI / "annotations", {"000-mini-report": 0, "001-mini-denial": 1})
    with pytest.raises(AssertionError):
        oracles.check_tokens_cover_the_text(
            tampered(release, tmp_path / "f", "tokens", glued_tokens), MINI / "corpus")


def test_dates_stay_strings(loaded: dict) -> None:
    published = {d["doc_id"]: d["published"] for d in loaded["documents"]}
    assert published == {"000-mini-report": "2024-12-06", "001-mini-denial": ""}
    assert all(isinstance(v, str) for v in published.values())


# The mini fixture's reuse tokens (NFKC, lower-case, \w+), worked out by hand:
#   000-c001  officials evacuated staff from the embassy on friday   (8)  cluster E
#   000-c002  the bridge may have collapsed                          (5)  cluster B
#   001-c001  embassy evacuation                                     (2)  cluster E, denied
#   001-c002  the mission continues its work                         (5)  cluster M
#   001-c003  the evacuation of the embassy                          (5)  cluster E, denied
# LCS and Dice = 2 * LCS / (len a + len b) of each pair ("evacuation" != "evacuated"):
MINI_PAIRS = {
    # (a, b): (LCS, similarity, duplicate, contradiction, reuse)
    ("000-c001", "000-c002"): (1, 2 / 13, False, False, "none"),       # the
    ("000-c001", "001-c001"): (1, 2 / 10, True, True, "paraphrase"),   # embassy
    ("000-c001", "001-c002"): (1, 2 / 13, False, False, "none"),       # the
    ("000-c001", "001-c003"): (2, 4 / 13, True, True, "paraphrase"),   # the embassy
    ("000-c002", "001-c001"): (0, 0.0, False, False, "none"),
    ("000-c002", "001-c002"): (1, 2 / 10, False, False, "none"),       # the
    ("000-c002", "001-c003"): (1, 2 / 10, False, False, "none"),       # the
    ("001-c001", "001-c002"): (0, 0.0, False, False, "none"),
    ("001-c001", "001-c003"): (1, 2 / 7, True, False, "paraphrase"),   # both denied
    ("001-c002", "001-c003"): (1, 2 / 10, False, False, "none"),       # the
}


def test_pairs_hand_worked(loaded: dict) -> None:
    pairs = loaded["pairs"]
    reuse = pairs.features["reuse"]
    got = {(p["claim_id_a"], p["claim_id_b"]): p for p in pairs}
    assert sorted(got) == sorted(MINI_PAIRS)
    for key, (_, sim, duplicate, contradiction, label) in MINI_PAIRS.items():
        p = got[key]
        assert p["similarity"] == pytest.approx(sim, abs=2 ** -25), key
        assert (p["duplicate"], p["contradiction"], reuse.int2str(p["reuse"])) == (
            duplicate, contradiction, label), key
        assert p["same_doc"] == (key[0][:3] == key[1][:3])
        assert (p["doc_id_a"][:3], p["doc_id_b"][:3]) == (key[0][:3], key[1][:3])


def test_pairs_match_rapidfuzz(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    assert oracles.check_pairs(release, MINI / "annotations") == 10


def test_folds(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    oracles.check_folds(release, MINI / "annotations",
                        {"000-mini-report": 0, "001-mini-denial": 1})


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


def test_card_statistics_are_counted_from_the_json_files(
        mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    card = oracles.card_statistics((release / CARD_FILE).read_text(encoding="utf-8"))
    expected = oracles.expected_statistics(MINI / "corpus", MINI / "annotations")
    assert oracles.nonzero(card) == oracles.nonzero(expected)
    # And by hand: 2 documents, 5 mentions; the 3-mention cluster gives 3 duplicate pairs,
    # 2 of them contradictions (000-c001 against each denial); 10 - 3 = 7 "none" pairs.
    assert card["Summary"]["documents"] == ("2",)
    assert card["Summary"]["contradiction pairs"] == ("2",)
    assert card["Pair reuse labels"] == {"verbatim": ("0",), "near_verbatim": ("0",),
                                         "paraphrase": ("3",), "none": ("7",)}


def test_card_prose_counts_the_documents(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    card = (release / CARD_FILE).read_text(encoding="utf-8")
    assert "The two documents were supplied" in card
    assert "Two documents, one story" in card
    lowered = card.lower()
    for wrong in ("five documents", "five folds", "five texts", "the five", "five retellings"):
        assert wrong not in lowered, wrong
    assert "Not yet computed." in card  # the fixture has no agreement.json


def test_card_renders_agreement_file(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    committed = json.loads((ROOT / "annotations" / "agreement.json").read_text("utf-8"))
    committed["tasks"] = {"denied": {"main_score": "denied_f1", "scores": {
        "denied_f1": 0.8125, "stance_accuracy": 0.5}, "ci": {
        "denied_f1": {"lower": 0.25, "upper": 0.9375}}}}
    (root / "annotations" / "agreement.json").write_text(json.dumps(committed),
                                                         encoding="utf-8")
    build_release(root / "corpus", root / "annotations", tmp_path / "release")
    card = (tmp_path / "release" / CARD_FILE).read_text(encoding="utf-8")
    assert "Not yet computed." not in card
    assert "| `denied` | `denied_f1` | 0.8125 | [0.2500, 0.9375] |" in card
    assert "stance_accuracy" not in card.split("#### Inter-annotator agreement")[1].split(
        "####")[0]  # only the scores with an interval are shown


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


def test_immediate_offsets_are_the_last_links() -> None:
    from retold.build.chains import NO_OFFSET, immediate_offsets

    outer = {"source": "nyt", "source_start": 0, "source_end": 3, "cue_start": 4, "cue_end": 8}
    inner = {"source": "officials", "source_start": 20, "source_end": 29, "cue_start": -1,
             "cue_end": -1}
    assert immediate_offsets([outer, inner]) == (20, 29, -1, -1)
    assert immediate_offsets([outer]) == (0, 3, 4, 8)
    assert immediate_offsets([]) == (NO_OFFSET,) * 4
