"""Regenerate the label tables of the annotation guidelines from the schema.

``python -m retold.describe.guidelines [path]`` rewrites only the block between ``BEGIN_MARKER`` and
``END_MARKER`` in ``annotations/GUIDELINES.md`` (or ``path``); the prose around it is
never touched. ``--check`` writes nothing and exits 1 when the block is out of date, so a
test can catch a schema change that was not carried into the guidelines. The same tables
appear in the dataset card (``retold.describe.card``), so annotators and users read one text.
"""

from __future__ import annotations

import sys
from pathlib import Path

from retold.describe.markdown import block_command, code, replace_block, table
from retold.schema import (
    AUTHOR,
    BOILERPLATE_DEFINITIONS,
    BOILERPLATE_KINDS,
    REUSE_DEFINITIONS,
    REUSE_LABELS,
    REUSE_MEASURE,
    REUSE_NEAR_VERBATIM_MIN,
    SOURCE_KIND_DEFINITIONS,
    SOURCE_KINDS,
    STANCE_DEFINITIONS,
    STANCE_PRECEDENCE,
    STANCES,
)

BEGIN_MARKER = "<!-- BEGIN GENERATED: python -m retold.describe.guidelines -->"
END_MARKER = "<!-- END GENERATED -->"
DEFAULT_PATH = Path("annotations") / "GUIDELINES.md"


def label_tables(heading: str = "###") -> str:
    """Markdown tables of stances, source kinds, boilerplate kinds and reuse labels.

    The id column is the integer a ClassLabel stores in the release, so the tables double
    as ``id2label`` maps.
    """
    precedence = " > ".join(STANCE_PRECEDENCE)
    stances = table(
        ("id", "stance", "precedence", "definition"),
        [(i, code(s), STANCE_PRECEDENCE.index(s) + 1, STANCE_DEFINITIONS[s])
         for i, s in enumerate(STANCES)],
    )
    kinds = table(
        ("id", "source kind", "definition"),
        [(i, code(k), SOURCE_KIND_DEFINITIONS[k]) for i, k in enumerate(SOURCE_KINDS)],
    )
    boilerplate = table(
        ("id", "boilerplate kind", "definition"),
        [(i, code(k), BOILERPLATE_DEFINITIONS[k]) for i, k in enumerate(BOILERPLATE_KINDS)],
    )
    reuse = table(
        ("id", "reuse label", "definition"),
        [(i, code(r), REUSE_DEFINITIONS[r]) for i, r in enumerate(REUSE_LABELS)],
    )
    return "\n\n".join([
        f"{heading} Stances",
        f"When several stances apply, the first in this order wins: {precedence} "
        "(precedence 1 wins).",
        stances,
        f"{heading} Source kinds",
        f"A claim in the document's own voice has the reserved source id {code(AUTHOR)} and "
        "an empty chain; it has no kind.",
        kinds,
        f"{heading} Boilerplate kinds",
        boilerplate,
        f"{heading} Reuse labels (pairs)",
        f"{REUSE_MEASURE} A duplicate pair is near_verbatim from similarity "
        f"{REUSE_NEAR_VERBATIM_MIN} on.",
        reuse,
    ])


def render(document: str) -> str:
    """``document`` with its generated block replaced by the current label tables."""
    return replace_block(document, BEGIN_MARKER, END_MARKER, label_tables())


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the guidelines' generated block."""
    return block_command(argv, prog="python -m retold.describe.guidelines", doc=__doc__ or "",
                         default_path=DEFAULT_PATH, render=render)


if __name__ == "__main__":
    sys.exit(main())
