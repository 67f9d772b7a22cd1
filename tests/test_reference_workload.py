"""``scripts/reference_workload.py``: the machine-speed reference that the baselines benchmark
times before and after its runs. Its speed is never asserted (speed is measured by the
benchmark scripts, not the tests); what is checked is that it does the work it says.

Oracles: the optimiser's own step counter (warm-up plus timed steps, counted by wrapping
``torch.optim.AdamW.step``), and gradient descent on one fixed batch, which must lower the
loss of a tiny random BERT (built from a config) from its first timed step to its last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    from baselines.tiny import build_tiny_encoder

    texts = ["Iran denied the report", "the Times said Iran left Syria", "officials left"]
    return build_tiny_encoder(tmp_path_factory.mktemp("tiny") / "model", texts)


def test_it_runs_the_steps_it_reports_and_learns_the_batch(
        tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch
    from reference_workload import measure

    calls = []
    step = torch.optim.AdamW.step

    def counted(self, *args, **kwargs):
        calls.append(1)
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.AdamW, "step", counted)
    out = measure(str(tiny), steps=12, warmup=3)
    assert len(calls) == 15
    assert out["steps"] == 12 and out["seconds_per_step"] > 0
    assert out["loss_last"] < out["loss_first"]


def test_the_same_seed_gives_the_same_losses(tiny: Path) -> None:
    from reference_workload import measure

    a, b = measure(str(tiny), steps=3, warmup=0), measure(str(tiny), steps=3, warmup=0)
    assert (a["loss_first"], a["loss_last"]) == (b["loss_first"], b["loss_last"])


def test_bad_step_counts_are_refused(tiny: Path) -> None:
    from reference_workload import measure

    with pytest.raises(ValueError, match="steps must be at least 1"):
        measure(str(tiny), steps=0)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "reference_workload.py"),
                           "--model", str(tiny), "--steps", "0"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert "--steps must be at least 1, not 0" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_command_prints_one_json_object(tiny: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "reference_workload.py"),
                           "--model", str(tiny), "--steps", "2"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    out = json.loads(done.stdout)
    assert out["steps"] == 2 and set(out) >= {"seconds_per_step", "threads", "bf16"}
