"""The rows of the ``contrast`` and ``contrast_pairs`` configs, from the contrast standoff.

The contrast drafts are anchored once by ``retold anchor --contrast`` into
``contrast/standoff/*.jsonl`` (``retold.io.contrast``) and checked by ``retold validate``
(``retold.validate.contrast``, part of the build's validation). This module makes the
release records from those standoff lines and the natural annotations (the original
mention's document, fold, stance, source and cluster; a pair's similarity), lays them out
as release rows (schema field order, label names) and sorts them. Nothing is anchored
here. Offsets in a ``contrast`` row index that row's own ``text`` (the edited passage),
not the document; ``passage_start``/``passage_end`` locate the unedited passage in the
document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retold.build.chains import immediate_offsets
from retold.errors import InvalidInputError, Problem
from retold.io.contrast import ContrastStandoff, has_contrast, load_contrast_standoff
from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet, Claim
from retold.schema import AUTHOR, get_config, label_named, pair_cell
from retold.text.reuse import text_similarity

Row = dict[str, Any]
DENIED = label_named("STANCES", "denied")


def _sorted(config_name: str, rows: list[Row]) -> list[Row]:
    key = get_config(config_name).sort_key
    return sorted(rows, key=lambda row: tuple(row[k] for k in key))


def load_standoff(annotations: AnnotationSet) -> ContrastStandoff:
    """The contrast standoff lines of a validated annotation set (none without a contrast
    set); InvalidInputError if a file cannot be read (the validator reports it first)."""
    root = Path(annotations.root)
    if not has_contrast(root):
        return ContrastStandoff((), (), "", "")
    problems: list[Problem] = []
    standoff = load_contrast_standoff(root, problems)
    if problems:
        raise InvalidInputError(problems)
    return standoff


def _natural(docs: Sequence[Document], annotations: AnnotationSet
             ) -> tuple[dict[str, tuple[str, Claim]], dict[str, int]]:
    claims = {c.id: (a.doc_id, c) for a in annotations.docs for c in a.claims}
    return claims, {d.doc_id: d.fold for d in docs}


def contrast_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per stance/attribution edit."""
    claims, folds = _natural(docs, annotations)
    rows = []
    for r in load_standoff(annotations).edits or ():
        doc_id, original = claims[r.original_claim_id]
        chain = [{"source": ln.source, "source_start": ln.source_start,
                  "source_end": ln.source_end, "cue_start": ln.cue_start,
                  "cue_end": ln.cue_end} for ln in r.chain]
        ss, se, cs, ce = immediate_offsets(chain)
        source = r.chain[-1].source if r.chain else AUTHOR
        rows.append({
            "contrast_id": r.contrast_id,
            "original_claim_id": r.original_claim_id,
            "doc_id": doc_id,
            "edit_type": r.edit_type,
            "rule": r.rule,
            "text": r.text,
            "start": r.start,
            "end": r.end,
            "claim_text": r.claim_text,
            "stance": r.stance,
            "source": source,
            "source_chain": [ln.source for ln in r.chain],
            "source_start": ss,
            "source_end": se,
            "cue_start": cs,
            "cue_end": ce,
            "source_text": r.text[ss:se] if ss >= 0 else "",
            "cue_text": r.text[cs:ce] if cs >= 0 else "",
            "chain": chain,
            "attributed": source != AUTHOR,
            "denied": r.stance == DENIED,
            "original_text": r.original_text,
            "passage_start": r.passage_start,
            "passage_end": r.passage_end,
            "original_stance": original.stance,
            "original_source": original.source,
            "fold": folds[doc_id],
        })
    return _sorted("contrast", rows)


def contrast_pairs_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per duplicate edit."""
    claims, folds = _natural(docs, annotations)
    rows = []
    for r in load_standoff(annotations).pairs or ():
        doc_id, original = claims[r.claim_id]
        similarity = text_similarity(original.text, r.edited_text)
        rows.append({
            "pair_id": r.pair_id,
            "claim_id": r.claim_id,
            "doc_id": doc_id,
            "cluster_id": original.cluster,
            "claim_text": original.text,
            "edited_text": r.edited_text,
            "duplicate": r.duplicate,
            "edit_type": r.edit_type,
            "rule": r.rule,
            "similarity": similarity,
            "fold": folds[doc_id],
            "cell": pair_cell(r.duplicate, similarity),
        })
    return _sorted("contrast_pairs", rows)
