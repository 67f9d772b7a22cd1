"""The artefact probe baselines (``baselines/probes.py``) on the committed release: their
pooled contrast scores, recomputed here with scikit-learn from their prediction lines, are
the scores the build wrote into ``release/probes.json``; and they read no analysis-only
column (removing those columns from every row changes no prediction)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score

from baselines.base import RunContext
from baselines.data import Corpus, fold_views, load_corpus
from baselines.probes import MaskedPassageProbe, PairSurfaceProbe, SourceOnlyProbe
from retold.schema import get_config

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(RELEASE)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return json.loads((RELEASE / "probes.json").read_text(encoding="utf-8"))


_CACHE: dict[str, tuple[dict[str, list], dict[str, list]]] = {}


def _pooled(corpus: Corpus, baseline: Any, cache: bool = True
            ) -> tuple[dict[str, list], dict[str, list]]:
    """Every fold's lines of ``baseline``, pooled: (natural, contrast) per task. With
    ``cache``, the committed release's run is made once per baseline."""
    if cache and baseline.name in _CACHE:
        return _CACHE[baseline.name]
    records: dict[str, list] = {}
    contrast: dict[str, list] = {}
    shared: dict[str, Any] = {}
    for view in fold_views(corpus):
        out = baseline.run_fold(view, RunContext(seed=0, quick=True, model="", shared=shared))
        for task, lines in out.records.items():
            records.setdefault(task, []).extend(lines)
        for task, lines in out.contrast.items():
            contrast.setdefault(task, []).extend(lines)
    if cache:
        _CACHE[baseline.name] = records, contrast
    return records, contrast


def _score_of(report: dict[str, Any], probe: str) -> float:
    return next(p["score"] for p in report["probes"] if p["probe"] == probe)


def test_probes_are_registered_as_their_own_kind() -> None:
    pytest.importorskip("transformers")  # the registry imports every baseline
    from baselines.registry import KIND, NAMES

    for name in ("probe-surface-pairs", "probe-source-only", "probe-masked-passage"):
        assert name in NAMES and KIND[name] == "artefact probes"


@pytest.mark.parametrize(("baseline", "probe"), [(SourceOnlyProbe(), "source_only"),
                                                 (MaskedPassageProbe(), "masked_passage_bow")])
def test_row_probe_baseline_scores_what_the_build_reports(corpus: Corpus, report: dict,
                                                          baseline: Any, probe: str) -> None:
    _, contrast = _pooled(corpus, baseline)
    gold = {r["contrast_id"]: r["denied"] for r in corpus.contrast}
    lines = contrast["denied"]
    assert sorted(x["contrast_id"] for x in lines) == sorted(gold)
    f1 = f1_score([gold[x["contrast_id"]] for x in lines],
                  [x["stance"] == "denied" for x in lines])
    assert f1 == pytest.approx(_score_of(report, probe), abs=1e-4)


def test_pair_probe_baseline_scores_what_the_build_reports(corpus: Corpus,
                                                           report: dict) -> None:
    records, contrast = _pooled(corpus, PairSurfaceProbe())
    gold = {r["pair_id"]: r["duplicate"] for r in corpus.contrast_pairs}
    lines = contrast["duplicated"]
    assert sorted(x["pair_id"] for x in lines) == sorted(gold)
    ap = average_precision_score([gold[x["pair_id"]] for x in lines],
                                 [x["score"] for x in lines])
    assert ap == pytest.approx(_score_of(report, "surface_logreg (+)"), abs=1e-4)
    assert len(records["duplicated"]) == len(corpus.pairs)


def _strip(rows: tuple[dict[str, Any], ...], config: str) -> tuple[dict[str, Any], ...]:
    hidden = {f.name for f in get_config(config).fields if f.analysis_only}
    assert hidden
    return tuple({k: v for k, v in r.items() if k not in hidden} for r in rows)


def test_probes_read_no_analysis_only_column(corpus: Corpus) -> None:
    stripped = dataclasses.replace(
        corpus, pairs=_strip(corpus.pairs, "pairs"),
        contrast=_strip(corpus.contrast, "contrast"),
        contrast_pairs=_strip(corpus.contrast_pairs, "contrast_pairs"))
    for baseline in (SourceOnlyProbe(), MaskedPassageProbe(), PairSurfaceProbe()):
        assert _pooled(stripped, baseline, cache=False) == _pooled(corpus, baseline)


def test_pooled_lines_are_deterministic(corpus: Corpus) -> None:
    assert _pooled(corpus, MaskedPassageProbe(), cache=False) == _pooled(
        corpus, MaskedPassageProbe())
    assert np.isfinite([x["score"] for x in _pooled(corpus, PairSurfaceProbe())[1]
                        ["duplicated"]]).all()
