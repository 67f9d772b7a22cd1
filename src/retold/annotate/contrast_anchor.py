"""``retold anchor --contrast``: anchor the contrast drafts once into committed standoff.

The drafts (``contrast/edits.jsonl``, ``contrast/pairs.jsonl``: quotes, what people edit)
are anchored and checked by ``retold.validate.contrast.anchor_contrast`` against the
validated natural annotations; only when every line passes are the standoff files
``contrast/standoff/edits.jsonl`` and ``pairs.jsonl`` written (one line per draft line, in
the drafts' order, each with its draft line's digest; ``retold.io.contrast``), with the
folder's manifest. The folder is replaced only when that manifest proves this command
wrote it and nothing in it changed (``retold.io.owned``). ``retold validate`` and
``retold build`` then read the standoff files; an edited draft line is a
``stale-standoff`` problem until this command is run again.
"""

from __future__ import annotations

from pathlib import Path

from retold.io.contrast import ANCHOR_WRITER, CONTRAST_DIR, STANDOFF_DIR, standoff_texts
from retold.io.owned import manifest_owner, write_folder
from retold.validate.checks import load_validated
from retold.validate.contrast import anchor_contrast


def standoff_folder(annotations_dir: Path) -> Path:
    return Path(annotations_dir) / CONTRAST_DIR / STANDOFF_DIR


def anchor_contrast_set(corpus_dir: Path, annotations_dir: Path) -> tuple[int, int]:
    """Anchor the contrast drafts of ``annotations_dir`` and write its standoff folder;
    return the numbers of edit and pair lines. InvalidInputError with every problem (of
    the natural annotations, or of any draft line) before anything is written."""
    docs, annotations = load_validated(corpus_dir, annotations_dir, contrast=False)
    drafts, anchored = anchor_contrast(annotations_dir, docs, annotations)
    texts = standoff_texts(drafts, anchored.edits)

    def fill(staging: Path) -> None:
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")

    folder = standoff_folder(annotations_dir)
    write_folder(folder, manifest_owner(ANCHOR_WRITER), fill, writer=ANCHOR_WRITER)
    return len(anchored.edits), len(drafts.pairs)
