"""The token-LCS Dice similarity and the reuse labels, on hand-worked examples.

Independent oracles: hand-worked values, a recursive LCS written here, and rapidfuzz's
``LCSseq`` (a separate C++ implementation).
"""

from __future__ import annotations

import random
import re
from functools import cache

import pytest
from rapidfuzz.distance import LCSseq

import retold.text.reuse as reuse
from retold.schema import REUSE_MEASURE, REUSE_NEAR_VERBATIM_MIN
from retold.text.reuse import (
    lcs_length,
    normalise,
    reuse_label,
    reuse_tokens,
    similarity,
    text_similarity,
)


def test_normalise_and_tokens() -> None:
    # NFKC and lower-case only: quotes are left as they are (they never reach a token).
    assert normalise("Iran’s “EVACUATION”") == "iran’s “evacuation”"
    assert reuse_tokens("Iran’s  Quds-Force, (IRGC)!") == ("iran", "s", "quds", "force", "irgc")
    assert reuse_tokens("ﬁve") == ("five",)  # NFKC folds the ligature
    assert reuse_tokens("  ") == ()


def test_lcs_hand_worked() -> None:
    assert lcs_length("abcdef", "acex") == 3  # a c e
    assert lcs_length("abc", "cba") == 1
    assert lcs_length("", "abc") == 0
    assert lcs_length("abc", "") == 0
    assert lcs_length(["the", "cat", "sat"], ["the", "dog", "sat"]) == 2
    assert lcs_length("AGGTAB", "GXTXAYB") == 4  # GTAB, the textbook example


def _lcs_reference(a: str, b: str) -> int:
    """An independent (recursive, memoised) LCS to check the DP against."""

    @cache
    def go(i: int, j: int) -> int:
        if i == len(a) or j == len(b):
            return 0
        if a[i] == b[j]:
            return 1 + go(i + 1, j + 1)
        return max(go(i + 1, j), go(i, j + 1))

    return go(0, 0)


def test_lcs_matches_reference_on_random_sequences() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        assert lcs_length(a, b) == _lcs_reference(a, b) == lcs_length(b, a)


def test_lcs_matches_rapidfuzz_on_random_token_lists() -> None:
    rng = random.Random(11)
    words = ["iran", "s", "forces", "left", "syria", "the", "embassy"]
    for _ in range(300):
        a = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        b = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        assert lcs_length(a, b) == LCSseq.similarity(a, b)


def test_similarity_hand_worked() -> None:
    assert similarity([], []) == 1.0
    assert similarity(["a"], []) == 0.0
    assert similarity(["x", "y"], ["x", "y"]) == 1.0
    assert similarity(["the", "cat", "sat"], ["the", "dog", "sat"]) == pytest.approx(4 / 6)
    # 2 * 3 / (6 + 4)
    assert similarity(list("abcdef"), list("acex")) == pytest.approx(0.6)
    assert text_similarity("Iran’s embassy", "IRAN'S EMBASSY") == 1.0
    assert text_similarity("", "") == 1.0


def test_similarity_is_symmetric_and_bounded() -> None:
    rng = random.Random(3)
    for _ in range(100):
        a = [rng.choice("abcd") for _ in range(rng.randint(0, 8))]
        b = [rng.choice("abcd") for _ in range(rng.randint(0, 8))]
        s = similarity(a, b)
        assert s == similarity(b, a)
        assert 0.0 <= s <= 1.0
        assert (s == 1.0) == (a == b)


def test_reuse_label_thresholds() -> None:
    verbatim, near, paraphrase, none = "verbatim", "near_verbatim", "paraphrase", "none"
    assert reuse_label(True, 1.0) == verbatim
    assert reuse_label(True, REUSE_NEAR_VERBATIM_MIN) == near
    assert reuse_label(True, 0.99) == near
    assert reuse_label(True, 0.6999) == paraphrase
    assert reuse_label(True, 0.0) == paraphrase
    assert reuse_label(False, 1.0) == none
    assert reuse_label(False, 0.0) == none
    # Exactly at the threshold through the measure: 2 * 7 / (10 + 10) = 0.7.
    a = [str(i) for i in range(10)]
    b = [*a[:7], "x", "y", "z"]
    assert reuse_label(True, similarity(a, b)) == near


# --------------------------------------------------------------------------------------
# Quote style.
# --------------------------------------------------------------------------------------
CURLY = "Iran’s forces began leaving Syria’s “bases”"
STRAIGHT = "Iran's forces began leaving Syria's \"bases\""


def test_quote_style_does_not_change_the_similarity() -> None:
    """Two spans that differ only in quote style are verbatim reuse of each other.

    Hand-worked: both give the tokens iran s forces began leaving syria s bases (8), so
    LCS = 8 and the similarity is 2 * 8 / (8 + 8) = 1.0, and a duplicate pair is verbatim.
    The apostrophe is inside a word, so this pair separates a measure that ignores quote
    style from one that does not (see the next test).
    """
    expected = ("iran", "s", "forces", "began", "leaving", "syria", "s", "bases")
    assert reuse_tokens(CURLY) == reuse_tokens(STRAIGHT) == expected
    assert text_similarity(CURLY, STRAIGHT) == 1.0
    assert reuse_label(True, text_similarity(CURLY, STRAIGHT)) == "verbatim"
    for quote in ("‘", "’", "'", "‛"):  # every apostrophe-like punctuation mark
        assert text_similarity("Iran’s forces", f"Iran{quote}s forces") == 1.0
    assert '"Iran’s" and "Iran\'s" both give iran, s' in REUSE_MEASURE


def test_the_quote_style_pair_fails_a_quote_sensitive_measure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same pair under a wrong tokeniser that keeps apostrophes inside words.

    Tokens iran’s forces began leaving syria’s bases against iran's forces began leaving
    syria's bases: LCS = 4 (forces began leaving bases), similarity 2 * 4 / 12 = 2/3, below
    0.7, so the pair would be labelled paraphrase: the assertions above would fail.
    """
    monkeypatch.setattr(reuse, "_WORD_RE", re.compile(r"[\w’']+"))
    assert text_similarity(CURLY, STRAIGHT) == pytest.approx(2 / 3)
    assert reuse_label(True, text_similarity(CURLY, STRAIGHT)) == "paraphrase"
