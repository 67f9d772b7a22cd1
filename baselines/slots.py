"""Slots of a claim, and where two claims disagree on them.

A claim's *slots* are the names, numbers, quantifiers, time words, actions and negation it
states.
Two retellings of one proposition name the same slots, perhaps in other words ("Tehran" for
"Iran", "several" for "some"); an edit that changes the proposition usually changes one
("Iraq" for "Jordan", "all" for "some", "has not begun" for "has begun"). The pair's
*conflicts* are the number of slot types on which the two claims disagree once every alias
is mapped to one canonical value.

Every table here is general English or general geography (``tables/places.tsv``,
``tables/actions.tsv``), written without reading the contrast pairs; the only
corpus-derived parts come from the training documents of a fold: which capitalised words
are names (:func:`name_words`: never written in lower case in the training claims) and
which sources have aliases (the sources the training claims cite, from the release's
``sources`` table). :func:`generated_pairs` makes
meaning-changing and meaning-preserving rewrites of training claims only, from training
vocabulary, and :func:`choose_weight` picks the penalty per conflict on training pairs and
those rewrites; no held-out row is read.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

SLOT_TYPES = ("name", "number", "quantifier", "time", "action", "negation")
"""The slot types, in the order conflicts are counted."""

PLACES = Path(__file__).with_name("tables") / "places.tsv"
ACTIONS = Path(__file__).with_name("tables") / "actions.tsv"

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1st", "second": "2nd", "third": "3rd",
}
"""Number words and ordinals, mapped to digits ("a dozen" is a quantifier)."""

QUANTIFIERS = {
    "all": "all", "every": "all", "each": "all", "entire": "all", "whole": "all",
    "most": "most", "majority": "most",
    "some": "some", "several": "some", "certain": "some", "a number of": "some",
    "a few": "some", "part of": "some",
    "many": "many", "numerous": "many", "dozens": "many", "hundreds": "many",
    "thousands": "many", "scores of": "many", "a dozen": "many",
    "few": "few", "none": "none", "no": "none", "both": "both",
}
"""Quantifiers by meaning class: within a class they paraphrase, across classes they differ."""

TIME_WORDS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "yesterday", "tomorrow", "tonight",
    "morning", "evening", "night", "week", "weekend", "month", "year",
)
"""Time words (weekdays, months, deictic days, calendar units)."""

NEGATIONS = (
    r"\bnot\b", r"n['’]t\b", r"\bnever\b", r"\bnor\b", r"\bno longer\b",
    r"\b(?:deny|denies|denied|denying|denial)\b", r"\b(?:reject|rejects|rejected)\b",
    r"\b(?:dismiss|dismisses|dismissed)\b", r"\bfalse\b", r"\buntrue\b", r"\bbaseless\b",
)
"""Negation and denial words (general English, as in ``baselines.lexicons``)."""

AUXILIARIES = ("is", "are", "was", "were", "has", "have", "had", "will", "would", "can",
               "could", "did", "does", "do", "should", "must")
"""Verbs after which "not" negates a clause: where generated negations are put."""

_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w’'.-]*[\w]|[A-Za-zÀ-ÿ]|\d[\d,.]*\d|\d")


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _bare(word: str) -> str:
    """Lower case, without a possessive ending."""
    return re.sub(r"['’]s$", "", word).lower()


def read_places(path: Path = PLACES) -> dict[str, str]:
    """Every word or phrase of the places table, lower-cased, mapped to its country."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [n.strip().lower() for n in line.split("\t") if n.strip()]
        for name in names:
            table[name] = names[0]
    return table


def read_actions(path: Path = ACTIONS) -> dict[str, str]:
    """Every verb form or phrase of the actions table, lower-cased, mapped to its action
    class (the first column)."""
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, *forms = [n.strip().lower() for n in line.split("\t") if n.strip()]
        for form in forms:
            if form in table:
                raise ValueError(f"{path}: {form!r} is in two action classes")
            table[form] = cls
    return table


ACTION_FORMS = read_actions()


def name_words(texts: Iterable[str]) -> frozenset[str]:
    """The capitalised words of ``texts`` that are never written in lower case there (so
    "Iran" is a name and "The", "Officials" are not), lower-cased; not single letters, time
    words or number words (those are slots of their own)."""
    capitalised, lower = set(), set()
    for text in texts:
        for _, _, word in _words(text):
            (capitalised if word[0].isupper() else lower).add(_bare(word))
    return frozenset(w for w in capitalised - lower
                     if len(w) > 1 and w not in TIME_WORDS and w not in NUMBER_WORDS)


@dataclass(frozen=True)
class AliasTable:
    """Phrases that name one thing, each mapped to a canonical value; and the words that
    are names in the training claims."""

    aliases: dict[str, str]
    names: frozenset[str]

    @cached_property
    def _patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        """Each alias with its pattern (any case, a possessive ending allowed), longest
        alias first; compiled once per table."""
        return [(phrase, re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?:['’]s)?(?!\w)",
                                    flags=re.IGNORECASE))
                for phrase in sorted(self.aliases, key=len, reverse=True)]

    @cached_property
    def read(self) -> dict[str, dict[str, frozenset[str]]]:
        """The slots of every text read with this table so far (``slots``), by text."""
        return {}

    def canonical_names(self, text: str) -> tuple[set[str], str]:
        """The canonical values of the aliases and names ``text`` mentions (an alias
        counts where it has a capital letter: "US", not "us"), and the text with those
        mentions blanked."""
        found: set[str] = set()
        taken = [False] * len(text)
        for phrase, pattern in self._patterns:
            for m in pattern.finditer(text):
                start, end = m.span()
                if not any(ch.isupper() for ch in text[start:end]) or any(taken[start:end]):
                    continue  # a common word ("us"), or inside a longer alias already found
                found.add(self.aliases[phrase])
                taken[start:end] = [True] * (end - start)
        chars = [" " if t else c for c, t in zip(text, taken, strict=True)]
        rest = "".join(chars)
        for _, _, word in _words(rest):
            if word[0].isupper() and _bare(word) in self.names:
                found.add(self.aliases.get(_bare(word), _bare(word)))
        return found, rest


def alias_table(training_texts: Sequence[str], sources: Sequence[dict],
                places: dict[str, str] | None = None) -> AliasTable:
    """The aliases of the places table and of ``sources`` (each with ``source_id``, ``name``
    and ``aliases``: pass only the sources the training claims cite), the names of
    ``training_texts``. A source alias without a capital letter, or of one word that the
    training claims also write in lower case ("Sources"), is left out: a common word."""
    names = name_words(training_texts)
    common = {_bare(w) for t in training_texts for _, _, w in _words(t) if not w[0].isupper()}
    table = dict(read_places() if places is None else places)
    for source in sources:
        for alias in [source["name"], *source.get("aliases", ())]:
            phrase = alias.strip().lower()
            if not any(ch.isupper() for ch in alias) or (" " not in phrase
                                                        and phrase in common):
                continue
            table.setdefault(phrase, "source:" + source["source_id"])
    return AliasTable(aliases=table, names=names)


_QUANTIFIER = re.compile(r"(?<!\w)(" + "|".join(
    re.escape(q) for q in sorted(QUANTIFIERS, key=len, reverse=True)) + r")(?!\w)")
_NEGATION = re.compile("|".join(NEGATIONS))
_TIME = re.compile(r"\b(" + "|".join(TIME_WORDS) + r")s?\b", flags=re.IGNORECASE)
_ACTION = re.compile(r"(?<!\w)(" + "|".join(
    re.escape(f) for f in sorted(ACTION_FORMS, key=len, reverse=True)) + r")(?!\w)",
    flags=re.IGNORECASE)


def slots(text: str, table: AliasTable) -> dict[str, frozenset[str]]:
    """The canonical values of each slot type that ``text`` states (read once per text and
    table: the table keeps what it has read)."""
    found = table.read.get(text)
    if found is None:
        found = table.read[text] = _read_slots(text, table)
    return found


def _read_slots(text: str, table: AliasTable) -> dict[str, frozenset[str]]:
    names, rest = table.canonical_names(text)
    lower = rest.lower()
    numbers = set()
    for _, _, word in _words(lower):
        if word[0].isdigit():
            numbers.add(word.replace(",", ""))
        elif word in NUMBER_WORDS:
            numbers.add(NUMBER_WORDS[word])
    quantifiers = {QUANTIFIERS[m.group(1)] for m in _QUANTIFIER.finditer(lower)}
    times = {_value(word, "time", table) for _, _, word in _mentions(rest, "time", table)}
    actions = {_value(word, "action", table) for _, _, word in _mentions(rest, "action", table)}
    negation = {"negated"} if _NEGATION.search(lower) else set()
    return {"name": frozenset(names), "number": frozenset(numbers),
            "quantifier": frozenset(quantifiers), "time": frozenset(times),
            "action": frozenset(actions), "negation": frozenset(negation)}


def conflict_types(a: dict[str, frozenset[str]],
                   b: dict[str, frozenset[str]]) -> tuple[int, ...]:
    """For each slot type (in :data:`SLOT_TYPES` order), 1 where the two claims disagree on
    it: negation when one is negated and the other not; any other type when each claim
    states a value the other does not (a swap; a value one retelling leaves out is not a
    conflict)."""
    found = []
    for kind in SLOT_TYPES:
        x, y = a[kind], b[kind]
        found.append(int(x != y) if kind == "negation" else int(bool(x - y) and bool(y - x)))
    return tuple(found)


def pair_conflicts(pairs: Sequence[tuple[str, str]], table: AliasTable) -> np.ndarray:
    """The :func:`conflict_types` of each pair of texts: a pairs-by-slot-types array."""
    rows = [conflict_types(slots(a, table), slots(b, table)) for a, b in pairs]
    return np.array(rows, dtype=float).reshape(len(pairs), len(SLOT_TYPES))


def conflict_tensor(texts: Sequence[str], table: AliasTable) -> np.ndarray:
    """The text-by-text-by-slot-type array of :func:`conflict_types` (0 on the diagonal)."""
    found = [slots(t, table) for t in texts]
    n = len(found)
    tensor = np.zeros((n, n, len(SLOT_TYPES)))
    for i in range(n):
        for j in range(i + 1, n):
            tensor[i, j] = tensor[j, i] = conflict_types(found[i], found[j])
    return tensor


def generated_pairs(texts: Sequence[str], table: AliasTable,
                    seed: int) -> list[tuple[str, str, bool]]:
    """Rewrites of the training claims ``texts``, from their own vocabulary only: for each
    claim, one meaning-changing edit where it has a slot to change (a name, number,
    quantifier, time word or action swapped for another of the training claims' values of
    the same type, or "not" after its first auxiliary), labelled not a duplicate; and one
    meaning-preserving edit where it has an alias with another surface form (a place's name
    for its capital or demonym, a source's name for its alias), labelled a duplicate.
    Sorted, seeded."""
    rng = random.Random(seed)
    swapped = ("name", "number", "quantifier", "time", "action")
    surfaces: dict[str, dict[str, set[str]]] = {kind: {} for kind in swapped}
    by_canonical: dict[str, set[str]] = {}
    for phrase, value in table.aliases.items():
        by_canonical.setdefault(value, set()).add(phrase)
    for text in texts:
        for kind in ("name", "number", "time", "action"):
            for _, _, word in _mentions(text, kind, table):
                surfaces[kind].setdefault(_value(word, kind, table), set()).add(word)
        for m in _QUANTIFIER.finditer(text.lower()):
            surfaces["quantifier"].setdefault(QUANTIFIERS[m.group(1)], set()).add(m.group(1))
    out: set[tuple[str, str, bool]] = set()
    for text in texts:
        edits: list[str] = []
        for kind in swapped:
            for start, end, word in _mentions(text, kind, table):
                value = _value(word, kind, table)
                others = sorted(s for v, ss in surfaces[kind].items() if v != value for s in ss)
                if others:
                    edits.append(text[:start] + rng.choice(others) + text[end:])
        aux = re.search(r"\b(" + "|".join(AUXILIARIES) + r")\b(?! not)", text)
        if aux and not _NEGATION.search(text.lower()):
            edits.append(text[:aux.end()] + " not" + text[aux.end():])
        if edits:
            out.add((text, rng.choice(sorted(edits)), False))
        keeps = []
        for start, end, word in _mentions(text, "name", table):
            value = table.aliases.get(_bare(word), _bare(word))
            forms = sorted(f for f in by_canonical.get(value, ()) if f != _bare(word))
            if forms:
                form = rng.choice(forms)
                keeps.append(text[:start] + form[0].upper() + form[1:] + text[end:])
        if keeps:
            out.add((text, rng.choice(sorted(keeps)), True))
    return sorted(out)


def _mentions(text: str, kind: str, table: AliasTable) -> list[tuple[int, int, str]]:
    """Where ``text`` states a slot of ``kind``: (start, end, word), a possessive ending
    left outside the span."""
    if kind == "quantifier":
        return [(m.start(1), m.end(1), m.group(1)) for m in _QUANTIFIER.finditer(text)]
    if kind in ("time", "action"):  # any case, on the text itself (offsets stay its own)
        pattern = _TIME if kind == "time" else _ACTION
        # "may" is the month only as "May"; otherwise it is the verb
        return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)
                if kind == "action" or m.group(1).lower() != "may" or m.group() == "May"]
    found = []
    for start, _, word in _words(text):
        bare = re.sub(r"['’]s$", "", word)
        number = word[0].isdigit() or word.lower() in NUMBER_WORDS
        name = word[0].isupper() and (bare.lower() in table.names
                                      or bare.lower() in table.aliases)
        if (kind == "number" and number) or (kind == "name" and name):
            found.append((start, start + len(bare), bare))
    return found


def _value(word: str, kind: str, table: AliasTable) -> str:
    bare = _bare(word)
    if kind == "quantifier":
        return QUANTIFIERS.get(bare, bare)
    if kind == "number":
        return NUMBER_WORDS.get(bare, bare.replace(",", ""))
    if kind == "time":
        return _TIME.fullmatch(word.lower()).group(1)  # type: ignore[union-attr]
    if kind == "action":
        return ACTION_FORMS[word.lower()]
    return table.aliases.get(bare, bare)


WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)
"""The penalties per conflict that :func:`choose_weight` tries."""


def choose_weight(base: np.ndarray, conflict: np.ndarray, duplicate: np.ndarray,
                  generated_base: np.ndarray, generated_conflict: np.ndarray,
                  generated_duplicate: np.ndarray) -> tuple[float, dict[str, float]]:
    """The penalty per conflict (of :data:`WEIGHTS`) that maximises the mean of two average
    precisions: on the training pairs, and on the pairs generated from the training claims
    (ties: the smaller penalty). Both inputs are training data only. Returns the weight and
    each weight's objective."""
    def ap(scores: np.ndarray, labels: np.ndarray) -> float:
        if not labels.any() or labels.all():
            return 0.0
        return float(average_precision_score(labels, scores))

    objective = {}
    for w in WEIGHTS:
        objective[str(w)] = (ap(base - w * conflict, duplicate)
                             + ap(generated_base - w * generated_conflict,
                                  generated_duplicate)) / 2
    best = max(WEIGHTS, key=lambda w: (objective[str(w)], -w))
    return best, objective


RANKER_C = 1.0
"""The inverse regularisation strength of :func:`fit_ranker` (scikit-learn's default)."""


def fit_ranker(base: np.ndarray, conflict: np.ndarray, duplicate: np.ndarray,
               generated_base: np.ndarray, generated_conflict: np.ndarray,
               generated_duplicate: np.ndarray,
               natural_share: float = 0.5) -> LogisticRegression:
    """A logistic regression from (base score, one 0/1 column per slot type) to "duplicate",
    trained on the training pairs and the pairs generated from the training claims, the
    training pairs weighing ``natural_share`` of the total and the generated ones the rest
    (half each by default, as :func:`choose_weight`'s mean of two average precisions does).
    Returns the fitted scikit-learn estimator: its ``coef_`` is the base score's weight, then
    one weight per column of ``conflict`` (:data:`SLOT_TYPES` order for the slot ranker)."""
    x = np.vstack([np.column_stack([base, conflict]),
                   np.column_stack([generated_base, generated_conflict])])
    y = np.concatenate([duplicate, generated_duplicate]).astype(int)
    n, m = len(duplicate), len(generated_duplicate)
    weight = np.concatenate(
        [np.full(n, natural_share * (n + m) / n) if n else np.zeros(0),
         np.full(m, (1 - natural_share) * (n + m) / m) if m else np.zeros(0)])
    return LogisticRegression(C=RANKER_C, max_iter=1000).fit(x, y, sample_weight=weight)
