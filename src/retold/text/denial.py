"""A plain denial lexicon: the words the contrast set's lexical denials use.

The issue that asked for the contrast set names them: deny, dismiss, reject, refute,
false, untrue, "not true" and baseless, in any form. ``has_denial_word`` is used twice:
the validator checks that a ``to_denied_lexical`` edit has such a word and a
``to_denied_nonlexical`` edit has none, and the contrast statistics report how well the
lexicon alone would find the denied rows (it should not: see ``annotations/CONTRAST.md``).
"""

from __future__ import annotations

import re

DENIAL_PATTERN = (
    r"(?:\b(?:"
    r"den(?:y|ies|ied|ying|ial|ials)"
    r"|dismiss\w*"
    r"|reject\w*"
    r"|refut\w*"
    r"|false\w*|falsif\w*"
    r"|untrue"
    r"|not\s+true"
    r"|baseless\w*"
    r")|n[’']t\s+true)\b"
)
"""Case-insensitive; matches inflected and derived forms (denied, dismissal, falsely)."""

_DENIAL_RE = re.compile(DENIAL_PATTERN, re.IGNORECASE)


def denial_words(text: str) -> list[str]:
    """Every denial-lexicon match in ``text``, in order."""
    return [m.group(0) for m in _DENIAL_RE.finditer(text)]


def has_denial_word(text: str) -> bool:
    """Whether ``text`` contains a word of the denial lexicon."""
    return _DENIAL_RE.search(text) is not None
