"""What the explorer reads: every config of a release, through ``io.release.read_config``.

Rows keep every field the release has (``schema.CONFIGS``), so a field added later reaches
the pages (the claim panel lists all fields) without a change here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.io.release import read_config
from retold.schema import CONFIG_NAMES

Row = dict[str, Any]
NEEDED = ("documents", "claims", "clusters", "sources")


@dataclass(frozen=True)
class Release:
    """The rows of every config, by config name, with a few indexes."""

    configs: dict[str, list[Row]]

    @property
    def documents(self) -> list[Row]:
        return self.configs["documents"]

    @property
    def claims(self) -> list[Row]:
        return self.configs["claims"]

    def claims_of(self, doc_id: str) -> list[Row]:
        return [c for c in self.claims if c["doc_id"] == doc_id]

    def propositions(self) -> dict[str, str]:
        return {k["cluster_id"]: k["proposition"] for k in self.configs["clusters"]}

    def source_names(self) -> dict[str, str]:
        return {s["source_id"]: s["name"] for s in self.configs["sources"]}

    def mentions_by_cluster(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = defaultdict(list)
        for c in self.claims:
            out[c["cluster_id"]].append(c)
        return dict(out)

    def reuse(self) -> dict[tuple[str, str], str]:
        """The ``reuse`` label of each pair of claim ids (both orders)."""
        out = {}
        for p in self.configs.get("pairs", []):
            out[(p["claim_id_a"], p["claim_id_b"])] = p["reuse"]
            out[(p["claim_id_b"], p["claim_id_a"])] = p["reuse"]
        return out


def load_release(release_dir: Path) -> Release:
    """Every config of the release folder (InvalidInputError naming a bad file)."""
    return Release({name: read_config(release_dir, name) for name in CONFIG_NAMES})


def containment(claims: list[Row]) -> dict[str, dict[str, list[str]]]:
    """Per claim id, the claims of the same document it lies inside and those inside it."""
    out: dict[str, dict[str, list[str]]] = {c["claim_id"]: {"inside": [], "contains": []}
                                            for c in claims}
    for a in claims:
        for b in claims:
            if a is b or a["doc_id"] != b["doc_id"]:
                continue
            if a["start"] <= b["start"] and b["end"] <= a["end"] and (
                    (a["start"], a["end"]) != (b["start"], b["end"])):
                out[a["claim_id"]]["contains"].append(b["claim_id"])
                out[b["claim_id"]]["inside"].append(a["claim_id"])
    return out
