"""Checks of the corpus manifest's values: doc ids, folds, publication dates, languages.

The loader (``retold.io.corpus``) has already reported unknown keys, missing and
wrong-typed fields and unknown genres and rights; a field it marked bad is not checked
again here. The error codes are documented in ``retold.validate.checks``.

Language tags are checked in two steps, both required:

1. *Well-formed*: the tag matches ``LANGUAGE_TAG_PATTERN``, the ``Language-Tag`` grammar of
   RFC 5646 section 2.1 (BCP 47) written as a regular expression: a language subtag with
   optional extended-language subtags, then optional script, region, variant, extension
   and private-use subtags, in that order, separated by hyphens; or a private-use tag
   (``x-...``); or one of the grandfathered tags listed in the RFC. Case does not matter.
   This refuses ``en_US``, ``en-``, ``english-US``, ``de-419-DE`` and ``a-DE``.
2. *Valid*: every subtag is registered in the IANA Language Subtag Registry, checked by
   ``langcodes.tag_is_valid`` (which ships a copy of the registry). This refuses tags that
   are well-formed but mean nothing, such as ``english`` (a well-formed 7-letter
   language subtag that is not registered) or ``jp`` (the country, not the language).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import langcodes

from retold.errors import (
    DUPLICATE_FOLD,
    DUPLICATE_ID,
    EMPTY_ID,
    FOLD_OUT_OF_RANGE,
    INVALID_DATE,
    INVALID_LANGUAGE,
    Problem,
)
from retold.io.corpus import Corpus

_ALNUM = "[a-z0-9]"
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language ["-" extlang]
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9a-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_PRIVATE_USE = rf"x(?:-{_ALNUM}{{1,8}})+"
_GRANDFATHERED = (
    "en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|"
    "i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|"
    "art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
LANGUAGE_TAG_PATTERN = rf"(?:{_LANGTAG}|{_PRIVATE_USE}|{_GRANDFATHERED})"
"""RFC 5646 ``Language-Tag`` (langtag / privateuse / grandfathered), matched in full and
case-insensitively. ``extlang`` allows up to three subtags as the RFC's ABNF does."""

_LANGUAGE_TAG_RE = re.compile(LANGUAGE_TAG_PATTERN, re.IGNORECASE | re.ASCII)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def well_formed_language_tag(tag: str) -> bool:
    """The tag follows the RFC 5646 syntax (not necessarily registered subtags)."""
    return _LANGUAGE_TAG_RE.fullmatch(tag) is not None


def language_tag_problem(tag: str) -> str | None:
    """Why ``tag`` is not a well-formed, valid BCP 47 language tag, or None if it is."""
    if not well_formed_language_tag(tag):
        return (f"language {tag!r} is not a well-formed BCP 47 language tag (RFC 5646), "
                f"such as 'en' or 'en-GB'")
    if not langcodes.tag_is_valid(tag):
        return (f"language {tag!r} is well-formed but not a valid BCP 47 tag: a subtag is "
                f"not in the IANA Language Subtag Registry or an extension letter repeats "
                f"(write e.g. 'en' for English)")
    return None


def date_problem(value: str) -> str | None:
    """Why ``value`` is neither empty nor an ISO 8601 calendar date ``YYYY-MM-DD``."""
    if value == "":
        return None
    if not _DATE_RE.fullmatch(value):
        return (f"published {value!r} is not an ISO 8601 date YYYY-MM-DD (or empty when "
                f"unknown)")
    try:
        datetime.date.fromisoformat(value)
    except ValueError as err:
        return f"published {value!r} is not a calendar date: {err}"
    return None


def id_problem(what: str, value: str) -> str | None:
    """Why an id is unusable (empty, white space only, or padded), or None."""
    if not value.strip():
        return f"{what} {value!r} is empty or only white space"
    if value != value.strip():
        return f"{what} {value!r} has leading or trailing white space"
    return None


def check_manifest(file: str, corpus: Corpus) -> Iterator[Problem]:
    """Doc ids present and unique, folds 0..n-1 each used once, dates and languages."""
    yield from _check_doc_ids(file, corpus)
    yield from _check_folds(file, corpus)
    for record in corpus.records:
        if "published" not in record.bad:
            message = date_problem(record.published)
            if message:
                yield Problem(file, record.where, INVALID_DATE, message)
        if "language" not in record.bad:
            message = language_tag_problem(record.language)
            if message:
                yield Problem(file, record.where, INVALID_LANGUAGE, message)


def _check_doc_ids(file: str, corpus: Corpus) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for record in corpus.records:
        if "doc_id" in record.bad:
            continue
        message = id_problem("doc_id", record.doc_id)
        if message:
            yield Problem(file, record.where, EMPTY_ID, message)
            continue
        if record.doc_id in seen:
            yield Problem(file, record.where, DUPLICATE_ID,
                          f"duplicate doc_id {record.doc_id!r}: it is listed more than once "
                          f"in the manifest (first at {seen[record.doc_id]}); the spans of "
                          f"its annotation file are checked once it names one document")
        seen.setdefault(record.doc_id, record.where)


def _check_folds(file: str, corpus: Corpus) -> Iterator[Problem]:
    """Each record's fold is in 0..n-1 (n = records in the manifest), none used twice.

    With n records, n folds in range and no fold twice, every fold is used exactly once,
    so a missing fold always shows as a duplicate or an out-of-range fold elsewhere; the
    messages name the unused folds.
    """
    n = corpus.size
    folds = [r for r in corpus.records if "fold" not in r.bad]
    unused = sorted(set(range(n)) - {r.fold for r in folds})
    note = f" (unused: {', '.join(map(str, unused))})" if unused else ""
    first: dict[int, str] = {}
    for record in folds:
        if not 0 <= record.fold < n:
            yield Problem(file, record.where, FOLD_OUT_OF_RANGE,
                          f"fold {record.fold} is not in 0..{n - 1}: the {n} documents have "
                          f"folds 0 to {n - 1}, one each{note}")
        elif record.fold in first:
            yield Problem(file, record.where, DUPLICATE_FOLD,
                          f"fold {record.fold} is already the fold of {first[record.fold]}; "
                          f"each fold holds exactly one document{note}")
        else:
            first[record.fold] = record.where
