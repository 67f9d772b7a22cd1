"""A fixed reference workload that says how fast this machine is today.

    .venv/bin/python scripts/reference_workload.py [--model M] [--steps N]

Times ``N`` optimiser steps of the default backbone (all-MiniLM-L6-v2, packaged) on one
fixed batch of 16 random token sequences of 64 tokens, with mean pooling and a linear head:
the kind of step that most of the official run's time goes to (on the CPU, in bfloat16
autocast as the official run's fine-tuning, torch's default threads, AdamW), after two
warm-up steps that are not timed. It prints one JSON object: seconds per step, the steps,
the threads, and the losses of the first and last timed steps.

``scripts/benchmark_baselines.py`` runs it in a child process before the quick run and after
the full run, so that a run's time can be read against the machine's speed that day (a
shared machine's speed has varied by a third between days; see ``results/FINDINGS.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from baselines.backbone import DEFAULT_MODEL  # noqa: E402

BATCH, LENGTH = 16, 64


def measure(model: str = DEFAULT_MODEL, steps: int = 20, seed: int = 0,
            warmup: int = 2) -> dict[str, float | int]:
    """Seconds per optimiser step of ``model`` (a name ``baselines.backbone.resolve`` knows,
    a folder or a Hub id), and the losses of the first and last timed steps."""
    import torch
    from transformers import AutoModel

    from baselines.backbone import resolve

    if steps < 1 or warmup < 0:
        raise ValueError(f"steps must be at least 1 and warmup at least 0, not {steps}, {warmup}")
    torch.manual_seed(seed)
    path = resolve(model)
    encoder = AutoModel.from_pretrained(path)
    config = encoder.config
    head = torch.nn.Linear(config.hidden_size, 2)
    params = [*encoder.parameters(), *head.parameters()]
    optimiser = torch.optim.AdamW(params, lr=5e-5)
    generator = torch.Generator().manual_seed(seed)
    low = min(1000, config.vocab_size // 2)  # past the special and rare tokens
    ids = torch.randint(low, config.vocab_size, (BATCH, LENGTH), generator=generator)
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 2, (BATCH,), generator=generator)
    encoder.train()
    losses = []

    def step() -> float:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            loss = torch.nn.functional.cross_entropy(head(hidden.mean(1)).float(), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
        optimiser.zero_grad()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        losses.append(step())
    seconds = time.perf_counter() - start
    return {"seconds_per_step": round(seconds / steps, 4), "steps": steps,
            "threads": torch.get_num_threads(), "bf16": True,
            "loss_first": round(losses[0], 6), "loss_last": round(losses[-1], 6)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, not {args.steps}")
    print(json.dumps(measure(args.model, args.steps)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
