"""The agreement file's format (``annotations/agreement.json``, written by ``retold agree``).

Agreement between the two reads is scored, not computed by a metric of its own: the second
read is turned into prediction lines and scored against a release built from the first
read by ``retold.score`` (``retold.annotate.agreement``). The file records, per task, the
scorer's values under the scorer's own score keys (``retold.score.tasks``) and the 95%
percentile-bootstrap interval of the key scores as numbers::

    {"format": "retold-agreement/1", "gold": ..., "predictions": ..., "bootstrap": ...,
     "tasks": {"claims": {"main_score": "span_f1_exact", "n_items": 130, "missing": 0,
                          "scores": {"span_f1_exact": 0.7, ...},
                          "ci": {"span_f1_exact": {"lower": 0.6, "upper": 0.8}, ...}},
               ...},
     ...}

Readers (the card, the datasheet, the leaderboard) look a figure up by (task, score key)
with ``figure``; nothing matches on prose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

AGREEMENT_FORMAT = "retold-agreement/1"
"""The value of the file's ``format`` key: the proof that a file is one ``retold agree`` wrote."""
TOP_KEYS: tuple[str, ...] = ("format", "gold", "predictions", "matching", "bootstrap",
                             "mentions", "tasks", "matched_claims")


def shape_problem(data: Any) -> str | None:
    """Why ``data`` is not an agreement file of this format, or None."""
    if not isinstance(data, dict):
        return "must hold one JSON object"
    if data.get("format") != AGREEMENT_FORMAT:
        return (f"'format' must be {AGREEMENT_FORMAT!r} (an agreement file that "
                "`retold agree` writes)")
    if list(data) != list(TOP_KEYS):
        return f"keys must be exactly {list(TOP_KEYS)}, not {list(data)}"
    tasks = data["tasks"]
    if not isinstance(tasks, dict):
        return "'tasks' must be an object"
    for task, entry in tasks.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("scores"), dict) \
                or not isinstance(entry.get("ci"), dict):
            return f"tasks.{task} must be an object with 'scores' and 'ci' objects"
        for key, ci in entry["ci"].items():
            if not (isinstance(ci, dict) and set(ci) == {"lower", "upper"}
                    and all(isinstance(ci[b], int | float) and not isinstance(ci[b], bool)
                            for b in ci)):
                return f"tasks.{task}.ci.{key} must be {{'lower': number, 'upper': number}}"
    return None


def figure(agreement: Mapping[str, Any] | None, task: str, key: str
           ) -> tuple[Any, tuple[float, float] | None] | None:
    """The agreement value of score ``key`` on ``task`` and its interval (or None where it
    has none); None when the file has no such figure."""
    if not agreement:
        return None
    entry = agreement.get("tasks", {}).get(task)
    if not isinstance(entry, dict) or key not in entry.get("scores", {}):
        return None
    ci = entry.get("ci", {}).get(key)
    return entry["scores"][key], (ci["lower"], ci["upper"]) if ci else None


def key_figures(agreement: Mapping[str, Any]) -> list[tuple[str, str, Any, tuple[float, float] |
                                                            None]]:
    """(task, score key, value, interval) of every score with an interval, in file order."""
    out = []
    for task, entry in agreement.get("tasks", {}).items():
        for key, ci in entry.get("ci", {}).items():
            out.append((task, key, entry["scores"].get(key), (ci["lower"], ci["upper"])))
    return out
