"""Check the contrast set against the corpus, the natural annotations and the schema.

The contrast set (``annotations/contrast/``, see ``retold.io.contrast`` for its files and
``annotations/CONTRAST.md`` for its rules) is written as quote-based drafts and anchored
once, by ``retold anchor --contrast`` (``anchor_contrast``), into the committed standoff
files ``contrast/standoff/*.jsonl``: every quote becomes offsets in the row's own ``text``
(or, for the unedited passage, in the original document) by the rules of
``retold.text.quotes``. ``retold validate`` (``check_contrast``, called by
``retold.validate.checks`` once the natural annotations are valid, so the build's
validation covers it too) reads the standoff lines, checks that each draft line has its
anchored line with the draft's digest, makes one record per row (``ContrastEdit``,
``ContrastPair``) and checks the records like natural annotations. A draft line without a
current standoff line is a ``stale-standoff`` problem, and is anchored in memory so that
its other problems are reported too. The release rows are laid out from the standoff lines
by ``retold.build.contrast_rows``. An annotation set without a ``contrast/`` folder (the
first and second reads) has nothing to check. The records are in
``retold.validate.contrast_records``; anchoring a draft and reading a standoff line back in
``retold.validate.contrast_anchoring``; the id registry in
``retold.validate.contrast_registry``.

Every problem names the file, the line and id, and one of these codes:

``shape``
    A line is not a JSON object, lacks a key, has an unknown key or a value of the wrong
    type; the registry ``retired.json`` is not ``{"issued": {"p": n, "x": n}, "retired":
    [{id, reason}]}`` (counts 0 to 9999) or lists an id twice; ``CONTRAST.md`` has no rule.
``missing-file``
    ``edits.jsonl``, ``pairs.jsonl``, ``retired.json`` or ``CONTRAST.md`` does not exist
    or is not a regular file (a FIFO, a folder), while the other of ``contrast/`` and
    ``CONTRAST.md`` does.
``shape`` (continued)
    ``contrast/blind/agreement.json``, when present, does not hold one JSON object (the
    card prints it).
``id-registry``
    A row id disagrees with the registry ``retired.json`` (checked in
    ``retold.validate.contrast_registry``): it was never issued; an issued id is neither in
    a row nor retired (a row was lost); a retired id was never issued.
``bad-id``
    A ``contrast_id`` is not ``x-`` and four digits, or a ``pair_id`` not ``p-`` and four;
    a retired id is neither.
``duplicate-id``
    A ``contrast_id`` or ``pair_id`` is used twice.
``retired-id``
    A row uses an id listed in ``contrast/retired.json``: ids are never reused.
``unknown-label``
    A stance or edit type not in the schema (``schema.STANCES``,
    ``schema.CONTRAST_EDIT_TYPES``, ``schema.CONTRAST_PAIR_EDIT_TYPES``).
``unknown-rule``
    The ``rule`` is not a rule heading of ``CONTRAST.md``, or its section does not list
    the row's edit type.
``unknown-original``
    ``original_claim_id`` (or a pair's ``claim_id``) is not a natural claim mention.
``quote-not-found``
    A quote (passage, claim, mention or cue) does not occur at word boundaries, or its
    ``occ`` is out of range.
``quote-ambiguous``
    A quote occurs more than once and no ``occ`` says which (mention and cue quotes take
    the occurrence nearest to the claim; a tie is this error).
``edit-mismatch``
    Applying the row's ``edit`` replacements to ``original`` (each ``old`` string must
    occur exactly once when it is applied) does not give ``text``, or ``text`` equals the
    unedited passage; a pair's ``edited_text`` equals its claim's text.
``passage-mismatch``
    The unedited passage does not contain the original mention's span, or overlaps
    boilerplate.
``offset-out-of-range``
    A claim, source or cue span is empty, reversed or outside ``text``.
``span-text-mismatch``
    A record's ``claim_text`` is not ``text[start:end]``.
``span-overlap``
    Two different spans of a row (claim, source mentions, cues) overlap.
``crosses-line``
    A row's ``text`` or ``edited_text`` is empty or contains a line break.
``not-token-aligned``
    A claim, source or cue boundary falls inside a token of ``text`` (``schema.TOKEN_PATTERN``).
``unknown-source``
    A chain link's source is not in ``sources.json`` (or is the reserved ``author``).
``chain-source-mismatch``
    A record's ``source`` is not its chain's last link, or not ``author`` for an empty chain.
``stance-source-mismatch``
    An ``asserted`` row is attributed, or a ``reported`` row is not (guidelines §6).
``doc-mismatch``
    A record's ``doc_id`` is not the document of its original mention.
``fold-mismatch``
    A record's ``fold`` is not the fold of its original mention's document.
``edit-type-mismatch``
    The labels do not show the change the edit type names: e.g. an ``asserted_to_reported``
    row whose original is not asserted or whose new stance is not reported; a distractor
    whose stance or chain differs from the original's, or that adds no denial word
    (``distractor_denial_word``); a ``to_denied_lexical`` row without a denial word, or a
    ``to_denied_nonlexical`` row with one (``retold.text.denial``); a ``denial_reworded``
    row whose passage has denial words exactly when the original's has; a ``source_changed``
    row with the same immediate source; a ``chain_added``/``chain_removed`` row whose
    chain is not the original's with one link added/removed.
``pair-label-mismatch``
    A pair's ``duplicate`` is not the one its edit type requires
    (``schema.CONTRAST_PAIR_EDIT_CELLS``): a ``hard_negative_*`` or ``different_*`` pair
    marked duplicate, or a ``hard_positive_*`` or ``same_*`` pair not marked.
``stale-standoff``
    A draft line has no line in ``contrast/standoff/`` (never anchored), or its line there
    records another digest (the draft was edited after ``retold anchor --contrast``), or
    copies another label or text than the draft has (the standoff was edited by hand); a
    standoff line has no draft line. Run ``retold anchor --contrast``.
``pair-surface``
    A pair's similarity to its claim (``schema.REUSE_MEASURE``) is not on the overlap level
    its edit type requires: ``hard_negative_*`` and ``same_*`` pairs must reach
    ``schema.REUSE_NEAR_VERBATIM_MIN`` (high overlap), ``hard_positive_*`` and
    ``different_*`` pairs must stay below it (low overlap).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from retold import schema
from retold.errors import (
    BAD_ID,
    CHAIN_SOURCE_MISMATCH,
    CROSSES_LINE,
    DOC_MISMATCH,
    DUPLICATE_ID,
    EDIT_MISMATCH,
    EDIT_TYPE_MISMATCH,
    FOLD_MISMATCH,
    NOT_TOKEN_ALIGNED,
    OFFSET_OUT_OF_RANGE,
    PAIR_LABEL_MISMATCH,
    PAIR_SURFACE,
    RETIRED_ID,
    SPAN_OVERLAP,
    SPAN_TEXT_MISMATCH,
    STANCE_SOURCE_MISMATCH,
    UNKNOWN_LABEL,
    UNKNOWN_RULE,
    UNKNOWN_SOURCE,
    InvalidInputError,
    Problem,
)
from retold.io.contrast import (
    BLIND_AGREEMENT_FILE,
    CONTRAST_DIR,
    EDITS_FILE,
    PAIRS_FILE,
    ContrastDrafts,
    EditStandoff,
    PairStandoff,
    has_contrast,
    load_contrast_drafts,
    load_contrast_standoff,
)
from retold.io.corpus import Document
from retold.io.standoff import AnnotationSet
from retold.io.toplevel import read_json_as
from retold.text.denial import denial_words
from retold.text.tokens import token_spans
from retold.validate.contrast_anchoring import (
    anchor_edit,
    edit_copies,
    pair_copies,
    pair_record,
    record_from_standoff,
    stale_problems,
    unmatched_standoff,
)
from retold.validate.contrast_records import (
    AnchoredLink,
    Context,
    ContrastEdit,
    ContrastPair,
    ContrastSet,
    NaturalClaim,
)
from retold.validate.contrast_registry import check_contrast_registry

__all__ = ["AnchoredLink", "Context", "ContrastEdit", "ContrastPair", "ContrastSet",
           "NaturalClaim", "anchor_contrast", "check_contrast", "check_edit_records",
           "check_pair_records", "edit_type_mismatch", "load_contrast",
           "load_contrast_or_raise"]

EDIT_ID_PATTERN = re.compile(r"x-[0-9]{4}")
PAIR_ID_PATTERN = re.compile(r"p-[0-9]{4}")
ASSERTED = schema.label_named("STANCES", "asserted")
REPORTED = schema.label_named("STANCES", "reported")
HEDGED = schema.label_named("STANCES", "hedged")
DENIED = schema.label_named("STANCES", "denied")


def _edit(name: str) -> str:
    return schema.label_named("CONTRAST_EDIT_TYPES", name)


TRANSITIONS: dict[str, tuple[str, str]] = {
    _edit("asserted_to_reported"): (ASSERTED, REPORTED),
    _edit("reported_to_asserted"): (REPORTED, ASSERTED),
    _edit("reported_to_hedged"): (REPORTED, HEDGED),
    _edit("hedged_to_reported"): (HEDGED, REPORTED),
    _edit("asserted_to_hedged"): (ASSERTED, HEDGED),
    _edit("hedged_to_asserted"): (HEDGED, ASSERTED),
    _edit("denied_to_reported"): (DENIED, REPORTED),
    _edit("denial_reworded"): (DENIED, DENIED),
}
"""Edit types that change the stance: (original stance, edited stance)."""
KEEPS_CHAIN = (_edit("reported_to_hedged"), _edit("asserted_to_hedged"),
               _edit("hedged_to_asserted"))
DENIAL_REWORDED = _edit("denial_reworded")
TO_DENIED_LEXICAL = _edit("to_denied_lexical")
TO_DENIED_NONLEXICAL = _edit("to_denied_nonlexical")
DISTRACTOR_DENIAL_WORD = _edit("distractor_denial_word")
DISTRACTORS = (DISTRACTOR_DENIAL_WORD, _edit("distractor_attribution_word"),
               _edit("distractor_hedge_word"))
SOURCE_CHANGED = _edit("source_changed")
CHAIN_ADDED = _edit("chain_added")
CHAIN_REMOVED = _edit("chain_removed")


# --------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------
def check_contrast(annotations_dir: Path, docs: Sequence[Document],
                   annotations: AnnotationSet, *, anchored: bool = True) -> list[Problem]:
    """Every problem of the contrast set; empty when it is valid or there is none.

    Run it on natural annotations that passed ``validate``: the contrast rows refer to them.
    ``anchored=False`` checks the drafts alone, anchoring them in memory (what ``retold
    anchor --contrast`` would write), for a set whose standoff is yet to be written.
    """
    if not has_contrast(annotations_dir):
        return []
    problems: list[Problem] = []
    drafts = load_contrast_drafts(Path(annotations_dir), problems)
    _check_drafts(annotations_dir, drafts, Context.of(docs, annotations), problems,
                  anchored=anchored)
    return sorted(set(problems))


def load_contrast_or_raise(annotations_dir: Path, docs: Sequence[Document],
                           annotations: AnnotationSet) -> ContrastSet:
    """The checked contrast set (empty without one), its records made from the standoff
    lines; InvalidInputError with every problem."""
    if not has_contrast(annotations_dir):
        return ContrastSet((), ())
    problems: list[Problem] = []
    result = load_contrast(annotations_dir, Context.of(docs, annotations), problems)
    if problems:
        raise InvalidInputError(sorted(set(problems)))
    return result


def anchor_contrast(annotations_dir: Path, docs: Sequence[Document],
                    annotations: AnnotationSet) -> tuple[ContrastDrafts, ContrastSet]:
    """Anchor every draft line (the standoff files are not read) and check the records:
    what ``retold anchor --contrast`` writes. InvalidInputError with every problem."""
    problems: list[Problem] = []
    drafts = load_contrast_drafts(Path(annotations_dir), problems)
    result = _check_drafts(annotations_dir, drafts, Context.of(docs, annotations), problems,
                           anchored=False)
    if problems:
        raise InvalidInputError(sorted(set(problems)))
    return drafts, result


def load_contrast(annotations_dir: Path, context: Context,
                  problems: list[Problem]) -> ContrastSet:
    """Read and check the contrast set, its records made from the standoff lines; append
    every problem to ``problems``."""
    drafts = load_contrast_drafts(Path(annotations_dir), problems)
    return _check_drafts(annotations_dir, drafts, context, problems, anchored=True)


def _check_drafts(annotations_dir: Path, drafts: ContrastDrafts, context: Context,
                  problems: list[Problem], *, anchored: bool) -> ContrastSet:
    folder = Path(annotations_dir) / CONTRAST_DIR
    problems += check_contrast_registry(drafts, str(folder / EDITS_FILE),
                                        str(folder / PAIRS_FILE))
    if os.path.lexists(folder / BLIND_AGREEMENT_FILE):
        read_json_as(folder / BLIND_AGREEMENT_FILE, problems, dict, "one JSON object")
    problems += _check_ids([(d.file, d.where, d.contrast_id) for d in drafts.edits],
                           EDIT_ID_PATTERN, "contrast_id", drafts.retired, drafts.retired_file)
    problems += _check_ids([(d.file, d.where, d.pair_id) for d in drafts.pairs],
                           PAIR_ID_PATTERN, "pair_id", drafts.retired, drafts.retired_file)
    standoff_edits: dict[str, EditStandoff] | None = None
    standoff_pairs: dict[str, PairStandoff] | None = None
    if anchored:
        standoff = load_contrast_standoff(Path(annotations_dir), problems)
        standoff_edits = {s.contrast_id: s for s in standoff.edits or ()}
        standoff_pairs = {s.pair_id: s for s in standoff.pairs or ()}
        problems += unmatched_standoff(standoff.edits or (), {d.contrast_id
                                                               for d in drafts.edits}, drafts)
        problems += unmatched_standoff(standoff.pairs or (), {d.pair_id for d in drafts.pairs},
                                        drafts)
    edits = []
    for draft in drafts.edits:
        problems += _check_draft_labels(draft.file, draft.where, draft.edit_type, draft.rule,
                                        schema.CONTRAST_EDIT_TYPES, drafts.rules,
                                        drafts.rules_file, draft.stance)
        line = None
        if standoff_edits is not None:
            line = standoff_edits.get(draft.contrast_id)
            stale = stale_problems(draft.file, draft.where, draft.digest, line, edit_copies(draft))
            problems += stale
            if stale:
                line = None
        if line is not None:
            record = record_from_standoff(line, draft, context, problems)
        else:
            record = anchor_edit(draft, context, problems)
        if record is not None:
            edits.append(record)
    pairs = []
    for pair_draft in drafts.pairs:
        problems += _check_draft_labels(pair_draft.file, pair_draft.where,
                                        pair_draft.edit_type, pair_draft.rule,
                                        schema.CONTRAST_PAIR_EDIT_TYPES, drafts.rules,
                                        drafts.rules_file, None)
        if standoff_pairs is not None:
            problems += stale_problems(pair_draft.file, pair_draft.where, pair_draft.digest,
                               standoff_pairs.get(pair_draft.pair_id),
                               pair_copies(pair_draft))
        pair = pair_record(pair_draft, context, problems)
        if pair is not None:
            pairs.append(pair)
    problems += check_edit_records(edits, context)
    problems += check_pair_records(pairs, context)
    return ContrastSet(tuple(edits), tuple(pairs))


# --------------------------------------------------------------------------------------
# Draft checks: ids, labels, rules.
# --------------------------------------------------------------------------------------
def _check_ids(rows: list[tuple[str, str, str]], pattern: re.Pattern[str], what: str,
               retired: dict[str, str], retired_file: str) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for file, where, row_id in rows:
        if not pattern.fullmatch(row_id):
            yield Problem(file, where, BAD_ID,
                          f"{what} {row_id!r} does not match {pattern.pattern!r}")
        if row_id in first:
            yield Problem(file, where, DUPLICATE_ID,
                          f"{what} {row_id!r} is already used at {first[row_id]}")
        else:
            first[row_id] = where
        if row_id in retired:
            yield Problem(file, where, RETIRED_ID,
                          f"{what} {row_id!r} was retired ({retired[row_id]}) in "
                          f"{retired_file}; ids are never reused: take a new one")


def _check_draft_labels(file: str, where: str, edit_type: str, rule: str,
                        edit_types: tuple[str, ...], rules: dict[str, tuple[str, ...]],
                        rules_file: str, stance: str | None) -> Iterator[Problem]:
    if edit_type not in edit_types:
        yield Problem(file, where, UNKNOWN_LABEL,
                      f"unknown edit type {edit_type!r}; known: {', '.join(edit_types)}")
    if stance is not None and stance not in schema.STANCES:
        yield Problem(file, where, UNKNOWN_LABEL,
                      f"unknown stance {stance!r}; known: {', '.join(schema.STANCES)}")
    if not rules:
        return  # CONTRAST.md unreadable: reported once by the loader
    if rule not in rules:
        yield Problem(file, where, UNKNOWN_RULE,
                      f"rule {rule!r} is not a rule of {rules_file}; known: "
                      f"{', '.join(sorted(rules))}")
    elif edit_type in edit_types and edit_type not in rules[rule]:
        yield Problem(file, where, UNKNOWN_RULE,
                      f"rule {rule!r} does not cover edit type {edit_type!r} (it covers: "
                      f"{', '.join(rules[rule]) or 'none'})")


# --------------------------------------------------------------------------------------
# Record checks (run on anchored records: the rows as they will be released).
# --------------------------------------------------------------------------------------
def _spans(record: ContrastEdit) -> list[tuple[str, int, int]]:
    out = [("claim", record.start, record.end)]
    for i, link in enumerate(record.chain):
        if link.source_start != -1 or link.source_end != -1:
            out.append((f"chain[{i}] source", link.source_start, link.source_end))
        if link.cue_start != -1 or link.cue_end != -1:
            out.append((f"chain[{i}] cue", link.cue_start, link.cue_end))
    return out


def check_edit_records(records: Sequence[ContrastEdit], context: Context) -> list[Problem]:
    """Every problem of anchored edit records (see the module docstring for the codes)."""
    problems: list[Problem] = []
    for r in records:
        problems += _check_edit_record(r, context)
    return problems


def _check_edit_record(r: ContrastEdit, context: Context) -> Iterator[Problem]:
    file, where = r.file, r.where
    if not r.text or "\n" in r.text:
        yield Problem(file, where, CROSSES_LINE, "text is empty or contains a line break")
    spans = _spans(r)
    good = []
    for name, s, e in spans:
        if not 0 <= s < e <= len(r.text):
            yield Problem(file, where, OFFSET_OUT_OF_RANGE,
                          f"{name} span [{s}, {e}) is empty, reversed or outside the text "
                          f"(length {len(r.text)})")
        else:
            good.append((name, s, e))
    if 0 <= r.start < r.end <= len(r.text) and r.text[r.start:r.end] != r.claim_text:
        yield Problem(file, where, SPAN_TEXT_MISMATCH,
                      f"claim_text {r.claim_text!r} is not text[{r.start}:{r.end}] = "
                      f"{r.text[r.start:r.end]!r}")
    tokens = token_spans(r.text)  # the build's rule: starts on token starts, ends on ends
    starts, ends = {s for s, _ in tokens}, {e for _, e in tokens}
    for name, s, e in good:
        for side, offset, edges in (("start", s, starts), ("end", e, ends)):
            if offset not in edges:
                yield Problem(file, where, NOT_TOKEN_ALIGNED,
                              f"{name} {side} {offset} falls inside a token: "
                              f"{r.text[max(0, offset - 15):offset]!r} | "
                              f"{r.text[offset:offset + 15]!r}")
    for i, (name_a, s_a, e_a) in enumerate(good):
        for name_b, s_b, e_b in good[i + 1:]:
            if s_a < e_b and s_b < e_a and (s_a, e_a) != (s_b, e_b):
                yield Problem(file, where, SPAN_OVERLAP,
                              f"{name_a} [{s_a}, {e_a}) overlaps {name_b} [{s_b}, {e_b})")
    yield from _check_sources(r, context)
    yield from _check_doc_and_fold(file, where, r.doc_id, r.fold, r.original_claim_id,
                                   context)
    if r.stance in schema.STANCES and r.edit_type in schema.CONTRAST_EDIT_TYPES:
        message = edit_type_mismatch(r)
        if message:
            yield Problem(file, where, EDIT_TYPE_MISMATCH, message)


def _check_sources(r: ContrastEdit, context: Context) -> Iterator[Problem]:
    file, where = r.file, r.where
    for i, link in enumerate(r.chain):
        if link.source == schema.AUTHOR or link.source not in context.registry:
            yield Problem(file, where, UNKNOWN_SOURCE,
                          f"chain[{i}] source {link.source!r} is not in sources.json"
                          + (" (author is only for an empty chain)"
                             if link.source == schema.AUTHOR else ""))
    expected = r.chain[-1].source if r.chain else schema.AUTHOR
    if r.source != expected:
        yield Problem(file, where, CHAIN_SOURCE_MISMATCH,
                      f"source {r.source!r} is not {expected!r}, the chain's last link")
    if r.stance == ASSERTED and r.chain:
        yield Problem(file, where, STANCE_SOURCE_MISMATCH,
                      "an asserted claim is stated in the author's voice: its chain must "
                      "be empty")
    if r.stance == REPORTED and not r.chain:
        yield Problem(file, where, STANCE_SOURCE_MISMATCH,
                      "a reported claim is attributed: its chain must not be empty")


def _one_link_removed(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    return len(longer) == len(shorter) + 1 and any(
        longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def edit_type_mismatch(r: ContrastEdit) -> str:
    """Why the labels do not show the change ``r.edit_type`` names, or ``""``."""
    old, new = r.original_stance, r.stance
    old_chain, new_chain = r.original_chain, tuple(link.source for link in r.chain)
    kind = r.edit_type
    if kind in TRANSITIONS:
        want_old, want_new = TRANSITIONS[kind]
        if (old, new) != (want_old, want_new):
            return (f"{kind} needs original stance {want_old} and new stance {want_new}; "
                    f"got {old} -> {new}")
        if kind in KEEPS_CHAIN and new_chain != old_chain:
            return f"{kind} keeps the attribution, but the chain {new_chain} != {old_chain}"
        if kind == DENIAL_REWORDED and (
                bool(denial_words(r.text)) == bool(denial_words(r.original_text))):
            return (f"{kind} must replace the denial words by other words (or the reverse); "
                    f"denial words before: {denial_words(r.original_text)}, after: "
                    f"{denial_words(r.text)}")
        return ""
    if kind in (TO_DENIED_LEXICAL, TO_DENIED_NONLEXICAL):
        if old == DENIED or new != DENIED:
            return (f"{kind} needs an original that is not denied and new stance denied; "
                    f"got {old} -> {new}")
        words = denial_words(r.text)
        if kind == TO_DENIED_LEXICAL and not words:
            return f"{kind} needs a denial word in the text; it has none"
        if kind == TO_DENIED_NONLEXICAL and words:
            return f"{kind} must have no denial word; the text has {words}"
        return ""
    if new != old:
        return f"{kind} keeps the stance, but it changed {old} -> {new}"
    if kind in DISTRACTORS:
        if new_chain != old_chain:
            return f"{kind} keeps every label, but the chain {new_chain} != {old_chain}"
        if kind == DISTRACTOR_DENIAL_WORD and (
                len(denial_words(r.text)) <= len(denial_words(r.original_text))):
            return f"{kind} must add a denial word to the passage"
        return ""
    if kind == SOURCE_CHANGED:
        if not new_chain or len(new_chain) != len(old_chain) or new_chain[-1] == old_chain[-1]:
            return (f"{kind} needs a chain as long as the original's with another immediate "
                    f"source; got {new_chain} from {old_chain}")
        return ""
    if kind == CHAIN_ADDED and not _one_link_removed(new_chain, old_chain):
        return f"{kind} needs the original chain plus one link; got {new_chain} from {old_chain}"
    if kind == CHAIN_REMOVED and not (new_chain and _one_link_removed(old_chain, new_chain)):
        return (f"{kind} needs the original chain minus one link (not empty); got {new_chain} "
                f"from {old_chain}")
    return ""


def check_pair_records(records: Sequence[ContrastPair], context: Context) -> list[Problem]:
    """Every problem of duplicate-edit records (see the module docstring for the codes)."""
    problems: list[Problem] = []
    for r in records:
        problems += _check_pair_record(r, context)
    return problems


def _check_doc_and_fold(file: str, where: str, doc_id: str, fold: int, claim_id: str,
                        context: Context) -> Iterator[Problem]:
    """A contrast row's ``doc_id`` and ``fold`` must be those of its natural claim's document
    (nothing to check when the claim is unknown: that is reported on its own)."""
    original = context.claims.get(claim_id)
    if original is None:
        return
    if doc_id != original.doc_id:
        yield Problem(file, where, DOC_MISMATCH,
                      f"doc_id {doc_id!r} is not {original.doc_id!r}, the document of {claim_id}")
    document = context.documents.get(original.doc_id)
    if document is not None and fold != document.fold:
        yield Problem(file, where, FOLD_MISMATCH,
                      f"fold {fold} is not {document.fold}, the fold of {original.doc_id}")


def _check_pair_record(r: ContrastPair, context: Context) -> Iterator[Problem]:
    file, where = r.file, r.where
    if not r.edited_text.strip() or "\n" in r.edited_text:
        yield Problem(file, where, CROSSES_LINE,
                      "edited_text is empty or contains a line break")
    if r.edited_text == r.claim_text:
        yield Problem(file, where, EDIT_MISMATCH,
                      f"edited_text equals the text of {r.claim_id}: nothing was edited")
    yield from _check_doc_and_fold(file, where, r.doc_id, r.fold, r.claim_id, context)
    expected = schema.CONTRAST_PAIR_EDIT_CELLS.get(r.edit_type)
    if expected is None:
        return
    duplicate, high = expected
    if r.duplicate != duplicate:
        yield Problem(file, where, PAIR_LABEL_MISMATCH,
                      f"a {r.edit_type} pair must have duplicate={duplicate}")
    threshold = schema.REUSE_NEAR_VERBATIM_MIN
    if high and r.similarity < threshold:
        yield Problem(file, where, PAIR_SURFACE,
                      f"a {r.edit_type} pair must look alike: similarity {r.similarity:.3f} < "
                      f"{threshold}")
    if not high and r.similarity >= threshold:
        yield Problem(file, where, PAIR_SURFACE,
                      f"a {r.edit_type} pair must look different: similarity "
                      f"{r.similarity:.3f} >= {threshold}")
