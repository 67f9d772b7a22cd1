"""The records of the contrast checks: one anchored edit or pair, and the natural data they
refer to (``retold.validate.contrast`` checks them; ``retold.validate.contrast_anchoring``
makes them from a draft or from its standoff line)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet


@dataclass(frozen=True)
class AnchoredLink:
    """A chain link with its source and cue spans in the row's ``text`` (-1 when absent)."""

    source: str
    source_start: int = -1
    source_end: int = -1
    cue_start: int = -1
    cue_end: int = -1


@dataclass(frozen=True)
class ContrastEdit:
    """One anchored stance/attribution edit: a ``contrast`` row before its layout."""

    file: str
    line: int
    contrast_id: str
    original_claim_id: str
    doc_id: str
    fold: int
    edit_type: str
    rule: str
    text: str
    start: int
    end: int
    claim_text: str
    stance: str
    source: str
    chain: tuple[AnchoredLink, ...]
    original_text: str
    passage_start: int
    passage_end: int
    original_stance: str
    original_source: str
    original_chain: tuple[str, ...]
    note: str = ""

    @property
    def where(self) -> str:
        return f"line {self.line} {self.contrast_id}"


@dataclass(frozen=True)
class ContrastPair:
    """One duplicate edit: a ``contrast_pairs`` row before its layout."""

    file: str
    line: int
    pair_id: str
    claim_id: str
    doc_id: str
    fold: int
    cluster_id: str
    claim_text: str
    edited_text: str
    duplicate: bool
    edit_type: str
    rule: str
    similarity: float
    note: str = ""

    @property
    def where(self) -> str:
        return f"line {self.line} {self.pair_id}"


@dataclass(frozen=True)
class ContrastSet:
    """The anchored contrast set of one annotation set."""

    edits: tuple[ContrastEdit, ...]
    pairs: tuple[ContrastPair, ...]


@dataclass(frozen=True)
class NaturalClaim:
    """What the contrast checks need to know about a natural claim mention."""

    claim_id: str
    doc_id: str
    start: int
    end: int
    text: str
    stance: str
    source: str
    chain: tuple[str, ...]
    cluster: str


@dataclass(frozen=True)
class Context:
    """The natural data a contrast row refers to."""

    claims: dict[str, NaturalClaim]
    documents: dict[str, Document]
    boilerplate: dict[str, tuple[tuple[int, int, str], ...]]
    registry: frozenset[str]

    @classmethod
    def of(cls, docs: Sequence[Document], annotations: AnnotationSet) -> Context:
        claims: dict[str, NaturalClaim] = {}
        boilerplate = {}
        for a in annotations.docs:
            boilerplate[a.doc_id] = tuple((b.start, b.end, b.id) for b in a.boilerplate)
            for c in a.claims:
                claims.setdefault(c.id, NaturalClaim(
                    c.id, a.doc_id, c.start, c.end, c.text, c.stance, c.source,
                    tuple(link.source for link in c.chain), c.cluster))
        return cls(claims, {d.doc_id: d for d in docs}, boilerplate,
                   frozenset(s.source_id for s in annotations.sources))


