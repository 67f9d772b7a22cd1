"""Sentence segmentation, tokens and BIO tags on hand-made examples."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import retold.text.segment as segment
from retold.errors import InvalidInputError
from retold.io.standoff import Boilerplate, Claim, DocAnnotation, SourceMention, Span
from retold.text.segment import (
    SEGMENTATION_RULE,
    SpanError,
    bio_tags,
    segment_document,
    split_sentences,
)


def texts(text: str, protected: list[tuple[int, int]] | None = None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, protected or [])]


def span_of(text: str, part: str, occ: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occ):
        start = text.index(part, start + 1)
    return start, start + len(part)


# --------------------------------------------------------------------------------------
# Sentences.
# --------------------------------------------------------------------------------------
def test_split_after_terminator_before_upper_case() -> None:
    assert texts("He left. She stayed! Why? Nobody knows.") == [
        "He left.", "She stayed!", "Why?", "Nobody knows."]


def test_no_split_before_digit_or_lower_case() -> None:
    assert texts("Rebels advanced on Dec. 4, 2024 near Hama.") == [
        "Rebels advanced on Dec. 4, 2024 near Hama."]
    assert texts("It was a turning point for Mr. al-Assad, whose rule faltered.") == [
        "It was a turning point for Mr. al-Assad, whose rule faltered."]
    assert texts("on regional strategy. in a telephone interview.") == [
        "on regional strategy. in a telephone interview."]
    # No whitespace after the full stop: no split ("Dec.6").
    assert texts("captured the city, on Dec.6, 2024. (AFP Photo)") == [
        "captured the city, on Dec.6, 2024. (AFP Photo)"]


def test_no_abbreviation_list() -> None:
    # Documented behaviour: "Mr." before a capital is split unless a span protects it.
    assert texts("They met Mr. Assad.") == ["They met Mr.", "Assad."]
    text = "They met Mr. Assad."
    assert texts(text, [span_of(text, "Mr. Assad")]) == [text]


def test_quotes_around_terminators() -> None:
    assert texts('He said "go." Then he left.') == ['He said "go."', "Then he left."]
    assert texts("It ended. “We won,” he said.") == ["It ended.", "“We won,” he said."]
    assert texts("“It is not true.” The ministry said so.") == [
        "“It is not true.”", "The ministry said so."]


def test_newlines_trimming_and_empty_lines() -> None:
    text = "  Headline here \n\n   \nBody text.\nReplyDelete\n"
    assert texts(text) == ["Headline here", "Body text.", "ReplyDelete"]
    assert split_sentences("") == []
    assert split_sentences(" \n \n") == []


def test_never_split_inside_a_span() -> None:
    text = "Officials said the army left. Rebels took the city. Then calm."
    claim = span_of(text, "the army left. Rebels took the city")
    assert texts(text, [claim]) == [
        "Officials said the army left. Rebels took the city.", "Then calm."]
    # A line break inside a span is not a split point either.
    text = "“Blinken stressed the need.\nThe Secretary discussed it,” said Miller."
    quote = span_of(text, "Blinken stressed the need.\nThe Secretary discussed it")
    assert texts(text, [quote]) == [text]
    # A split point exactly at a span edge is not inside it.
    text = "One. Two."
    assert texts(text, [span_of(text, "Two")]) == ["One.", "Two."]


def test_rule_is_documented_in_the_module_docstring() -> None:
    def flat(s: str) -> str:
        return " ".join(s.split())

    for paragraph in SEGMENTATION_RULE.split("\n\n"):
        assert flat(paragraph) in flat(segment.__doc__ or "")


# --------------------------------------------------------------------------------------
# BIO tags.
# --------------------------------------------------------------------------------------
TOKENS = [(0, 4), (5, 11), (12, 15), (16, 22), (22, 23)]  # "Iran denies the claim ."


def test_bio_tags_hand_made() -> None:
    spans = {(0, 4): ["s1"], (12, 22): ["c1", "c2"]}  # a span shared by two claims is fine
    assert bio_tags(TOKENS, spans) == ["B", "O", "B", "I", "O"]
    assert bio_tags(TOKENS, {}) == ["O"] * 5
    # Adjacent spans stay distinct: B B.
    assert bio_tags(TOKENS, {(5, 11): ["q1"], (12, 15): ["q2"]}) == ["O", "B", "B", "O", "O"]


def test_bio_tags_refuse_spans_off_token_boundaries() -> None:
    with pytest.raises(SpanError) as err:
        bio_tags(TOKENS, {(1, 11): ["c9"]})
    assert err.value.code == "token-boundary"
    assert err.value.ids == ("c9",)
    with pytest.raises(SpanError):
        bio_tags(TOKENS, {(5, 21): ["c9"]})


def test_bio_tags_refuse_overlapping_spans() -> None:
    with pytest.raises(SpanError) as err:
        bio_tags(TOKENS, {(0, 11): ["a"], (5, 15): ["b"]})
    assert err.value.code == "bio-overlap"
    assert set(err.value.ids) == {"a", "b"}
    with pytest.raises(SpanError):  # nested spans share tokens too
        bio_tags(TOKENS, {(0, 15): ["a"], (5, 11): ["b"]})


# --------------------------------------------------------------------------------------
# Whole documents.
# --------------------------------------------------------------------------------------
TEXT = ("Iran began the evacuation, officials said.\n"
        "ReplyDeleteAmong those evacuated were commanders.\n")


def make_doc(claims: list[tuple[str, str, int]],
             mentions: Sequence[tuple[str, str]] = (),
             cues: Sequence[tuple[str, str]] = (),
             boilerplate: bool = True) -> DocAnnotation:
    """A hand-made annotation of TEXT (not validated: segment must catch what it needs)."""
    def sp(part: str, occ: int = 1) -> tuple[int, int, str]:
        s, e = span_of(TEXT, part, occ)
        return s, e, part

    return DocAnnotation(
        path="docs/x.json", schema_version="1.0.0", doc_id="x",
        boilerplate=(Boilerplate("b1", *sp("ReplyDelete"), kind="comment_thread_control"),)
        if boilerplate else (),
        source_mentions=tuple(SourceMention(i, *sp(p), source="officials")
                              for i, p in mentions),
        cues=tuple(Span(i, *sp(p)) for i, p in cues),
        claims=tuple(Claim(i, *sp(p, occ), stance="asserted", cluster="k", source="author",
                           chain=(), note="") for i, p, occ in claims),
    )


def test_segment_document_tags_claims_after_glued_boilerplate() -> None:
    doc = make_doc(
        claims=[("c1", "Iran began the evacuation", 1),
                ("c2", "Among those evacuated were commanders", 1)],
        mentions=[("s1", "officials")], cues=[("q1", "said")],
    )
    sentences = segment_document(TEXT, doc)
    assert [TEXT[s.start:s.end] for s in sentences] == [
        "Iran began the evacuation, officials said.",
        "ReplyDeleteAmong those evacuated were commanders."]
    second = sentences[1]
    assert second.tokens[:2] == ("ReplyDelete", "Among")
    assert second.tags["claim"] == ("O", "B", "I", "I", "I", "I", "O")
    first = sentences[0]
    assert first.tags["claim"] == ("B", "I", "I", "I", "O", "O", "O", "O")
    assert first.tags["source"] == ("O", "O", "O", "O", "O", "B", "O", "O")
    assert first.tags["cue"] == ("O", "O", "O", "O", "O", "O", "B", "O")
    # Token offsets worked out by hand from TEXT (the second line starts at 43).
    assert (first.start, first.end, second.start, second.end) == (0, 42, 43, 92)
    assert first.tokens == ("Iran", "began", "the", "evacuation", ",", "officials", "said", ".")
    assert first.token_starts == (0, 5, 11, 15, 25, 27, 37, 41)
    assert first.token_ends == (4, 10, 14, 25, 26, 36, 41, 42)
    assert second.tokens == ("ReplyDelete", "Among", "those", "evacuated", "were",
                             "commanders", ".")
    assert second.token_starts == (43, 54, 60, 66, 76, 81, 91)
    assert second.token_ends == (54, 59, 65, 75, 80, 91, 92)


def test_segment_document_names_doc_and_span_on_misalignment() -> None:
    # Without the boilerplate span, "ReplyDeleteAmong" is one token: "Among" is inside it.
    doc = make_doc(claims=[("c2", "Among those evacuated were commanders", 1)],
                   boilerplate=False)
    with pytest.raises(InvalidInputError) as err:
        segment_document(TEXT, doc)
    [problem] = err.value.problems
    assert (problem.file, problem.where, problem.code) == ("docs/x.json", "c2", "token-boundary")
    assert "x" in problem.message and "Among those" in problem.message


def test_segment_document_reports_every_overlap() -> None:
    doc = make_doc(claims=[("c1", "Iran began the evacuation", 1)],
                   mentions=[("s1", "officials")], cues=[("q1", "officials said"), ("q2", "said")])
    with pytest.raises(InvalidInputError) as err:
        segment_document(TEXT, doc)
    [problem] = err.value.problems
    assert problem.code == "bio-overlap"
    assert problem.where == "q1, q2"



def test_segment_document_reports_boundary_problems_before_tagging_problems() -> None:
    # A cue on the line break between the sentences lies in no sentence (42 is the "\n").
    doc = make_doc(claims=[("c1", "Iran began the evacuation", 1)],
                   cues=[("q0", "\n"), ("q1", "officials said"), ("q2", "said")])
    with pytest.raises(InvalidInputError) as err:
        segment_document(TEXT, doc)
    assert [(p.where, p.code) for p in err.value.problems] == [
        ("q0", "sentence-boundary"), ("q1, q2", "bio-overlap")]
    assert "cue span [42, 43) '\\n' is not inside one sentence" in err.value.problems[0].message
