"""Attribution chains as release rows store them: one dict per link, outermost first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

NO_OFFSET = -1
"""The offset stored where a link (or the whole chain) has no source or cue span."""


def immediate_offsets(chain: Sequence[dict[str, Any]]) -> tuple[int, int, int, int]:
    """``(source_start, source_end, cue_start, cue_end)`` of the chain's last link, the one
    closest to the claim; all ``NO_OFFSET`` for an unattributed claim (empty chain)."""
    if not chain:
        return NO_OFFSET, NO_OFFSET, NO_OFFSET, NO_OFFSET
    last = chain[-1]
    return last["source_start"], last["source_end"], last["cue_start"], last["cue_end"]
