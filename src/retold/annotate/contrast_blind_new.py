"""The blind read of contrast rows and pairs added after a given id (dataset 1.2's read).

    python -m retold.annotate.contrast_blind_new sample --after-row x-0268 --after-pair p-0165
    python -m retold.annotate.contrast_blind_new compare --read-rows R.jsonl --read-pairs P.jsonl

**Sample.** Rows: up to ``--rows`` of the contrast rows whose id comes after
``--after-row``, drawn round-robin over their edit types (each type's rows shuffled with
``BLIND_SEED``), then shuffled. Pairs: up to ``--pairs`` of the contrast pairs after
``--after-pair``, drawn round-robin over the 2x2 cells (duplicate x overlap, see
``retold.schema``) and, inside a cell, over edit types. Rows are given as in
:mod:`retold.annotate.contrast_blind` (passage and marked claim only). A pair is given as
``claim`` (the natural mention) and ``other`` (the edited text), nothing else: no label,
edit type, rule, cell, similarity or id.

**Read.** Rows: ``stance`` and ``chain`` as in :mod:`retold.annotate.contrast_blind`.
Pairs: ``duplicate`` (true when the two state the same proposition, GUIDELINES §7).

**Compare.** Rows: the figures of :func:`retold.annotate.contrast_blind.compare`, and the
stance agreement per edit type. Pairs: accuracy and Cohen's kappa of ``duplicate`` with
the 95% bootstrap interval of the rows' read (``contrast_blind.bootstrap_kappa``),
agreement per cell and per edit type, and every pair where the read differs. Written to
``agreement.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from retold.annotate.contrast_blind import (
    BLIND_SEED,
    blind_rows,
    bootstrap_kappa,
    check_read,
    cohen_kappa,
    compare,
    dump_jsonl,
    load_jsonl,
    run_command,
)
from retold.build.contrast_rows import contrast_pairs_rows, contrast_rows
from retold.errors import SHAPE, InvalidInputError, Problem
from retold.io.contrast import CONTRAST_DIR
from retold.io.jsonio import dump_json
from retold.validate.checks import load_validated

Row = Mapping[str, Any]

BLIND_DIR = Path("annotations") / CONTRAST_DIR / "blind-1.2"
ROWS_FILE, PAIRS_FILE, KEY_FILE = "sample_rows.jsonl", "sample_pairs.jsonl", "key.json"
AGREEMENT_FILE = "agreement.json"
PAIR_SAMPLE_KEYS = ("blind_id", "claim", "other")
HIGH_OVERLAP_MIN = 0.7
"""High overlap: the pair's token-LCS Dice ``similarity`` is at least this (the schema's
boundary; read from ``retold.schema.HIGH_OVERLAP_MIN`` where it is defined)."""


def _high_overlap_min() -> float:
    from retold import schema

    return float(getattr(schema, "HIGH_OVERLAP_MIN", HIGH_OVERLAP_MIN))


def pair_cell(row: Row) -> str:
    """The pair's 2x2 cell: its ``cell`` column, or duplicate x (similarity >= boundary)."""
    if row.get("cell"):
        return str(row["cell"])
    same = "same" if row["duplicate"] else "different"
    level = "high" if row["similarity"] >= _high_overlap_min() else "low"
    return f"{same}_{level}"


def _after(ids: str, after: str) -> bool:
    return ids > after


def round_robin(rows: Sequence[Row], groups: Sequence[Callable[[Row], str]], n: int,
                rng: random.Random) -> list[Row]:
    """Up to ``n`` rows drawn round-robin over ``groups[0]``, and inside each group
    round-robin over ``groups[1:]``; every group's queue shuffled with ``rng``."""
    def queue(items: list[Row], level: int) -> list[Row]:
        if level == len(groups):
            items = list(items)
            rng.shuffle(items)
            return items
        by: dict[str, list[Row]] = defaultdict(list)
        for item in items:
            by[groups[level](item)].append(item)
        queues = [queue(by[k], level + 1) for k in sorted(by)]
        out: list[Row] = []
        while any(queues):
            for q in queues:
                if q:
                    out.append(q.pop(0))
        return out

    return queue(list(rows), 0)[:n]


def select_rows(rows: Sequence[Row], after: str, n: int,
                seed: int = BLIND_SEED) -> list[Row]:
    new = sorted((r for r in rows if _after(r["contrast_id"], after)),
                 key=lambda r: r["contrast_id"])
    rng = random.Random(seed)
    chosen = round_robin(new, [lambda r: r["edit_type"]], n, rng)
    rng.shuffle(chosen)
    return chosen


def select_pairs(pairs: Sequence[Row], after: str, n: int,
                 seed: int = BLIND_SEED) -> list[Row]:
    new = sorted((p for p in pairs if _after(p["pair_id"], after)), key=lambda p: p["pair_id"])
    rng = random.Random(seed + 1)
    chosen = round_robin(new, [pair_cell, lambda p: p["edit_type"]], n, rng)
    rng.shuffle(chosen)
    return chosen


def blind_pairs(sample: Sequence[Row]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The reader's pairs (the two texts only) and the key from blind ids to pair ids."""
    width = max(3, len(str(len(sample))))
    rows, key = [], []
    for n, pair in enumerate(sample, start=1):
        blind_id = f"q-{n:0{width}d}"
        rows.append({"blind_id": blind_id, "claim": pair["claim_text"],
                     "other": pair["edited_text"]})
        key.append({"blind_id": blind_id, "pair_id": pair["pair_id"]})
    return rows, key


def check_pair_read(sample: Sequence[Row], read: Sequence[tuple[int, Row]],
                    file: str) -> dict[str, bool]:
    """blind id -> the read's ``duplicate``; InvalidInputError naming every bad line."""
    problems: list[Problem] = []
    by_id = {row["blind_id"]: row for row in sample}
    labels: dict[str, bool] = {}
    for number, row in read:
        blind_id = row.get("blind_id")
        where = f"line {number}"
        if blind_id not in by_id:
            problems.append(Problem(file, where, SHAPE,
                                    f"blind_id {blind_id!r} is not in the pair sample"))
            continue
        where = f"line {number} {blind_id}"
        if blind_id in labels:
            problems.append(Problem(file, where, SHAPE, "blind_id labelled twice"))
            continue
        for k in row:
            if k not in PAIR_SAMPLE_KEYS and k not in ("duplicate", "note"):
                problems.append(Problem(file, where, SHAPE, f"unknown key {k!r}"))
            elif k in PAIR_SAMPLE_KEYS and row[k] != by_id[blind_id][k]:
                problems.append(Problem(file, where, SHAPE,
                                        f"{k!r} differs from the sample's"))
        if not isinstance(row.get("duplicate"), bool):
            problems.append(Problem(file, where, SHAPE, "duplicate must be true or false"))
        else:
            labels[blind_id] = row["duplicate"]
    for blind_id in sorted(set(by_id) - set(labels)):
        if not any(p.where.endswith(blind_id) for p in problems):
            problems.append(Problem(file, blind_id, SHAPE, "sample pair has no label in the read"))
    if problems:
        raise InvalidInputError(problems)
    return labels


def compare_pairs(gold: Mapping[str, bool], read: Mapping[str, bool],
                  cells: Mapping[str, str], edit_types: Mapping[str, str],
                  pair_ids: Mapping[str, str]) -> dict[str, Any]:
    """Agreement of the read's ``duplicate`` with the gold, overall, per cell and per type."""
    ids = sorted(gold)
    g = [gold[i] for i in ids]
    r = [read[i] for i in ids]
    agree = [a == b for a, b in zip(g, r, strict=True)]

    def per(key: Mapping[str, str]) -> dict[str, dict[str, float]]:
        out: dict[str, list[bool]] = defaultdict(list)
        for i, ok in zip(ids, agree, strict=True):
            out[key[i]].append(ok)
        return {k: {"pairs": len(v), "accuracy": round(sum(v) / len(v), 4)}
                for k, v in sorted(out.items())}

    kappa = cohen_kappa(g, r)
    lo, hi = bootstrap_kappa(g, r)
    return {
        "pairs": len(ids),
        "accuracy": round(sum(agree) / len(ids), 4) if ids else float("nan"),
        "kappa": round(kappa, 4),
        "kappa_ci95": {"lower": round(lo, 4), "upper": round(hi, 4)},
        "by_cell": per(cells),
        "by_edit_type": per(edit_types),
        "disagreements": [
            {"blind_id": i, "pair_id": pair_ids[i], "cell": cells[i],
             "edit_type": edit_types[i], "gold": gold[i], "read": read[i]}
            for i, ok in zip(ids, agree, strict=True) if not ok],
    }


def _current(corpus: Path, annotations: Path) -> tuple[list[Row], list[Row]]:
    docs, annotation_set = load_validated(corpus, annotations)
    return contrast_rows(docs, annotation_set), contrast_pairs_rows(docs, annotation_set)


def _cmd_sample(args: argparse.Namespace) -> int:
    out: Path = args.dir
    targets = [out / ROWS_FILE, out / PAIRS_FILE, out / KEY_FILE]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        print(f"error: {', '.join(existing)} exist(s); a sample already given to a reader "
              f"must not change (use --force to replace it)", file=sys.stderr)
        return 2
    rows, pairs = _current(args.corpus, args.annotations)
    blind_r, key_r = blind_rows(select_rows(rows, args.after_row, args.rows))
    blind_p, key_p = blind_pairs(select_pairs(pairs, args.after_pair, args.pairs))
    out.mkdir(parents=True, exist_ok=True)
    targets[0].write_text(dump_jsonl(blind_r), encoding="utf-8")
    targets[1].write_text(dump_jsonl(blind_p), encoding="utf-8")
    targets[2].write_text(dump_json({
        "seed": BLIND_SEED, "after_row": args.after_row, "after_pair": args.after_pair,
        "rows": key_r["rows"], "pairs": key_p}), encoding="utf-8")
    print(f"{targets[0]}: {len(blind_r)} rows; {targets[1]}: {len(blind_p)} pairs; "
          f"key in {targets[2]} (do not show it to the reader)")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    out: Path = args.dir
    key = json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
    rows, pairs = _current(args.corpus, args.annotations)
    row_by_id = {r["contrast_id"]: r for r in rows}
    pair_by_id = {p["pair_id"]: p for p in pairs}
    to_row = {k["blind_id"]: k["contrast_id"] for k in key["rows"]}
    to_pair = {k["blind_id"]: k["pair_id"] for k in key["pairs"]}
    gone = sorted([c for c in to_row.values() if c not in row_by_id]
                  + [p for p in to_pair.values() if p not in pair_by_id])
    result: dict[str, Any] = {"retired_since_sample": gone}
    sample_r = [row for _, row in load_jsonl(out / ROWS_FILE)]
    read_r = check_read(sample_r, load_jsonl(args.read_rows), str(args.read_rows))
    kept_r = {b: c for b, c in to_row.items() if c in row_by_id}
    intended = {b: (row_by_id[c]["stance"], tuple(row_by_id[c]["source_chain"]))
                for b, c in kept_r.items()}
    result["rows"] = compare(intended, {b: read_r[b] for b in kept_r},
                             {b: row_by_id[c]["edit_type"] for b, c in kept_r.items()}, kept_r)
    sample_p = [row for _, row in load_jsonl(out / PAIRS_FILE)]
    read_p = check_pair_read(sample_p, load_jsonl(args.read_pairs), str(args.read_pairs))
    kept_p = {b: p for b, p in to_pair.items() if p in pair_by_id}
    result["pairs"] = compare_pairs(
        {b: bool(pair_by_id[p]["duplicate"]) for b, p in kept_p.items()},
        {b: read_p[b] for b in kept_p},
        {b: pair_cell(pair_by_id[p]) for b, p in kept_p.items()},
        {b: pair_by_id[p]["edit_type"] for b, p in kept_p.items()}, kept_p)
    target = args.out or out / AGREEMENT_FILE
    target.write_text(dump_json(result), encoding="utf-8")
    for name, value in result["rows"]["headline"].items():
        print(f"rows: {name}: {value}")
    p = result["pairs"]
    print(f"pairs: {p['pairs']} read, accuracy {p['accuracy']}, kappa {p['kappa']} "
          f"[{p['kappa_ci95']['lower']}, {p['kappa_ci95']['upper']}]")
    for cell, v in p["by_cell"].items():
        print(f"pairs: {cell}: {v['accuracy']} of {v['pairs']}")
    print(f"{len(result['rows']['disagreements'])} row and {len(p['disagreements'])} pair "
          f"disagreement(s); {len(gone)} sampled item(s) retired since; written: {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Draw the blind sample of new rows and pairs, or compare a blind read with the gold."""
    parser = argparse.ArgumentParser(prog="python -m retold.annotate.contrast_blind_new",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--dir", type=Path, default=BLIND_DIR,
                        help=f"folder of the samples, key and agreement (default: {BLIND_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample", help="draw the blind sample of new rows and pairs")
    p.add_argument("--after-row", required=True, help="sample rows with a later contrast id")
    p.add_argument("--after-pair", required=True, help="sample pairs with a later pair id")
    p.add_argument("--rows", type=int, default=100)
    p.add_argument("--pairs", type=int, default=60)
    p.add_argument("--force", action="store_true", help="replace an existing sample")
    p.set_defaults(func=_cmd_sample)
    p = sub.add_parser("compare", help="compare a blind read with the gold")
    p.add_argument("--read-rows", type=Path, required=True)
    p.add_argument("--read-pairs", type=Path, required=True)
    p.add_argument("--out", type=Path, default=None)
    p.set_defaults(func=_cmd_compare)
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
