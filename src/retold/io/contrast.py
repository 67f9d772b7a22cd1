"""The contrast set's files: quote-based drafts, the retired ids and the rule list.

Layout, under an annotation set's folder (``annotations/``)::

    CONTRAST.md              the rules; each ``### <id>. <title>`` heading is one rule,
                             and its section's ``Edit types:`` line names the edit types
                             it may be used for (in backticks)
    contrast/edits.jsonl     stance and attribution edits, one JSON object a line
    contrast/pairs.jsonl     duplicate edits, one JSON object a line
    contrast/retired.json    the contrast id registry: how many ids of each kind were
                             issued, and those that were used once and dropped, each
                             with its reason (below)
    contrast/standoff/       the anchored contrast set, written by ``retold anchor
                             --contrast`` from the drafts (never by hand): edits.jsonl,
                             pairs.jsonl and the folder's retold-manifest.json

An edit line::

    {"contrast_id": "x-0001", "original_claim_id": "000-c001",
     "edit_type": "reported_to_asserted", "rule": "C2",
     "original": "<the unedited passage, quoted from the document>",
     "edit": [["<old>", "<new>"]],
     "text": "<the edited passage>",
     "claim": "<quote of the claim span in text>", "stance": "asserted",
     "chain": [{"source": "new-york-times", "mention": "the New York Times",
                "cue": "reports"}],
     "note": ""}

Optional keys: ``original_occ`` and ``original_boundary`` (for the passage, as ``occ``
and ``boundary`` in ``retold anchor``), ``occ`` and ``boundary`` (for the claim), and on a
chain link ``mention_occ``, ``cue_occ`` and ``boundary``. A pair line::

    {"pair_id": "p-0001", "claim_id": "001-c007", "edited_text": "...",
     "duplicate": false, "edit_type": "hard_negative_time", "rule": "P1", "note": ""}

The registry ``retired.json`` protects the rows as ``ids.json`` protects the claims
(``retold.io.ids``)::

    {"issued": {"p": 165, "x": 268},
     "retired": [{"id": "x-0005", "reason": "<why the row was dropped>"}]}

``issued`` counts the ids ever handed out per kind (``x``: ``contrast_id`` of an edit,
``p``: ``pair_id`` of a pair; ids ``1..n``, at most ``MAX_CONTRAST_ISSUED``). The validator
checks that every id in a row was issued, that no retired id is in a row, and that every
issued id is in a row or retired: a row that goes missing from ``edits.jsonl`` or
``pairs.jsonl`` is an error, not a smaller release, and a dropped row's id is retired,
never reused. A new row takes the next number and raises the count.

The drafts are what people edit; ``retold anchor --contrast`` anchors them once into
the standoff files, one line per draft line, in the drafts' order. An edit's standoff
line holds the draft's labels and texts with offsets instead of quotes, and the SHA-256 of
its draft line (``draft_digest``: the line's JSON object, keys sorted)::

    {"contrast_id": "x-0001", "draft_sha256": "<64 hex digits>",
     "original_claim_id": "000-c001", "edit_type": "reported_to_asserted", "rule": "C2",
     "text": "<the edited passage>", "start": 0, "end": 83, "claim_text": "...",
     "stance": "asserted",
     "chain": [{"source": "new-york-times", "source_start": 85, "source_end": 103,
                "cue_start": 104, "cue_end": 111}],
     "original_text": "<the unedited passage>", "passage_start": 0, "passage_end": 128,
     "note": ""}

(-1 for a link's absent mention or cue). A pair's standoff line is its draft line with
``draft_sha256`` after ``pair_id``. ``retold validate`` refuses a draft line without a
standoff line, or whose digest differs (it was edited and not anchored again), and the
build reads the standoff files only.

This module only reads: every line's shape is checked (types, required and unknown
keys) and problems carry the file and line number; the quotes are anchored and the
labels checked by ``retold.validate.contrast``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.errors import MISSING_FILE, SHAPE, Problem
from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.io.ids import is_count
from retold.io.toplevel import read_json_as

CONTRAST_DIR = "contrast"
EDITS_FILE = "edits.jsonl"
PAIRS_FILE = "pairs.jsonl"
RETIRED_FILE = "retired.json"
RULES_FILE = "CONTRAST.md"
STANDOFF_DIR = "standoff"
"""Under ``contrast/``: the anchored lines (``EDITS_FILE``, ``PAIRS_FILE`` there too)."""
ANCHOR_WRITER = "retold anchor --contrast"
"""The command named in the standoff folder's manifest: the only writer of that folder."""
BLIND_AGREEMENT_FILE = "blind/agreement.json"
"""Optional, under ``contrast/``: the blind read's agreement figures (one JSON object), shown
in the card (``retold.describe.contrast`` reads it)."""
MAX_RULES_BYTES = 4 * 1024 * 1024
"""The largest ``CONTRAST.md`` read (the committed one is ~40 kB)."""

ID_KINDS: dict[str, str] = {"x": "contrast_id", "p": "pair_id"}
"""The contrast id kinds by their prefix letter: edits (``x-0001``) and pairs (``p-0001``)."""
MAX_CONTRAST_ISSUED = 9_999
"""Contrast ids have four digits, so no more than this many of a kind can be issued."""

_RULE_HEADING = re.compile(r"^### ([A-Z]+[0-9]+)\. ")
_EDIT_TYPES_LINE = re.compile(r"^Edit types?: (.+)$")


@dataclass(frozen=True)
class LinkDraft:
    """One chain link as written: a source id and the quotes of its mention and cue."""

    source: str
    mention: str | None
    cue: str | None
    mention_occ: int | None = None
    cue_occ: int | None = None
    boundary: bool = True


@dataclass(frozen=True)
class EditDraft:
    """One line of ``edits.jsonl`` as written (quotes, not offsets)."""

    file: str
    line: int
    contrast_id: str
    original_claim_id: str
    edit_type: str
    rule: str
    original: str
    edit: tuple[tuple[str, str], ...]
    text: str
    claim: str
    stance: str
    chain: tuple[LinkDraft, ...]
    note: str = ""
    original_occ: int | None = None
    original_boundary: bool = True
    occ: int | None = None
    boundary: bool = True
    digest: str = ""
    """``draft_digest`` of the line as written."""

    @property
    def where(self) -> str:
        return f"line {self.line} {self.contrast_id}"


@dataclass(frozen=True)
class PairDraft:
    """One line of ``pairs.jsonl`` as written."""

    file: str
    line: int
    pair_id: str
    claim_id: str
    edited_text: str
    duplicate: bool
    edit_type: str
    rule: str
    note: str = ""
    digest: str = ""
    """``draft_digest`` of the line as written."""

    @property
    def where(self) -> str:
        return f"line {self.line} {self.pair_id}"


@dataclass(frozen=True)
class AnchoredLinkLine:
    """A chain link of an edit's standoff line: offsets in the row's ``text``, -1 if absent."""

    source: str
    source_start: int
    source_end: int
    cue_start: int
    cue_end: int


@dataclass(frozen=True)
class EditStandoff:
    """One line of ``contrast/standoff/edits.jsonl``."""

    file: str
    line: int
    contrast_id: str
    draft_sha256: str
    original_claim_id: str
    edit_type: str
    rule: str
    text: str
    start: int
    end: int
    claim_text: str
    stance: str
    chain: tuple[AnchoredLinkLine, ...]
    original_text: str
    passage_start: int
    passage_end: int
    note: str

    @property
    def where(self) -> str:
        return f"line {self.line} {self.contrast_id}"


@dataclass(frozen=True)
class PairStandoff:
    """One line of ``contrast/standoff/pairs.jsonl``."""

    file: str
    line: int
    pair_id: str
    draft_sha256: str
    claim_id: str
    edited_text: str
    duplicate: bool
    edit_type: str
    rule: str
    note: str

    @property
    def where(self) -> str:
        return f"line {self.line} {self.pair_id}"


@dataclass(frozen=True)
class ContrastStandoff:
    """The anchored lines of one annotation set (None for a file that does not exist)."""

    edits: tuple[EditStandoff, ...] | None
    pairs: tuple[PairStandoff, ...] | None
    edits_file: str
    pairs_file: str


@dataclass(frozen=True)
class ContrastDrafts:
    """Everything read from one annotation set's contrast files."""

    edits: tuple[EditDraft, ...]
    pairs: tuple[PairDraft, ...]
    retired: dict[str, str]
    rules: dict[str, tuple[str, ...]]
    rules_file: str
    retired_file: str
    issued: dict[str, int] | None = None
    """The registry's count of issued ids per kind letter; None when it was not read."""
    complete: frozenset[str] = frozenset()
    """The kind letters (``x``, ``p``) whose file was read with every line whole, so that an
    issued id missing from the rows really is missing."""


# Required keys and their types; optional keys and theirs.
_EDIT_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "contrast_id": str, "original_claim_id": str, "edit_type": str, "rule": str,
    "original": str, "edit": list, "text": str, "claim": str, "stance": str, "chain": list,
}
_EDIT_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "note": str, "original_occ": int, "original_boundary": bool, "occ": int, "boundary": bool,
}
_LINK_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "source": str, "mention": (str, type(None)), "cue": (str, type(None)),
}
_LINK_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "mention_occ": int, "cue_occ": int, "boundary": bool,
}
_PAIR_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "pair_id": str, "claim_id": str, "edited_text": str, "duplicate": bool,
    "edit_type": str, "rule": str,
}
_PAIR_OPTIONAL: dict[str, type | tuple[type, ...]] = {"note": str}
EDIT_STANDOFF_KEYS: dict[str, type | tuple[type, ...]] = {
    "contrast_id": str, "draft_sha256": str, "original_claim_id": str, "edit_type": str,
    "rule": str, "text": str, "start": int, "end": int, "claim_text": str, "stance": str,
    "chain": list, "original_text": str, "passage_start": int, "passage_end": int,
    "note": str,
}
"""Every key of an edit's standoff line, in the order written."""
LINK_STANDOFF_KEYS: dict[str, type | tuple[type, ...]] = {
    "source": str, "source_start": int, "source_end": int, "cue_start": int, "cue_end": int,
}
PAIR_STANDOFF_KEYS: dict[str, type | tuple[type, ...]] = {
    "pair_id": str, "draft_sha256": str, "claim_id": str, "edited_text": str,
    "duplicate": bool, "edit_type": str, "rule": str, "note": str,
}
"""Every key of a pair's standoff line, in the order written."""


def draft_digest(obj: dict[str, Any]) -> str:
    """The SHA-256 of a draft line's JSON object (keys sorted, no spaces, UTF-8): what its
    standoff line records, so that an edited draft line is told from an anchored one."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _type_ok(value: Any, typ: type | tuple[type, ...]) -> bool:
    # bool is a subclass of int: refuse it where an int is wanted.
    wanted = typ if isinstance(typ, tuple) else (typ,)
    if isinstance(value, bool) and bool not in wanted:
        return False
    return isinstance(value, wanted)


def _type_name(typ: type | tuple[type, ...]) -> str:
    types = typ if isinstance(typ, tuple) else (typ,)
    return "/".join("null" if t is type(None) else t.__name__ for t in types)


def _check_keys(obj: dict[str, Any], required: dict[str, Any], optional: dict[str, Any],
                what: str) -> list[str]:
    """Messages for missing, unknown and wrongly typed keys of ``obj``."""
    messages = []
    for key, typ in required.items():
        if key not in obj:
            messages.append(f"{what}: missing key {key!r}")
        elif not _type_ok(obj[key], typ):
            messages.append(f"{what}: {key!r} must be {_type_name(typ)}, "
                            f"got {type(obj[key]).__name__}")
    for key, value in obj.items():
        if key in required:
            continue
        if key not in optional:
            known = ", ".join(sorted([*required, *optional]))
            messages.append(f"{what}: unknown key {key!r} (known: {known})")
        elif not _type_ok(value, optional[key]):
            messages.append(f"{what}: {key!r} must be {_type_name(optional[key])}, "
                            f"got {type(value).__name__}")
    return messages


def _jsonl_objects(path: Path, problems: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSON Lines file with their line numbers (blank lines skipped)."""
    from retold.io.jsonio import problem_list, read_jsonl  # the one strict reader

    out = []
    for number, obj in read_jsonl(path, problem_list(str(path), problems)) or []:
        if not isinstance(obj, dict):
            problems.append(Problem(str(path), f"line {number}", SHAPE,
                                    "each line must be a JSON object"))
            continue
        out.append((number, obj))
    return out


def _link(obj: Any, i: int) -> tuple[LinkDraft | None, list[str]]:
    if not isinstance(obj, dict):
        return None, [f"chain[{i}] must be an object"]
    messages = _check_keys(obj, _LINK_REQUIRED, _LINK_OPTIONAL, f"chain[{i}]")
    if messages:
        return None, messages
    return LinkDraft(source=obj["source"], mention=obj["mention"], cue=obj["cue"],
                     mention_occ=obj.get("mention_occ"), cue_occ=obj.get("cue_occ"),
                     boundary=obj.get("boundary", True)), []


def _edit_pairs(value: list[Any]) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    pairs = []
    for i, item in enumerate(value):
        if (not isinstance(item, list) or len(item) != 2
                or not all(isinstance(x, str) for x in item) or not item[0]):
            return (), [f"edit[{i}] must be a list of two strings [old, new], old non-empty"]
        pairs.append((item[0], item[1]))
    if not pairs:
        return (), ["edit must list at least one [old, new] replacement"]
    return tuple(pairs), []


def load_edits(path: Path, problems: list[Problem]) -> list[EditDraft]:
    """The lines of ``edits.jsonl`` that have the right shape; problems for the others."""
    out = []
    for number, obj in _jsonl_objects(path, problems):
        messages = _check_keys(obj, _EDIT_REQUIRED, _EDIT_OPTIONAL, "edit row")
        links: list[LinkDraft] = []
        edit: tuple[tuple[str, str], ...] = ()
        if not messages:
            edit, more = _edit_pairs(obj["edit"])
            messages += more
            for i, raw in enumerate(obj["chain"]):
                link, more = _link(raw, i)
                messages += more
                if link is not None:
                    links.append(link)
        where = f"line {number}" + (f" {obj['contrast_id']}"
                                    if isinstance(obj.get("contrast_id"), str) else "")
        if messages:
            problems.extend(Problem(str(path), where, SHAPE, m) for m in messages)
            continue
        out.append(EditDraft(
            file=str(path), line=number, contrast_id=obj["contrast_id"],
            original_claim_id=obj["original_claim_id"], edit_type=obj["edit_type"],
            rule=obj["rule"], original=obj["original"], edit=edit, text=obj["text"],
            claim=obj["claim"], stance=obj["stance"], chain=tuple(links),
            note=obj.get("note", ""), original_occ=obj.get("original_occ"),
            original_boundary=obj.get("original_boundary", True), occ=obj.get("occ"),
            boundary=obj.get("boundary", True), digest=draft_digest(obj),
        ))
    return out


def load_pairs(path: Path, problems: list[Problem]) -> list[PairDraft]:
    """The lines of ``pairs.jsonl`` that have the right shape; problems for the others."""
    out = []
    for number, obj in _jsonl_objects(path, problems):
        messages = _check_keys(obj, _PAIR_REQUIRED, _PAIR_OPTIONAL, "pair row")
        where = f"line {number}" + (f" {obj['pair_id']}"
                                    if isinstance(obj.get("pair_id"), str) else "")
        if messages:
            problems.extend(Problem(str(path), where, SHAPE, m) for m in messages)
            continue
        out.append(PairDraft(
            file=str(path), line=number, pair_id=obj["pair_id"], claim_id=obj["claim_id"],
            edited_text=obj["edited_text"], duplicate=obj["duplicate"],
            edit_type=obj["edit_type"], rule=obj["rule"], note=obj.get("note", ""),
            digest=draft_digest(obj),
        ))
    return out


def load_registry(path: Path,
                  problems: list[Problem]) -> tuple[dict[str, int] | None, dict[str, str]]:
    """The registry's issued counts (None when unreadable) and its retired id → reason."""
    file = str(path)
    data = read_json_as(path, problems, dict,
                        'one JSON object {"issued": {"p": <count>, "x": <count>}, '
                        '"retired": [{"id", "reason"}]}')
    if data is None:
        return None, {}
    if set(data) != {"issued", "retired"}:
        problems.append(Problem(file, "-", SHAPE, f"must have exactly the keys 'issued' and "
                                                  f"'retired', got {sorted(data)}"))
        return None, {}
    issued, retired = data["issued"], data["retired"]
    counts: dict[str, int] | None = None
    if (isinstance(issued, dict) and set(issued) == set(ID_KINDS)
            and all(is_count(n, MAX_CONTRAST_ISSUED) for n in issued.values())):
        counts = dict(issued)
    else:
        shown = repr(issued) if len(repr(issued)) < 80 else repr(issued)[:77] + "..."
        problems.append(Problem(file, "issued", SHAPE,
                                f"'issued' must map each of {sorted(ID_KINDS)} to a count "
                                f"from 0 to {MAX_CONTRAST_ISSUED}, got {shown}"))
    if not isinstance(retired, list):
        problems.append(Problem(file, "retired", SHAPE,
                                "'retired' must be a list of {id, reason} objects"))
        return None, {}
    out: dict[str, str] = {}
    for i, item in enumerate(retired):
        if (not isinstance(item, dict) or set(item) != {"id", "reason"}
                or not isinstance(item["id"], str) or not isinstance(item["reason"], str)):
            problems.append(Problem(file, f"retired[{i}]", SHAPE,
                                    "must be an object with string 'id' and 'reason' only"))
            counts = None  # an unreadable retired id: what is unaccounted for is unknown
            continue
        if item["id"] in out:
            problems.append(Problem(file, f"retired[{i}] {item['id']}", SHAPE,
                                    f"retired id {item['id']!r} is listed twice"))
        out.setdefault(item["id"], item["reason"])
    return counts, out


def parse_rules(markdown: str) -> dict[str, tuple[str, ...]]:
    """Rule id → the edit types its section allows, from the ``### <id>. `` headings."""
    rules: dict[str, list[str]] = {}
    current: str | None = None
    for line in markdown.splitlines():
        heading = _RULE_HEADING.match(line)
        if heading:
            current = heading.group(1)
            rules.setdefault(current, [])
            continue
        if line.startswith("#"):
            current = None
            continue
        types = _EDIT_TYPES_LINE.match(line)
        if current is not None and types:
            rules[current].extend(re.findall(r"`([a-z_]+)`", types.group(1)))
    return {rule: tuple(types) for rule, types in rules.items()}


def load_rules(path: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """The rules of ``CONTRAST.md``; a problem when the file is missing or has none."""
    try:
        markdown = read_bytes_bounded(path, MAX_RULES_BYTES).decode("utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", MISSING_FILE, "file does not exist"))
        return {}
    except UnreadableFileError as err:
        problems.append(Problem(str(path), "-", MISSING_FILE, f"cannot be read: it {err.reason}"))
        return {}
    except (OSError, UnicodeDecodeError) as err:
        problems.append(Problem(str(path), "-", MISSING_FILE, f"cannot be read: {err}"))
        return {}
    rules = parse_rules(markdown)
    if not rules:
        problems.append(Problem(str(path), "-", SHAPE,
                                "no rule headings ('### <ID>. <title>') found"))
    return rules


def has_contrast(annotations_dir: Path) -> bool:
    """Whether the annotation set has a contrast set (the first and second reads do not).

    Either of ``contrast/`` and ``CONTRAST.md`` says so (whatever kind of file it is), so
    that deleting the folder alone is a missing file, not a release without contrast rows.
    """
    root = Path(annotations_dir)
    return os.path.lexists(root / CONTRAST_DIR) or os.path.lexists(root / RULES_FILE)


def load_contrast_drafts(annotations_dir: Path, problems: list[Problem]) -> ContrastDrafts:
    """Read every contrast file of an annotation set, recording problems."""
    root = Path(annotations_dir)
    folder = root / CONTRAST_DIR
    complete = set()
    before = len(problems)
    edits = tuple(load_edits(folder / EDITS_FILE, problems))
    if len(problems) == before:
        complete.add("x")
    before = len(problems)
    pairs = tuple(load_pairs(folder / PAIRS_FILE, problems))
    if len(problems) == before:
        complete.add("p")
    issued, retired = load_registry(folder / RETIRED_FILE, problems)
    return ContrastDrafts(
        edits=edits,
        pairs=pairs,
        retired=retired,
        rules=load_rules(root / RULES_FILE, problems),
        rules_file=str(root / RULES_FILE),
        retired_file=str(folder / RETIRED_FILE),
        issued=issued,
        complete=frozenset(complete),
    )


def _standoff_objects(path: Path, problems: list[Problem]
                      ) -> list[tuple[int, dict[str, Any]]] | None:
    """The objects of a standoff file, or None when it does not exist (not a problem here:
    the validator reports each draft line left without its standoff line)."""
    if not os.path.lexists(path):
        return None
    return _jsonl_objects(path, problems)


def load_edit_standoff(path: Path, problems: list[Problem]) -> tuple[EditStandoff, ...] | None:
    """The well-shaped lines of ``standoff/edits.jsonl`` (None when the file is missing)."""
    objects = _standoff_objects(path, problems)
    if objects is None:
        return None
    out = []
    for number, obj in objects:
        messages = _check_keys(obj, EDIT_STANDOFF_KEYS, {}, "anchored edit")
        links = []
        if not messages:
            for i, raw in enumerate(obj["chain"]):
                if not isinstance(raw, dict):
                    messages.append(f"chain[{i}] must be an object")
                    continue
                more = _check_keys(raw, LINK_STANDOFF_KEYS, {}, f"chain[{i}]")
                messages += more
                if not more:
                    links.append(AnchoredLinkLine(**raw))
        where = f"line {number}" + (f" {obj['contrast_id']}"
                                    if isinstance(obj.get("contrast_id"), str) else "")
        if messages:
            problems.extend(Problem(str(path), where, SHAPE, m) for m in messages)
            continue
        out.append(EditStandoff(file=str(path), line=number,
                                **{**obj, "chain": tuple(links)}))
    return tuple(out)


def load_pair_standoff(path: Path, problems: list[Problem]) -> tuple[PairStandoff, ...] | None:
    """The well-shaped lines of ``standoff/pairs.jsonl`` (None when the file is missing)."""
    objects = _standoff_objects(path, problems)
    if objects is None:
        return None
    out = []
    for number, obj in objects:
        messages = _check_keys(obj, PAIR_STANDOFF_KEYS, {}, "anchored pair")
        where = f"line {number}" + (f" {obj['pair_id']}"
                                    if isinstance(obj.get("pair_id"), str) else "")
        if messages:
            problems.extend(Problem(str(path), where, SHAPE, m) for m in messages)
            continue
        out.append(PairStandoff(file=str(path), line=number, **obj))
    return tuple(out)


def load_contrast_standoff(annotations_dir: Path, problems: list[Problem]) -> ContrastStandoff:
    """Read both standoff files of an annotation set's contrast set, recording problems."""
    folder = Path(annotations_dir) / CONTRAST_DIR / STANDOFF_DIR
    return ContrastStandoff(
        edits=load_edit_standoff(folder / EDITS_FILE, problems),
        pairs=load_pair_standoff(folder / PAIRS_FILE, problems),
        edits_file=str(folder / EDITS_FILE),
        pairs_file=str(folder / PAIRS_FILE),
    )


def edit_standoff_line(record: Any, digest: str) -> dict[str, Any]:
    """The standoff line (a JSON object, keys in ``EDIT_STANDOFF_KEYS`` order) of an
    anchored edit record (``retold.validate.contrast.ContrastEdit``)."""
    return {
        "contrast_id": record.contrast_id, "draft_sha256": digest,
        "original_claim_id": record.original_claim_id, "edit_type": record.edit_type,
        "rule": record.rule, "text": record.text, "start": record.start, "end": record.end,
        "claim_text": record.claim_text, "stance": record.stance,
        "chain": [{"source": ln.source, "source_start": ln.source_start,
                   "source_end": ln.source_end, "cue_start": ln.cue_start,
                   "cue_end": ln.cue_end} for ln in record.chain],
        "original_text": record.original_text, "passage_start": record.passage_start,
        "passage_end": record.passage_end, "note": record.note,
    }


def pair_standoff_line(draft: PairDraft) -> dict[str, Any]:
    """The standoff line of a pair draft (keys in ``PAIR_STANDOFF_KEYS`` order)."""
    return {"pair_id": draft.pair_id, "draft_sha256": draft.digest, "claim_id": draft.claim_id,
            "edited_text": draft.edited_text, "duplicate": draft.duplicate,
            "edit_type": draft.edit_type, "rule": draft.rule, "note": draft.note}


def standoff_texts(drafts: ContrastDrafts, edit_records: Any) -> dict[str, str]:
    """The standoff files (name -> JSON Lines text) of drafts anchored into ``edit_records``
    (``retold.validate.contrast.anchor_contrast``): one line per draft line, in order."""
    digests = {d.contrast_id: d.digest for d in drafts.edits}
    line = lambda obj: json.dumps(obj, ensure_ascii=False) + "\n"  # noqa: E731
    return {EDITS_FILE: "".join(line(edit_standoff_line(r, digests[r.contrast_id]))
                                for r in edit_records),
            PAIRS_FILE: "".join(line(pair_standoff_line(d)) for d in drafts.pairs)}
