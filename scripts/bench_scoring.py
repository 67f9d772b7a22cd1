"""Throughput of the format checker and the scorers (used by ``scripts/benchmark.py``).

Synthetic gold (claims, pairs) is built in memory at a size where the timing means
something, predictions are written as JSON Lines text, and each repeat times the whole
path a predictions file takes: parsing the lines, checking them against the gold (types,
labels, ids, duplicates, offsets) and computing every point estimate. The bootstrap
intervals are timed apart, on the real release, where their cost is what a user pays.

``large_scoring`` times the whole of ``retold score --task duplicated`` on a synthetic
release of 100,000 pairs written to disk as Parquet (``synthetic_release``): reading and
checking the gold, parsing the predictions, the scores and their 1000-resample intervals,
and, on the same number of lines, FNC-1's official scorer (``scripts/fnc1_scorer.py``).
"""

from __future__ import annotations

import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retold.schema import STANCES
from retold.score.api import scorer_for
from retold.score.formats import Problems, parse_jsonl
from retold.score.scorers.classify import ClassifyGold, MentionGold
from retold.score.tasks import TASKS

N_CLAIMS = 200_000
N_PAIR_CLAIMS = 500
"""500 claims give 124,750 pairs."""
N_FOLDS = 5


def synthetic_claims(n: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        fold = i % N_FOLDS
        attributed = rng.random() < 0.45
        start = rng.randrange(0, 10_000) if attributed else -1
        rows.append({"claim_id": f"{fold:03d}-c{i:06d}", "doc_id": f"{fold:03d}-doc",
                     "fold": fold, "cluster_id": f"k{rng.randrange(max(n // 3, 1))}",
                     "stance": rng.choice(STANCES), "attributed": attributed,
                     "source_start": start, "source_end": start + 7 if attributed else -1})
    return rows


def synthetic_pairs(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    claims = sorted(claims, key=lambda c: c["claim_id"])
    pairs = []
    for i, a in enumerate(claims):
        for b in claims[i + 1:]:
            duplicate = a["cluster_id"] == b["cluster_id"]
            pairs.append({"claim_id_a": a["claim_id"], "claim_id_b": b["claim_id"],
                          "duplicate": duplicate, "fold": a["fold"],
                          "same_doc": a["doc_id"] == b["doc_id"],
                          "reuse": "paraphrase" if duplicate else "none"})
    return pairs


def _run(task: str, gold: Any, text: str) -> None:
    lines = parse_jsonl(text, "bench")
    problems = Problems("bench")
    scorer = scorer_for(TASKS[task])
    preds = scorer.check(TASKS[task], gold, lines, problems)
    problems.raise_if_any()
    scorer.compute(TASKS[task], gold, preds, 0, 0)


def _timings(step: Callable[[], None], repeats: int) -> tuple[list[float], list[float]]:
    """The wall-clock and CPU (this process) seconds of each of ``repeats`` runs of ``step``."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def _best(step: Callable[[], None], repeats: int) -> dict[str, float]:
    wall, cpu = _timings(step, repeats)
    return {"wall_s": min(wall), "cpu_s": min(cpu)}


def throughput(repeats: int) -> dict[str, dict[str, float]]:
    """Predictions per second of parse + check + score for the classification and pair tasks."""
    rng = random.Random(0)
    claims = synthetic_claims(N_CLAIMS, rng)
    mentions = ClassifyGold(MentionGold.from_rows(claims, "claim_id", [20_000] * len(claims),
                                                  N_FOLDS))
    texts = {
        "attributed": "\n".join(json.dumps({
            "claim_id": c["claim_id"], "attributed": c["attributed"],
            "source_start": c["source_start"], "source_end": c["source_end"]}) for c in claims),
        "denied": "\n".join(json.dumps({"claim_id": c["claim_id"],
                                        "stance": rng.choice(STANCES)}) for c in claims),
    }
    pair_claims = synthetic_claims(N_PAIR_CLAIMS, rng)
    pairs = synthetic_pairs(pair_claims)
    from retold.score.scorers.pairs import PAIR_COLUMNS, PairGold

    pair_columns = {name: [p[name] for p in pairs] for name in PAIR_COLUMNS}
    pair_gold = PairGold.natural(pair_columns, pair_claims, N_FOLDS)
    texts["duplicated"] = "\n".join(json.dumps({
        "claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
        "score": rng.random() + p["duplicate"], "duplicate": rng.random() < 0.05})
        for p in pairs)
    golds = {"attributed": mentions, "denied": mentions, "duplicated": pair_gold}
    results = {}
    for task, text in texts.items():
        n = text.count("\n") + 1
        timing = _best(lambda task=task, text=text: _run(task, golds[task], text), repeats)
        results[task] = {"predictions": n, **timing,
                         "per_s_wall": n / timing["wall_s"], "per_s_cpu": n / timing["cpu_s"]}
    return results


def release_scoring(root: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Seconds of ``score_file`` on the real release, gold loading and 1000-resample CIs
    included (the gold of the release is cached after the first call, as in one process)."""
    import tempfile

    from retold.io.release import read_config
    from retold.score import score_file

    release = root / "release"
    claims = read_config(release, "claims")
    pairs = read_config(release, "pairs")
    lines = {
        "denied": [{"claim_id": c["claim_id"], "stance": c["stance"]} for c in claims],
        "duplicated": [{"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
                        "score": p["similarity"], "duplicate": p["similarity"] > 0.5}
                       for p in pairs],
        "clusters": [{"claim_id": c["claim_id"], "cluster": c["cluster_id"]} for c in claims],
    }
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for task, rows in lines.items():
            path = Path(tmp) / f"{task}.jsonl"
            path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
            out[task] = {"predictions": len(rows),
                         **_best(lambda task=task, path=path: score_file(task, path, release),
                                 repeats)}
    return out


LARGE_PAIR_CLAIMS = 448
"""448 claims give 100,128 pairs: the "100,000 pair predictions" of the speed goal."""


def synthetic_release(root: Path, out_dir: Path, n_claims: int = LARGE_PAIR_CLAIMS,
                      seed: int = 0) -> int:
    """Write a release folder with the real documents, ``n_claims`` claims made from the real
    ones (new ids, random clusters and folds' documents) and all their pairs; the number of
    pairs. Only the configs ``duplicated`` reads (documents, claims, pairs) are written."""
    from retold.build.writer import parquet_bytes, rows_to_table, sha256sums_bytes
    from retold.io.release import SUMS_FILE, data_path, read_config
    from retold.schema import REUSE_LABELS

    rng = random.Random(seed)
    documents = read_config(root / "release", "documents")
    templates = read_config(root / "release", "claims")
    claims = []
    for i in range(n_claims):
        doc = documents[i % len(documents)]
        claims.append({**templates[i % len(templates)],
                       "claim_id": f"{doc['fold']:03d}-c{i:05d}", "doc_id": doc["doc_id"],
                       "fold": doc["fold"], "parent_claim_id": "",
                       "cluster_id": f"k{rng.randrange(n_claims // 3)}"})
    claims.sort(key=lambda c: c["claim_id"])
    reuse = [label for label in REUSE_LABELS if label != "none"]
    pairs = []
    for i, a in enumerate(claims):
        for b in claims[i + 1:]:
            duplicate = a["cluster_id"] == b["cluster_id"]
            pairs.append({"claim_id_a": a["claim_id"], "claim_id_b": b["claim_id"],
                          "doc_id_a": a["doc_id"], "doc_id_b": b["doc_id"],
                          "same_doc": a["doc_id"] == b["doc_id"], "duplicate": duplicate,
                          "reuse": rng.choice(reuse) if duplicate else "none",
                          "similarity": rng.random(), "contradiction": False,
                          "fold": a["fold"]})
    files = {data_path(name): parquet_bytes(rows_to_table(name, rows))
             for name, rows in (("documents", documents), ("claims", claims),
                                ("pairs", pairs))}
    for rel, data in files.items():
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / rel).write_bytes(data)
    (out_dir / SUMS_FILE).write_bytes(sha256sums_bytes(files))
    return len(pairs)


def _pair_predictions(release: Path, path: Path, seed: int = 1) -> list[dict[str, Any]]:
    """One line per pair of ``release``: a noisy score and a decision from it."""
    from retold.io.release import read_config

    rng = random.Random(seed)
    lines = []
    for p in read_config(release, "pairs"):
        score = rng.random() + (0.6 if p["duplicate"] else 0.0)
        lines.append({"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
                      "score": round(score, 6), "duplicate": score > 0.9})
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return lines


def _fnc1_files(lines: list[dict[str, Any]], gold: Path, test: Path, seed: int = 2) -> None:
    """FNC-1 CSV gold and predictions with one row per pair line (headline: claim_id_a,
    body: claim_id_b), random stances."""
    from fnc1_scorer import FIELDNAMES, STANCES

    rng = random.Random(seed)
    for path in (gold, test):
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(FIELDNAMES)
            writer.writerows((r["claim_id_a"], r["claim_id_b"], rng.choice(STANCES))
                             for r in lines)


def _median_of(step: Callable[[], None], repeats: int) -> dict[str, float]:
    wall, cpu = _timings(step, repeats)
    return {"wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu)}


def _command(argv: list[str], repeats: int) -> dict[str, float]:
    """Median wall and user+system CPU seconds of a command (a fresh Python each time)."""
    import resource

    wall, cpu = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - w0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {"wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu)}


def large_scoring(root: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Median seconds of scoring 100,128 ``duplicated`` lines against a synthetic release
    on disk, in one process (``score_file``, gold read afresh each time) and as a command
    (``python -m retold.cli score``), with 1000-resample intervals and without, beside
    FNC-1's scorer on as many lines (in one process and as a command)."""
    from retold.score import api, score_file

    sys.path.insert(0, str(root / "scripts"))
    import fnc1_scorer

    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        release, preds = Path(tmp) / "release", Path(tmp) / "duplicated.jsonl"
        n = synthetic_release(root, release)
        lines = _pair_predictions(release, preds)
        gold_csv, test_csv = Path(tmp) / "gold.csv", Path(tmp) / "test.csv"
        _fnc1_files(lines, gold_csv, test_csv)

        def in_process(n_bootstrap: int) -> None:
            api._RELEASE_CACHE.clear()
            api._GOLD_CACHE.clear()
            score_file("duplicated", preds, release, n_bootstrap=n_bootstrap)

        cli = [sys.executable, "-m", "retold.cli", "score", "--task", "duplicated",
               "--predictions", str(preds), "--release", str(release), "--json"]
        runs = {
            "retold score_file, 1000 resamples": lambda: in_process(1000),
            "retold score_file, no intervals": lambda: in_process(0),
            "FNC-1 scorer (in process)": lambda: fnc1_scorer.score_files(gold_csv, test_csv),
        }
        for name, step in runs.items():
            out[name] = {"lines": n, **_median_of(step, repeats)}
        commands = {
            "retold score (command), 1000 resamples": cli,
            "retold score (command), --bootstrap 0": [*cli, "--bootstrap", "0"],
            "FNC-1 scorer (command)": [sys.executable, str(root / "scripts" / "fnc1_scorer.py"),
                                       str(gold_csv), str(test_csv)],
        }
        for name, argv in commands.items():
            out[name] = {"lines": n, **_command(argv, repeats)}
    for r in out.values():
        r["lines_per_s_wall"] = r["lines"] / r["wall_s"]
    return out
