"""``retold build``: validate, derive every config, render the card, write the release.

This module sits above ``build`` and ``describe`` (the card needs the rows and the
statistics; the writer needs the card), so neither of those imports the other's top.
"""

from __future__ import annotations

import logging
from pathlib import Path

from retold.build.rows import compute_rows
from retold.build.writer import (
    arrow_num_bytes,
    parquet_bytes,
    release_bytes,
    rows_to_table,
    write_release,
)
from retold.describe.card import (
    LEADERBOARD_FILE,
    load_agreement,
    load_leaderboard,
    render_card,
    render_license,
)
from retold.describe.contrast import load_blind_agreement, load_blind_agreement_new
from retold.describe.croissant import croissant_bytes
from retold.describe.stats import compute_stats
from retold.errors import InvalidInputError
from retold.io.jsonio import dump_json
from retold.io.release import PROBES_FILE, data_path
from retold.schema import CONFIG_NAMES, probe_check_enforced
from retold.validate import load_validated
from retold.validate.probes import probe_problems, run_probes

log = logging.getLogger(__name__)


def build_release(corpus_dir: Path, annotations_dir: Path, out_dir: Path,
                  leaderboard: Path | None = None) -> dict[str, int]:
    """Validate, compute every config, and write the release; return rows per config.

    ``leaderboard`` is the results table for the card, by default ``results/leaderboard.md``
    beside the annotations folder (the repository root); when it does not exist the card
    says that there are no results yet.

    Raises InvalidInputError (with every problem) when the corpus or annotations are
    invalid, a span cannot be tagged, or ``out_dir`` is unsafe, before anything is written;
    also, from ``schema.PROBE_CHECK_FROM`` on, when an artefact probe solves the contrast
    set (``retold.validate.probes``; the scores go into the release's ``probes.json``).
    """
    corpus_dir, annotations_dir, out_dir = Path(corpus_dir), Path(annotations_dir), Path(out_dir)
    docs, annotations = load_validated(corpus_dir, annotations_dir)
    rows = compute_rows(docs, annotations)
    probes = run_probes(rows["contrast"], rows["contrast_pairs"])
    failed = probe_problems(probes)
    if failed and probe_check_enforced():
        raise InvalidInputError(failed)
    if failed:
        log.warning("%d artefact probe(s) solve the contrast set (%s); not enforced before "
                    "dataset version %s, scores in %s", len(failed),
                    ", ".join(p.where for p in failed), probes["thresholds"]["enforced_from"],
                    PROBES_FILE)
    counts = {name: len(rows[name]) for name in CONFIG_NAMES}
    blobs = {name: parquet_bytes(rows_to_table(name, rows[name])) for name in CONFIG_NAMES}
    num_bytes = {name: arrow_num_bytes(blob) for name, blob in blobs.items()}
    stats = compute_stats(docs, annotations, pairs=rows["pairs"])
    if leaderboard is None:
        leaderboard = annotations_dir.parent / LEADERBOARD_FILE
    card = render_card(counts, num_bytes, rows, stats, load_agreement(annotations_dir),
                       load_leaderboard(leaderboard),
                       contrast_agreement=load_blind_agreement(annotations_dir),
                       contrast_agreement_new=load_blind_agreement_new(annotations_dir),
                       probes=probes)
    data = {data_path(n): blobs[n] for n in CONFIG_NAMES}
    files = {**release_bytes(data, card, render_license(), croissant_bytes(data, counts)),
             PROBES_FILE: dump_json(probes).encode("utf-8")}
    write_release(out_dir, files)
    log.info("built %s: %s", out_dir, ", ".join(f"{name} {n}" for name, n in counts.items()))
    return counts
