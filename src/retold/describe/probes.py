"""The card's section on metadata that is not input, the 2x2 pair cells and the artefact
probes, generated from the schema and from the probe report the build writes
(``probes.json``, ``retold.validate.probes``); and the thresholds block of
``annotations/CONTRAST.md``, Part 5::

    python -m retold.describe.probes            # rewrite the block in CONTRAST.md
    python -m retold.describe.probes --check    # exit 1 if the block is stale
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from retold.describe.markdown import block_command, code, replace_block, table
from retold.schema import (
    CONFIGS,
    HIGH_OVERLAP_MIN,
    PAIR_CELL_DEFINITIONS,
    PAIR_CELLS,
    PAIR_OVERLAP_MEASURE,
    PROBE_CHECK_FROM,
    probe_check_enforced,
)
from retold.validate import probes as vp

PROBE_DESCRIPTIONS = vp.PROBE_DESCRIPTIONS
BEGIN_MARKER = "<!-- BEGIN GENERATED: python -m retold.describe.probes -->"
END_MARKER = "<!-- END GENERATED -->"
DEFAULT_PATH = Path("annotations") / "CONTRAST.md"

Row = Mapping[str, Any]


def analysis_only_markdown() -> str:
    """The analysis-only columns of every config (``Field.analysis_only``)."""
    rows = [(code(c.name), code(f.name), f.description)
            for c in CONFIGS for f in c.fields if f.analysis_only]
    return ("These columns record how an item was made or what its original's labels were. "
            "They give the gold labels away (for example `edit_type` with `original_stance` "
            "gives a contrast row's `stance`, a pair's `cell` contains its `duplicate` "
            "label, and a contrast pair's `similarity` is the measure its cell is built "
            "on), so they are for analysis only and must stay out "
            "of model inputs; the baselines never pass them to a model.\n\n"
            + table(("config", "column", "description"), rows))


def cells_markdown(pairs: Sequence[Row]) -> str:
    """The 2x2 design of ``contrast_pairs``: its definition and the count of each cell."""
    counts = Counter(r["cell"] for r in pairs)
    return (f"{PAIR_OVERLAP_MEASURE} A pair has high overlap when it is >= "
            f"{HIGH_OVERLAP_MIN}. The `cell` column crosses this with `duplicate`:\n\n"
            + table(("cell", "definition", "pairs"),
                    [(code(c), PAIR_CELL_DEFINITIONS[c], counts[c]) for c in PAIR_CELLS]))


def _fmt(x: Any) -> str:
    return "—" if x is None else (f"{x:.3f}" if isinstance(x, float) else str(x))


def probes_markdown(report: Mapping[str, Any] | None) -> str:
    """The probe scores beside their thresholds (``retold.validate.probes.run_probes``)."""
    if report is None:
        return "Not computed."
    enforced = ("The build refuses the release when any probe crosses its threshold."
                if probe_check_enforced() else
                f"The build refuses a contrast set a probe solves from dataset version "
                f"{PROBE_CHECK_FROM} on; this release predates that check, and the scores "
                "below show what it would refuse.")
    pair_rows = [(code(p["probe"]), _fmt(p["score"]), _fmt(p["constant"]), _fmt(p["limit"]),
                  _fmt(p["average_precision_high_overlap"]),
                  _fmt(p["average_precision_low_overlap"]), "yes" if p["passed"] else "**no**")
                 for p in report["probes"] if p["config"] == "contrast_pairs"]
    row_rows = []
    for p in report["probes"]:
        if p["config"] != "contrast":
            continue
        what = p["metric"]
        if p.get("phrasing") is not None:
            what = f"precision of {p['phrasing']!r} ({p['phrasing_rows']} rows)"
        row_rows.append((code(p["probe"]), what, _fmt(p["score"]), _fmt(p["limit"]),
                         "yes" if p["passed"] else "**no**"))
    described = "; ".join(f"{code(k)}: {v}" for k, v in PROBE_DESCRIPTIONS.items())
    return "\n\n".join([
        "Partial-input models that must not solve the contrast sets, trained and scored "
        f"like the benchmark ({report['protocol']}); thresholds and reasons in "
        f"`annotations/CONTRAST.md`, Part 5. {enforced} Probes: {described}.",
        "Pairs (`contrast_pairs`; AP, each probe in both directions: `+` higher means "
        "duplicate, `-` lower means duplicate; AP within an overlap level is — where that "
        "level holds one label only):",
        table(("probe", "AP", "constant", "threshold", "AP, high overlap",
               "AP, low overlap", "passes"), pair_rows),
        "Rows (`contrast`, positive class `denied`):",
        table(("probe", "measure", "score", "threshold", "passes"), row_rows),
    ])


def card_section(pairs: Sequence[Row], report: Mapping[str, Any] | None) -> str:
    """The card's section: analysis-only columns, the 2x2 cells, the probes."""
    return "\n\n".join([
        "### Metadata that is not input", analysis_only_markdown(),
        "### The 2x2 design of `contrast_pairs`", cells_markdown(pairs),
        "### Artefact probes", probes_markdown(report),
    ])


def thresholds_markdown() -> str:
    """The probes' thresholds, from ``retold.validate.probes`` and the schema."""
    rows = [
        ("pairs: surface logistic regression, each single feature",
         "average precision, both directions",
         f"<= constant (share of duplicates) + {vp.PAIR_PROBE_MARGIN}"),
        ("rows: immediate source only", "denied F1",
         f"<= {vp.SOURCE_PROBE_MAX_DENIED_F1}"),
        ("rows: passage, claim span, cue span and denial words removed", "denied F1",
         f"<= {vp.PASSAGE_PROBE_MAX_DENIED_F1}"),
        (f"rows: phrasings (word 1-{vp.PHRASING_MAX_N} grams outside the claim span and the "
         "denial words)", f"share denied, among phrasings in >= {vp.PHRASING_MIN_ROWS} rows",
         f"<= {vp.PHRASING_MAX_PRECISION}"),
    ]
    return (table(("probe", "score", "threshold"), rows)
            + f"\n\nHigh overlap: similarity >= {HIGH_OVERLAP_MIN}. The build enforces the "
            f"thresholds from dataset version {PROBE_CHECK_FROM} on "
            f"(`schema.PROBE_CHECK_FROM`), on a config of at least {vp.PROBE_MIN_ITEMS} "
            "items (smaller sets, such as the test fixtures, are reported only).")


def render(document: str) -> str:
    """``document`` (CONTRAST.md) with its probe thresholds block replaced."""
    return replace_block(document, BEGIN_MARKER, END_MARKER, thresholds_markdown())


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the thresholds block of CONTRAST.md."""
    return block_command(argv, prog="python -m retold.describe.probes", doc=__doc__ or "",
                         default_path=DEFAULT_PATH, render=render)


if __name__ == "__main__":
    sys.exit(main())
