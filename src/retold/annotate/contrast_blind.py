"""The blind read of the contrast set: draw the sample, then compare the read with the gold.

    python -m retold.annotate.contrast_blind sample            # writes sample.jsonl, key.json
    python -m retold.annotate.contrast_blind compare --read annotations/contrast/blind/read.jsonl

**Sample.** From the ``contrast`` rows, ``per_type`` rows of every edit type are drawn
with a seeded generator (``BLIND_SEED``), round-robin over the (stance, rule) groups
present in that type so that each type's stances and rules are all represented, and the
drawn rows are shuffled.
``sample.jsonl`` gives the reader only a ``blind_id``, the passage ``text`` and the claim
span (``claim_start``, ``claim_end``, ``claim``, and ``marked``: the text with the span
between ``⟦`` and ``⟧``): no label, edit type, rule, contrast id or original passage.
``key.json`` maps blind ids to contrast ids; the reader must not see it. ``sample``
refuses to overwrite an existing sample unless ``--force`` is given.

**Read.** The reader returns the same rows (any of the sample's keys may be kept, and
must then be unchanged) with ``stance`` (one of ``schema.STANCES``) and ``chain`` (the
source ids of the attribution chain, outermost first, from ``sources.json``; ``[]`` when
the passage states the claim in its own voice) filled in.

**Compare.** Against the intended labels of the current ``contrast`` rows: stance
accuracy and Cohen's kappa (with a 95% percentile bootstrap interval over rows),
agreement and Cohen's kappa on ``attributed``, accuracy of the immediate source (the
chain's last id, or ``author``), exact-chain accuracy, accuracy per edit type, the stance
confusion matrix and every row where the read differs, for the rows to be fixed or
dropped. Written to ``agreement.json``: ``headline`` (the card's figures), ``details``
and ``disagreements``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from retold.build.contrast_rows import contrast_rows
from retold.errors import SHAPE, InvalidInputError, Problem
from retold.io.contrast import CONTRAST_DIR
from retold.io.jsonio import dump_json
from retold.schema import AUTHOR, CONTRAST_EDIT_TYPES, STANCES
from retold.validate.checks import load_validated

BLIND_SEED = 20241207
PER_TYPE = 5
OPEN_MARK, CLOSE_MARK = "⟦", "⟧"
BLIND_DIR = Path("annotations") / CONTRAST_DIR / "blind"
SAMPLE_FILE = "sample.jsonl"
KEY_FILE = "key.json"
AGREEMENT_FILE = "agreement.json"
SAMPLE_KEYS = ("blind_id", "text", "claim_start", "claim_end", "claim", "marked")
READ_KEYS = ("stance", "chain")

Row = Mapping[str, Any]


BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20241206


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two equally long label sequences; 1.0 when both are constant and equal."""
    if len(labels_a) != len(labels_b):
        raise ValueError("label sequences differ in length")
    n = len(labels_a)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(labels_a, labels_b, strict=True)) / n
    count_a, count_b = Counter(labels_a), Counter(labels_b)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def bootstrap_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable],
                    samples: int = BOOTSTRAP_SAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95% percentile bootstrap interval of Cohen's kappa, resampling items."""
    rng = random.Random(seed)
    n = len(labels_a)
    values = []
    for _ in range(samples):
        idx = [rng.randrange(n) for _ in range(n)]
        values.append(cohen_kappa([labels_a[i] for i in idx], [labels_b[i] for i in idx]))
    values.sort()
    return values[int(0.025 * samples)], values[int(0.975 * samples) - 1]


# --------------------------------------------------------------------------------------
# Sample.
# --------------------------------------------------------------------------------------
def select_sample(rows: Sequence[Row], per_type: int = PER_TYPE,
                  seed: int = BLIND_SEED) -> list[Row]:
    """``per_type`` rows of each edit type (all if fewer), round-robin over its stances and
    rules, shuffled."""
    rng = random.Random(seed)
    chosen: list[Row] = []
    for edit_type in CONTRAST_EDIT_TYPES:
        groups: dict[tuple[int, str], list[Row]] = defaultdict(list)
        for row in sorted((r for r in rows if r["edit_type"] == edit_type),
                          key=lambda r: r["contrast_id"]):
            groups[(STANCES.index(row["stance"]), row["rule"])].append(row)
        queues = [groups[k] for k in sorted(groups)]
        for queue in queues:
            rng.shuffle(queue)
        taken = 0
        while taken < per_type and any(queues):
            for queue in queues:
                if queue and taken < per_type:
                    chosen.append(queue.pop())
                    taken += 1
    rng.shuffle(chosen)
    return chosen


def blind_rows(sample: Sequence[Row]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The reader's rows (no labels) and the key from blind ids to contrast ids."""
    rows, key = [], []
    width = max(3, len(str(len(sample))))
    for n, row in enumerate(sample, start=1):
        blind_id = f"b-{n:0{width}d}"
        s, e, text = row["start"], row["end"], row["text"]
        rows.append({
            "blind_id": blind_id, "text": text, "claim_start": s, "claim_end": e,
            "claim": text[s:e], "marked": f"{text[:s]}{OPEN_MARK}{text[s:e]}{CLOSE_MARK}{text[e:]}",
        })
        key.append({"blind_id": blind_id, "contrast_id": row["contrast_id"]})
    return rows, {"seed": BLIND_SEED, "per_edit_type": PER_TYPE, "rows": key}


def dump_jsonl(rows: Sequence[Mapping[str, Any]]) -> str:
    """One JSON object a line, UTF-8 characters kept, trailing newline."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


# --------------------------------------------------------------------------------------
# Reading the read.
# --------------------------------------------------------------------------------------
def load_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The objects of a JSON Lines file with line numbers; InvalidInputError on bad lines."""
    from retold.io.jsonio import problem_list, read_jsonl  # the one strict reader

    problems: list[Problem] = []
    out = []
    for number, obj in read_jsonl(path, problem_list(str(path), problems),
                                  missing_code=SHAPE) or []:
        if not isinstance(obj, dict):
            problems.append(Problem(str(path), f"line {number}", SHAPE, "must be a JSON object"))
            continue
        out.append((number, obj))
    if problems:
        raise InvalidInputError(problems)
    return out


def check_read(sample: Sequence[Row], read: Sequence[tuple[int, Row]],
               file: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """blind id → (stance, chain) of the read; InvalidInputError naming every bad line."""
    problems = []
    by_id = {row["blind_id"]: row for row in sample}
    labels: dict[str, tuple[str, tuple[str, ...]]] = {}
    for number, row in read:
        where = f"line {number}"
        blind_id = row.get("blind_id")
        if blind_id not in by_id:
            problems.append(Problem(file, where, SHAPE, f"blind_id {blind_id!r} is not in the "
                                                        f"sample"))
            continue
        where = f"line {number} {blind_id}"
        if blind_id in labels:
            problems.append(Problem(file, where, SHAPE, "blind_id labelled twice"))
            continue
        for key in row:
            if key not in SAMPLE_KEYS and key not in READ_KEYS and key != "note":
                problems.append(Problem(file, where, SHAPE, f"unknown key {key!r}"))
            elif key in SAMPLE_KEYS and row[key] != by_id[blind_id][key]:
                problems.append(Problem(file, where, SHAPE,
                                        f"{key!r} differs from the sample's: the read must "
                                        f"label the sample's rows unchanged"))
        stance, chain = row.get("stance"), row.get("chain")
        if stance not in STANCES:
            problems.append(Problem(file, where, SHAPE,
                                    f"stance {stance!r} is not one of {', '.join(STANCES)}"))
        if not isinstance(chain, list) or not all(
                isinstance(s, str) and s and s != AUTHOR for s in chain):
            problems.append(Problem(file, where, SHAPE,
                                    "chain must be a list of source ids (outermost first; "
                                    "[] for the author's own voice)"))
        if isinstance(stance, str) and isinstance(chain, list):
            labels[blind_id] = (stance, tuple(chain))
    for blind_id in sorted(set(by_id) - set(labels)):
        if not any(p.where.endswith(blind_id) for p in problems):
            problems.append(Problem(file, blind_id, SHAPE, "sample row has no label in the read"))
    if problems:
        raise InvalidInputError(problems)
    return labels


# --------------------------------------------------------------------------------------
# Compare.
# --------------------------------------------------------------------------------------
def _source(chain: Sequence[str]) -> str:
    return chain[-1] if chain else AUTHOR


def compare(intended: Mapping[str, tuple[str, tuple[str, ...]]],
            read: Mapping[str, tuple[str, tuple[str, ...]]],
            edit_types: Mapping[str, str] | None = None,
            contrast_ids: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Agreement of ``read`` with ``intended`` (blind id → (stance, chain)), same ids."""
    if sorted(intended) != sorted(read):
        raise ValueError("intended and read must label the same blind ids")
    ids = sorted(intended)
    n = len(ids)
    gold_stance = [intended[i][0] for i in ids]
    read_stance = [read[i][0] for i in ids]
    gold_attr = [bool(intended[i][1]) for i in ids]
    read_attr = [bool(read[i][1]) for i in ids]

    def accuracy(pairs: Sequence[tuple[Any, Any]]) -> float:
        return sum(a == b for a, b in pairs) / len(pairs) if pairs else float("nan")

    lo, hi = bootstrap_kappa(gold_stance, read_stance) if n else (float("nan"),) * 2
    edit_types = edit_types or {}
    per_type: dict[str, list[bool]] = defaultdict(list)
    for i in ids:
        if i in edit_types:
            per_type[edit_types[i]].append(intended[i][0] == read[i][0])
    confusion = Counter((intended[i][0], read[i][0]) for i in ids)
    disagreements = []
    for i in ids:
        (gs, gc), (rs, rc) = intended[i], read[i]
        differs = [name for name, a, b in (("stance", gs, rs), ("source", _source(gc),
                                                                 _source(rc)), ("chain", gc, rc))
                   if a != b]
        if differs:
            disagreements.append({
                "blind_id": i, "contrast_id": (contrast_ids or {}).get(i, ""),
                "edit_type": edit_types.get(i, ""), "differs": differs,
                "intended": {"stance": gs, "chain": list(gc)},
                "read": {"stance": rs, "chain": list(rc)},
            })
    details = {
        "rows": n,
        "stance_accuracy": accuracy(list(zip(gold_stance, read_stance, strict=True))),
        "stance_kappa": cohen_kappa(gold_stance, read_stance) if n else float("nan"),
        "stance_kappa_ci95": [lo, hi],
        "attributed_accuracy": accuracy(list(zip(gold_attr, read_attr, strict=True))),
        "attributed_kappa": cohen_kappa(gold_attr, read_attr) if n else float("nan"),
        "immediate_source_accuracy": accuracy(
            [(_source(intended[i][1]), _source(read[i][1])) for i in ids]),
        "chain_accuracy": accuracy([(intended[i][1], read[i][1]) for i in ids]),
        "stance_accuracy_by_edit_type": {
            t: {"rows": len(per_type[t]), "accuracy": sum(per_type[t]) / len(per_type[t])}
            for t in CONTRAST_EDIT_TYPES if per_type[t]},
        "stance_confusion": {g: {r: confusion[(g, r)] for r in STANCES} for g in STANCES},
    }
    return {"headline": headline(details), "details": details, "disagreements": disagreements}


def headline(details: Mapping[str, Any]) -> dict[str, Any]:
    """The figures the card shows, rounded to three places."""
    def r(x: float) -> float:
        return round(x, 3)

    lo, hi = details["stance_kappa_ci95"]
    return {
        "rows read blind": details["rows"],
        "stance accuracy": r(details["stance_accuracy"]),
        "stance Cohen's kappa": r(details["stance_kappa"]),
        "stance kappa 95% CI": f"[{r(lo)}, {r(hi)}]",
        "attributed agreement": r(details["attributed_accuracy"]),
        "attributed Cohen's kappa": r(details["attributed_kappa"]),
        "immediate source accuracy": r(details["immediate_source_accuracy"]),
        "exact chain accuracy": r(details["chain_accuracy"]),
    }


# --------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------
def _current_rows(corpus: Path, annotations: Path) -> list[Row]:
    docs, annotation_set = load_validated(corpus, annotations)
    return contrast_rows(docs, annotation_set)


def _cmd_sample(args: argparse.Namespace) -> int:
    out: Path = args.dir
    targets = [out / SAMPLE_FILE, out / KEY_FILE]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not args.force:
        print(f"error: {', '.join(existing)} exist(s); a sample already given to a reader "
              f"must not change (use --force to replace it)", file=sys.stderr)
        return 2
    rows, key = blind_rows(select_sample(_current_rows(args.corpus, args.annotations)))
    out.mkdir(parents=True, exist_ok=True)
    targets[0].write_text(dump_jsonl(rows), encoding="utf-8")
    targets[1].write_text(dump_json(key), encoding="utf-8")
    print(f"{targets[0]}: {len(rows)} rows; key in {targets[1]} (do not show it to the reader)")
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    out: Path = args.dir
    sample = [row for _, row in load_jsonl(out / SAMPLE_FILE)]
    key = json.loads((out / KEY_FILE).read_text(encoding="utf-8"))
    to_contrast = {k["blind_id"]: k["contrast_id"] for k in key["rows"]}
    read = check_read(sample, load_jsonl(args.read), str(args.read))
    rows = {r["contrast_id"]: r for r in _current_rows(args.corpus, args.annotations)}
    missing = sorted(c for c in to_contrast.values() if c not in rows)
    if missing:
        print(f"error: sampled rows no longer in the contrast set: {', '.join(missing)}; "
              f"compare only what was read against rows that still exist", file=sys.stderr)
        return 2
    intended = {b: (rows[c]["stance"], tuple(rows[c]["source_chain"]))
                for b, c in to_contrast.items()}
    result = compare(intended, read, {b: rows[c]["edit_type"] for b, c in to_contrast.items()},
                     to_contrast)
    target = args.out or out / AGREEMENT_FILE
    target.write_text(dump_json(result), encoding="utf-8")
    for name, value in result["headline"].items():
        print(f"{name}: {value}")
    print(f"{len(result['disagreements'])} disagreement(s); written: {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Draw the blind sample or compare a blind read with the intended labels."""
    parser = argparse.ArgumentParser(prog="python -m retold.annotate.contrast_blind",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--dir", type=Path, default=BLIND_DIR,
                        help=f"folder of the sample, key and agreement (default: {BLIND_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample", help="draw the stratified blind sample")
    p.add_argument("--force", action="store_true", help="replace an existing sample")
    p.set_defaults(func=_cmd_sample)
    p = sub.add_parser("compare", help="compare a blind read with the intended labels")
    p.add_argument("--read", type=Path, required=True, help="the reader's JSONL file")
    p.add_argument("--out", type=Path, default=None,
                   help=f"agreement JSON (default: <dir>/{AGREEMENT_FILE})")
    p.set_defaults(func=_cmd_compare)
    return run_command(parser.parse_args(argv))


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed subcommand (``args.func``): exit 1 with every problem of bad input, 2
    with the file and reason of an OS error (the blind-read commands share it)."""
    try:
        return int(args.func(args))
    except InvalidInputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
