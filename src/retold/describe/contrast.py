"""Figures of the contrast set: counts, a denial-lexicon probe, and the blind agreement.

One computation feeds the counts block of ``annotations/CONTRAST.md`` and the contrast
section of the dataset card, both from the rows the builder releases
(``retold.build.contrast_rows``)::

    python -m retold.describe.contrast            # rewrite the block in CONTRAST.md
    python -m retold.describe.contrast --check    # exit 1 if the block is stale

The **lexicon probe** labels a row denied when its passage contains a word of the plain
denial lexicon (``retold.text.denial``) and reports precision, recall and F1 against the
gold ``denied`` label: a reminder of how far a word list gets on these rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from retold.build.contrast_rows import contrast_pairs_rows, contrast_rows
from retold.describe.markdown import code, replace_block, sync_generated, table
from retold.errors import InvalidInputError
from retold.io.contrast import CONTRAST_DIR, RULES_FILE
from retold.io.jsonio import read_optional_object
from retold.schema import (
    CONTRAST_EDIT_DEFINITIONS,
    CONTRAST_EDIT_TYPES,
    CONTRAST_PAIR_EDIT_DEFINITIONS,
    CONTRAST_PAIR_EDIT_TYPES,
    STANCES,
    label_named,
)
from retold.text.denial import DENIAL_PATTERN, has_denial_word
from retold.validate.checks import load_validated
from retold.validate.contrast import DISTRACTORS

Row = Mapping[str, Any]
BEGIN_MARKER = "<!-- BEGIN GENERATED: python -m retold.describe.contrast -->"
END_MARKER = "<!-- END GENERATED -->"
BLIND_DIR = "blind"
BLIND_AGREEMENT_FILE = "agreement.json"

DENIAL_EDIT_TYPES = tuple(label_named("CONTRAST_EDIT_TYPES", t) for t in (
    "to_denied_lexical", "to_denied_nonlexical", "denied_to_reported", "denial_reworded",
    "distractor_denial_word"))
"""The edits about denial: the subset on which the lexicon probe is also reported."""


def prf(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float | int]:
    """Precision, recall and F1 of the positive class (0.0 where undefined), with counts."""
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"rows": len(gold), "gold_denied": tp + fn, "predicted_denied": tp + fp,
            "precision": precision, "recall": recall, "f1": f1}


def lexicon_probe(rows: Sequence[Row]) -> dict[str, dict[str, float | int]]:
    """The lexicon's scores on every contrast row and on the denial edits only."""
    subset = [r for r in rows if r["edit_type"] in DENIAL_EDIT_TYPES]
    return {
        name: prf([bool(r["denied"]) for r in part], [has_denial_word(r["text"]) for r in part])
        for name, part in (("all rows", rows), ("denial edits", subset))
    }


def _counter_rows(counter: Counter[str], order: Sequence[str]) -> list[tuple[str, int]]:
    return [(code(k), counter[k]) for k in order]


def counts_markdown(edits: Sequence[Row], pairs: Sequence[Row], heading: str = "###") -> str:
    """Tables of the contrast rows by edit type, stance, document and fold, and the probe."""
    docs = sorted({r["doc_id"] for r in edits} | {r["doc_id"] for r in pairs})
    by_type = Counter(r["edit_type"] for r in edits)
    transitions = Counter((r["original_stance"], r["stance"]) for r in edits)
    by_doc_edits = Counter(r["doc_id"] for r in edits)
    by_doc_pairs = Counter(r["doc_id"] for r in pairs)
    originals = {r["original_claim_id"] for r in edits}
    pair_types = Counter(r["edit_type"] for r in pairs)
    negatives = sum(1 for r in pairs if not r["duplicate"])
    positives = sum(1 for r in pairs if r["duplicate"])
    denied_nonlexical = sum(1 for r in edits if r["denied"] and not has_denial_word(r["text"]))
    distractors = sum(1 for r in edits if r["edit_type"] in DISTRACTORS)
    summary = [
        ("stance and attribution edits (`contrast`)", len(edits)),
        ("natural mentions edited", len(originals)),
        ("denied edits without any denial word", denied_nonlexical),
        ("distractors (labels kept although a cue word appears)", distractors),
        ("duplicate edits (`contrast_pairs`)", len(pairs)),
        ("different proposition (not duplicates)", negatives),
        ("same proposition (duplicates)", positives),
    ]
    stance_table = table(
        ("original stance \\ edited stance", *STANCES, "total"),
        [(code(a), *(transitions[(a, b)] for b in STANCES),
          sum(transitions[(a, b)] for b in STANCES)) for a in STANCES]
        + [("total", *(sum(transitions[(a, b)] for a in STANCES) for b in STANCES),
            len(edits))],
    )
    probe = lexicon_probe(edits)
    probe_table = table(
        ("rows", "n", "gold denied", "lexicon says denied", "precision", "recall", "F1"),
        [(name, p["rows"], p["gold_denied"], p["predicted_denied"], f"{p['precision']:.3f}",
          f"{p['recall']:.3f}", f"{p['f1']:.3f}") for name, p in probe.items()],
    )
    blocks = [
        f"{heading} Summary", table(("figure", "count"), summary),
        f"{heading} Stance and attribution edits by edit type",
        table(("edit type", "rows"), _counter_rows(by_type, CONTRAST_EDIT_TYPES)),
        f"{heading} Stance before and after the edit", stance_table,
        f"{heading} Duplicate edits by edit type",
        table(("edit type", "pairs"), _counter_rows(pair_types, CONTRAST_PAIR_EDIT_TYPES)),
        f"{heading} Rows by document",
        table(("document", "fold", "edits", "pairs"),
              [(code(d), _fold(d, edits, pairs), by_doc_edits[d], by_doc_pairs[d])
               for d in docs]),
        f"{heading} Denial lexicon probe",
        "A row is predicted denied when its passage matches the denial lexicon "
        f"{code(DENIAL_PATTERN)} (case-insensitive); scored against the gold `denied`.",
        probe_table,
    ]
    return "\n\n".join(blocks)


def _fold(doc_id: str, edits: Sequence[Row], pairs: Sequence[Row]) -> int:
    return next(r["fold"] for r in [*edits, *pairs] if r["doc_id"] == doc_id)


def definitions_markdown() -> str:
    """The edit-type tables, from the schema (frozen label order: the stored ids)."""
    return "\n\n".join([
        table(("id", "edit type (`contrast`)", "definition"),
              [(i, code(t), CONTRAST_EDIT_DEFINITIONS[t])
               for i, t in enumerate(CONTRAST_EDIT_TYPES)]),
        table(("id", "edit type (`contrast_pairs`)", "definition"),
              [(i, code(t), CONTRAST_PAIR_EDIT_DEFINITIONS[t])
               for i, t in enumerate(CONTRAST_PAIR_EDIT_TYPES)]),
    ])


def load_blind_agreement(annotations_dir: Path) -> dict[str, Any] | None:
    """``contrast/blind/agreement.json`` if present (a JSON object), else None."""
    path = Path(annotations_dir) / CONTRAST_DIR / BLIND_DIR / BLIND_AGREEMENT_FILE
    return read_optional_object(path)


BLIND_NEW_DIR = "blind-1.2"


def load_blind_agreement_new(annotations_dir: Path) -> dict[str, Any] | None:
    """``contrast/blind-1.2/agreement.json`` (the read of the rows and pairs added in 1.2)
    if present, else None."""
    path = Path(annotations_dir) / CONTRAST_DIR / BLIND_NEW_DIR / BLIND_AGREEMENT_FILE
    return read_optional_object(path)


def blind_agreement_new_markdown(agreement: Mapping[str, Any] | None) -> str:
    """The figures of the blind read of the rows and pairs added in dataset 1.2."""
    intro = ("The rows and pairs added in dataset 1.2 were read blind as well "
             f"(`annotations/{CONTRAST_DIR}/{BLIND_NEW_DIR}/`, "
             "`python -m retold.annotate.contrast_blind_new`): a sample of new rows (passage "
             "and marked claim only) and of new pairs (the two texts only, drawn over the 2x2 "
             "cells), each labelled by a separate instance of the same AI model that wrote "
             "the gold, given only the guidelines and Part 1 of CONTRAST.md. Agreement between "
             "two readings by one model family is not a human ceiling and cannot show an "
             "error both share. The figures compare the read with the items that remain after "
             "the read's ambiguous items were retired.")
    if agreement is None:
        return f"{intro}\n\nNot yet computed: the blind read has not been made."
    rows = agreement.get("rows", {}).get("headline", {})
    pairs = agreement.get("pairs", {})
    ci = pairs.get("kappa_ci95", {})
    figures = [(f"rows: {k}", v) for k, v in rows.items()]
    figures += [("pairs read blind", pairs.get("pairs")),
                ("pairs: duplicate accuracy", pairs.get("accuracy")),
                ("pairs: duplicate Cohen's kappa", pairs.get("kappa")),
                ("pairs: kappa 95% CI", f"[{ci.get('lower')}, {ci.get('upper')}]")]
    figures += [(f"pairs: accuracy in cell `{cell}`", f"{v['accuracy']} of {v['pairs']}")
                for cell, v in pairs.get("by_cell", {}).items()]
    retired = agreement.get("retired_since_sample", [])
    note = (f"\n\nSampled items retired after the read: {', '.join(retired)}."
            if retired else "")
    return f"{intro}\n\n{table(('figure', 'value'), figures)}{note}"


def blind_agreement_markdown(agreement: Mapping[str, Any] | None) -> str:
    """The headline figures of the blind read of the contrast sample."""
    intro = ("A stratified sample of contrast rows is labelled by a second, independent "
             "read that sees only the passage and the marked claim span, blind to the "
             "intended labels, the edit type and the rule; "
             "`python -m retold.annotate.contrast_blind compare` compares it with the "
             f"intended labels (`annotations/{CONTRAST_DIR}/{BLIND_DIR}/"
             f"{BLIND_AGREEMENT_FILE}`). Like every label in this dataset, the intended "
             "labels and the blind read are made by an AI model, not by people, so the "
             "figures measure the consistency of the rules, not a human ceiling. The "
             "figures are those of the read as it was made; rows it showed to be wrong or "
             "ambiguous under the rules were dropped afterwards and their ids retired "
             f"(`annotations/{CONTRAST_DIR}/retired.json` gives each id and the reason).")
    if agreement is None:
        return f"{intro}\n\nNot yet computed: the blind read has not been made."
    headline = agreement.get("headline", {})
    rows = [(k, v if isinstance(v, str | int | float) else json.dumps(v)) for k, v in
            headline.items()]
    return f"{intro}\n\n{table(('figure', 'value'), rows)}"


def card_section(edits: Sequence[Row], pairs: Sequence[Row],
                 agreement: Mapping[str, Any] | None,
                 agreement_new: Mapping[str, Any] | None = None) -> str:
    """The contrast section of the dataset card."""
    return "\n\n".join([
        "### Edit types", definitions_markdown(),
        "### Counts", counts_markdown(edits, pairs, heading="####"),
        "### Blind agreement", blind_agreement_markdown(agreement),
        "### Blind agreement on the 1.2 additions", blind_agreement_new_markdown(agreement_new),
    ])


def render(document: str, edits: Sequence[Row], pairs: Sequence[Row]) -> str:
    """``document`` (CONTRAST.md) with its counts block replaced."""
    return replace_block(document, BEGIN_MARKER, END_MARKER, counts_markdown(edits, pairs))


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` verify) the counts block of CONTRAST.md."""
    parser = argparse.ArgumentParser(prog="python -m retold.describe.contrast",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=None,
                        help=f"default: <annotations>/{RULES_FILE}")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--annotations", type=Path, default=Path("annotations"))
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the generated block is out of date")
    args = parser.parse_args(argv)
    try:
        docs, annotations = load_validated(args.corpus, args.annotations)
        edits = contrast_rows(docs, annotations)
        pairs = contrast_pairs_rows(docs, annotations)
    except InvalidInputError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return 1
    path = args.path or args.annotations / RULES_FILE
    return sync_generated(path, lambda document: render(document, edits, pairs), args.check,
                          "python -m retold.describe.contrast")


if __name__ == "__main__":
    sys.exit(main())
