"""Render ``Scores`` for people (a table) and for programs (one JSON object).

The table prints every score with its 95% interval where it has one, and beside the key
scores the floor (no predictions), the trivial predictor and the maximum (the gold), as the
FNC-1 scorer prints its null and maximum scores.
"""

from __future__ import annotations

import json
from typing import Any

from retold.score.api import REFERENCES, Scores


def _number(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _folds(values: list[Any]) -> str:
    return "  ".join(f"{k}: {_number(v) if v is not None else '-'}"
                     for k, v in enumerate(values))


def render_json(scores: Scores) -> str:
    """The ``--json`` output: one object, keys sorted as ``Scores.to_json`` orders them."""
    return json.dumps(scores.to_json(), ensure_ascii=False, indent=2)


def render_table(scores: Scores) -> str:
    """A plain-text report of every score."""
    lines = [
        f"task {scores.task} ({scores.subset}): {scores.n_items} gold items, "
        f"{scores.missing} without a prediction (scored as wrong)",
        f"predictions {scores.predictions}; release {scores.release['path']} "
        f"(sha256 {scores.release['sha256'][:12]})",
        "",
    ]
    scalars = {k: v for k, v in scores.values.items() if not isinstance(v, list | dict)}
    width = max(len(k) for k in scalars) + 2
    header = (f"{'score':<{width}}{'value':>10}  {'95% CI':<18}"
              + "".join(f"{name:>10}" for name in REFERENCES))
    lines += [header, "-" * len(header)]
    for key, value in scalars.items():
        mark = " *" if key == scores.main_score else ""
        ci = scores.ci.get(key)
        ci_text = f"[{ci[0]:.4f}, {ci[1]:.4f}]" if ci else ""
        refs = ""
        if key in scores.reference["max"]:
            refs = "".join(f"{_number(scores.reference[name][key]):>10}" for name in REFERENCES)
        lines.append(f"{key + mark:<{width}}{_number(value):>10}  {ci_text:<18}{refs}")
    for key, value in scores.values.items():
        if isinstance(value, dict):
            lines += ["", f"{key}:"] + [f"  {k}: {_number(v)}" for k, v in value.items()]
        elif key.endswith("_per_fold"):
            lines += ["", f"{key} (fold: value; '-' where undefined):", f"  {_folds(value)}"]
        elif isinstance(value, list):
            lines += ["", f"{key} (rows: gold, columns: predicted):"]
            lines += [f"  {' '.join(f'{c:>5}' for c in row)}" for row in value]
    lines += [
        "",
        f"* main score ({'higher' if scores.higher_is_better else 'lower'} is better). "
        f"95% CI: percentile bootstrap, {scores.n_bootstrap} resamples, seed {scores.seed}, "
        f"of {scores.resampled}.",
        f"floor: no predictions; trivial: {scores.trivial_predictor}; max: the gold itself.",
    ]
    return "\n".join(lines)
