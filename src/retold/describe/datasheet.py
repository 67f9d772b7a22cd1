"""Regenerate the figures in ``DATASHEET.md`` from the data.

Run as ``python -m retold.describe.datasheet``.

The datasheet is prose written by people, with two generated blocks: the corpus
statistics (from ``retold.describe.stats``, the code behind ``retold stats`` and the card) and the
agreement figures (from ``annotations/agreement.json``, written by ``retold agree``). Only
the text between each block's markers is rewritten. ``--check`` writes nothing and exits 1
when a block is stale, so a test catches figures that no longer match the data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from retold.describe.card import agreement_section, load_agreement
from retold.describe.markdown import replace_block, sync_generated
from retold.describe.stats import compute_stats, format_stats
from retold.validate.checks import load_validated

DEFAULT_PATH = Path("DATASHEET.md")
END_MARKER = "<!-- END GENERATED -->"


def begin_marker(block: str) -> str:
    return f"<!-- BEGIN GENERATED: python -m retold.describe.datasheet ({block}) -->"


def blocks(corpus_dir: Path, annotations_dir: Path) -> dict[str, str]:
    """The current content of each generated block, by block name."""
    docs, annotations = load_validated(corpus_dir, annotations_dir)
    return {
        "statistics": format_stats(compute_stats(docs, annotations), "markdown"),
        "agreement": agreement_section(load_agreement(annotations_dir)),
    }


def render(document: str, contents: dict[str, str]) -> str:
    """``document`` with every generated block replaced."""
    for name, content in contents.items():
        document = replace_block(document, begin_marker(name), END_MARKER, content)
    return document


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the datasheet's generated blocks."""
    parser = argparse.ArgumentParser(prog="python -m retold.describe.datasheet",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a generated block is out of date")
    args = parser.parse_args(argv)
    contents = blocks(args.corpus, args.annotations)
    return sync_generated(args.path, lambda document: render(document, contents), args.check,
                          "python -m retold.describe.datasheet")


if __name__ == "__main__":
    sys.exit(main())
