"""``retold predict`` and ``train-detectors``: inputs, blocked clustering, the three engines,
the standoff the validator accepts, and the correction loop through Label Studio.

The detectors are trained for three steps on a tiny random encoder (the outputs are
nonsense, the code paths are the real ones); every check on the output goes through an
independent reader: the validator, scikit-learn, the stored texts, Label Studio's own
import path.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from retold.cli import main
from retold.errors import UNREADABLE_INPUT, InvalidInputError
from retold.predict.decode import word_tags
from retold.predict.inputs import MAX_TEXT_BYTES, read_inputs
from retold.validate import validate

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "corpus" / "texts").glob("*.txt"))


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- decoding and inputs, no model ------------------------------------------------------

def test_word_tags_reads_each_words_first_sub_word() -> None:
    # 4 sub-words: [CLS], "Iran" (word 0), "##ian" (word 0 again), "said" (word 1)
    probabilities = np.zeros((4, 1, 3))
    probabilities[1, 0] = [0.1, 0.7, 0.2]   # word 0: B at 0.7
    probabilities[2, 0] = [0.9, 0.05, 0.05]  # a continuation: ignored
    probabilities[3, 0] = [0.2, 0.2, 0.6]   # word 1: I at 0.6
    tags = word_tags(probabilities, [None, 0, 0, 1], 3, ("claim",))
    assert tags == {"claim": [("B", 0.7), ("I", 0.6), ("O", 1.0)]}  # word 2 was cut off


def test_inputs_report_every_bad_file_and_change_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Iran denied the report.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b" \n\n")
    (folder / "binary.txt").write_bytes(b"PK\x03\x04\x00\x00zip")
    (folder / "latin1.txt").write_bytes("Tahran'\xe2 bildirdi".encode("latin-1"))
    (folder / "huge.txt").write_bytes(b"a " * (MAX_TEXT_BYTES // 2 + 1))
    (folder / "notes.md").write_text("not read", encoding="utf-8")
    before = _tree(folder)
    with pytest.raises(InvalidInputError) as err:
        read_inputs(folder)
    found = {Path(p.file).name: p.message for p in err.value.problems}
    assert set(found) == {"empty.txt", "binary.txt", "latin1.txt", "huge.txt"}
    assert {p.code for p in err.value.problems} == {UNREADABLE_INPUT}
    assert "empty" in found["empty.txt"] and "binary" in found["binary.txt"]
    assert "not UTF-8" in found["latin1.txt"] and "over the limit" in found["huge.txt"]
    assert _tree(folder) == before


def test_jsonl_inputs_name_each_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [{"id": "b", "text": "Iran said so.", "genre": "summary", "published": "2024-12-06"},
             {"id": "a", "text": "Officials denied it."},
             {"id": "a", "text": "Twice."},
             {"id": "c", "text": "x", "genre": "poem"},
             {"text": "no id"},
             {"id": "d", "text": "y", "published": "6 Dec"}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        read_inputs(path)
    where = sorted({p.where for p in err.value.problems})
    assert where == ["line 3", "line 4", "line 5", "line 6", "line 7"]
    path.write_text("\n".join(json.dumps(x) for x in lines[:2]) + "\n", encoding="utf-8")
    docs = read_inputs(path)
    assert [(d.key, d.doc_id) for d in docs] == [("a", "0000-a"), ("b", "0001-b")]
    assert docs[1].metadata == {"genre": "summary", "published": "2024-12-06"}


def test_dataset_folder_inputs(tmp_path: Path) -> None:
    import datasets

    texts = [p.read_text(encoding="utf-8") for p in TEXTS[:2]]
    datasets.Dataset.from_dict({"id": ["x", "y"], "text": texts}).save_to_disk(
        str(tmp_path / "ds"))
    docs = read_inputs(tmp_path / "ds")
    assert [d.text for d in docs] == texts


# --- blocked clustering against scikit-learn on every pair ------------------------------

@pytest.mark.parametrize("exact_limit", [10_000, 0])  # a flat index, then HNSW
def test_blocked_clusters_equal_unblocked_average_linkage(exact_limit: int,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from sklearn.cluster import AgglomerativeClustering

    from retold.predict import clusters

    monkeypatch.setattr(clusters, "EXACT_LIMIT", exact_limit)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(25, 16))
    vectors = np.concatenate([c + rng.normal(scale=0.35, size=(int(rng.integers(1, 7)), 16))
                              for c in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    threshold = 0.8
    found = clusters.cluster_claims(vectors, threshold, k=16)
    distance = np.maximum(1 - np.clip(vectors @ vectors.T, -1, 1), 0)
    np.fill_diagonal(distance, 0)
    oracle = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                     distance_threshold=1 - threshold).fit_predict(distance)

    def partition(labels) -> set[frozenset[int]]:
        groups: dict[int, set[int]] = {}
        for i, label in enumerate(labels):
            groups.setdefault(int(label), set()).add(i)
        return {frozenset(g) for g in groups.values()}

    assert partition(found.labels) == partition(oracle)
    assert 1 < len(partition(oracle)) < len(vectors)  # the data has groups and singletons
    assert found.candidate_pairs == len(vectors) * 16


# --- the detectors, tiny, trained for three steps ---------------------------------------

@pytest.fixture(scope="module")
def detectors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from baselines.detectors import train_detectors
    from baselines.tiny import build_tiny_encoder

    base = tmp_path_factory.mktemp("detectors")
    texts = [p.read_text(encoding="utf-8") for p in TEXTS]
    tiny = build_tiny_encoder(base / "tiny", texts)
    train_detectors(base / "models", ROOT / "release", quick=True, model=str(tiny),
                    results_dir=ROOT / "results")
    return base / "models"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inputs")
    for p in TEXTS[2:5]:
        shutil.copy(p, folder / p.name)
    return folder


def test_train_detectors_writes_cards_and_a_manifest(detectors: Path) -> None:
    manifest = json.loads((detectors / "retold-manifest.json").read_text(encoding="utf-8"))
    assert manifest["written_by"] == "python -m baselines train-detectors"
    assert manifest["files"] == {k: v for k, v in _tree(detectors).items()
                                 if k != "retold-manifest.json"}
    info = json.loads((detectors / "detectors.json").read_text(encoding="utf-8"))
    # the release's checksum: the digest of the SHA256SUMS lines of its data/ files
    lines = (ROOT / "release" / "SHA256SUMS").read_text(encoding="utf-8").splitlines(True)
    data = "".join(line for line in lines if "  data/" in line).encode()
    assert info["release"]["checksum"] == hashlib.sha256(data).hexdigest()
    card = (detectors / "classifier" / "README.md").read_text(encoding="utf-8")
    assert "made by a model" in card and "Five training documents" in card
    # the card's score is the official results' mean over seeds, read here independently
    seeds = [json.loads(p.read_text(encoding="utf-8"))["scores"]["natural"]["main"] for p in
             sorted((ROOT / "results" / "attributed" / "finetuned-classifier+contrast")
                    .glob("seed*.json"))]
    assert f"| attributed/natural | attributed_f1 | {np.mean(seeds):.3f} ±" in card
    from retold.io.release import read_config

    claims = read_config(ROOT / "release", "claims")
    denied = sum(c["stance"] == "denied" for c in claims)
    assert f"{denied} of the {len(claims)} mentions are denied" in card
    tagger = json.loads((detectors / "tagger" / "config.json").read_text(encoding="utf-8"))
    assert tagger["id2label"]["0"] == "claim:O" and len(tagger["id2label"]) == 12


def test_a_changed_detector_file_is_refused(detectors: Path, inputs: Path,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "models"
    shutil.copytree(detectors, copy)
    config = copy / "duplicates" / "retold-detector.json"
    config.write_text(config.read_text(encoding="utf-8").replace('"threshold": ',
                                                                 '"threshold": 0'),
                      encoding="utf-8")
    code = main(["predict", "--models", str(copy), "--in", str(inputs),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "duplicates/retold-detector.json" in err and not (tmp_path / "out").exists()


def _predict(detectors: Path, inputs: Path, out: Path, *extra: str) -> None:
    assert main(["predict", "--models", str(detectors), "--in", str(inputs), "--out", str(out),
                 *extra]) == 0


def test_predicted_set_is_valid_and_keeps_the_texts(detectors: Path, inputs: Path,
                                                    tmp_path: Path) -> None:
    before = _tree(inputs)
    out = tmp_path / "out"
    _predict(detectors, inputs, out)
    assert _tree(inputs) == before
    assert validate(out / "corpus", out / "annotations") == []
    stored = sorted((out / "corpus" / "texts").glob("*.txt"))
    assert [p.read_bytes() for p in stored] == [p.read_bytes() for p in sorted(
        inputs.glob("*.txt"))]
    predictions = json.loads((out / "predictions.json").read_text(encoding="utf-8"))
    claims = [c for p in sorted((out / "annotations" / "docs").glob("*.json"))
              for c in json.loads(p.read_text(encoding="utf-8"))["claims"]]
    assert claims and all(0 <= predictions["scores"][c["id"]]["span"] <= 1 for c in claims)
    assert all(abs(sum(predictions["scores"][c["id"]]["stance"].values()) - 1) < 1e-3
               for c in claims)
    assert all(c["stance"] == max(predictions["scores"][c["id"]]["stance"],
                                  key=predictions["scores"][c["id"]]["stance"].get)
               for c in claims)


def test_engines_give_identical_files_and_reruns_are_idempotent(detectors: Path,
                                                                 inputs: Path,
                                                                 tmp_path: Path) -> None:
    pytest.importorskip("ray")
    outs = {}
    for engine in ("local", "datasets", "ray"):
        outs[engine] = tmp_path / engine
        _predict(detectors, inputs, outs[engine], "--engine", engine, "--workers", "2")
    trees = {engine: _tree(folder) for engine, folder in outs.items()}
    assert trees["local"] == trees["datasets"] == trees["ray"]
    _predict(detectors, inputs, outs["local"])  # the same folder again
    assert _tree(outs["local"]) == trees["local"]


def test_a_folder_predict_did_not_write_is_left_alone(detectors: Path, inputs: Path,
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    code = main(["predict", "--models", str(detectors), "--in", str(inputs),
                 "--out", str(out)])
    assert code == 1 and "unsafe-output" in capsys.readouterr().err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("fmt", ["label-studio", "inception-xmi"])
def test_predicted_set_round_trips_through_the_annotation_tools(fmt: str, detectors: Path,
                                                                inputs: Path,
                                                                tmp_path: Path) -> None:
    """Exported and imported unedited, the predicted set comes back byte for byte."""
    out = tmp_path / "out"
    _predict(detectors, inputs, out)
    assert main(["export", "--format", fmt, "--corpus", str(out / "corpus"),
                 "--annotations", str(out / "annotations"), "--out", str(tmp_path / "x")]) == 0
    assert main(["import", "--format", fmt, "--in", str(tmp_path / "x"),
                 "--corpus", str(out / "corpus"), "--out", str(tmp_path / "back")]) == 0
    written = {k: v for k, v in _tree(tmp_path / "back").items() if k != "retold-manifest.json"}
    assert written == _tree(out / "annotations")


def test_correction_loop_predict_export_edit_import_validate_build(detectors: Path,
                                                                    tmp_path: Path) -> None:
    """A new text, predicted; exported to Label Studio; a person changes one claim's stance
    and deletes another claim; imported; validated; built into a release."""
    from retold.io.release import read_config

    new = tmp_path / "new"
    new.mkdir()
    text = ("Iran began evacuating its commanders from Syria, The New York Times reported, "
            "citing Iranian officials.\nIran's foreign ministry denied the report on Saturday.\n")
    (new / "retelling.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "predicted"
    _predict(detectors, new, out)
    corpus, annotations = out / "corpus", out / "annotations"
    exported = tmp_path / "ls"
    assert main(["export", "--format", "label-studio", "--corpus", str(corpus),
                 "--annotations", str(annotations), "--out", str(exported)]) == 0
    tasks = json.loads((exported / "tasks.json").read_text(encoding="utf-8"))
    result = json.loads(json.dumps(tasks[0]["predictions"][0]["result"]))
    claims = [r for r in result if r.get("from_name") == "claim"]
    edited, removed = claims[0], claims[-1]
    edited["value"]["labels"] = ["denied"]
    # the person deletes the last claim, its links, and the source and cue regions that
    # no remaining link uses
    result = [r for r in result if r is not removed and r.get("from_id") != removed["id"]]
    used = {r["to_id"] for r in result if r.get("type") == "relation"}
    result = [r for r in result if r.get("from_name") not in ("source", "cue")
              or r["id"] in used]
    tasks[0]["annotations"] = [{"id": 1, "result": result, "was_cancelled": False}]
    (exported / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    back = tmp_path / "corrected"
    main(["import", "--format", "label-studio", "--in", str(exported), "--corpus", str(corpus),
          "--out", str(back)])
    # the import ran the validator: a cluster only the deleted claim had is now unused, and
    # the person removes it from the registry
    problems = validate(corpus, back)
    assert {p.code for p in problems} <= {"unused-cluster"}
    unused = {p.where for p in problems}
    clusters = json.loads((back / "clusters.json").read_text(encoding="utf-8"))
    (back / "clusters.json").write_text(json.dumps(
        [c for c in clusters if c["cluster_id"] not in unused], indent=2), encoding="utf-8")
    assert validate(corpus, back) == []
    release = tmp_path / "release"
    assert main(["build", "--corpus", str(corpus), "--annotations", str(back),
                 "--out", str(release)]) == 0
    rows = {c["claim_id"]: c for c in read_config(release, "claims")}
    assert rows[edited["id"]]["stance"] == "denied"
    assert removed["id"] not in rows
    ids = json.loads((back / "ids.json").read_text(encoding="utf-8"))
    assert removed["id"] in next(iter(ids.values()))["retired"]
    documents = read_config(release, "documents")
    assert [d["text"] for d in documents] == [text]


def test_source_names_match_the_training_registry_or_become_new_sources() -> None:
    from retold.predict.write import SourceRegistry

    registry = SourceRegistry([{"source_id": "new-york-times", "name": "The New York Times",
                                "aliases": ["NYT", "the Times"], "kind": "outlet"}])
    assert registry.source_of("the New York Times\u2019s") == "new-york-times"
    assert registry.source_of("The Times") == "new-york-times"
    assert registry.source_of("Iranian officials") == "predicted-iranian-officials"
    assert registry.source_of("Iranian Officials") == "predicted-iranian-officials"
    assert registry.source_of("a spokesman") == "predicted-a-spokesman"
    used = registry.used
    assert used["new-york-times"]["kind"] == "outlet"
    assert used["predicted-iranian-officials"] == {
        "source_id": "predicted-iranian-officials", "name": "Iranian officials",
        "aliases": ["Iranian Officials"], "kind": "unnamed_collective"}
    assert used["predicted-a-spokesman"]["kind"] == "unnamed_individual"


def test_jsonl_metadata_reaches_the_manifest(detectors: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    rows = [{"id": "wire-1", "text": "Iran denied the report, the ministry said.",
             "genre": "state_media_article", "published": "2024-12-07", "outlet": "IRNA"},
            {"id": "blog-2", "text": "The Times said Iran evacuated commanders."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    _predict(detectors, path, out, "--genre", "summary")
    manifest = json.loads((out / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert [(m["doc_id"], m["genre"], m["published"], m["outlet"], m["fold"])
            for m in manifest] == [("0000-blog-2", "summary", "", "", 0),
                                   ("0001-wire-1", "state_media_article", "2024-12-07",
                                    "IRNA", 1)]
    assert validate(out / "corpus", out / "annotations") == []


def test_a_text_without_claims_gives_an_empty_valid_set(detectors: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    from retold.predict import annotate

    def nothing(detectors: object, text: str) -> dict:
        return {"claims": [], "dropped": [], "frames": {"source": [], "cue": []},
                "vectors": ""}

    monkeypatch.setattr(annotate, "annotate_text", nothing)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Nothing here.\n", encoding="utf-8")
    _predict(detectors, tmp_path / "in", tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "annotations" / "docs" / "0000-a.json").read_text(
        encoding="utf-8"))
    assert doc["claims"] == [] and validate(tmp_path / "out" / "corpus",
                                            tmp_path / "out" / "annotations") == []


def test_embeddings_cross_processes_exactly() -> None:
    from retold.predict.annotate import decode_vectors, encode_vectors

    vectors = np.random.default_rng(1).normal(size=(5, 7)).astype(np.float32)
    text = encode_vectors(vectors)
    assert json.loads(json.dumps(text)) == text
    assert np.array_equal(decode_vectors(text, 5), vectors)
    assert decode_vectors(encode_vectors(np.zeros((0, 7))), 0).shape == (0, 0)


def test_an_invalid_predicted_set_is_never_written(detectors: Path, inputs: Path,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The validator runs on the staging folder: a set it refuses never reaches --out."""
    from retold.predict import run, write

    def broken(*args: object, **kwargs: object) -> dict[str, bytes]:
        files = write.assemble(*args, **kwargs)
        path = next(k for k in files if k.startswith("annotations/docs/"))
        doc = json.loads(files[path])
        doc["claims"][0]["text"] = "not the covered text"
        files[path] = json.dumps(doc).encode()
        return files

    monkeypatch.setattr(run, "assemble", broken)
    code = main(["predict", "--models", str(detectors), "--in", str(inputs),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "span-text-mismatch" in err and "a bug in retold predict" in err
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no staging folder left behind
