"""The rows of the ``contrast`` and ``contrast_pairs`` configs.

The contrast set is anchored and checked by ``retold.validate.contrast``; this module
lays its records out as release rows (schema field order, label names) and sorts them.
Offsets in a ``contrast`` row index that row's own ``text`` (the edited passage), not the
document; ``passage_start``/``passage_end`` locate the unedited passage in the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from retold.build.chains import immediate_offsets
from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet
from retold.schema import AUTHOR, get_config, pair_cell
from retold.validate.contrast import DENIED, ContrastSet, load_contrast_or_raise

Row = dict[str, Any]


def _sorted(config_name: str, rows: list[Row]) -> list[Row]:
    key = get_config(config_name).sort_key
    return sorted(rows, key=lambda row: tuple(row[k] for k in key))


def load_contrast_set(docs: Sequence[Document], annotations: AnnotationSet) -> ContrastSet:
    """The anchored contrast set of ``annotations`` (raises InvalidInputError if invalid)."""
    return load_contrast_or_raise(Path(annotations.root), docs, annotations)


def contrast_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per stance/attribution edit."""
    rows = []
    for r in load_contrast_set(docs, annotations).edits:
        chain = [{"source": ln.source, "source_start": ln.source_start,
                  "source_end": ln.source_end, "cue_start": ln.cue_start,
                  "cue_end": ln.cue_end} for ln in r.chain]
        ss, se, cs, ce = immediate_offsets(chain)
        rows.append({
            "contrast_id": r.contrast_id,
            "original_claim_id": r.original_claim_id,
            "doc_id": r.doc_id,
            "edit_type": r.edit_type,
            "rule": r.rule,
            "text": r.text,
            "start": r.start,
            "end": r.end,
            "claim_text": r.claim_text,
            "stance": r.stance,
            "source": r.source,
            "source_chain": [ln.source for ln in r.chain],
            "source_start": ss,
            "source_end": se,
            "cue_start": cs,
            "cue_end": ce,
            "source_text": r.text[ss:se] if ss >= 0 else "",
            "cue_text": r.text[cs:ce] if cs >= 0 else "",
            "chain": chain,
            "attributed": r.source != AUTHOR,
            "denied": r.stance == DENIED,
            "original_text": r.original_text,
            "passage_start": r.passage_start,
            "passage_end": r.passage_end,
            "original_stance": r.original_stance,
            "original_source": r.original_source,
            "fold": r.fold,
        })
    return _sorted("contrast", rows)


def contrast_pairs_rows(docs: Sequence[Document], annotations: AnnotationSet) -> list[Row]:
    """One row per duplicate edit."""
    rows = [{
        "pair_id": r.pair_id,
        "claim_id": r.claim_id,
        "doc_id": r.doc_id,
        "cluster_id": r.cluster_id,
        "claim_text": r.claim_text,
        "edited_text": r.edited_text,
        "duplicate": r.duplicate,
        "edit_type": r.edit_type,
        "rule": r.rule,
        "similarity": r.similarity,
        "fold": r.fold,
        "cell": pair_cell(r.duplicate, r.similarity),
    } for r in load_contrast_set(docs, annotations).pairs]
    return _sorted("contrast_pairs", rows)
