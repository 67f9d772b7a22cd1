"""Artefact probes of the contrast sets: partial-input models that must not solve them.

A contrast set measures understanding only if no surface cue gives its labels away
(issue 14; annotations/CONTRAST.md, Part 5). The probes are trained and scored exactly like
the official protocol: leave-one-document-out, the model of fold k trained on the rows of
the other documents, and one pooled score over the out-of-fold predictions of all folds.

``contrast_pairs`` (positive class: ``duplicate``)
    - ``surface_logreg``: a logistic regression on the surface features only (below);
    - each surface feature alone as a score, in both directions (``+``: higher means
      duplicate; ``-``: lower means duplicate).
    The average precision (AP) of each, in both directions, must stay at most
    ``PAIR_PROBE_MARGIN`` above the constant (the positive rate). Reported beside it: AP
    within each overlap level (``schema.HIGH_OVERLAP_MIN``), where both labels occur.

``contrast`` (positive class: ``denied``)
    - ``source_only``: a logistic regression on the immediate source id alone
      (``source``: a registry id or ``author``); denied F1 at most
      ``SOURCE_PROBE_MAX_DENIED_F1``;
    - ``masked_passage_bow``: a bag-of-words logistic regression on the passage with the
      claim span, the immediate cue span and every denial-lexicon word
      (``retold.text.denial``) removed: a denial word and the stance's cue legitimately say
      "denied", the probe looks for every other cue; denied F1 at most
      ``PASSAGE_PROBE_MAX_DENIED_F1``;
    - both models decide at the cut that maximises denied F1 on their training folds
      (``f1_threshold``);
    - the phrasing scan: no word n-gram of 1 to ``PHRASING_MAX_N`` tokens outside the
      claim span and touching no denial-lexicon word may occur in at least
      ``PHRASING_MIN_ROWS`` rows and be denied in more than ``PHRASING_MAX_PRECISION`` of
      them.

The build (``retold.pipeline.build_release``) runs the probes on the rows it releases,
writes ``probes.json`` into the release, and refuses the set when a probe crosses its
threshold, once ``schema.DATASET_VERSION`` reaches ``schema.PROBE_CHECK_FROM``. Every
model is deterministic (fixed solver, no random state used), so the scores are too.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.preprocessing import StandardScaler

from retold.errors import Problem
from retold.schema import AUTHOR, HIGH_OVERLAP_MIN, PAIR_CELLS, PROBE_CHECK_FROM
from retold.text.denial import DENIAL_PATTERN
from retold.text.reuse import normalise, reuse_tokens, text_similarity

Row = Mapping[str, Any]

PAIR_PROBE_MARGIN = 0.10
"""A surface pair probe may score an AP of at most the constant (positive rate) + this."""
SOURCE_PROBE_MAX_DENIED_F1 = 0.45
"""The source-only row probe may reach at most this denied F1."""
PASSAGE_PROBE_MAX_DENIED_F1 = 0.50
"""The masked-passage bag-of-words row probe may reach at most this denied F1."""
PHRASING_MAX_PRECISION = 0.7
"""A phrasing (n-gram outside the claim and the denial words) may be denied in at most
this share of the rows it occurs in, once it occurs in ``PHRASING_MIN_ROWS`` rows or more."""
PHRASING_MIN_ROWS = 8
PROBE_MIN_ITEMS = 40
"""A config with fewer items (a test fixture) is probed and reported but never refused:
leave-one-document-out on a handful of items measures nothing."""
PHRASING_MAX_N = 3
PROBE_C = 1.0
"""Inverse regularisation strength of every probe's logistic regression (scikit-learn's
default; no class weights). A row probe says denied where P(denied) >= 0.5, so a probe
that learns nothing says so of no row while fewer than half of the training rows are
denied; the F1 ceilings assume a denied share well below one half (0.22 in release 1.1,
where calling every row denied gives F1 0.36)."""
PROBE_ERROR = "probe-solves"
"""Error code of a build refused because an artefact probe solves the contrast set."""

PAIR_FEATURES: tuple[str, ...] = ("dice", "jaccard", "char_ratio", "length_ratio",
                                  "length_difference")
PAIR_FEATURE_DEFINITIONS: dict[str, str] = {
    "dice": "token-LCS Dice similarity (the `similarity` column, schema.REUSE_MEASURE)",
    "jaccard": "Jaccard index of the two sets of word tokens",
    "char_ratio": "difflib.SequenceMatcher ratio of the normalised strings (no autojunk)",
    "length_ratio": "shorter / longer length in word tokens",
    "length_difference": "absolute difference of the lengths in word tokens",
}
SURFACE_LOGREG = "surface_logreg"
SOURCE_ONLY = "source_only"
MASKED_PASSAGE_BOW = "masked_passage_bow"
PHRASING_SCAN = "phrasing_scan"
PROBE_DESCRIPTIONS: dict[str, str] = {
    SURFACE_LOGREG: "logistic regression on the surface features below (standardised)",
    **{f"feature_{f}": f"the single feature {f}: {d}" for f, d in
       PAIR_FEATURE_DEFINITIONS.items()},
    SOURCE_ONLY: "logistic regression on the immediate source id alone (one-hot)",
    MASKED_PASSAGE_BOW: ("bag-of-words (1-2 grams) logistic regression on the passage, "
                         "claim span and denial-lexicon words removed"),
    PHRASING_SCAN: (f"word 1-{PHRASING_MAX_N} grams outside the claim span and the "
                    "denial-lexicon words"),
}

_WORD_RE = re.compile(r"\w+")
_DENIAL_RE = re.compile(DENIAL_PATTERN, re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Features.
# --------------------------------------------------------------------------------------
def pair_features(a: str, b: str) -> dict[str, float]:
    """The surface features of two texts (``PAIR_FEATURE_DEFINITIONS``)."""
    ta, tb = reuse_tokens(a), reuse_tokens(b)
    sa, sb = set(ta), set(tb)
    longer = max(len(ta), len(tb))
    return {
        "dice": text_similarity(a, b),
        "jaccard": len(sa & sb) / len(sa | sb) if sa | sb else 1.0,
        "char_ratio": difflib.SequenceMatcher(None, normalise(a), normalise(b),
                                              autojunk=False).ratio(),
        "length_ratio": min(len(ta), len(tb)) / longer if longer else 1.0,
        "length_difference": float(abs(len(ta) - len(tb))),
    }


def masked_passage(text: str, start: int, end: int,
                   cue: tuple[int, int] | None = None) -> str:
    """The passage with the claim span ``[start, end)``, the immediate cue span ``cue``
    (when given and not ``-1``) and every denial-lexicon match replaced by one space each
    (no placeholder token, which would itself be a cue). Masking the cue of every row, not
    only the denials', leaves the same residue ("the army ... that") whatever the stance, so
    what the probe can still read is the rest of the passage: its artefacts."""
    spans = sorted([(start, end)] + ([cue] if cue and cue[0] >= 0 else []))
    parts, at = [], 0
    for s, e in spans:
        if s > at:
            parts.append(text[at:s])
        at = max(at, e)
    parts.append(text[at:])
    return _DENIAL_RE.sub(" ", " ".join(parts))


def outside_ngrams(text: str, start: int, end: int, max_n: int = PHRASING_MAX_N) -> set[str]:
    """The lower-cased word n-grams (1..``max_n``) of ``text`` before and after the claim
    span, none crossing the span, none touching a denial-lexicon match."""
    denials = [m.span() for m in _DENIAL_RE.finditer(text)]
    grams: set[str] = set()
    for lo, hi in ((0, start), (end, len(text))):
        tokens = [(m.group(0).lower(), m.start() + lo, m.end() + lo)
                  for m in _WORD_RE.finditer(text[lo:hi])]
        clean = [not any(s < de and ds < e for ds, de in denials) for _, s, e in tokens]
        for n in range(1, max_n + 1):
            for i in range(len(tokens) - n + 1):
                if all(clean[i:i + n]):
                    grams.add(" ".join(t for t, _, _ in tokens[i:i + n]))
    return grams


# --------------------------------------------------------------------------------------
# Leave-one-document-out.
# --------------------------------------------------------------------------------------
def out_of_fold(folds: Sequence[int], labels: np.ndarray,
                fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """Pooled out-of-fold scores: for each fold k, ``fit_predict(train_idx, test_idx)``
    trained on the items of the other folds scores the items of fold k. A fold whose
    training items hold one class only gets that class's indicator (1.0 or 0.0)."""
    folds_arr = np.asarray(folds)
    out = np.zeros(len(folds_arr), dtype=float)
    for k in sorted(set(folds_arr.tolist())):
        test = np.flatnonzero(folds_arr == k)
        train = np.flatnonzero(folds_arr != k)
        classes = set(labels[train].tolist())
        if len(classes) < 2:
            out[test] = 1.0 if classes == {True} else 0.0
            continue
        out[test] = fit_predict(train, test)
    return out


def _logreg() -> LogisticRegression:
    return LogisticRegression(C=PROBE_C, max_iter=5000, solver="lbfgs")


def feature_matrix(a: Sequence[str], b: Sequence[str]) -> np.ndarray:
    """The surface features (``PAIR_FEATURES`` order) of each pair ``(a[i], b[i])``."""
    rows = [pair_features(x, y) for x, y in zip(a, b, strict=True)]
    return np.array([[f[name] for name in PAIR_FEATURES] for f in rows],
                     dtype=float).reshape(len(rows), len(PAIR_FEATURES))


class SurfaceProbe:
    """A logistic regression on standardised surface features of text pairs (the pair
    probe; the leaderboard's artefact probe baseline calls the same class)."""

    def fit(self, x: np.ndarray, labels: np.ndarray) -> SurfaceProbe:
        self.constant = float(np.mean(labels)) if len(labels) else 0.0
        self.model: LogisticRegression | None = None
        if len(set(np.asarray(labels).tolist())) > 1:
            self.scaler = StandardScaler().fit(x)
            self.model = _logreg().fit(self.scaler.transform(x), labels)
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """P(positive) of each row of ``x`` (the training rate if training had one class)."""
        if self.model is None or not len(x):
            return np.full(len(x), self.constant)
        return self.model.predict_proba(self.scaler.transform(x))[:, 1]


class TextProbe:
    """A bag-of-words logistic regression (binary word n-gram counts; vocabulary from the
    training texts): the source-only probe on ``source=<id>`` and the masked-passage probe."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = ngram_range

    def fit(self, texts: Sequence[str], labels: np.ndarray) -> TextProbe:
        self.constant = float(np.mean(labels)) if len(labels) else 0.0
        self.model: LogisticRegression | None = None
        if len(set(np.asarray(labels).tolist())) > 1:
            self.vectorizer = CountVectorizer(lowercase=True, token_pattern=r"\w+",
                                              ngram_range=self.ngram_range, binary=True)
            self.model = _logreg().fit(self.vectorizer.fit_transform(list(texts)), labels)
        return self

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """P(positive) of each text (the training rate if training had one class)."""
        if self.model is None or not len(texts):
            return np.full(len(texts), self.constant)
        return self.model.predict_proba(self.vectorizer.transform(list(texts)))[:, 1]


def source_text(source: str) -> str:
    """What the source-only probe reads of a row: its immediate source id, one token."""
    return f"source_{(source or AUTHOR).replace('-', '_')}"


def logreg_scores(x: np.ndarray, labels: np.ndarray, folds: Sequence[int]) -> np.ndarray:
    """Out-of-fold P(positive) of ``SurfaceProbe`` on the feature rows ``x``."""
    return out_of_fold(folds, labels, lambda tr, te: SurfaceProbe().fit(x[tr], labels[tr])
                       .score(x[te]))


def f1_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The cut on ``scores`` (predict positive when score >= cut) that maximises the
    positive class's F1 on these (training) items; the highest such cut on ties; +inf when
    no cut predicts a positive correctly. The row probes' decisions use the cut of each
    fold's training items, so a probe is as strong as its training data allow and the
    held-out fold never moves it."""
    best, cut = 0.0, float("inf")
    for c in sorted(set(scores.tolist()), reverse=True):
        value = f1(labels, scores >= c)
        if value > best:
            best, cut = value, c
    return cut


def bow_decisions(texts: Sequence[str], labels: np.ndarray, folds: Sequence[int],
                  ngram_range: tuple[int, int] = (1, 2)) -> np.ndarray:
    """Out-of-fold decisions of ``TextProbe`` (``out_of_fold``): each fold's model and its
    F1-best cut (``f1_threshold``) come from the other folds' items only."""
    def fit_predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        probe = TextProbe(ngram_range).fit([texts[i] for i in train], labels[train])
        cut = f1_threshold(probe.score([texts[i] for i in train]), labels[train])
        return (probe.score([texts[i] for i in test]) >= cut).astype(float)
    return out_of_fold(folds, labels, fit_predict) >= 0.5


# --------------------------------------------------------------------------------------
# Scores.
# --------------------------------------------------------------------------------------
def ap(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """scikit-learn's average precision, or None when ``labels`` hold one class only."""
    if len(set(labels.tolist())) < 2:
        return None
    return float(average_precision_score(labels, scores))


def f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    """F1 of the positive class (0.0 when undefined)."""
    tp = int((labels & predicted).sum())
    fp = int((~labels & predicted).sum())
    fn = int((labels & ~predicted).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True)
class ProbeResult:
    """One probe's pooled score against its limit."""

    config: str
    probe: str
    metric: str
    score: float | None
    limit: float
    extra: Mapping[str, Any]

    @property
    def passed(self) -> bool:
        return self.score is None or self.score <= self.limit

    def to_json(self) -> dict[str, Any]:
        return {"config": self.config, "probe": self.probe, "metric": self.metric,
                "score": _r(self.score), "limit": _r(self.limit), "passed": self.passed,
                **self.extra}


def pair_probes(rows: Sequence[Row]) -> tuple[list[ProbeResult], dict[str, Any]]:
    """The pair probes on ``contrast_pairs`` rows, and a summary (counts, constant)."""
    rows = sorted(rows, key=lambda r: r["pair_id"])
    labels = np.array([bool(r["duplicate"]) for r in rows], dtype=bool)
    folds = [int(r["fold"]) for r in rows]
    x = feature_matrix([r["claim_text"] for r in rows], [r["edited_text"] for r in rows])
    high = x[:, PAIR_FEATURES.index("dice")] >= HIGH_OVERLAP_MIN
    constant = float(labels.mean()) if len(labels) else 0.0
    limit = constant + PAIR_PROBE_MARGIN
    cells = {c: 0 for c in PAIR_CELLS}
    for r in rows:
        cells[r["cell"]] += 1
    summary = {"pairs": len(rows), "positive_rate": _r(constant), "cells": cells}
    if not len(rows):
        return [], summary
    scored = {SURFACE_LOGREG: logreg_scores(x, labels, folds)}
    for j, name in enumerate(PAIR_FEATURES):
        scored[f"feature_{name}"] = x[:, j]
    results = []
    for probe, s in scored.items():
        for sign, direction in ((1.0, "+"), (-1.0, "-")):
            score = sign * s
            results.append(ProbeResult(
                "contrast_pairs", f"{probe} ({direction})", "average_precision",
                ap(labels, score), limit,
                {"constant": _r(constant),
                 "average_precision_high_overlap": _r(ap(labels[high], score[high])),
                 "average_precision_low_overlap": _r(ap(labels[~high], score[~high]))}))
    return results, summary


def phrasings(rows: Sequence[Row], min_rows: int = PHRASING_MIN_ROWS) -> list[dict[str, Any]]:
    """Every phrasing in at least ``min_rows`` rows, with its rows, denied rows and
    precision, most precise first (ties: more rows first, then the phrasing)."""
    seen: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        for gram in outside_ngrams(r["text"], r["start"], r["end"]):
            seen[gram].append(bool(r["denied"]))
    out = [{"phrasing": g, "rows": len(v), "denied": sum(v), "precision": sum(v) / len(v)}
           for g, v in seen.items() if len(v) >= min_rows]
    return sorted(out, key=lambda p: (-p["precision"], -p["rows"], p["phrasing"]))


def row_probes(rows: Sequence[Row]) -> tuple[list[ProbeResult], dict[str, Any]]:
    """The row probes on ``contrast`` rows, and a summary (counts, flagged phrasings)."""
    rows = sorted(rows, key=lambda r: r["contrast_id"])
    labels = np.array([bool(r["denied"]) for r in rows], dtype=bool)
    folds = [int(r["fold"]) for r in rows]
    summary: dict[str, Any] = {"rows": len(rows), "denied": int(labels.sum())}
    if not len(rows):
        return [], summary
    sources = [source_text(str(r["source"])) for r in rows]
    source_denied = bow_decisions(sources, labels, folds, (1, 1))
    passages = [masked_passage(r["text"], r["start"], r["end"],
                               (int(r.get("cue_start", -1)), int(r.get("cue_end", -1))))
                for r in rows]
    passage_denied = bow_decisions(passages, labels, folds)
    all_denied = f1(labels, np.ones(len(labels), dtype=bool))
    results = [
        ProbeResult("contrast", SOURCE_ONLY, "denied_f1", f1(labels, source_denied),
                    SOURCE_PROBE_MAX_DENIED_F1, {"all_denied_f1": _r(all_denied)}),
        ProbeResult("contrast", MASKED_PASSAGE_BOW, "denied_f1",
                    f1(labels, passage_denied), PASSAGE_PROBE_MAX_DENIED_F1,
                    {"all_denied_f1": _r(all_denied)}),
    ]
    found = phrasings(rows)
    flagged = [p for p in found if p["precision"] > PHRASING_MAX_PRECISION]
    worst = found[0] if found else None
    results.append(ProbeResult(
        "contrast", PHRASING_SCAN, "precision", worst["precision"] if worst else None,
        PHRASING_MAX_PRECISION,
        {"phrasing": worst["phrasing"] if worst else None,
         "phrasing_rows": worst["rows"] if worst else 0,
         "min_rows": PHRASING_MIN_ROWS,
         "flagged": [{**p, "precision": _r(p["precision"])} for p in flagged]}))
    return results, summary


def thresholds() -> dict[str, Any]:
    """Every threshold of the probes (for probes.json and the card)."""
    return {"pair_probe_margin": PAIR_PROBE_MARGIN,
            "source_probe_max_denied_f1": SOURCE_PROBE_MAX_DENIED_F1,
            "passage_probe_max_denied_f1": PASSAGE_PROBE_MAX_DENIED_F1,
            "phrasing_max_precision": PHRASING_MAX_PRECISION,
            "phrasing_min_rows": PHRASING_MIN_ROWS, "phrasing_max_n": PHRASING_MAX_N,
            "min_items": PROBE_MIN_ITEMS,
            "high_overlap_min": HIGH_OVERLAP_MIN, "enforced_from": PROBE_CHECK_FROM}


def run_probes(edits: Sequence[Row], pairs: Sequence[Row]) -> dict[str, Any]:
    """Every probe on the released contrast rows: the content of ``probes.json``."""
    pair_results, pair_summary = pair_probes(pairs)
    row_results, row_summary = row_probes(edits)
    return {"protocol": "leave-one-document-out, pooled out-of-fold predictions",
            "thresholds": thresholds(),
            "contrast_pairs": pair_summary, "contrast": row_summary,
            "probes": [r.to_json() for r in pair_results + row_results]}


PROBE_FILES = {"contrast_pairs": "annotations/contrast/pairs.jsonl",
               "contrast": "annotations/contrast/edits.jsonl"}


def probe_problems(report: Mapping[str, Any]) -> list[Problem]:
    """One problem per probe of ``report`` (``run_probes``) that crosses its threshold, on
    a config of at least ``PROBE_MIN_ITEMS`` items."""
    problems = []
    sizes = {"contrast_pairs": report["contrast_pairs"]["pairs"],
             "contrast": report["contrast"]["rows"]}
    for p in report["probes"]:
        if p["passed"] or sizes[p["config"]] < PROBE_MIN_ITEMS:
            continue
        if p["probe"] == PHRASING_SCAN:
            shown = ", ".join(f"{f['phrasing']!r} ({f['denied']}/{f['rows']})"
                              for f in p["flagged"][:5])
            message = (f"artefact probe {PHRASING_SCAN}: {len(p['flagged'])} phrasing(s) "
                       f"outside the claim and the denial words mark denied with precision "
                       f"> {p['limit']} across >= {p['min_rows']} rows, e.g. {shown}")
        else:
            message = (f"artefact probe {p['probe']} solves the {p['config']} config: "
                       f"{p['metric']} {p['score']:.3f} > threshold {p['limit']:.3f} "
                       "(leave-one-document-out, pooled)")
        problems.append(Problem(PROBE_FILES[p["config"]], p["probe"], PROBE_ERROR,
                                message + "; see annotations/CONTRAST.md, Part 5"))
    return problems
