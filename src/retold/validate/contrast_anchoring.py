"""Anchoring a contrast draft line, and reading its anchored (standoff) line back.

``anchor_edit`` turns a draft's quotes into offsets by the rules of ``retold.text.quotes``
(only ``retold anchor --contrast`` and the diagnosis of a stale draft line do that);
``record_from_standoff`` makes the same record from a current standoff line, and
``stale_problems`` / ``unmatched_standoff`` say when a standoff line is missing, stale,
edited by hand or left without its draft line (``retold.validate.contrast`` documents the
codes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from retold import schema
from retold.errors import (
    EDIT_MISMATCH,
    PASSAGE_MISMATCH,
    QUOTE_AMBIGUOUS,
    QUOTE_NOT_FOUND,
    STALE_STANDOFF,
    UNKNOWN_ORIGINAL,
    Problem,
)
from retold.io.contrast import (
    CONTRAST_DIR,
    STANDOFF_DIR,
    ContrastDrafts,
    EditDraft,
    EditStandoff,
    PairDraft,
    PairStandoff,
)
from retold.text.quotes import AMBIGUOUS, find_quote
from retold.text.reuse import text_similarity
from retold.validate.contrast_records import (
    AnchoredLink,
    Context,
    ContrastEdit,
    ContrastPair,
    NaturalClaim,
)


def quote_problem(file: str, where: str, what: str, failure: str, message: str) -> Problem:
    code = QUOTE_AMBIGUOUS if failure == AMBIGUOUS else QUOTE_NOT_FOUND
    return Problem(file, where, code, f"{what} {message}")


def apply_edit(original: str, edit: Sequence[tuple[str, str]]) -> tuple[str | None, str]:
    """``original`` with each ``(old, new)`` applied in order, or None and why not.

    Each ``old`` must occur exactly once in the text it is applied to, so that the edit
    says unambiguously what changed.
    """
    text = original
    for i, (old, new) in enumerate(edit):
        count = text.count(old)
        if count != 1:
            return None, f"edit[{i}] old string {old!r} occurs {count} times (must be once)"
        text = text.replace(old, new)
    return text, ""


def anchor_edit(draft: EditDraft, context: Context,
                 problems: list[Problem]) -> ContrastEdit | None:
    file, where = draft.file, draft.where
    found = list(edit_problems(draft))
    problems += found
    ok = not found
    original = context.claims.get(draft.original_claim_id)
    if original is None:
        problems.append(Problem(file, where, UNKNOWN_ORIGINAL,
                                f"original_claim_id {draft.original_claim_id!r} is not a "
                                f"claim mention of the annotations"))
        return None
    document = context.documents.get(original.doc_id)
    if document is None:
        return None  # its text failed to load: the natural validator says why
    passage = find_quote(document.text, draft.original, draft.original_occ,
                         draft.original_boundary)
    if passage.span is None:
        problems.append(quote_problem(file, where, f"original passage (in {original.doc_id})",
                                       passage.failure, passage.message))
        ok = False
    else:
        found = list(passage_problems(file, where, original, *passage.span, context))
        problems += found
        ok = ok and not found
    claim = find_quote(draft.text, draft.claim, draft.occ, draft.boundary)
    if claim.span is None:
        problems.append(quote_problem(file, where, "claim", claim.failure, claim.message))
        return None
    links = []
    for i, link in enumerate(draft.chain):
        spans = {}
        for key, quote, occ in (("mention", link.mention, link.mention_occ),
                                ("cue", link.cue, link.cue_occ)):
            spans[key] = (-1, -1)
            if quote is None:
                continue
            hit = find_quote(draft.text, quote, occ, link.boundary, near=claim.span)
            if hit.span is None:
                problems.append(quote_problem(file, where, f"chain[{i}] {key}",
                                               hit.failure, hit.message))
                ok = False
            else:
                spans[key] = hit.span
        links.append(AnchoredLink(link.source, *spans["mention"], *spans["cue"]))
    if not ok or passage.span is None:
        return None
    start, end = claim.span
    return ContrastEdit(
        file=file, line=draft.line, contrast_id=draft.contrast_id,
        original_claim_id=draft.original_claim_id, doc_id=original.doc_id,
        fold=document.fold, edit_type=draft.edit_type, rule=draft.rule, text=draft.text,
        start=start, end=end, claim_text=draft.text[start:end], stance=draft.stance,
        source=links[-1].source if links else schema.AUTHOR, chain=tuple(links),
        original_text=draft.original, passage_start=passage.span[0],
        passage_end=passage.span[1], original_stance=original.stance,
        original_source=original.source, original_chain=original.chain, note=draft.note,
    )


def pair_record(draft: PairDraft, context: Context,
                 problems: list[Problem]) -> ContrastPair | None:
    original = context.claims.get(draft.claim_id)
    if original is None:
        problems.append(Problem(draft.file, draft.where, UNKNOWN_ORIGINAL,
                                f"claim_id {draft.claim_id!r} is not a claim mention of "
                                f"the annotations"))
        return None
    document = context.documents.get(original.doc_id)
    if document is None:
        return None
    return ContrastPair(
        file=draft.file, line=draft.line, pair_id=draft.pair_id, claim_id=draft.claim_id,
        doc_id=original.doc_id, fold=document.fold, cluster_id=original.cluster,
        claim_text=original.text, edited_text=draft.edited_text, duplicate=draft.duplicate,
        edit_type=draft.edit_type, rule=draft.rule,
        similarity=text_similarity(original.text, draft.edited_text), note=draft.note,
    )




# --------------------------------------------------------------------------------------
# The standoff lines against their drafts.
# --------------------------------------------------------------------------------------
_RERUN = "run `retold anchor --contrast`"


def edit_copies(draft: EditDraft) -> dict[str, object]:
    """What an edit's standoff line copies from its draft line, by standoff key."""
    return {"original_claim_id": draft.original_claim_id, "edit_type": draft.edit_type,
            "rule": draft.rule, "text": draft.text, "stance": draft.stance,
            "original_text": draft.original, "note": draft.note,
            "chain": tuple(link.source for link in draft.chain)}


def pair_copies(draft: PairDraft) -> dict[str, object]:
    return {"claim_id": draft.claim_id, "edited_text": draft.edited_text,
            "duplicate": draft.duplicate, "edit_type": draft.edit_type, "rule": draft.rule,
            "note": draft.note}


def stale_problems(file: str, where: str, digest: str, line: EditStandoff | PairStandoff | None,
           copies: dict[str, object]) -> list[Problem]:
    """Why the draft line's standoff line is missing or not current (empty if current)."""
    folder = f"{CONTRAST_DIR}/{STANDOFF_DIR}/{Path(file).name}"
    if line is None:
        return [Problem(file, where, STALE_STANDOFF,
                        f"this draft line has no anchored line in {folder}: {_RERUN}")]
    if line.draft_sha256 != digest:
        return [Problem(file, where, STALE_STANDOFF,
                        f"this draft line was edited after it was anchored (its digest is not "
                        f"the one {folder} {line.where} records): {_RERUN}")]
    for key, value in copies.items():
        have = getattr(line, key)
        if key == "chain":
            have = tuple(link.source for link in have)
        if have != value:
            return [Problem(file, where, STALE_STANDOFF,
                            f"{folder} {line.where} has another {key!r} than this draft "
                            f"line (the standoff was edited by hand): {_RERUN}")]
    return []


def lost_row(row_id: str, drafts: ContrastDrafts) -> bool:
    """Whether the registry check reports ``row_id`` as a lost row (issued, not retired)."""
    kind, _, number = row_id.partition("-")
    return (drafts.issued is not None and kind in drafts.issued and number.isdigit()
            and 1 <= int(number) <= drafts.issued[kind] and row_id not in drafts.retired)


def unmatched_standoff(lines: Sequence[EditStandoff | PairStandoff],
                        draft_ids: set[str], drafts: ContrastDrafts) -> Iterator[Problem]:
    """Standoff lines without a draft line (the build would release them), and ids anchored
    twice. A line whose draft line was lost is left to the ``id-registry`` problem."""
    seen: set[str] = set()
    for line in lines:
        row_id = line.contrast_id if isinstance(line, EditStandoff) else line.pair_id
        if row_id not in draft_ids:
            if not lost_row(row_id, drafts):
                yield Problem(line.file, line.where, STALE_STANDOFF,
                              f"anchored line {row_id!r} has no draft line: {_RERUN}")
        elif row_id in seen:
            yield Problem(line.file, line.where, STALE_STANDOFF,
                          f"{row_id!r} is anchored twice: {_RERUN}")
        seen.add(row_id)


def record_from_standoff(line: EditStandoff, draft: EditDraft, context: Context,
                          problems: list[Problem]) -> ContrastEdit | None:
    """The record of a current standoff line (its passage checked against the document)."""
    file, where = draft.file, draft.where
    problems += edit_problems(draft)
    original = context.claims.get(line.original_claim_id)
    if original is None:
        problems.append(Problem(file, where, UNKNOWN_ORIGINAL,
                                f"original_claim_id {line.original_claim_id!r} is not a "
                                f"claim mention of the annotations"))
        return None
    document = context.documents.get(original.doc_id)
    if document is None:
        return None
    p_start, p_end = line.passage_start, line.passage_end
    if document.text[p_start:p_end] != line.original_text or not 0 <= p_start < p_end:
        problems.append(Problem(line.file, line.where, PASSAGE_MISMATCH,
                                f"the passage [{p_start}, {p_end}) of {original.doc_id} is not "
                                f"the unedited passage the line quotes: {_RERUN}"))
        return None
    found = list(passage_problems(file, where, original, p_start, p_end, context))
    problems += found
    if found:
        return None
    chain = tuple(AnchoredLink(ln.source, ln.source_start, ln.source_end, ln.cue_start,
                               ln.cue_end) for ln in line.chain)
    return ContrastEdit(
        file=file, line=draft.line, contrast_id=line.contrast_id,
        original_claim_id=line.original_claim_id, doc_id=original.doc_id,
        fold=document.fold, edit_type=line.edit_type, rule=line.rule, text=line.text,
        start=line.start, end=line.end, claim_text=line.claim_text, stance=line.stance,
        source=chain[-1].source if chain else schema.AUTHOR, chain=chain,
        original_text=line.original_text, passage_start=p_start, passage_end=p_end,
        original_stance=original.stance, original_source=original.source,
        original_chain=original.chain, note=line.note,
    )


def edit_problems(draft: EditDraft) -> Iterator[Problem]:
    """The draft's ``edit`` applied to ``original`` must give ``text``, and change it."""
    applied, why = apply_edit(draft.original, draft.edit)
    if applied is None:
        yield Problem(draft.file, draft.where, EDIT_MISMATCH, why)
    elif applied != draft.text:
        yield Problem(draft.file, draft.where, EDIT_MISMATCH,
                      f"applying edit to original gives {applied!r}, not the row's text "
                      f"{draft.text!r}")
    if draft.text == draft.original:
        yield Problem(draft.file, draft.where, EDIT_MISMATCH,
                      "text equals the unedited passage: nothing was edited")


def passage_problems(file: str, where: str, original: NaturalClaim, p_start: int,
                      p_end: int, context: Context) -> Iterator[Problem]:
    if not p_start <= original.start < original.end <= p_end:
        yield Problem(file, where, PASSAGE_MISMATCH,
                      f"the passage [{p_start}, {p_end}) does not contain "
                      f"{original.claim_id} [{original.start}, {original.end})")
    for b_start, b_end, b_id in context.boilerplate.get(original.doc_id, ()):
        if b_start < p_end and p_start < b_end:
            yield Problem(file, where, PASSAGE_MISMATCH,
                          f"the passage overlaps boilerplate {b_id} [{b_start}, {b_end})")


