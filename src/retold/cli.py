"""The retold command: anchor, next-id, validate, build, stats, agree, export, import, render,
score, results (add, check), predict.

Paths default to the repository layout (``corpus/``, ``annotations/``, ``release/``) relative
to the working directory. Every command exits non-zero on bad input and prints each problem
as ``file: id-or-line: [code] message``: 1 for problems in the input files, 2 for a bad
argument (argparse's usage message; numbers are checked against their range when parsed),
130 after Ctrl-C (one line, ``retold: interrupted``), 141 when the reader of the output
goes away (``retold stats | head``). No command prints a traceback for any of these.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from retold import __version__
from retold.errors import InvalidInputError
from retold.schema import DATASET_VERSION, SCHEMA_VERSION

log = logging.getLogger("retold")


def _cmd_anchor(args: argparse.Namespace) -> int:
    if args.contrast:
        if args.draft is not None or args.doc_id is not None or args.out is not None:
            print("error: anchor --contrast anchors the set's contrast drafts: give "
                  "--annotations, not a draft, --doc-id or --out", file=sys.stderr)
            return 2
        from retold.annotate.contrast_anchor import anchor_contrast_set, standoff_folder

        n_edits, n_pairs = anchor_contrast_set(args.corpus, args.annotations)
        print(f"{standoff_folder(args.annotations)}: {n_edits} edits, {n_pairs} pairs anchored")
        return 0
    if args.draft is None or args.doc_id is None or args.out is None:
        print("error: anchor needs a draft, --doc-id and --out (or --contrast)",
              file=sys.stderr)
        return 2
    from retold.annotate.anchor import anchor_file
    from retold.io.corpus import load_corpus_or_raise

    docs = {d.doc_id: d for d in load_corpus_or_raise(args.corpus)}
    if args.doc_id not in docs:
        print(f"error: unknown doc id {args.doc_id!r}; known: {', '.join(sorted(docs))}",
              file=sys.stderr)
        return 2
    doc = anchor_file(args.draft, docs[args.doc_id].text, args.doc_id, args.out)
    print(f"{args.out}: {len(doc.claims)} claims, {len(doc.boilerplate)} boilerplate spans, "
          f"{len(doc.source_mentions)} source mentions, {len(doc.cues)} cues")
    return 0


def _cmd_next_id(args: argparse.Namespace) -> int:
    from retold.io.corpus import load_corpus_or_raise
    from retold.io.ids import REGISTRY_FILE, issue_id

    known = {d.doc_id for d in load_corpus_or_raise(args.corpus)}
    if args.doc_id not in known:
        print(f"error: unknown doc id {args.doc_id!r}; known: {', '.join(sorted(known))}",
              file=sys.stderr)
        return 2
    print(issue_id(args.annotations / REGISTRY_FILE, args.doc_id, args.kind, peek=args.peek))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from retold.validate.checks import validate

    problems = validate(args.corpus, args.annotations)  # the contrast set too, once valid
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {args.annotations} is valid against {args.corpus}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from retold.build.writer import release_owner
    from retold.io.owned import check_output_folder
    from retold.pipeline import build_release

    check_output_folder(args.out, release_owner)  # refuse before the build, not after it
    counts = build_release(args.corpus, args.annotations, args.out)
    for name, n in counts.items():
        print(f"{name}: {n} rows")
    print(f"release written to {args.out}")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from retold.describe.stats import compute_stats, format_stats
    from retold.validate.checks import load_validated

    docs, annotations = load_validated(args.corpus, args.annotations)
    print(format_stats(compute_stats(docs, annotations), args.format))
    return 0


def _cmd_agree(args: argparse.Namespace) -> int:
    from retold.annotate.agreement import check_agreement_target, compare, write_agreement
    from retold.io.agreement import key_figures

    if not args.out.parent.is_dir():
        print(f"error: {args.out}: folder {args.out.parent} does not exist", file=sys.stderr)
        return 2
    check_agreement_target(args.out)
    data = compare(args.corpus, args.first, args.second)
    write_agreement(args.out, data)
    for task, key, value, ci in key_figures(data):
        bounds = f"[{ci[0]:.4f}, {ci[1]:.4f}]" if ci else ""
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"{task:<11} {key:<28} {shown:>8}  {bounds}")
    print(f"written: {args.out}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from retold.export.run import export_annotations

    files = export_annotations(args.format, args.corpus, args.annotations, args.out)
    print(f"{args.format}: wrote {len(files)} files to {args.out} (see {args.out}/README.md)")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from retold.export.run import import_annotations

    result = import_annotations(args.format, args.input, args.corpus, args.out)
    report = result.report
    print(f"{args.format}: wrote {len(result.written)} files to {args.out}; "
          f"{len(report.added)} new element(s) {report.added}, "
          f"{len(report.removed)} removed {report.removed}")
    for problem in result.problems:
        print(problem)
    if result.problems:
        print(f"{len(result.problems)} problem(s) found by the validator", file=sys.stderr)
        return 1
    print(f"ok: {args.out} is valid against {args.corpus}")
    return 0


def _cmd_render(args: argparse.Namespace) -> int:
    from retold.explore.site import render_site

    pages = render_site(args.release, args.out)
    print(f"explorer: wrote {len(pages)} files to {args.out}; open {args.out}/index.html")
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from retold.predict.detectors import MissingDependencyError
    from retold.predict.run import predict

    defaults = {k: v for k, v in (("genre", args.genre), ("rights", args.rights),
                                  ("language", args.language)) if v is not None}
    try:
        summary = predict(args.models, args.input, args.out, engine=args.engine,
                          workers=args.workers, threads=args.threads, defaults=defaults)
    except MissingDependencyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.out}: {summary['documents']} documents, {summary['claims']} claims "
          f"({summary['engine']}, {summary['documents_per_second']} documents/s); check it "
          f"with: retold validate --corpus {args.out}/corpus --annotations "
          f"{args.out}/annotations")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from retold.score import score_file
    from retold.score.report import render_json, render_table

    try:
        scores = score_file(args.task, args.predictions, args.release, subset=args.subset,
                            n_bootstrap=args.bootstrap, seed=args.seed)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(render_json(scores) if args.json else render_table(scores))
    return 0


def _cmd_results_add(args: argparse.Namespace) -> int:
    from retold.results import ResultsError, add_predictions

    try:
        written = add_predictions(args.predictions, args.system, args.results, args.release,
                                  run=args.run, seed=args.seed, n_bootstrap=args.bootstrap,
                                  replace=args.replace)
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    print(f"{len(written)} results file(s) written under {args.results}; "
          f"`retold results check --results {args.results}` re-scores them")
    return 0


def _cmd_results_check(args: argparse.Namespace) -> int:
    from retold.results import ResultsError, check_results

    try:
        checked, problems = check_results(args.results, args.release)
    except ResultsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {checked} results file(s)", file=sys.stderr)
        return 1
    print(f"ok: {checked} results file(s) re-scored from their predictions, every score "
          f"as recorded")
    return 0


def _cmd_results(args: argparse.Namespace) -> int:
    actions = {"add": _cmd_results_add, "check": _cmd_results_check}
    return actions[args.results_command](args)


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: an integer from ``low`` to ``high``, else a usage error (exit 2)."""

    def parse(text: str) -> int:
        from retold.io.jsonio import show

        try:
            value = int(text)
        except ValueError:  # not digits, or over 4,300 of them
            raise argparse.ArgumentTypeError(f"{show(text, as_json=False)} is not an "
                                             f"integer") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{show(value)} is not from {low:,} to {high:,}")
        return value

    parse.__name__ = "integer"  # argparse names the type in its own messages
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retold",
        description="retold: validate, build, describe and score the retold dataset.",
        epilog="Run 'retold COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version",
                        version=f"retold {__version__} (dataset {DATASET_VERSION}, "
                                f"schema {SCHEMA_VERSION})")
    verbose = argparse.ArgumentParser(add_help=False)
    verbose.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                         help="debug logging")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[verbose])
        p.add_argument("--corpus", type=Path, default=Path("corpus"),
                       help="corpus folder with manifest.json and texts/ (default: corpus)")
        return p

    p = add("anchor", "turn a quote-based draft (JSONL) into a standoff annotation file, "
                      "or (--contrast) the contrast drafts into contrast/standoff/")
    p.add_argument("draft", type=Path, nargs="?", help="the quote-based draft (JSON Lines)")
    p.add_argument("--doc-id", help="the manifest doc_id the draft annotates")
    p.add_argument("--out", type=Path,
                   help="standoff JSON file to write: new, or the standoff file of the "
                        "same document")
    p.add_argument("--contrast", action="store_true",
                   help="anchor the set's contrast drafts (contrast/edits.jsonl, "
                        "pairs.jsonl) into contrast/standoff/, once every line passes")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="with --contrast: the annotation set (default: annotations)")
    p.set_defaults(func=_cmd_anchor)

    from retold.io.ids import ID_LETTERS

    p = add("next-id", "issue the next free id of a document (recorded in the set's ids.json)")
    p.add_argument("doc_id", help="document id, e.g. 004-state-media")
    p.add_argument("kind", choices=sorted(ID_LETTERS) + sorted(ID_LETTERS.values()),
                   help="kind of annotation, by name or id letter")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set whose ids.json records the id")
    p.add_argument("--peek", action="store_true",
                   help="print the next id without recording it in ids.json")
    p.set_defaults(func=_cmd_next_id)

    p = add("validate", "check annotations against the corpus and schema; report every problem")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set folder (default: annotations)")
    p.set_defaults(func=_cmd_validate)

    p = add("build", "build the Hugging Face release folder from validated annotations")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set folder (default: annotations)")
    p.add_argument("--out", type=Path, default=Path("release"),
                   help="release folder: new, empty, or a previous retold release "
                        "(default: release)")
    p.set_defaults(func=_cmd_build)

    p = add("agree", "agreement between two independent reads: the second scored against "
                     "the first by the scorer")
    p.add_argument("--first", type=Path, default=Path("annotations/first_read"),
                   help="the first read's annotation set, the gold (default: "
                        "annotations/first_read)")
    p.add_argument("--second", type=Path, default=Path("annotations/second_read"),
                   help="the second read's annotation set, scored as predictions (default: "
                        "annotations/second_read)")
    p.add_argument("--out", type=Path, default=Path("annotations/agreement.json"),
                   help="the agreement file, JSON: new or an earlier agreement file "
                        "(default: annotations/agreement.json)")
    p.set_defaults(func=_cmd_agree)

    from retold.export import EXPORT_FORMATS, IMPORT_FORMATS

    p = add("export", "export the annotations for an annotation tool or NLP library")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="target format")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set to export")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: new, empty, or an unchanged export of the same format")
    p.set_defaults(func=_cmd_export)

    p = add("import", "read an edited export back into standoff annotations and validate them")
    p.add_argument("--format", required=True, choices=IMPORT_FORMATS, help="edited format")
    p.add_argument("--in", dest="input", type=Path, required=True,
                   help="the export folder (with its sidecar.json), as edited")
    p.add_argument("--out", type=Path, required=True,
                   help="folder for the imported annotation set: new, empty, or an unchanged "
                        "import of the same format")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("render", help="write the static explorer (HTML, figures) of a release",
                       description="write the static explorer (HTML, figures) of a release",
                       parents=[verbose])
    p.add_argument("--release", type=Path, default=Path("release"),
                   help="release folder (default: release)")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: new, empty, or an unchanged explorer of retold render")
    p.set_defaults(func=_cmd_render)

    p = add("stats", "print corpus statistics")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set folder (default: annotations)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="output format (default: text)")
    p.set_defaults(func=_cmd_stats)

    from retold.score.limits import (
        MAX_BOOTSTRAP,
        MAX_DEPTH,
        MAX_LINE_CHARS,
        MAX_PREDICTIONS_BYTES,
        MAX_SEED,
    )
    from retold.score.tasks import SUBSETS, TASK_NAMES

    score_help = "score a predictions file (JSON Lines) on a benchmark task"
    p = sub.add_parser(
        "score", help=score_help, description=score_help, parents=[verbose],
        epilog=(f"The predictions must be a regular file of at most "
                f"{MAX_PREDICTIONS_BYTES // 2**20} MiB, with lines of at most "
                f"{MAX_LINE_CHARS // 2**20} Mi characters nested at most {MAX_DEPTH} deep, "
                f"and at least one line. Exit 1: problems in the predictions or the release "
                f"(each listed with its line); exit 2: a bad argument. Formats, scores and "
                f"conventions: docs/metrics.md."))
    p.add_argument("--task", required=True, choices=TASK_NAMES, help="the benchmark task")
    p.add_argument("--predictions", type=Path, required=True,
                   help="predictions, one JSON object per line")
    p.add_argument("--release", type=Path, default=Path("release"),
                   help="release folder with the gold (default: release)")
    p.add_argument("--subset", choices=SUBSETS, default="natural",
                   help="natural rows, or the contrast rows of dataset 1.1 (default: natural)")
    p.add_argument("--json", action="store_true", help="print one JSON object, not a table")
    p.add_argument("--bootstrap", type=int_in(0, MAX_BOOTSTRAP), default=1000, metavar="N",
                   help=f"bootstrap resamples for the 95%% intervals, 0 (none) to "
                        f"{MAX_BOOTSTRAP:,} (default: 1000)")
    p.add_argument("--seed", type=int_in(0, MAX_SEED), default=0,
                   help=f"bootstrap seed, 0 to {MAX_SEED:,} (default: 0)")
    p.set_defaults(func=_cmd_score)

    from retold.predict.engines import ENGINES
    from retold.schema import GENRES, RIGHTS_STATUSES

    predict_help = ("run the trained detectors on new texts and write a predicted corpus and "
                    "annotation set (pre-annotation for a person to correct)")
    p = sub.add_parser(
        "predict", help=predict_help, description=predict_help, parents=[verbose],
        epilog="Writes OUT/corpus/, OUT/annotations/ (validated before writing) and "
               "OUT/predictions.json (every score). The detectors come from "
               "`python -m baselines train-detectors --out DIR`. Needs the predict extra "
               "(torch, transformers); --engine ray the scale extra. Exit 1: problems in the "
               "inputs or the detectors folder, each listed; 2: a bad argument or a missing "
               "library. Details: docs/scale.md.")
    p.add_argument("--models", type=Path, required=True,
                   help="detectors folder written by `python -m baselines train-detectors`")
    p.add_argument("--in", dest="input", type=Path, required=True,
                   help="a folder of .txt files, a .jsonl file (id, text, optional manifest "
                        "fields) or a Hugging Face dataset folder (save_to_disk)")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder: new, empty, or an earlier output of retold predict")
    p.add_argument("--engine", choices=ENGINES, default="local",
                   help="local: this process (default); datasets: Dataset.map over "
                        "--workers processes; ray: Ray Data actors")
    p.add_argument("--workers", type=int_in(1, 1024), default=1,
                   help="processes (datasets) or actors (ray) (default: 1)")
    p.add_argument("--threads", type=int_in(1, 1024), default=None,
                   help="torch threads per worker (default: torch's own for local, 1 for "
                        "the others)")
    p.add_argument("--genre", choices=GENRES, default=None,
                   help="manifest genre of a document whose input gives none "
                        "(default: news_article)")
    p.add_argument("--rights", choices=RIGHTS_STATUSES, default=None,
                   help="manifest rights of a document whose input gives none "
                        "(default: third_party_copyright)")
    p.add_argument("--language", default=None,
                   help="BCP 47 language of a document whose input gives none (default: en)")
    p.set_defaults(func=_cmd_predict)

    results_help = "turn predictions into results files, and re-score committed results"
    p = sub.add_parser("results", help=results_help, description=results_help,
                       epilog="Layout, system card and results format: docs/results.md.")
    results_sub = p.add_subparsers(dest="results_command", required=True, metavar="ACTION")
    add_help = ("score a folder of pooled predictions (<task>.jsonl, "
                "<task>.contrast.jsonl) and write one results file per task")
    p = results_sub.add_parser("add", help=add_help, description=add_help, parents=[verbose],
                               epilog="Exit 2: a bad system card, folder or argument (one "
                                      "line); exit 1: problems in the predictions, each "
                                      "listed as by `retold score`.")
    p.add_argument("--predictions", type=Path, required=True,
                   help="folder of <task>.jsonl and <task>.contrast.jsonl files")
    p.add_argument("--system", type=Path, required=True,
                   help="the system card, YAML (example: examples/system.yaml)")
    p.add_argument("--results", type=Path, default=Path("results"),
                   help="results folder (default: results)")
    p.add_argument("--release", type=Path, default=Path("release"),
                   help="release folder with the gold (default: release)")
    p.add_argument("--run", default="submitted",
                   help="the run's name: lowercase letters, digits and '-' (default: submitted)")
    p.add_argument("--seed", type=int_in(0, MAX_SEED), default=None,
                   help="the seed of the run, if it had one (recorded only)")
    p.add_argument("--bootstrap", type=int_in(0, MAX_BOOTSTRAP), default=1000, metavar="N",
                   help="bootstrap resamples for the 95%% intervals (default: 1000)")
    p.add_argument("--replace", action="store_true",
                   help="replace this system's results files of the same run")
    p.set_defaults(func=_cmd_results)
    check_help = ("re-score every results file from its compressed predictions; exit 1 on "
                  "any difference")
    p = results_sub.add_parser("check", help=check_help, description=check_help,
                               parents=[verbose])
    p.add_argument("--results", type=Path, default=Path("results"),
                   help="results folder (default: results)")
    p.add_argument("--release", type=Path, default=Path("release"),
                   help="release folder with the gold (default: release)")
    p.set_defaults(func=_cmd_results)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (never raise for bad input).

    Ctrl-C prints one line and returns 130, whatever the command was doing.
    """
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("retold: interrupted", file=sys.stderr)
        return 130


def _run(argv: list[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                            format="%(levelname)s %(name)s: %(message)s")
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not as a message at exit
        return code
    except InvalidInputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s) found", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (``retold stats | head``): stop quietly, as Unix tools do.
        _silence_stdout()
        return 141
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as err:
        print(f"error: input is not UTF-8 ({err.reason} at byte {err.start})", file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    """Point standard output at the null device, so that no later flush fails again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's buffer)
        pass


if __name__ == "__main__":
    sys.exit(main())
