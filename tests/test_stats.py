"""Corpus statistics on the mini fixture, counted by hand, in all three formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retold.describe.stats import DocStats, PairStats, compute_stats, format_stats
from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet
from retold.validate.checks import load_validated

MINI = Path(__file__).parent / "fixtures" / "mini"


Mini = tuple[tuple[Document, ...], AnnotationSet]


@pytest.fixture(scope="module")
def mini() -> Mini:
    return load_validated(MINI / "corpus", MINI / "annotations")


def test_figures_counted_by_hand(mini: Mini) -> None:
    stats = compute_stats(*mini)
    assert (stats.documents, stats.claims, stats.clusters, stats.sources) == (2, 5, 3, 4)
    assert stats.per_document == (
        DocStats("000-mini-report", claims=2, clusters=2, boilerplate=1, source_mentions=2),
        DocStats("001-mini-denial", claims=3, clusters=2, boilerplate=1, source_mentions=4),
    )
    assert stats.stances == {"asserted": 0, "reported": 2, "hedged": 1, "denied": 2}
    assert stats.source_kinds == {
        "author": 1, "outlet": 0, "news_agency": 0, "person": 1, "government_body": 2,
        "armed_forces": 0, "armed_group": 0, "unnamed_collective": 1, "unnamed_individual": 0}
    assert stats.cluster_sizes == {1: 2, 3: 1}
    assert stats.cross_document_clusters == 1
    assert stats.denied_mentions == 2
    assert stats.duplicated_mentions == 3
    assert stats.chain_depths == {0: 1, 1: 2, 2: 2}
    assert stats.pairs.total == 10
    assert stats.pairs.duplicate == 3  # embassy-evacuated has 3 mentions: 3 pairs
    assert stats.pairs.contradiction == 2  # 000-c001 against each denial
    assert stats.pairs.reuse == {"verbatim": 0, "near_verbatim": 0, "paraphrase": 3,
                                 "none": 7}


def test_precomputed_pairs_are_counted_as_given(mini: Mini) -> None:
    # The builder passes the pair rows it writes; the figures must be those rows' counts.
    given = [{"duplicate": True, "contradiction": True, "reuse": "verbatim"},
             {"duplicate": False, "contradiction": False, "reuse": "none"}]
    stats = compute_stats(*mini, pairs=given)
    assert stats.pairs == PairStats(total=2, duplicate=1, contradiction=1, reuse={
        "verbatim": 1, "near_verbatim": 0, "paraphrase": 0, "none": 1})
    assert stats.claims == 5  # everything else still comes from the annotations


def test_json_has_sorted_keys(mini: Mini) -> None:
    text = format_stats(compute_stats(*mini), "json")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    assert data["cluster_sizes"] == {"1": 2, "3": 1}
    assert data["per_document"][0]["doc_id"] == "000-mini-report"


def test_text_and_markdown(mini: Mini) -> None:
    stats = compute_stats(*mini)
    text = format_stats(stats, "text")
    assert "Stances" in text and "denied" in text
    markdown = format_stats(stats, "markdown")
    assert "### Per document" in markdown
    assert "| 001-mini-denial | 3 | 2 | 1 | 4 |" in markdown
    assert "| paraphrase | 3 |" in markdown
    with pytest.raises(ValueError, match="unknown format"):
        format_stats(stats, "html")
