"""The leaderboard (markdown) and figures, built from results files only.

Aggregation: for each (task, baseline), the runs (one per seed for seeded baselines, one
for deterministic ones) give mean ± standard deviation (sample, ddof=1) of each score over
seeds. The 95% interval shown is the scorer's percentile bootstrap of each run's pooled
out-of-fold predictions (what is resampled is printed per task: mentions, pairs grouped by
their first mention, gold clusters, queries or sentences, so that items that depend on one
another are drawn together), with the lower and upper bounds averaged over seeds. The
standard deviation is training variation (seeds); the interval is sampling variation of
this small corpus (items).
"""

from __future__ import annotations

import json
import logging
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from retold.describe.markdown import MarkerError, replace_block, table
from retold.io.agreement import figure
from retold.io.release import PROBES_FILE
from retold.results import load_results
from retold.score.tasks import CONTRAST, OVERLAP_LEVELS, TASKS, get_task

log = logging.getLogger("baselines")

BEGIN = "<!-- BEGIN GENERATED: leaderboard -->"
END = "<!-- END GENERATED: leaderboard -->"


def contrast_cells(task: str) -> tuple[str, ...]:
    """Contrast scores per overlap level shown beside the contrast main score: AP within each
    overlap level of ``contrast_pairs`` (``retold.score.tasks.PAIR_CELL_SCORES``), for a task
    whose contrast subset declares them."""
    subset = get_task(task).subset(CONTRAST) if get_task(task).has_contrast else None
    wanted = tuple(f"average_precision_{level}_overlap" for level in OVERLAP_LEVELS)
    return tuple(k for k in wanted if subset is not None and k in subset.scores)


UNTRAINED = ("floor", "rules", "scikit-learn", "zero-shot embeddings")
FINDINGS = "FINDINGS.md"
"""A hand-written summary of one official run, kept beside its results; it names the
release checksum (12 hex digits) of the run it describes."""
_CHECKSUM = re.compile(r"release checksum `?([0-9a-f]{12})`?")


def findings(results_dir: Path, results: list[dict[str, Any]]) -> str | None:
    """The text of ``results_dir/FINDINGS.md`` if it describes these results (its release
    checksum is theirs); None, with a warning, if it describes another release."""
    path = results_dir / FINDINGS
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    named = _CHECKSUM.search(text)
    ours = {r["release"]["checksum"][:12] for r in results}
    if named is None or named.group(1) not in ours:
        log.warning("%s: describes release %s, the results are of %s; left out of the "
                    "leaderboard", path, named.group(1) if named else "(none named)",
                    ", ".join(sorted(ours)) or "(no results)")
        return None
    return text


def mean_std(values: list[float]) -> tuple[float, float | None]:
    mean = statistics.fmean(values)
    return mean, (statistics.stdev(values) if len(values) > 1 else None)


def fmt(mean: float | None, std: float | None = None) -> str:
    if mean is None:
        return "n/a"
    return f"{mean:.3f}" if std is None else f"{mean:.3f} ± {std:.3f}"


def aggregate(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Per task, one row per baseline with the mean, std and mean CI of its scores."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        groups[(r["task"], r["system"]["name"])].append(r)
    table_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (task, baseline), runs in sorted(groups.items()):
        scores = [r["scores"]["natural"] for r in runs]
        main_key = scores[0]["main_score"]

        def stat(key: str, scores: list[dict[str, Any]] = scores) -> tuple[Any, Any]:
            values = [s.get(key) for s in scores]
            values = [v for v in values if isinstance(v, int | float)]
            return mean_std(values) if values else (None, None)

        declared = get_task(task)
        second_key = declared.second_score
        new_key = declared.new.main_score if declared.new is not None else None
        cis = [s["ci"].get(main_key) for s in scores if s["ci"].get(main_key)]
        ci = ((statistics.fmean(c[0] for c in cis), statistics.fmean(c[1] for c in cis))
              if cis else None)
        table_rows[task].append({
            "baseline": baseline, "kind": runs[0]["system"]["kind"], "runs": len(runs),
            "seeds": sorted(r["seed"] for r in runs if r["seed"] is not None),
            "main_key": main_key, "main": stat(main_key), "ci": ci,
            "second_key": second_key, "second": stat(second_key),
            "new_key": new_key, "new": stat(new_key) if new_key else (None, None),
            "elapsed": _mean_elapsed(runs),
            "resampled": scores[0]["resampled"],
            "quick": any(r["quick"] for r in runs),
            "trained": runs[0]["system"]["trained"],
            "loss_fell": [_loss_fell(r) for r in runs if "runner" in r],
            "contrast": stat_contrast(runs),
            "contrast_ci": _contrast_ci(runs),
            "consistency": stat_contrast(runs, "contrast_consistency"),
            "contrast_cells": [stat_contrast(runs, k) for k in contrast_cells(task)],
            "contrast_resampled": next((r["scores"]["contrast"].get("resampled", "")
                                        for r in runs if r["scores"].get("contrast")), ""),
            "train_contrast": any(r["system"]["training_data"]["contrast_rows"] for r in runs),
        })
    return table_rows


def _mean_elapsed(runs: list[dict[str, Any]]) -> float | None:
    """Mean seconds per run; None when a run (one added by `retold results add`) has none."""
    seconds = [r.get("elapsed_s") for r in runs]
    return None if None in seconds else statistics.fmean(seconds)


def stat_contrast(runs: list[dict[str, Any]], key: str = "main") -> tuple[Any, Any]:
    """Mean ± std over seeds of a contrast-subset score (default: the main score)."""
    values = [r["scores"]["contrast"].get(key) for r in runs if r["scores"].get("contrast")]
    values = [v for v in values if isinstance(v, int | float)]
    return mean_std(values) if values else (None, None)


def _contrast_ci(runs: list[dict[str, Any]]) -> tuple[float, float] | None:
    cis = [r["scores"]["contrast"]["ci"].get(r["scores"]["contrast"]["main_score"])
           for r in runs if r["scores"].get("contrast")]
    cis = [c for c in cis if c]
    if not cis:
        return None
    return statistics.fmean(c[0] for c in cis), statistics.fmean(c[1] for c in cis)


def _contrast_resampled(rows: list[dict[str, Any]]) -> str:
    return next((r["contrast_resampled"] for r in rows if r.get("contrast_resampled")), "n/a")


def _ci(ci: tuple[float, float] | None) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "n/a"


def _loss_fell(run: dict[str, Any]) -> bool:
    """Every model of every fold ends with a lower loss than it started with."""
    histories = [h for folds in run["runner"]["loss_history"].values() for h in folds.values()]
    return bool(histories) and all(len(h) >= 2 and h[-1]["loss"] < h[0]["loss"]
                                   for h in histories)


def _agreement_line(task: str, agreement: dict[str, Any]) -> str:
    """The agreement of the two reads on the task's declared agreement scores
    (``Task.agreement_scores``), looked up by (task, score key) in
    ``annotations/agreement.json`` (``retold.io.agreement``)."""
    found = [(k, figure(agreement, task, k)) for k in get_task(task).agreement_scores]
    shown = [f"`{k}` {fmt(f[0])}" + (f" [{f[1][0]:.3f}, {f[1][1]:.3f}]" if f[1] else "")
             for k, f in found if f is not None and f[0] is not None]
    if not shown:
        return ("Agreement between the two model-made annotation reads: not measured for "
                "this task.")
    return (f"Agreement between two model-made annotation reads (the second scored against "
            f"the first by `retold score`; both by Claude, before adjudication; **not a human "
            f"ceiling**): {'; '.join(shown)}.")


def _losses_to_rules(task: str, rows: list[dict[str, Any]],
                     key: str = "main", subset: str = "") -> str | None:
    trained = [r for r in rows if r["kind"] == "fine-tuned" and r[key][0] is not None]
    simple = [r for r in rows if r["kind"] in UNTRAINED and r[key][0] is not None]
    if not trained or not simple:
        return None
    best_t = max(trained, key=lambda r: r[key][0])
    best_s = max(simple, key=lambda r: r[key][0])
    where = f" on {subset}" if subset else ""
    if best_t[key][0] >= best_s[key][0]:
        verb = "beats" if best_t[key][0] > best_s[key][0] else "only ties with"
        return (f"The best fine-tuned model{where} ({best_t['baseline']}, "
                f"{fmt(best_t[key][0])}) {verb} the best untrained baseline "
                f"({best_s['baseline']}, {fmt(best_s[key][0])}).")
    return (f"**A trained model loses to a simpler one {where.strip() or 'here'}:** the best "
            f"fine-tuned model ({best_t['baseline']}, {fmt(best_t[key][0])}) scores below "
            f"{best_s['baseline']} ({best_s['kind']}, {fmt(best_s[key][0])})"
            + (f", by {best_s[key][0] - best_t[key][0]:.3f}." if subset else "."))


PROBE_TASK = {"contrast_pairs": "duplicated", "contrast": "denied"}
"""The task whose contrast column each probed config is (the config's subset items)."""


def probes_markdown(probes: dict[str, Any] | None,
                    rows_by_task: dict[str, list[dict[str, Any]]]) -> str:
    """The artefact probes the build ran on the contrast sets (``release/probes.json``),
    each beside its limit and the best run's contrast main score on the same config."""
    if not probes or not probes.get("probes"):
        return ""
    best: dict[str, tuple[str, float]] = {}
    for config, task in PROBE_TASK.items():
        scored = [(r["baseline"], r["contrast"][0]) for r in rows_by_task.get(task, [])
                  if r["contrast"][0] is not None]
        if scored:
            best[config] = max(scored, key=lambda x: x[1])
    body = []
    for p in probes["probes"]:
        name, score = best.get(p["config"], ("", None))
        body.append([f"`{p['probe']}`", f"`{p['config']}`", f"`{p['metric']}`",
                     fmt(p["score"]), fmt(p["limit"]), "yes" if p["passed"] else "**no**",
                     f"{fmt(score)} (`{name}`)" if name else "n/a"])
    header = ["probe", "config", "metric", "score", "limit", "passed",
              "best run's contrast main score"]
    return ("### Artefact probes (partial-input models on the contrast sets)\n\n"
            "The build (`retold build`, `retold.validate.probes`) trains each probe under "
            "leave-one-document-out on the contrast set alone, from partial input only "
            "(surface overlap and length of a pair; a row's immediate source; the passage "
            "with the claim, the cue and every denial word masked), and refuses a set on "
            "which a probe passes its limit (annotations/CONTRAST.md Part 5). They are "
            "diagnostics, not systems: a model is worth its margin above them. Pair probes "
            "score `average_precision` (limit: the positive rate + 0.10), row probes "
            "`denied_f1` or a phrasing's precision. Scores from `release/probes.json`.\n\n"
            + table(header, body))


def leaderboard_markdown(results: list[dict[str, Any]], agreement: Any,
                         summary: str | None = None,
                         probes: dict[str, Any] | None = None) -> str:
    """The leaderboard; ``summary`` (the run's findings), if given, follows the intro;
    ``probes`` (``release/probes.json``), if given, closes it."""
    rows_by_task = aggregate(results)
    if not rows_by_task:
        return "_No results yet: run `python -m baselines run`._"
    quick = any(r["quick"] for rows in rows_by_task.values() for r in rows)
    release = {r["release"]["checksum"][:12] for r in results}
    commits = {(r["runner"]["git"]["commit"] or "?")[:10] for r in results if "runner" in r}
    seeds = sorted({s for rows in rows_by_task.values() for r in rows for s in r["seeds"]})
    rules_versions = ", ".join(f"{task} {v}" for task, v in sorted(
        {(r["task"], r["versions"]["scoring_rules"]) for r in results}))
    parts = [
        ("**Quick smoke run (tiny settings): not the official figures.**\n\n" if quick
         else "")
        + "Leave-one-document-out, pooled out-of-fold predictions scored by `retold score`. "
        "Mean ± standard deviation over seeds (fine-tuned and random baselines: seeds "
        f"{', '.join(map(str, seeds))}"
        "; others are deterministic, one run). 95% CI: the scorer's percentile bootstrap "
        "of each run's pooled predictions, bounds averaged over seeds; what is resampled "
        "is named under each table. Labels and agreement figures come from an AI model "
        f"(Claude), not from people. Release checksum {', '.join(sorted(release))}; "
        f"code {', '.join(sorted(commits)) or 'n/a'}; scored by retold "
        f"{', '.join(sorted({r['versions']['retold'] for r in results}))} (scoring rules "
        f"{rules_versions})."
    ]
    if summary:
        parts.append(summary)
    for task in TASKS:
        rows = rows_by_task.get(task)
        if not rows:
            continue
        rows = sorted(rows, key=lambda r: -(r["main"][0] if r["main"][0] is not None else -1))
        main_key, second_key, new_key = rows[0]["main_key"], rows[0]["second_key"], \
            rows[0]["new_key"]
        has_contrast = any(r["contrast"][0] is not None for r in rows)
        header = ["baseline", "kind", "runs", main_key, "95% CI", second_key]
        if new_key:
            header.append(f"{new_key} (clusters new to the fold)")
        if has_contrast:
            header += [f"contrast {main_key}", "contrast 95% CI", "contrast_consistency",
                       *(f"contrast {k}" for k in contrast_cells(task)),
                       "trained on contrast rows"]
        header.append("s / run")
        body = []
        for r in rows:
            line = [r["baseline"], r["kind"], r["runs"], fmt(*r["main"]),
                    f"[{r['ci'][0]:.3f}, {r['ci'][1]:.3f}]" if r["ci"] else "n/a",
                    fmt(*r["second"])]
            if new_key:
                line.append(fmt(*r["new"]))
            if has_contrast:
                line += [fmt(*r["contrast"]), _ci(r["contrast_ci"]), fmt(*r["consistency"]),
                         *(fmt(*c) for c in r["contrast_cells"]),
                         "yes" if r["train_contrast"] else "no"]
            line.append("n/a" if r["elapsed"] is None else f"{r['elapsed']:.0f}")
            body.append(line)
        text = [f"### `{task}` (main score `{main_key}`)", "", table(header, body), "",
                f"Resampled for the CI: {rows[0]['resampled']}.", "",
                _agreement_line(task, agreement)]
        if has_contrast:
            contrast_subset = get_task(task).subset(CONTRAST)
            text += ["", f"Contrast columns: `retold score --subset contrast` on the "
                     f"{contrast_subset.items} config "
                     "(minimal edits of the natural mentions, each predicted by the model "
                     "of its fold); `contrast_consistency`: the share of "
                     f"{contrast_subset.consistency}. Resampled for the contrast CI: "
                     f"{_contrast_resampled(rows)}."
                     + (" `contrast average_precision_high_overlap` / `_low_overlap`: AP "
                        "within the contrast pairs of high / low surface overlap "
                        "(`contrast_pairs.cell`), n/a where one level holds one label only."
                        if contrast_cells(task) else "")]
        for key, subset in (("main", "natural data"), ("contrast", "contrast data")):
            verdict = _losses_to_rules(task, rows, key, subset if has_contrast else "")
            if verdict and (key == "main" or has_contrast):
                text += ["", verdict]
        unfallen = [r["baseline"] for r in rows if r["trained"] and not all(r["loss_fell"])]
        if unfallen:
            text += ["", f"Training loss did not fall in every fold for: {', '.join(unfallen)}."]
        parts.append("\n".join(text))
    contrast = any(r["contrast"][0] is not None for rows in rows_by_task.values()
                   for r in rows)
    with_rows = sorted({r["baseline"] for rows in rows_by_task.values() for r in rows
                        if r["train_contrast"]})
    if contrast:
        parts.append("Runs trained on contrast rows (of the training documents only, never "
                     "edits of the held-out document): "
                     + (", ".join(f"`{n}`" for n in with_rows) if with_rows else "none")
                     + "; every other run trained on natural mentions only. Figure "
                     "`results/figures/natural_vs_contrast.png` plots each run's natural "
                     "against its contrast main score.")
    if not contrast:
        parts.append("Contrast-set scores: the release has no contrast configs yet, so none "
                     "are reported.")
    probe_table = probes_markdown(probes, rows_by_task)
    if probe_table:
        parts.append(probe_table)
    return "\n\n".join(parts)


def write_report(results_dir: Path, out_dir: Path, *, readme: Path | None, release: Path,
                 agreement: Path, predictions: Path | None = None) -> Path:
    """Write ``leaderboard.md`` and ``figures/`` into ``out_dir`` (and README's block only
    when ``readme`` is given). ``predictions``: the run's predictions folder (the figures
    read the duplicate scores there); by default the paths the results record."""
    results = load_results(results_dir)
    agreed = json.loads(agreement.read_text(encoding="utf-8")) if agreement.is_file() else {}
    if agreed and not any(figure(agreed, task, key) for task in TASKS
                          for key in get_task(task).agreement_scores):
        log.warning("%s: no task's declared agreement score in it (a file `retold agree` "
                    "writes); the leaderboard shows none", agreement)
    probes_file = release / PROBES_FILE
    probes = (json.loads(probes_file.read_text(encoding="utf-8")) if probes_file.is_file()
              else None)
    markdown = leaderboard_markdown(results, agreed, findings(results_dir, results), probes)
    out_dir.mkdir(parents=True, exist_ok=True)
    board = out_dir / "leaderboard.md"
    board.write_text("# retold baselines: leaderboard\n\n" + markdown + "\n", encoding="utf-8")
    print(markdown)
    if readme is not None:
        text = readme.read_text(encoding="utf-8")
        try:
            readme.write_text(replace_block(text, BEGIN, END, markdown), encoding="utf-8")
        except MarkerError as err:
            raise ValueError(f"{readme}: {err}") from None
    from baselines.figures import draw_all

    for note in draw_all(results, out_dir / "figures", release, predictions, results_dir):
        log.info("figures: %s", note)
    return board
