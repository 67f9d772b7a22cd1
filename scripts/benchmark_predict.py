"""Throughput and memory of ``retold predict`` per engine, and how its cross-document stage
grows, on a generated corpus.

    .venv/bin/python scripts/benchmark_predict.py --models models/ [--docs 2000]
        [--engines local,datasets,ray] [--workers 2] [--json F]

The corpus is **synthetic**: each document is ``--sentences`` sentences drawn at random
(seed 0) from the five corpus texts' sentences, so its claims are real retellings
reshuffled, and many repeat across documents (a harder case for clustering than a news
archive). Every engine annotates the same documents in this process
(``retold.predict.engines.run_engine``, the detectors loaded by each worker); the script
checks that the three give the same output, and reports documents per second (model loading
included) and the peak memory of this process and all its children, sampled every 0.2 s:
resident (RSS: a page shared by forked workers counts in each, an upper bound) and
proportional (PSS: a shared page split between the processes sharing it; Linux). Then the
cross-document stage (source registry, blocked clustering, the files:
``retold.predict.write.assemble``) is timed on the first 500, 1,000 and 2,000 documents'
outputs. Speed is measured here, never in
the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from peak_memory import PeakMemory  # noqa: E402


def synthetic_corpus(n_docs: int, sentences: int, seed: int = 0) -> list[dict[str, str]]:
    """``n_docs`` documents of ``sentences`` sentences each, drawn from the corpus texts."""
    from retold.text.segment import split_sentences

    pool = []
    for path in sorted((ROOT / "corpus" / "texts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pool += [text[a:b] for a, b in split_sentences(text) if len(text[a:b].split()) >= 6]
    rng = random.Random(seed)
    return [{"id": f"synthetic-{i:05d}", "text": " ".join(rng.sample(pool, sentences)) + "\n"}
            for i in range(n_docs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=Path, required=True)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--sentences", type=int, default=8)
    parser.add_argument("--engines", default="local,datasets,ray")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    from retold.predict.engines import run_engine
    from retold.predict.inputs import InputDoc, slug
    from retold.predict.run import DEFAULTS
    from retold.predict.write import assemble, read_detector_meta

    corpus = synthetic_corpus(args.docs, args.sentences)
    texts = [d["text"] for d in corpus]
    meta = read_detector_meta(args.models)
    report: dict[str, Any] = {
        "corpus": {"documents": len(corpus), "sentences_per_document": args.sentences,
                   "characters": sum(len(t) for t in texts), "synthetic": True,
                   "how": "sentences of the five corpus texts drawn at random, seed 0"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": os.getloadavg()},
        "engines": {}, "cross_document": []}
    outputs: dict[str, list[dict[str, Any]]] = {}
    for engine in [e for e in args.engines.split(",") if e]:
        workers = 1 if engine == "local" else args.workers
        with PeakMemory() as memory:
            start = time.perf_counter()
            outputs[engine] = run_engine(engine, texts, args.models, workers)
            seconds = time.perf_counter() - start
        report["engines"][engine] = {
            "workers": workers, "seconds": round(seconds, 1),
            "documents_per_second": round(len(texts) / seconds, 2),
            "peak_memory_gb": round(memory.peak / 1e9, 2),
            "peak_proportional_memory_gb": round(memory.peak_pss / 1e9, 2),
            "claims": sum(len(o["claims"]) for o in outputs[engine]),
            "same_output_as_local": (outputs[engine] == outputs["local"]
                                     if "local" in outputs else None)}
        print(engine, json.dumps(report["engines"][engine]), flush=True)
    base = next(iter(outputs.values()))
    docs = [InputDoc(key=d["id"], text=d["text"], origin=d["id"],
                     doc_id=f"{i:04d}-{slug(d['id'])}") for i, d in enumerate(corpus)]
    for n in (500, 1000, 2000):
        if n > len(docs):
            break
        start = time.perf_counter()
        files = assemble(docs[:n], base[:n], meta, DEFAULTS)
        seconds = time.perf_counter() - start
        decisions = json.loads(files["predictions.json"])["decisions"]["clustering"]
        claims = sum(len(o["claims"]) for o in base[:n])
        row = {"documents": n, "claims": claims, "seconds": round(seconds, 2),
               "candidate_pairs": decisions["candidate_pairs"],
               "all_pairs": claims * (claims - 1) // 2,
               "largest_component": decisions["largest_component"],
               "index": decisions["index"]}
        report["cross_document"].append(row)
        print("cross-document", json.dumps(row), flush=True)
    report["machine"]["load_after"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
