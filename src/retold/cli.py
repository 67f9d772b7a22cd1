"""The ``retold`` command: anchor, validate, build, stats, agree, export, import, render.

Paths default to the repository layout (``corpus/``, ``annotations/``, ``release/``) relative
to the working directory. Every command exits non-zero on bad input and prints each problem
as ``file: id-or-line: [code] message``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from retold.errors import InvalidInputError

log = logging.getLogger("retold")


def _cmd_anchor(args: argparse.Namespace) -> int:
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


def _cmd_validate(args: argparse.Namespace) -> int:
    from retold.validate.checks import validate

    problems = validate(args.corpus, args.annotations)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"ok: {args.annotations} is valid against {args.corpus}")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from retold.pipeline import build_release

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
    from retold.annotate.agreement import compare, load_read, summary
    from retold.io.jsonio import dump_json

    figures = compare(load_read(args.corpus, args.first), load_read(args.corpus, args.second))
    headline = summary(figures)
    args.out.write_text(dump_json(headline), encoding="utf-8")
    args.details.write_text(dump_json(figures), encoding="utf-8")
    width = max(len(k) for k in headline)
    for key, value in headline.items():
        print(f"{key:<{width}}  {value}")
    print(f"written: {args.out}, {args.details}")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="retold", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--corpus", type=Path, default=Path("corpus"), help="corpus folder")
        return p

    p = add("anchor", "turn a quote-based draft (JSONL) into a standoff annotation file")
    p.add_argument("draft", type=Path)
    p.add_argument("--doc-id", required=True)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=_cmd_anchor)

    p = add("validate", "check annotations against the corpus and schema; report every problem")
    p.add_argument("--annotations", type=Path, default=Path("annotations"))
    p.set_defaults(func=_cmd_validate)

    p = add("build", "build the Hugging Face release folder from validated annotations")
    p.add_argument("--annotations", type=Path, default=Path("annotations"))
    p.add_argument("--out", type=Path, default=Path("release"))
    p.set_defaults(func=_cmd_build)

    p = add("agree", "agreement between two independent reads (first vs second)")
    p.add_argument("--first", type=Path, default=Path("annotations/first_read"))
    p.add_argument("--second", type=Path, default=Path("annotations/second_read"))
    p.add_argument("--out", type=Path, default=Path("annotations/agreement.json"))
    p.add_argument("--details", type=Path,
                   default=Path("annotations/agreement_details.json"))
    p.set_defaults(func=_cmd_agree)

    from retold.export import EXPORT_FORMATS, IMPORT_FORMATS

    p = add("export", "export the annotations for an annotation tool or NLP library")
    p.add_argument("--format", required=True, choices=EXPORT_FORMATS, help="target format")
    p.add_argument("--annotations", type=Path, default=Path("annotations"),
                   help="annotation set to export")
    p.add_argument("--out", type=Path, required=True, help="new or empty output folder")
    p.set_defaults(func=_cmd_export)

    p = add("import", "read an edited export back into standoff annotations and validate them")
    p.add_argument("--format", required=True, choices=IMPORT_FORMATS, help="edited format")
    p.add_argument("--in", dest="input", type=Path, required=True,
                   help="the export folder (with its sidecar.json), as edited")
    p.add_argument("--out", type=Path, required=True,
                   help="new or empty folder for the imported annotation set")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("render", help="write the static explorer (HTML, figures) of a release",
                       description="write the static explorer (HTML, figures) of a release")
    p.add_argument("--release", type=Path, default=Path("release"), help="release folder")
    p.add_argument("--out", type=Path, required=True, help="new or empty output folder")
    p.set_defaults(func=_cmd_render)

    p = add("stats", "print corpus statistics")
    p.add_argument("--annotations", type=Path, default=Path("annotations"))
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.set_defaults(func=_cmd_stats)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except InvalidInputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s) found", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
