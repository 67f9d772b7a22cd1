"""End-to-end tests of the runner on tiny random models built from a config (no download):
``--quick`` over every baseline, scoring through ``retold.score``, the results schema, the
leaderboard and figures, same seed same predictions, and a 2-process ``torchrun``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from baselines.base import RunContext
from baselines.cli import main
from baselines.data import fold_views, load_corpus
from baselines.predictions import read_predictions
from baselines.registry import ALL
from baselines.report import BEGIN, END, findings, leaderboard_markdown
from baselines.results import load_results
from baselines.tiny import build_tiny_causal_lm, build_tiny_encoder
from retold.io.release import read_config, release_checksum
from retold.score import score_file

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"


def _predictions(run_dir: Path, r: dict[str, Any], contrast: bool = False) -> Path:
    """Where the quick run wrote a results file's uncompressed predictions (the results file
    records its compressed copy, relative to the results folder)."""
    name = f"{r['run']}.contrast.jsonl" if contrast else f"{r['run']}.jsonl"
    recorded = r["predictions"]["contrast" if contrast else "natural"]["path"]
    assert recorded == f"predictions/{r['task']}/{r['system']['name']}/{name}.gz"
    return run_dir / "predictions" / r["task"] / r["system"]["name"] / name


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    texts = [d["text"] for d in read_config(RELEASE, "documents")]
    folder = tmp_path_factory.mktemp("tiny")
    return (build_tiny_encoder(folder / "encoder", texts),
            build_tiny_causal_lm(folder / "causal", texts))


@pytest.fixture(scope="session")
def quick_run(tiny_models: tuple[Path, Path],
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m baselines run --quick`` over every baseline, LLMs included."""
    encoder, causal = tiny_models
    out = tmp_path_factory.mktemp("quick")
    code = main(["run", "--quick", "--model", str(encoder), "--llm", str(causal),
                 "--results", str(out / "results"), "--predictions", str(out / "predictions"),
                 "--no-report"])
    assert code == 0
    return out


def test_quick_run_writes_valid_results_for_every_baseline_and_task(quick_run: Path) -> None:
    results = load_results(quick_run / "results")  # validates every file against the schema
    expected = {(task, b.name) for b in ALL for task in b.tasks}
    assert {(r["task"], r["system"]["name"]) for r in results} == expected
    checksum = release_checksum(RELEASE)
    claims = read_config(RELEASE, "claims")
    for r in results:
        natural = r["scores"]["natural"]
        assert r["release"]["checksum"] == checksum
        assert r["folds"] == [0, 1, 2, 3, 4]
        assert r["quick"] is True
        assert natural["missing"] == 0, (r["task"], r["system"]["name"])
        # the stored scores are the scorer's own for the written predictions
        rescored = score_file(r["task"], _predictions(quick_run, r), RELEASE)
        assert rescored.main == natural["main"]
        if r["task"] in ("attributed", "denied"):
            assert natural["n_items"] == len(claims)
        if r["system"]["trained"]:
            losses = r["runner"]["loss_history"]
            histories = [h for folds in losses.values() for h in folds.values()]
            assert histories and all(h for h in histories)
            assert r["runner"]["model"]["source"] == "local-folder"
            assert set(losses[next(iter(losses))]) == {"0", "1", "2", "3", "4"}


def test_quick_run_scores_every_contrast_task(quick_run: Path) -> None:
    """Every attributed/denied/duplicated run is scored on the contrast configs with no
    missing item; only the ``+contrast`` variants and the chain (whose classifier is
    ``finetuned-classifier+contrast``'s) say they trained on contrast rows."""
    contrast = read_config(RELEASE, "contrast")
    contrast_pairs = read_config(RELEASE, "contrast_pairs")
    for r in load_results(quick_run / "results"):
        name = r["system"]["name"]
        assert r["system"]["training_data"]["contrast_rows"] is (
            name.endswith("+contrast") or name == "finetuned-chain"), name
        if r["task"] not in ("attributed", "denied", "duplicated"):
            assert r["scores"]["contrast"] is None
            continue
        scores = r["scores"]["contrast"]
        assert scores is not None and scores["subset"] == "contrast", r["system"]["name"]
        assert scores["missing"] == 0, (r["task"], r["system"]["name"])
        assert scores["n_items"] == len(contrast_pairs if r["task"] == "duplicated"
                                        else contrast)
        rescored = score_file(r["task"], _predictions(quick_run, r, contrast=True), RELEASE,
                              subset="contrast")
        assert rescored.main == scores["main"]


def test_the_chain_classifies_with_the_contrast_trained_classifier(quick_run: Path) -> None:
    """The chain's classifier is the fold's ``finetuned-classifier+contrast`` model, not the
    plain classifier's (which the default run leaves out): per fold, the chain's classifier
    loss history is the contrast classifier's, and differs from the plain one's."""
    runs = {r["system"]["name"]: r["runner"]["loss_history"]
            for r in load_results(quick_run / "results")
            if r["task"] in ("end2end", "attributed")}
    chain = runs["finetuned-chain"]["classifier"]
    assert chain == runs["finetuned-classifier+contrast"]["classifier"]
    assert chain != runs["finetuned-classifier"]["classifier"]


def test_rules_contrast_attributed_f1_by_hand(quick_run: Path) -> None:
    """The rule's contrast attributed F1, counted from its contrast lines and the
    ``contrast`` config (not by the scorer), equals the stored score."""
    result = next(r for r in load_results(quick_run / "results")
                  if (r["task"], r["system"]["name"]) == ("attributed", "rules"))
    gold = {c["contrast_id"]: c["attributed"] for c in read_config(RELEASE, "contrast")}
    lines = [p for p in read_predictions(_predictions(quick_run, result, contrast=True))
             if "contrast_id" in p]
    assert {p["contrast_id"] for p in lines} == set(gold)
    tp = sum(1 for p in lines if p["attributed"] and gold[p["contrast_id"]])
    predicted = sum(1 for p in lines if p["attributed"])
    assert result["scores"]["contrast"]["attributed_f1"] == pytest.approx(
        2 * tp / (predicted + sum(gold.values())))


def test_training_contrast_rows_never_come_from_the_held_out_document() -> None:
    corpus = load_corpus(RELEASE)
    by_id = {c["claim_id"]: c for c in corpus.claims}
    for view in fold_views(corpus):
        assert view.train_contrast
        assert all(by_id[r["original_claim_id"]]["doc_id"] != view.test_doc
                   for r in view.train_contrast)
        assert all(by_id[r["original_claim_id"]]["doc_id"] == view.test_doc
                   for r in view.test_contrast)
    assert sum(len(v.test_contrast) for v in fold_views(corpus)) == len(corpus.contrast)


def test_quick_run_predictions_are_in_the_official_shape(quick_run: Path) -> None:
    pairs = read_config(RELEASE, "pairs")
    dup = read_predictions(quick_run / "predictions" / "duplicated" / "char-tfidf"
                           / "deterministic.jsonl")
    assert [(r["claim_id_a"], r["claim_id_b"]) for r in dup] == sorted(
        (p["claim_id_a"], p["claim_id_b"]) for p in pairs)
    assert set(dup[0]) == {"claim_id_a", "claim_id_b", "score", "duplicate"}
    ranking = read_predictions(quick_run / "predictions" / "retrieval" / "char-tfidf"
                               / "deterministic.jsonl")
    claims = {c["claim_id"]: c["doc_id"] for c in read_config(RELEASE, "claims")}
    for r in ranking:
        assert all(claims[c] != claims[r["claim_id"]] for c in r["ranking"])


def test_rules_match_the_hand_checked_figures(quick_run: Path) -> None:
    """The stored attributed F1 equals 2·TP / (predicted + gold), counted from the written
    predictions and the release (an oracle independent of the scorer's code)."""
    results = {(r["task"], r["system"]["name"]): r for r in load_results(quick_run / "results")}
    rules = results[("attributed", "rules")]["scores"]["natural"]
    gold = {c["claim_id"]: c["attributed"] for c in read_config(RELEASE, "claims")}
    preds = read_predictions(_predictions(quick_run, results[("attributed", "rules")]))
    tp = sum(1 for p in preds if p["attributed"] and gold[p["claim_id"]])
    predicted = sum(1 for p in preds if p["attributed"])
    actual = sum(gold.values())
    assert rules["attributed_f1"] == pytest.approx(2 * tp / (predicted + actual))


def test_leaderboard_and_figures(quick_run: Path, tmp_path: Path) -> None:
    from baselines.report import write_report

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{BEGIN}\nSTALE-BLOCK\n{END}\noutro\n", encoding="utf-8")
    agreement = tmp_path / "agreement.json"  # one read scored against the other, per task
    agreement.write_text(json.dumps({"tasks": {"denied": {
        "scores": {"denied_f1": 0.96, "stance_macro_f1": 0.9},
        "ci": {"denied_f1": {"lower": 0.9, "upper": 1.0}}}}}), encoding="utf-8")
    board = write_report(quick_run / "results", tmp_path / "out", readme=readme,
                         release=RELEASE, agreement=agreement,
                         predictions=quick_run / "predictions")
    text = board.read_text(encoding="utf-8")
    assert "not a human ceiling" in text and "Quick smoke run" in text
    assert "`denied_f1` 0.960 [0.900, 1.000]; `stance_macro_f1` 0.900." in text
    for task in ("attributed", "denied", "duplicated", "clusters", "retrieval", "claims",
                 "end2end"):
        assert f"### `{task}`" in text
    new_readme = readme.read_text(encoding="utf-8")
    assert new_readme.startswith("intro\n") and new_readme.endswith("outro\n")
    assert "STALE-BLOCK" not in new_readme and "### `denied`" in new_readme
    for name in ("stance_f1", "stance_confusion", "duplicates_pr"):
        for ext in ("png", "svg"):
            assert (tmp_path / "out" / "figures" / f"{name}.{ext}").stat().st_size > 1000
    for ext in ("png", "svg"):
        assert (tmp_path / "out" / "figures" / f"natural_vs_contrast.{ext}").stat().st_size > 1000
    assert "contrast_consistency" in text and "tfidf-logreg+contrast" in text


def test_same_seed_same_predictions(tiny_models: tuple[Path, Path]) -> None:
    from baselines.finetuned import FinetunedBiEncoder, FinetunedClassifier

    encoder, _ = tiny_models
    view = fold_views(load_corpus(RELEASE))[2]
    runs = []
    for seed in (0, 0, 1):
        ctx = RunContext(seed=seed, quick=True, model=str(encoder))
        out = FinetunedClassifier().run_fold(view, ctx)
        dup = FinetunedBiEncoder().run_fold(view, ctx)
        runs.append((out.records, dup.records["duplicated"], out.loss_history))
    assert runs[0] == runs[1]
    assert runs[0][1] != runs[2][1]  # another seed trains another model


def test_committed_results_keep_loading() -> None:
    """The committed results load and validate; the README block is what they render to."""
    results_dir = ROOT / "results"
    results = load_results(results_dir)
    assert results, "no committed results: run python -m baselines run"
    assert all(not r["quick"] for r in results)
    agreement = json.loads((ROOT / "annotations" / "agreement.json").read_text("utf-8"))
    summary = findings(results_dir, results)
    assert summary is not None, "results/FINDINGS.md must name the committed run's release"
    probes = json.loads((ROOT / "release" / "probes.json").read_text("utf-8"))
    markdown = leaderboard_markdown(results, agreement, summary, probes)
    assert "### Artefact probes" in markdown
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{BEGIN}\n{markdown}\n{END}" in readme
    assert markdown in (results_dir / "leaderboard.md").read_text(encoding="utf-8")
    for r in results:
        if r["system"]["trained"]:
            assert r["runner"]["loss_history"], f"{r['task']}/{r['run']} has no losses"


def test_findings_shown_only_for_the_release_they_describe(tmp_path: Path) -> None:
    results = [{"release": {"checksum": "0123456789ab" + "0" * 52}}]
    assert findings(tmp_path, results) is None  # no file
    (tmp_path / "FINDINGS.md").write_text("Run on release checksum `0123456789ab`: X.\n",
                                          encoding="utf-8")
    assert findings(tmp_path, results) == "Run on release checksum `0123456789ab`: X."
    board = leaderboard_markdown([], {}, "S")
    assert "S" not in board  # no results: no leaderboard, no findings
    (tmp_path / "FINDINGS.md").write_text("Run on release checksum `ffffffffffff`: X.\n",
                                          encoding="utf-8")
    assert findings(tmp_path, results) is None  # another release's findings stay out
    (tmp_path / "FINDINGS.md").write_text("No checksum named.\n", encoding="utf-8")
    assert findings(tmp_path, results) is None


def test_torchrun_two_cpu_processes(tiny_models: tuple[Path, Path], tmp_path: Path) -> None:
    """Two gloo processes train the bi-encoder; rank 0 alone writes the predictions."""
    encoder, _ = tiny_models
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": "",
           "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node", "2", "-m", "baselines", "run", "--quick",
               "--baselines", "finetuned-biencoder", "--tasks", "duplicated",
               "--model", str(encoder), "--results", str(tmp_path / "results"),
               "--predictions", str(tmp_path / "predictions"), "--no-report"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json*"))
    assert files == ["predictions/duplicated/finetuned-biencoder/seed0.contrast.jsonl",
                     "predictions/duplicated/finetuned-biencoder/seed0.jsonl",
                     "results/duplicated/finetuned-biencoder/seed0.json",
                     "results/predictions/duplicated/finetuned-biencoder/"
                     "seed0.contrast.jsonl.gz",
                     "results/predictions/duplicated/finetuned-biencoder/seed0.jsonl.gz"]
    result = load_results(tmp_path / "results")[0]
    assert len(result["runner"]["loss_history"]["biencoder"]) == 5
    assert result["scores"]["natural"]["missing"] == 0
