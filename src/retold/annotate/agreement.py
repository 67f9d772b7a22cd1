"""Agreement between two independent reads (``retold agree``), scored by ``retold.score``.

There is no agreement metric here. The first read is the gold: it is validated and built
into a temporary release with the normal build code (``compute_rows``, ``parquet_bytes``).
The second read is turned into prediction lines of each task it can answer, and scored
against that release by ``retold.score.score_records``: the same scorers, score keys and
bootstrap intervals as any system's predictions. The written file (``retold.io.agreement``)
keeps, per task, every score of the scorer and the intervals as numbers.

The adapter (this module's only own logic) turns the second read into predictions:

* ``claims``: every second-read claim span; ``end2end``: the same spans, flagged
  ``attributed`` and ``denied`` as the second read has them. The scorer matches the spans
  (exact, and one-to-one overlap), as it does for any system.
* The mention tasks need a first-read claim id for each prediction. A second-read claim is
  given the id of the first-read claim with the identical span (``exact_matches``), and
  the rest by the scorer's one-to-one overlap matching of the remaining spans
  (``overlap_matches``). First-read claims matched by none get no prediction, which the
  scorer counts as wrong. ``attributed``: the second read's decision and immediate-source
  span (-1 for none); ``denied``: its stance; ``clusters``: its cluster id;
  ``duplicated``: every pair of the first read's ``pairs`` config whose two claims are
  both matched, with ``duplicate`` true (score 1.0) when the second read puts them in
  one cluster, false (score 0.0) otherwise.
* ``retrieval`` is not scored: a read gives clusters, not a ranking, and any order
  within a cluster would be the adapter's choice, not the read's.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retold.build.rows import claims_rows, compute_rows
from retold.build.writer import parquet_bytes, rows_to_table, sha256sums_bytes
from retold.io.agreement import AGREEMENT_FORMAT, shape_problem
from retold.io.jsonio import dump_json
from retold.io.owned import check_file, write_file
from retold.io.release import SUMS_FILE, data_path
from retold.schema import CONFIG_NAMES
from retold.score.api import score_records
from retold.score.metrics.bootstrap import CONFIDENCE, N_BOOTSTRAP, SEED
from retold.score.metrics.spans import exact_matches, overlap_matches
from retold.score.tasks import OFFSET, PAIRS, SPANS, TASKS, PredictionField, get_task

Row = dict[str, Any]

SCORED_TASKS: tuple[str, ...] = tuple(name for name, task in TASKS.items()
                                      if task.agreement_scores)
"""The tasks a read can answer: those that declare agreement scores (``retrieval`` needs a
ranking, which a read does not give, and declares none)."""
READ_COLUMN = {"cluster": "cluster_id"}
"""The read's column that holds a prediction field, where the names differ."""


def _span(row: Row) -> tuple[str, int, int]:
    return (row["doc_id"], row["start"], row["end"])


def match_claims(gold: Sequence[Row], second: Sequence[Row]) -> dict[str, Row]:
    """First-read claim id -> the second-read claim row matched to it: identical spans
    first, then the scorer's one-to-one overlap matching of the spans left."""
    matched: dict[str, Row] = {}
    for i, j in exact_matches([_span(r) for r in gold], [_span(r) for r in second]):
        matched[gold[i]["claim_id"]] = second[j]
    used = {id(r) for r in matched.values()}
    rest_gold = [r for r in gold if r["claim_id"] not in matched]
    rest_second = [r for r in second if id(r) not in used]
    for i, j in overlap_matches([_span(r) for r in rest_gold], [_span(r) for r in rest_second]):
        matched[rest_gold[i]["claim_id"]] = rest_second[j]
    return dict(sorted(matched.items()))


def _offset(value: int | None) -> int:
    return -1 if value is None else value


def _value(row: Row, field: PredictionField) -> Any:
    value = row[READ_COLUMN.get(field.name, field.name)]
    return _offset(value) if field.kind == OFFSET else value


def predictions(task: str, gold: dict[str, list[Row]], second: Sequence[Row],
                matched: dict[str, Row]) -> list[Row]:
    """The second read's prediction lines of ``task`` against the first read's rows, built
    from the task's declared fields and family: one line per span of the read (spans), per
    gold pair whose two mentions the read matched (pairs), or per matched claim."""
    declared = get_task(task)
    if task not in SCORED_TASKS:
        raise ValueError(f"a read gives no predictions for task {task!r}")
    if declared.family == SPANS:
        return [{f.name: _value(r, f) for f in declared.fields} for r in second]
    if declared.family == PAIRS:
        lines = []
        for pair in gold["pairs"]:
            a, b = matched.get(pair["claim_id_a"]), matched.get(pair["claim_id_b"])
            if a is None or b is None:
                continue
            same = a["cluster_id"] == b["cluster_id"]
            lines.append({"claim_id_a": pair["claim_id_a"], "claim_id_b": pair["claim_id_b"],
                          "score": 1.0 if same else 0.0, "duplicate": same})
        return lines
    return [{f.name: cid if f.name == "claim_id" else _value(row, f) for f in declared.fields}
            for cid, row in matched.items()]


def write_gold_release(rows: dict[str, list[Row]], folder: Path) -> None:
    """The configs of ``rows`` as a release the scorer reads (data files and SHA256SUMS)."""
    files = {data_path(n): parquet_bytes(rows_to_table(n, rows[n])) for n in CONFIG_NAMES}
    for rel, data in {**files, SUMS_FILE: sha256sums_bytes(files)}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def _shown(path: Path) -> str:
    """``path`` as recorded in the file: relative to the working folder when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _ci(pair: Sequence[float]) -> dict[str, float]:
    return {"lower": float(pair[0]), "upper": float(pair[1])}


def compare(corpus_dir: Path, first_dir: Path, second_dir: Path, *,
            n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED) -> dict[str, Any]:
    """The agreement of the second read with the first, as the ``retold.io.agreement``
    object. Both reads must validate (InvalidInputError with every problem otherwise)."""
    from retold.validate.checks import load_validated

    docs, first = load_validated(corpus_dir, first_dir)
    gold = compute_rows(docs, first)
    docs2, second_set = load_validated(corpus_dir, second_dir)
    second = claims_rows(docs2, second_set)
    matched = match_claims(gold["claims"], second)
    n_exact = len(exact_matches([_span(r) for r in gold["claims"]],
                                [_span(r) for r in second]))
    tasks: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="retold-agree-") as tmp:
        release = Path(tmp) / "first_read"
        write_gold_release(gold, release)
        for task in SCORED_TASKS:
            scores = score_records(task, predictions(task, gold, second, matched), release,
                                   n_bootstrap=n_bootstrap, seed=seed)
            tasks[task] = {
                "main_score": scores.main_score,
                "n_items": scores.n_items,
                "missing": scores.missing,
                "resampled": scores.resampled,
                "scores": dict(scores.values),
                "ci": {k: _ci(v) for k, v in scores.ci.items()},
            }
            checksum = scores.release["sha256"]
    data = {
        "format": AGREEMENT_FORMAT,
        "gold": {"read": _shown(first_dir), "release_sha256": checksum,
                 "claims": len(gold["claims"])},
        "predictions": {"read": _shown(second_dir), "claims": len(second)},
        "matching": ("second-read claims take the id of the first-read claim with the same "
                     "span, then of the one matched by the scorer's one-to-one overlap "
                     "matching; unmatched first-read claims have no prediction (scored as "
                     "wrong)"),
        "bootstrap": {"resamples": n_bootstrap, "seed": seed, "confidence": CONFIDENCE,
                      "method": "percentile"},
        "mentions": {"first": len(gold["claims"]), "second": len(second),
                     "matched_exact": n_exact, "matched": len(matched)},
        "tasks": tasks,
        "matched_claims": [[cid, row["claim_id"]] for cid, row in matched.items()],
    }
    return data


def _owner(existing: Any) -> str | None:
    if isinstance(existing, dict) and existing.get("format") == AGREEMENT_FORMAT:
        return None
    if isinstance(existing, dict) and "claims, first read" in existing:
        return None  # the file of retold < 0.2 (prose keys), which this format replaces
    return "exists and is not an agreement file that retold agree writes"


def check_agreement_target(out: Path) -> None:
    """Refuse (``unsafe-output``) unless ``out`` is new or an agreement file."""
    check_file(out, _owner)


def write_agreement(out: Path, data: dict[str, Any]) -> None:
    """Write the agreement object to ``out`` atomically (after ``check_agreement_target``)."""
    problem = shape_problem(data)
    if problem is not None:
        raise ValueError(f"not an agreement object: {problem}")
    write_file(out, dump_json(data).encode("utf-8"), _owner)
