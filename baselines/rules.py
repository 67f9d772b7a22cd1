"""Rule baselines: attribution cues, denials with scope, hedges, sentence claims, string
similarity. Nothing is learnt; the only tuned number (the similarity threshold for the
duplicate decision) is chosen on the training documents' pairs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from baselines.data import Corpus
from baselines.lexicons import (
    CUE_RE,
    DENIAL_BLOCKER_RE,
    DENIAL_PREDICATE_RE,
    DENIAL_RE,
    DENIAL_SCOPE_CHARS,
    HEDGE_RE,
    OTHER_SENSE_RE,
    SCOPE_BREAK_RE,
)

_BOUNDARY_RE = re.compile(r"[,;:.!?()\"“”]|\bthat\b|\band\b|\bwhile\b|\bbut\b", re.IGNORECASE)
_SOURCE_WORDS = 6


@dataclass(frozen=True)
class CueMatch:
    """An attribution cue found for a claim, and the source span guessed from it."""

    cue_start: int
    cue_end: int
    source_start: int
    source_end: int


def _source_after(text: str, start: int, stop: int) -> tuple[int, int]:
    """The words after a cue ("according to X", "citing X") up to a clause boundary."""
    segment = text[start:stop]
    m = _BOUNDARY_RE.search(segment)
    end = start + (m.start() if m else len(segment))
    words = list(re.finditer(r"\S+", text[start:end]))[:_SOURCE_WORDS]
    if not words:
        return -1, -1
    return start + words[0].start(), start + words[-1].end()


def _source_before(text: str, start: int, stop: int) -> tuple[int, int]:
    """The words before a cue ("X said") back to a clause boundary."""
    segment = text[start:stop]
    cuts = list(_BOUNDARY_RE.finditer(segment))
    begin = start + (cuts[-1].end() if cuts else 0)
    words = list(re.finditer(r"\S+", text[begin:stop]))[-_SOURCE_WORDS:]
    if not words:
        return -1, -1
    return begin + words[0].start(), begin + words[-1].end()


def find_cue(corpus: Corpus, doc_id: str, start: int, end: int) -> CueMatch | None:
    """The cue nearest to the claim in its sentence, outside the claim span, if any."""
    text = corpus.texts[doc_id]
    lo, hi = corpus.claim_sentence(doc_id, start, end)
    best: tuple[int, CueMatch] | None = None
    for m in CUE_RE.finditer(text, lo, hi):
        if start <= m.start() < end:
            continue
        if OTHER_SENSE_RE.search(text[max(lo, m.start() - 12): m.end() + 12]):
            continue  # "denied entry", "rejected calls": not a cue of saying
        distance = start - m.end() if m.end() <= start else m.start() - end
        cue = m.group(0).lower()
        if cue in ("according to", "citing", "cited") or m.start() >= end:
            # "X, according to Y" / "... , citing Y" / "..., Y said": source after the cue,
            # unless the cue ends the sentence ("..., officials said.").
            src = _source_after(text, m.end(), end if m.end() < start else hi)
            if src == (-1, -1) or m.start() >= end:
                before = _source_before(text, end, m.start()) if m.start() >= end else src
                src = before if before != (-1, -1) else src
        else:
            src = _source_before(text, lo, m.start())
        match = CueMatch(m.start(), m.end(), *src)
        if best is None or distance < best[0]:
            best = (distance, match)
    return best[1] if best else None


def is_denied(corpus: Corpus, doc_id: str, start: int, end: int) -> bool:
    """A denial word in scope, not blocked: inside the claim; before it in its sentence with
    no verb of saying in between; or a denial predicate right after it."""
    text = corpus.texts[doc_id]
    lo, hi = corpus.claim_sentence(doc_id, start, end)
    if DENIAL_PREDICATE_RE.search(text[end:hi]):
        return True
    scope_lo = max(lo, start - DENIAL_SCOPE_CHARS)
    for m in DENIAL_RE.finditer(text, scope_lo, end):
        window = text[max(lo, m.start() - 12): m.end() + 12]
        if DENIAL_BLOCKER_RE.search(window):
            continue
        between = text[m.end():start] if m.end() <= start else ""
        if SCOPE_BREAK_RE.search(between):
            continue
        return True
    return False


def is_hedged(corpus: Corpus, doc_id: str, start: int, end: int) -> bool:
    """A hedge inside the claim or in the 40 characters before it."""
    lo, _ = corpus.claim_sentence(doc_id, start, end)
    return HEDGE_RE.search(corpus.texts[doc_id], max(lo, start - 40), end) is not None


def rule_stance(corpus: Corpus, doc_id: str, start: int, end: int) -> str:
    """denied > hedged > reported > asserted, as the schema's precedence says."""
    if is_denied(corpus, doc_id, start, end):
        return "denied"
    if is_hedged(corpus, doc_id, start, end):
        return "hedged"
    if find_cue(corpus, doc_id, start, end) is not None:
        return "reported"
    return "asserted"


def sentence_claims(corpus: Corpus, doc_id: str) -> list[tuple[int, int]]:
    """Every sentence with at least four word tokens, trailing punctuation trimmed."""
    text = corpus.texts[doc_id]
    spans = []
    for lo, hi in corpus.sentences[doc_id]:
        while hi > lo and text[hi - 1] in ".!?\"”’' ":
            hi -= 1
        if len(re.findall(r"\w+", text[lo:hi])) >= 4:
            spans.append((lo, hi))
    return spans
