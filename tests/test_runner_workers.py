"""``python -m baselines run --workers N``: the units (a group of models, a seed) run in
worker processes, and the results are what one process gives.

Oracles: the single-process run's own files (byte for byte), and what each worker process
reports about itself from inside a model (its process id and torch's thread count)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from baselines.registry import discover
from baselines.runner import RunSettings, _run_in_workers, run_all, run_units

ROOT = Path(__file__).resolve().parents[1]

PROBE = '''
import os

import torch

from baselines.base import Baseline, FoldOutput


class Probe(Baseline, name="probe-process", kind="rules"):
    seeded = True
    tasks = ()

    def run_fold(self, view, ctx):
        return FoldOutput(notes=[f"{os.getpid()} {torch.get_num_threads()} {ctx.seed} "
                                 f"{os.environ.get('TOKENIZERS_PARALLELISM')}"])
'''


def _settings(tmp_path: Path, name: str, **extra: object) -> RunSettings:
    return RunSettings(release=ROOT / "release", results_dir=tmp_path / name / "results",
                       predictions_dir=tmp_path / name / "predictions", seeds=(0, 1),
                       quick=True, model="unused", **extra)  # type: ignore[arg-type]


def test_each_unit_runs_in_a_fresh_worker_with_the_threads_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """...and with the parent's environment (``baselines.cli`` sets
    ``TOKENIZERS_PARALLELISM`` there; the worker does not set it again)."""
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    model_file = tmp_path / "probe.py"
    model_file.write_text(PROBE, encoding="utf-8")
    probe = {c.name: c for c in discover([model_file])}["probe-process"]()
    settings = RunSettings(release=ROOT / "release", results_dir=tmp_path,
                           predictions_dir=tmp_path, seeds=(0, 1, 2), quick=True,
                           model="unused", workers=2, threads=1, model_files=(model_file,))
    units = run_units(settings, [probe])
    assert [seed for _, seed in units] == [0, 1, 2]
    parts = _run_in_workers(settings, units)
    seen = [note.split() for part in parts for pooled in part.values() for note in pooled.notes]
    assert len(seen) == 15  # 3 seeds x 5 folds
    assert {threads for _, threads, _, _ in seen} == {"1"}
    assert {env for *_, env in seen} == {"false"}
    pids = {seed: {pid for pid, _, s, _ in seen if s == seed} for seed in ("0", "1", "2")}
    assert all(len(p) == 1 for p in pids.values())  # one process per unit, every fold
    assert len(set.union(*pids.values())) == 3  # a fresh process per unit
    assert str(os.getpid()) not in set.union(*pids.values())


def test_workers_give_the_single_process_files(tmp_path: Path) -> None:
    """``random`` (seeded) and ``rules`` (deterministic, first seed only) over two seeds:
    two workers write the same predictions and scores as one process."""
    import torch

    declared = {c.name: c for c in discover()}
    threads_before = torch.get_num_threads()
    written = {}
    for name, workers in (("one", 1), ("two", 2)):
        settings = _settings(tmp_path, name, workers=workers, threads=1)
        files = run_all(settings, [declared["random"](), declared["rules"]()])
        written[name] = sorted(p.relative_to(tmp_path / name / "results") for p in files)
    assert torch.get_num_threads() == threads_before  # the caller's setting is restored
    assert written["one"] == written["two"] and written["one"]
    for rel in written["one"]:
        one, two = (json.loads((tmp_path / n / "results" / rel).read_text(encoding="utf-8"))
                    for n in ("one", "two"))
        assert one["scores"] == two["scores"], rel
        assert one["runner"]["processes"] == {"workers": 1, "torch_threads": 1}
        assert two["runner"]["processes"] == {"workers": 2, "torch_threads": 1}
    predictions = sorted((tmp_path / "one" / "predictions").rglob("*.jsonl"))
    assert predictions
    for path in predictions:
        rel = path.relative_to(tmp_path / "one")
        assert path.read_bytes() == (tmp_path / "two" / rel).read_bytes(), rel


def test_a_model_a_worker_cannot_import_is_named(tmp_path: Path) -> None:
    """A model class declared in a test module (not a built-in, a plugin or a model file)
    cannot be declared again in a worker: the error names it and the way out."""
    from baselines.base import Baseline, FoldOutput

    class Local(Baseline, name="local-only-model", kind="rules"):
        seeded = True

        def run_fold(self, view, ctx):  # pragma: no cover - never reached
            return FoldOutput()

    settings = _settings(tmp_path, "x", workers=2, threads=1)
    with pytest.raises(ValueError, match=r"local-only-model.*--workers 1"):
        run_all(settings, [Local()])
