r"""Surface text reuse between two claim mentions: token-LCS Dice similarity and reuse labels.

The measure is the one ``schema.REUSE_MEASURE`` describes, implemented here with a plain
dynamic programme (no third-party fuzzy-matching library) so that it is exact,
deterministic and the same on every platform. The label is decided on the exact
double-precision value; the release stores the value as float32, which can differ from
it in the last bits (0.7 is not a float32), so the stored ``reuse`` label — not a
re-thresholded float32 — is authoritative.

Quote style: quotation marks and apostrophes are not word characters, so ``\w+`` treats
them as separators and "Iran’s", "Iran's" and "Iran‘s" all give the tokens ``iran``, ``s``.
No quote map is needed (an earlier one mapped curly quotes to ASCII before tokenising and
could not change a single token). One character looks like an apostrophe but is a letter:
U+02BC MODIFIER LETTER APOSTROPHE "ʼ" is alphanumeric, so "Iranʼs" is the one token
``iranʼs``; the corpus contains none (its apostrophes are U+2019).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from retold.schema import REUSE_NEAR_VERBATIM_MIN, label_named

_WORD_RE = re.compile(r"\w+")

VERBATIM = label_named("REUSE_LABELS", "verbatim")
NEAR_VERBATIM = label_named("REUSE_LABELS", "near_verbatim")
PARAPHRASE = label_named("REUSE_LABELS", "paraphrase")
NONE = label_named("REUSE_LABELS", "none")


def normalise(text: str) -> str:
    """Unicode NFKC, then lower-case (see REUSE_MEASURE). Quotes are left as they are."""
    return unicodedata.normalize("NFKC", text).lower()


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
