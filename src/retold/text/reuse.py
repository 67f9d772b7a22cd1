"""Surface text reuse between two claim mentions: token-LCS Dice similarity and reuse labels.

The measure is the one ``schema.REUSE_MEASURE`` describes, implemented here with a plain
dynamic programme (no third-party fuzzy-matching library) so that it is exact,
deterministic and the same on every platform. The label is decided on the exact
double-precision value; the release stores the value as float32, which can differ from
it in the last bits (0.7 is not a float32), so the stored ``reuse`` label — not a
re-thresholded float32 — is authoritative.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from retold.schema import REUSE_LABELS, REUSE_NEAR_VERBATIM_MIN

_WORD_RE = re.compile(r"\w+")
_QUOTES = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
})

VERBATIM, NEAR_VERBATIM, PARAPHRASE, NONE = REUSE_LABELS


def normalise(text: str) -> str:
    """NFKC, lower-case, curly quotes and apostrophes mapped to ASCII (see REUSE_MEASURE)."""
    return unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)


def reuse_tokens(text: str) -> tuple[str, ...]:
    """The word tokens (``\\w+``) of the normalised text: what the similarity compares."""
    return tuple(_WORD_RE.findall(normalise(text)))


def lcs_length(a: Sequence[object], b: Sequence[object]) -> int:
    """Length of the longest common subsequence of ``a`` and ``b`` (O(len(a)·len(b)) DP)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        left = 0
        for j, y in enumerate(b, start=1):
            left = previous[j - 1] + 1 if x == y else max(previous[j], left)
            current.append(left)
        previous = current
    return previous[-1]


def similarity(a: Sequence[object], b: Sequence[object]) -> float:
    """Dice coefficient of the LCS: ``2·LCS / (len(a) + len(b))``; 1.0 for two empty inputs."""
    if not a and not b:
        return 1.0
    return 2 * lcs_length(a, b) / (len(a) + len(b))


def text_similarity(a: str, b: str) -> float:
    """The similarity of two span texts, normalised and tokenised as REUSE_MEASURE says."""
    return similarity(reuse_tokens(a), reuse_tokens(b))


def reuse_label(duplicate: bool, sim: float) -> str:
    """The reuse label of a pair: only duplicates (same cluster) can be reuse at all."""
    if not duplicate:
        return NONE
    if sim == 1.0:
        return VERBATIM
    if sim >= REUSE_NEAR_VERBATIM_MIN:
        return NEAR_VERBATIM
    return PARAPHRASE
