"""Time the main steps on the real corpus: validate, build, load, stats, agreement, scoring.

    .venv/bin/python scripts/benchmark.py [--repeats 5] [--json out.json] [--scoring-only]
                                          [--speed-goal]

Each step runs ``--repeats`` times; the median and the minimum wall-clock seconds are
printed with the machine's CPU count and the library versions. Loading uses a fresh,
temporary Hugging Face cache for every repeat, so it includes the Parquet-to-Arrow
conversion a first-time user pays. Speed is measured here, never in the tests.

Scoring (``scripts/bench_scoring.py``): predictions per second of the format checker and
the scorer (parse + check + score) for the classification tasks (200,000 synthetic claims)
and the pair task (124,750 synthetic pairs); the goal is at least 100,000 per second. It
prints the best wall-clock and CPU time of the repeats (on a shared machine the CPU time is
the steadier figure), and the seconds ``score_file`` takes on the real release with its
1000-resample confidence intervals.

The speed goal (``bench_scoring.large_scoring``, also run alone by ``--speed-goal``): the
median seconds of ``retold score --task duplicated`` on 100,128 pair predictions against a
synthetic release written to disk (gold read, lines parsed and checked, scores and
1000-resample intervals; the goal: at most 2 s on 2 CPUs) and without intervals, beside
FNC-1's official scorer (``scripts/fnc1_scorer.py``) on as many lines, in one process and
as commands.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(step: Callable[[], object], repeats: int) -> dict[str, float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    return {"median_s": statistics.median(seconds), "min_s": min(seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--scoring-only", action="store_true",
                        help="time only the scorer (throughput and the real release)")
    parser.add_argument("--speed-goal", action="store_true",
                        help="time only 100,000 pair predictions beside FNC-1's scorer")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_scoring

    if args.speed_goal:
        large = bench_scoring.large_scoring(ROOT, args.repeats)
        _print_large(large)
        if args.json:
            args.json.write_text(json.dumps({"cpus": os.cpu_count(), "speed_goal": large},
                                            indent=2) + "\n")
        return 0
    os.environ.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")

    import datasets

    datasets.disable_progress_bars()
    from retold.annotate.agreement import compare
    from retold.describe.stats import compute_stats
    from retold.pipeline import build_release
    from retold.schema import CONFIG_NAMES
    from retold.validate.checks import load_validated, validate

    corpus, annotations = ROOT / "corpus", ROOT / "annotations"
    work = Path(tempfile.mkdtemp(prefix="retold-bench-"))

    def load_all() -> None:
        cache = tempfile.mkdtemp(dir=work)
        for name in CONFIG_NAMES:
            datasets.load_dataset(str(ROOT / "release"), name, split="test", cache_dir=cache)

    results = {}
    if not args.scoring_only:
        docs, gold = load_validated(corpus, annotations)
        steps: dict[str, Callable[[], object]] = {
            "validate": lambda: validate(corpus, annotations),
            "build": lambda: build_release(corpus, annotations, work / "release"),
            "load all configs (cold cache)": load_all,
            "stats": lambda: compute_stats(docs, gold),
            "agreement": lambda: compare(corpus, annotations / "first_read",
                                         annotations / "second_read"),
        }
        results = {name: timed(step, args.repeats) for name, step in steps.items()}
    scoring = bench_scoring.throughput(args.repeats)
    release_scoring = bench_scoring.release_scoring(ROOT, args.repeats)
    large = bench_scoring.large_scoring(ROOT, args.repeats)
    meta = {
        "python": platform.python_version(),
        "datasets": datasets.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "repeats": args.repeats,
    }
    print(" ".join(f"{k}={v}" for k, v in meta.items()))
    if results:
        width = max(map(len, results))
        for name, r in results.items():
            print(f"{name:<{width}}  median {r['median_s']:.3f} s  min {r['min_s']:.3f} s")
    print("scorer throughput (parse + format check + score, no intervals; best of repeats):")
    for task, r in scoring.items():
        print(f"  {task:<11} {r['predictions']:>7} predictions  {r['wall_s']:.3f} s wall "
              f"({r['per_s_wall']:,.0f}/s)  {r['cpu_s']:.3f} s CPU ({r['per_s_cpu']:,.0f}/s)")
    print("score_file on the release (gold, check, scores, 1000-resample CIs, references):")
    for task, r in release_scoring.items():
        print(f"  {task:<11} {r['predictions']:>7} predictions  {r['wall_s']:.3f} s wall  "
              f"{r['cpu_s']:.3f} s CPU")
    _print_large(large)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "steps": results,
                                         "scoring_throughput": scoring,
                                         "release_scoring": release_scoring,
                                         "speed_goal": large}, indent=2) + "\n")
    return 0


def _print_large(large: dict[str, dict[str, float]]) -> None:
    print(f"speed goal: {next(iter(large.values()))['lines']:,} duplicated lines, synthetic "
          f"release on disk (median of repeats; CPU: user + system):")
    for name, r in large.items():
        print(f"  {name:<40} {r['wall_s']:.3f} s wall  {r['cpu_s']:.3f} s CPU  "
              f"({r['lines_per_s_wall']:,.0f} lines/s)")


if __name__ == "__main__":
    sys.exit(main())
