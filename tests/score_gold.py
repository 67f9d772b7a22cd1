"""Gold-derived predictions for the scorer tests, read from the committed release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.io.release import read_config

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "release"
CLAIMS = read_config(RELEASE, "claims")
PAIRS = read_config(RELEASE, "pairs")
DOCS = read_config(RELEASE, "documents")
SENTENCES = read_config(RELEASE, "tokens")


def perfect(task: str) -> list[dict[str, Any]]:
    """The gold, written as predictions."""
    if task == "attributed":
        return [{"claim_id": c["claim_id"], "attributed": c["attributed"],
                 "source_start": c["source_start"], "source_end": c["source_end"]}
                for c in CLAIMS]
    if task == "denied":
        return [{"claim_id": c["claim_id"], "stance": c["stance"]} for c in CLAIMS]
    if task == "duplicated":
        return [{"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
                 "score": float(p["duplicate"]), "duplicate": p["duplicate"]} for p in PAIRS]
    if task == "clusters":
        return [{"claim_id": c["claim_id"], "cluster": c["cluster_id"]} for c in CLAIMS]
    if task == "retrieval":
        out = []
        for q in CLAIMS:
            others = [c for c in CLAIMS if c["doc_id"] != q["doc_id"]]
            ranked = sorted(others, key=lambda c: (c["cluster_id"] != q["cluster_id"],
                                                   c["claim_id"]))
            out.append({"claim_id": q["claim_id"], "ranking": [c["claim_id"] for c in ranked]})
        return out
    spans = [{"doc_id": c["doc_id"], "start": c["start"], "end": c["end"]} for c in CLAIMS]
    if task == "end2end":
        for span, c in zip(spans, CLAIMS, strict=True):
            span.update(attributed=c["attributed"], denied=c["denied"])
    return spans
