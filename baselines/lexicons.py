"""The lexicons of the rule baselines: attribution cues, denials with their scope, hedges.

Written from general English reporting usage (verbs of saying, "according to", denial
verbs), not tuned on this corpus. Each pattern is a regular expression over lower-cased text.
"""

from __future__ import annotations

import re

CUE_PATTERNS: tuple[str, ...] = (
    r"according to",
    r"\bciting\b", r"\bcited\b",
    r"\b(?:said|says|say|saying)\b",
    r"\b(?:told|tells|tell)\b",
    r"\b(?:reported|reports|reporting)\b",
    r"\b(?:stated|states)\b",
    r"\b(?:claimed|claims|claiming)\b",
    r"\b(?:confirmed|confirms|confirming)\b",
    r"\b(?:announced|announces)\b",
    r"\b(?:added|adds|adding)\b",
    r"\b(?:noted|notes)\b",
    r"\b(?:wrote|writes|written)\b",
    r"\b(?:quoted|quoting|quotes)\b",
    r"\b(?:insisted|insists)\b",
    r"\b(?:explained|explains)\b",
    r"\b(?:reiterated|reiterates)\b",
    r"\b(?:indicated|indicate|indicates)\b",
    r"\b(?:expressed|expresses)\b",
    r"\b(?:alleged|alleges)\b",
    r"\b(?:denied|denies|deny|denying)\b",
    r"\b(?:dismissed|dismisses)\b",
    r"\b(?:rejected|rejects)\b",
    r"\b(?:tweeted|posted)\b",
)
"""Attribution cues: a match in the claim's sentence, outside the claim, makes it attributed."""

DENIAL_PATTERNS: tuple[str, ...] = (
    r"\b(?:deny|denies|denied|denying|denial|denials)\b",
    r"\b(?:dismiss|dismisses|dismissed|dismissing)\b",
    r"\b(?:reject|rejects|rejected|rejecting)\b",
    r"\b(?:refute|refutes|refuted|refuting)\b",
    r"\bnot true\b", r"\buntrue\b", r"\bfalse\b", r"\bbaseless\b", r"\bunfounded\b",
    r"\bfake\b", r"\bno truth\b", r"\bnonsense\b", r"\bfabricat\w*",
)
"""Denial words; they deny a claim only within their scope (see ``DENIAL_SCOPE_CHARS``)."""

DENIAL_NEGATED: tuple[str, ...] = (
    r"\b(?:did|does|do|would|could|will)\s+not\s+(?:deny|dismiss|reject|refute)",
    r"\b(?:didn't|doesn't|don't|won't)\s+(?:deny|dismiss|reject|refute)",
)
DENIAL_OTHER_SENSES: tuple[str, ...] = (
    r"\bdenied (?:entry|access|permission|visas?)\b",
    r"\brejected calls\b",
)
DENIAL_BLOCKERS: tuple[str, ...] = DENIAL_NEGATED + DENIAL_OTHER_SENSES
"""Contexts in which a denial word does not deny (negated, or another sense). A negated
denial is still a cue of saying; a word in another sense ("denied entry") is not."""

DENIAL_SCOPE_CHARS = 80
"""A denial word governs a claim when it lies in the claim's sentence at most this many
characters before the claim's start with no verb of saying (``SCOPE_BREAK_RE``) between them,
or inside the claim's own span."""

DENIAL_PREDICATE = (r"^\W{0,3}\s*(?:is|are|was|were|being)\s+(?:not true|false|untrue|baseless|"
                    r"unfounded|fake|fabricated|lies|a lie|nonsense)\b")
"""A denial right after the claim ("<< the news >> is not true")."""

HEDGE_PATTERNS: tuple[str, ...] = (
    r"\breportedly\b", r"\ballegedly\b", r"\bapparently\b", r"\bpossibly\b",
    r"\b(?:may|might|could)\b", r"\b(?:appears?|appeared|seems?|seemed)\b",
    r"\bseen as\b", r"\blikely\b", r"\bpotential(?:ly)?\b", r"\bsignif(?:y|ies)\b",
    r"\breconsider\w*", r"\bambiguous\b", r"\bsuggest\w*",
)
"""Hedges: inside the claim or just before it, they make the stance hedged."""


def compile_all(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of ``patterns``, case-insensitive."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


CUE_RE = compile_all(CUE_PATTERNS)
DENIAL_RE = compile_all(DENIAL_PATTERNS)
DENIAL_BLOCKER_RE = compile_all(DENIAL_BLOCKERS)
OTHER_SENSE_RE = compile_all(DENIAL_OTHER_SENSES)
DENIAL_PREDICATE_RE = re.compile(DENIAL_PREDICATE, re.IGNORECASE)
SCOPE_BREAK_RE = re.compile(
    r"\b(?:said|says|saying|told|added|adding|according to|citing|stated|noted|wrote|"
    r"explained|insisted|confirmed)\b", re.IGNORECASE)
"""Verbs of saying that open a new clause: a denial word before one does not reach past it."""
HEDGE_RE = compile_all(HEDGE_PATTERNS)
