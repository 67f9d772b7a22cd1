"""Figures (PNG and SVG) from results files and their predictions.

- ``stance_f1.*``: per-class stance F1 per baseline (mean over seeds);
- ``stance_confusion.*``: stance confusion matrices (gold rows, predicted columns; mean over
  seeds);
- ``duplicates_pr.*``: precision-recall curves of duplicate detection per baseline (the
  first run of each; curve points from scikit-learn, AP in the legend from the scorer;
  constant scores, such as the majority baseline's, have no curve);
- ``natural_vs_contrast.*``: per task (attributed, denied, duplicated), each baseline's main
  score on natural data beside its main score and its ``contrast_consistency`` on the
  contrast configs (means over seeds); only once the release has contrast configs and
  scores.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from retold.results import read_predictions as read_stored
from retold.schema import STANCES


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "retold", "font.size": 9})
    return plt


def _save(fig: Any, out: Path, name: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=120, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches="tight", metadata={"Date": None, "Creator": None})
    return paths


def _by_baseline(results: list[dict[str, Any]], task: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        if r["task"] == task:
            groups[r["system"]["name"]].append(r)
    return dict(sorted(groups.items()))


def stance_f1_bars(results: list[dict[str, Any]], out: Path) -> str:
    plt = _setup()
    groups = _by_baseline(results, "denied")
    if not groups:
        return "stance F1 bars skipped: no denied results"
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / len(groups)
    for i, (baseline, runs) in enumerate(groups.items()):
        means = []
        for label in STANCES:
            values = [r["scores"]["natural"].get(f"stance_{label}_f1") for r in runs]
            values = [v for v in values if v is not None]
            means.append(statistics.fmean(values) if values else 0.0)
        ax.bar([j + i * width for j in range(len(STANCES))], means, width, label=baseline)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(STANCES))], STANCES)
    ax.set_ylabel("F1 (pooled, mean over seeds)")
    ax.set_ylim(0, 1)
    ax.set_title("Stance: per-class F1")
    ax.legend(fontsize=7, ncol=2, frameon=False)
    _save(fig, out, "stance_f1")
    plt.close(fig)
    return "stance_f1 written"


def stance_confusion(results: list[dict[str, Any]], out: Path) -> str:
    plt = _setup()
    import numpy as np

    groups = _by_baseline(results, "denied")
    matrices = {}
    for baseline, runs in groups.items():
        ms = [np.array(r["scores"]["natural"]["stance_confusion_matrix"], dtype=float)
              for r in runs if r["scores"]["natural"].get("stance_confusion_matrix")]
        if ms:
            matrices[baseline] = np.mean(ms, axis=0)
    if not matrices:
        return "stance confusion skipped: no confusion matrices in the results"
    cols = min(3, len(matrices))
    rows = -(-len(matrices) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 3.0 * rows), squeeze=False)
    for ax, (baseline, m) in zip(axes.flat, matrices.items(), strict=False):
        ax.imshow(m[:, :len(STANCES)], cmap="Blues")
        for (i, j), v in np.ndenumerate(m[:, :len(STANCES)]):
            ax.text(j, i, f"{v:.0f}" if v == int(v) else f"{v:.1f}", ha="center",
                    va="center", fontsize=7)
        ax.set_xticks(range(len(STANCES)), STANCES, rotation=45, fontsize=7)
        ax.set_yticks(range(len(STANCES)), STANCES, fontsize=7)
        ax.set_title(baseline, fontsize=8)
        ax.set_xlabel("predicted", fontsize=7)
        ax.set_ylabel("gold", fontsize=7)
    for ax in list(axes.flat)[len(matrices):]:
        ax.axis("off")
    fig.tight_layout()
    _save(fig, out, "stance_confusion")
    plt.close(fig)
    return "stance_confusion written"


def duplicates_pr(results: list[dict[str, Any]], out: Path, release: Path,
                  predictions: Path | None = None, results_dir: Path | None = None) -> str:
    """PR curves of each duplicated baseline's first run, read from its predictions file:
    under ``predictions/duplicated/<baseline>/`` when that folder is given, else the
    compressed predictions the results file records (under ``results_dir``)."""
    plt = _setup()
    from sklearn.metrics import precision_recall_curve

    from baselines.predictions import read_predictions
    from retold.io.release import read_config

    gold = {(p["claim_id_a"], p["claim_id_b"]): p["duplicate"]
            for p in read_config(release, "pairs")}
    groups = _by_baseline(results, "duplicated")
    fig, ax = plt.subplots(figsize=(5, 4))
    drawn = 0
    for baseline, runs in groups.items():
        run = sorted(runs, key=lambda r: r["run"])[0]
        if predictions:
            path = predictions / "duplicated" / baseline / f"{run['run']}.jsonl"
            if not path.is_file():
                continue
            records = read_predictions(path)
        elif results_dir is not None:
            records = [json.loads(line) for line in
                       read_stored(results_dir, run).decode("utf-8").splitlines() if line]
        else:
            continue
        if len({r["score"] for r in records}) == 1:
            continue  # constant scores (majority): no ranking, no curve
        labels = [gold[(r["claim_id_a"], r["claim_id_b"])] for r in records]
        precision, recall, _ = precision_recall_curve(labels, [r["score"] for r in records])
        ap = run["scores"]["natural"]["main"]
        ax.plot(recall, precision, label=f"{baseline} ({run['run']}), AP {ap:.3f}", lw=1.2,
                drawstyle="steps-post")
        drawn += 1
    if not drawn:
        plt.close(fig)
        return "duplicate PR curves skipped: no predictions files next to the results"
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title("Duplicate pairs: precision-recall (pooled out of fold)")
    ax.legend(fontsize=6, frameon=False, loc="upper right")
    _save(fig, out, "duplicates_pr")
    plt.close(fig)
    return f"duplicates_pr written ({drawn} baselines)"


def natural_vs_contrast(results: list[dict[str, Any]], out: Path) -> str:
    scored = [r for r in results
              if r["scores"].get("contrast") and r["scores"]["contrast"].get("main") is not None]
    if not scored:
        return ("natural vs contrast skipped: the release has no contrast configs (dataset "
                "1.1) or no run scored them")
    tasks = [t for t in ("attributed", "denied", "duplicated") if any(r["task"] == t
                                                                      for r in scored)]
    plt = _setup()
    fig, axes = plt.subplots(1, len(tasks), figsize=(4.2 * len(tasks), 4.2), squeeze=False)
    bars = (("natural", "natural", "#4c72b0"), ("contrast", "contrast", "#dd8452"),
            ("consistency", "contrast consistency", "#55a868"))

    def mean(values: list[Any]) -> float:
        numbers = [v for v in values if isinstance(v, int | float)]
        return statistics.fmean(numbers) if numbers else float("nan")

    for ax, task in zip(axes[0], tasks, strict=True):
        groups = _by_baseline(scored, task)
        names = list(groups)
        values = {
            "natural": [mean([r["scores"]["natural"]["main"] for r in groups[n]]) for n in names],
            "contrast": [mean([r["scores"]["contrast"]["main"] for r in groups[n]])
                         for n in names],
            "consistency": [mean([r["scores"]["contrast"].get("contrast_consistency")
                                  for r in groups[n]]) for n in names],
        }
        width = 0.27
        for k, (key, label, colour) in enumerate(bars):
            ax.barh([i + (k - 1) * width for i in range(len(names))], values[key], width,
                    label=label, color=colour)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels(names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        main = scored[[r["task"] for r in scored].index(task)]["scores"]["natural"]["main_score"]
        ax.set_xlabel(main)
        ax.set_title(task)
    axes[0][0].legend(frameon=False, fontsize=7, loc="lower right")
    fig.suptitle("Natural vs contrast (pooled out of fold, mean over seeds)")
    fig.tight_layout()
    _save(fig, out, "natural_vs_contrast")
    plt.close(fig)
    return "natural_vs_contrast written"


def draw_all(results: list[dict[str, Any]], out: Path, release: Path,
             predictions: Path | None = None, results_dir: Path | None = None) -> list[str]:
    return [stance_f1_bars(results, out), stance_confusion(results, out),
            duplicates_pr(results, out, release, predictions, results_dir),
            natural_vs_contrast(results, out)]
