"""Throughput of the format checker and the scorers (used by ``scripts/benchmark.py``).

Synthetic gold (claims, pairs) is built in memory at a size where the timing means
something, predictions are written as JSON Lines text, and each repeat times the whole
path a predictions file takes: parsing the lines, checking them against the gold (types,
labels, ids, duplicates, offsets) and computing every point estimate. The bootstrap
intervals are timed apart, on the real release, where their cost is what a user pays.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retold.schema import STANCES
from retold.score.api import scorer_for
from retold.score.formats import Problems, parse_jsonl
from retold.score.scorers.classify import ClassifyGold, MentionGold
from retold.score.scorers.pairs import PairGold
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


def _best(step: Callable[[], None], repeats: int) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
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
    pair_gold = PairGold.natural(pairs, pair_claims, N_FOLDS)
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
