"""What every fine-tuned baseline shares: Trainer arguments, quiet progress, loss history,
distributed helpers."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

import torch
from tqdm.auto import tqdm
from transformers import PrinterCallback, ProgressCallback, Trainer, TrainerCallback
from transformers import TrainingArguments as HFTrainingArguments


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_main_process() -> bool:
    """Rank 0 of a distributed launch, or the only process."""
    return int(os.environ.get("RANK", "0")) == 0


def torch_device() -> torch.device:
    """The device this process trains on (the Trainer's choice: its local GPU or the CPU)."""
    if torch.cuda.is_available():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return torch.device("cpu")


@dataclass(frozen=True)
class TrainSettings:
    """The knobs of one fine-tuning run (written into the results' config)."""

    epochs: float
    learning_rate: float
    batch_size: int
    max_length: int
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    max_steps: int = -1
    """Stop after this many optimiser steps (-1: run every epoch); the quick run uses it."""
    bf16: bool = False
    """Mixed precision: bfloat16 autocast in training (the weights stay float32), on a CPU or
    a GPU that supports it (``bf16_supported``). On a CPU with bfloat16 units it trains
    about 1.3 times faster than float32 (measured: one MiniLM step, 16 x 80 tokens)."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def bf16_supported() -> bool:
    """Whether bfloat16 mixed precision can run here: on a CPU always (autocast; fast with
    AVX-512 BF16 or AMX units, emulated and slower without, with the same arithmetic), on a
    GPU when it says so."""
    if torch.cuda.is_available():
        return bool(torch.cuda.is_bf16_supported())
    return True


def training_arguments(settings: TrainSettings, seed: int, steps_per_epoch: int,
                       group_by_length: bool = True, **extra: Any) -> HFTrainingArguments:
    """Trainer arguments: no checkpoints, no reports, loss logged every few steps.

    ``steps_per_epoch`` sets the warm-up (transformers 5 takes ``warmup_steps`` as a float
    share of the steps when below 1) and a logging interval that gives a loss curve.
    """
    total = max(1, int(steps_per_epoch * settings.epochs))
    if settings.max_steps > 0:
        total = min(total, settings.max_steps)
    distributed_cpu = world_size() > 1 and not torch.cuda.is_available()
    return HFTrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="retold-baseline-"),
        num_train_epochs=settings.epochs,
        max_steps=settings.max_steps,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        warmup_steps=settings.warmup_ratio,
        weight_decay=settings.weight_decay,
        logging_strategy="steps",
        logging_steps=max(1, total // 12),
        save_strategy="no",
        eval_strategy="no",
        report_to=[],
        seed=seed,
        data_seed=seed,
        disable_tqdm=True,
        dataloader_num_workers=0,
        # batches of similar length (less padding, faster on CPU), except where the batch
        # composition matters (in-batch negatives) or rows have no ``input_ids``
        train_sampling_strategy="group_by_length" if group_by_length else "random",
        bf16=settings.bf16 and bf16_supported(),
        use_cpu=not torch.cuda.is_available(),
        ddp_backend="gloo" if distributed_cpu else None,
        **extra,
    )


class QuietProgress(TrainerCallback):
    """One tqdm bar per training on the main process, the latest loss as its postfix; no
    per-step log lines."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def on_train_begin(self, args, state, control, **kwargs):
        if state.is_world_process_zero:
            self.bar = tqdm(total=state.max_steps, desc=self.label, leave=False,
                            dynamic_ncols=True)

    def on_step_end(self, args, state, control, **kwargs):
        if self.bar is not None:
            self.bar.update(1)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if self.bar is not None and logs and "loss" in logs:
            self.bar.set_postfix(loss=f"{logs['loss']:.3f}")

    def on_train_end(self, args, state, control, **kwargs):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def quiet(trainer: Trainer, label: str) -> Trainer:
    """Replace the Trainer's printing callbacks with :class:`QuietProgress`."""
    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    trainer.add_callback(QuietProgress(label))
    return trainer


def loss_history(trainer: Trainer) -> list[dict[str, float]]:
    """The training loss at every logging step: ``[{"step", "epoch", "loss"}, ...]``."""
    return [{"step": int(e["step"]), "epoch": round(float(e["epoch"]), 4),
             "loss": round(float(e["loss"]), 6)}
            for e in trainer.state.log_history if "loss" in e]


def unwrap(model: Any) -> Any:
    """The bare model (after DDP wrapping), in eval mode, on this process's device."""
    model = getattr(model, "module", model)
    return model.eval()


class ListDataset(torch.utils.data.Dataset):
    """A list of feature dicts as a torch dataset."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.rows[i]
