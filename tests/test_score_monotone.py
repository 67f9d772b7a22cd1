"""Scores are monotone in coverage: leaving prediction lines out never raises a score.

Over the committed release, for every task and subset: a realistic predictions set (the
gold with seeded noise: flipped decisions, wrong and shifted spans, merged and split
clusters, noisy and tied pair scores, shuffled rankings) is scored, then again with lines
removed, and then with still more removed. No reported score may rise: every score key,
every per-fold value, every accuracy per edit type and both ends of every bootstrap
interval (the bootstrap resamples fixed gold units with a fixed seed). Counts (``n_*``,
``unscored_queries``) and the confusion matrix are not scores and are not compared.

The span tasks (``claims``, ``end2end``) are sets of predicted spans, one per line:
leaving out a false alarm rightly raises precision. For them the property is that
removing lines never raises a recall, and that removing correct lines (a gold span, the
gold's flags, overlapping no other predicted span) never raises any score.

The hand-worked examples at the end pin the exact counts that a missing line adds, so a
scorer that gave missing items any other answer fails (docs/metrics.md has the rule).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from score_gold import CLAIMS, DOCS, PAIRS, RELEASE, perfect
from sklearn.metrics import average_precision_score

from retold.io.release import read_config
from retold.schema import STANCES
from retold.score import score_records
from retold.score.metrics.coreference import coref_scores
from retold.score.metrics.ranking import average_precision, average_precision_resampled
from retold.score.scorers.clusters import ari

CONTRAST = read_config(RELEASE, "contrast")
CONTRAST_PAIRS = read_config(RELEASE, "contrast_pairs")
LENGTH = {d["doc_id"]: len(d["text"]) for d in DOCS}
BOOTSTRAP = {"n_bootstrap": 20, "seed": 0}
NOT_SCORES = ("stance_confusion_matrix", "unscored_queries")
TOLERANCE = 1e-9
CASES = [("attributed", "natural"), ("attributed", "contrast"), ("denied", "natural"),
         ("denied", "contrast"), ("duplicated", "natural"), ("duplicated", "contrast"),
         ("clusters", "natural"), ("retrieval", "natural")]
SPAN_TASKS = ("claims", "end2end")
PROPERTY = settings(max_examples=12, deadline=None, derandomize=True)


# -- realistic predictions -------------------------------------------------------------


def _source(rng: random.Random, attributed: bool, start: int, end: int, length: int
            ) -> tuple[int, int]:
    """A source span: the gold one, a shifted one or a random one (none if not attributed)."""
    if not attributed:
        return -1, -1
    roll = rng.random()
    if start >= 0 and roll < 0.6:
        return start, end
    if start >= 0 and roll < 0.8:
        shift = rng.choice((-3, 2, 5))
        return max(0, start + shift), min(length, max(start + shift + 1, end + shift))
    a = rng.randrange(0, length - 1)
    return a, rng.randrange(a + 1, min(length, a + 30) + 1)


def _attributed_lines(rng: random.Random, rows: list[dict[str, Any]], key: str,
                      length: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        decided = r["attributed"] if rng.random() < 0.8 else not r["attributed"]
        start, end = _source(rng, decided, r["source_start"], r["source_end"], length[r[key]])
        out.append({key: r[key], "attributed": decided, "source_start": start,
                    "source_end": end})
    return out


def _stance_lines(rng: random.Random, rows: list[dict[str, Any]], key: str
                  ) -> list[dict[str, Any]]:
    return [{key: r[key], "stance": r["stance"] if rng.random() < 0.7 else rng.choice(STANCES)}
            for r in rows]


def _pair_lines(rng: random.Random, rows: list[dict[str, Any]], keys: tuple[str, ...]
                ) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        # scores on a coarse grid: many ties between duplicate and other pairs, where
        # scikit-learn's tie rule alone would let a missing duplicate pair raise AP
        score = round(min(1.0, max(0.0, 0.6 * r["duplicate"] + rng.gauss(0.2, 0.25))), 1)
        out.append({**{k: r[k] for k in keys}, "score": score, "duplicate": score > 0.5})
    return out


def noisy(task: str, subset: str, seed: int) -> list[dict[str, Any]]:
    """The gold of ``task`` and ``subset`` as prediction lines, with seeded noise."""
    rng = random.Random(seed)
    if task == "attributed":
        lines = _attributed_lines(rng, CLAIMS, "claim_id",
                                  {c["claim_id"]: LENGTH[c["doc_id"]] for c in CLAIMS})
        if subset == "contrast":
            lines += _attributed_lines(rng, CONTRAST, "contrast_id",
                                       {r["contrast_id"]: len(r["text"]) for r in CONTRAST})
        return lines
    if task == "denied":
        lines = _stance_lines(rng, CLAIMS, "claim_id")
        if subset == "contrast":
            lines += _stance_lines(rng, CONTRAST, "contrast_id")
        return lines
    if task == "duplicated":
        if subset == "contrast":
            return _pair_lines(rng, CONTRAST_PAIRS, ("pair_id",))
        return _pair_lines(rng, PAIRS, ("claim_id_a", "claim_id_b"))
    if task == "clusters":
        clusters = sorted({c["cluster_id"] for c in CLAIMS})
        out = []
        for c in CLAIMS:
            roll = rng.random()
            label = (rng.choice(clusters) if roll < 0.15 else f"own-{c['claim_id']}"
                     if roll < 0.25 else c["cluster_id"])
            out.append({"claim_id": c["claim_id"], "cluster": label})
        return out
    if task == "retrieval":
        out = []
        for line in perfect("retrieval"):
            ranking = list(line["ranking"])
            for _ in range(rng.randrange(0, 6)):
                i, j = rng.randrange(len(ranking)), rng.randrange(min(len(ranking), 8))
                ranking[i], ranking[j] = ranking[j], ranking[i]
            out.append({"claim_id": line["claim_id"],
                        "ranking": ranking[:rng.choice((3, 10, len(ranking)))]})
        return out
    return _noisy_spans(rng, task)


def _noisy_spans(rng: random.Random, task: str) -> list[dict[str, Any]]:
    seen: set[tuple[str, int, int]] = set()
    out = []

    def add(doc: str, start: int, end: int, claim: dict[str, Any] | None) -> None:
        if (doc, start, end) in seen or not 0 <= start < end <= LENGTH[doc]:
            return
        seen.add((doc, start, end))
        line: dict[str, Any] = {"doc_id": doc, "start": start, "end": end}
        if task == "end2end":
            for flag in ("attributed", "denied"):
                gold = bool(claim and claim[flag])
                line[flag] = gold if rng.random() < 0.8 else not gold
        out.append(line)

    for c in CLAIMS:
        roll = rng.random()
        if roll < 0.6:
            add(c["doc_id"], c["start"], c["end"], c)
        elif roll < 0.8:
            add(c["doc_id"], c["start"] + rng.choice((1, 3)), c["end"], c)
    for doc, length in LENGTH.items():
        for _ in range(3):
            a = rng.randrange(0, length - 1)
            add(doc, a, rng.randrange(a + 1, min(length, a + 60) + 1), None)
    return out


# -- comparing scores ------------------------------------------------------------------


def _flat(scores: Any) -> dict[str, float | None]:
    """Every compared number of a result: score keys, per-fold and per-edit-type values,
    interval ends."""
    out: dict[str, float | None] = {}
    for key, value in scores.values.items():
        if key.startswith("n_") or key in NOT_SCORES:
            continue
        if isinstance(value, list):
            out.update({f"{key}[{i}]": v for i, v in enumerate(value)})
        elif isinstance(value, dict):
            out.update({f"{key}[{k}]": v for k, v in value.items()})
        else:
            out[key] = value
    for key, (low, high) in scores.ci.items():
        out[f"ci.{key}.low"], out[f"ci.{key}.high"] = low, high
    return out


def rises(before: Any, after: Any, only: tuple[str, ...] = (),
          skip: tuple[str, ...] = ()) -> list[str]:
    """The compared numbers that are higher ``after`` than ``before``.

    A number that was undefined (``None``) may become defined only at 0 or below (a class
    that gains a false positive); a defined one may become undefined (a precision whose
    last predicted positive was left out; an interval with too few defined resamples).
    """
    old, new = _flat(before), _flat(after)
    out = []
    for key, value in new.items():
        if (only and not any(word in key for word in only)) or key.startswith(skip):
            continue
        was = old.get(key)
        if value is None:
            continue
        if was is None:
            if value > TOLERANCE:
                out.append(f"{key}: undefined -> {value}")
        elif value > was + TOLERANCE:
            out.append(f"{key}: {was} -> {value}")
    return out


def _score(task: str, subset: str, lines: list[dict[str, Any]]) -> Any:
    return score_records(task, lines, RELEASE, subset=subset, **BOOTSTRAP)


_FULL: dict[tuple[str, str, int], tuple[list[dict[str, Any]], Any]] = {}


def _full(task: str, subset: str, seed: int) -> tuple[list[dict[str, Any]], Any]:
    if (task, subset, seed) not in _FULL:
        lines = noisy(task, subset, seed)
        _FULL[task, subset, seed] = lines, _score(task, subset, lines)
    return _FULL[task, subset, seed]


removals = st.tuples(st.integers(0, 1), st.integers(0, 2**32 - 1),
                     st.sampled_from((1, 2, 3, 0.05, 0.3, 0.9)))


def _removed(n: int, seed: int, amount: float) -> set[int]:
    """A set of line positions: ``amount`` lines, or that share of them."""
    rng = random.Random(seed)
    count = int(amount) if amount >= 1 else round(amount * n)
    return set(rng.sample(range(n), min(n, count)))


# -- the property ----------------------------------------------------------------------


@pytest.mark.parametrize(("task", "subset"), CASES)
@PROPERTY
@given(removal=removals, further=removals)
def test_leaving_lines_out_never_raises_a_score(task: str, subset: str,
                                                removal: tuple[int, int, float],
                                                further: tuple[int, int, float]) -> None:
    noise_seed, seed, amount = removal
    lines, full = _full(task, subset, noise_seed)
    first = _removed(len(lines), seed, amount)
    kept = [line for i, line in enumerate(lines) if i not in first]
    fewer = _score(task, subset, kept)
    assert not rises(full, fewer), rises(full, fewer)
    second = first | _removed(len(lines), further[1], further[2])
    fewest = _score(task, subset, [line for i, line in enumerate(lines) if i not in second])
    assert not rises(fewer, fewest), rises(fewer, fewest)


def _correct(task: str, lines: list[dict[str, Any]]) -> list[int]:
    """Positions of the lines that are a gold span with the gold's flags and overlap no
    other predicted span."""
    gold = {(c["doc_id"], c["start"], c["end"]): c for c in CLAIMS}
    out = []
    for i, line in enumerate(lines):
        claim = gold.get((line["doc_id"], line["start"], line["end"]))
        if claim is None or (task == "end2end" and any(
                line[f] != claim[f] for f in ("attributed", "denied"))):
            continue
        if any(j != i and o["doc_id"] == line["doc_id"] and o["start"] < line["end"]
               and line["start"] < o["end"] for j, o in enumerate(lines)):
            continue
        out.append(i)
    return out


@pytest.mark.parametrize("task", SPAN_TASKS)
@PROPERTY
@given(removal=removals)
def test_span_tasks_leaving_lines_out_never_raises_a_recall(
        task: str, removal: tuple[int, int, float]) -> None:
    noise_seed, seed, amount = removal
    lines, full = _full(task, "natural", noise_seed)
    gone = _removed(len(lines), seed, amount)
    fewer = _score(task, "natural", [line for i, line in enumerate(lines) if i not in gone])
    assert not rises(full, fewer, only=("recall",)), rises(full, fewer, only=("recall",))


@pytest.mark.parametrize("task", SPAN_TASKS)
@PROPERTY
@given(removal=removals)
def test_span_tasks_leaving_correct_lines_out_never_raises_a_score(
        task: str, removal: tuple[int, int, float]) -> None:
    noise_seed, seed, amount = removal
    lines, full = _full(task, "natural", noise_seed)
    correct = _correct(task, lines)
    assert correct
    gone = {correct[i] for i in _removed(len(correct), seed, amount)}
    fewer = _score(task, "natural", [line for i, line in enumerate(lines) if i not in gone])
    assert not rises(full, fewer), rises(full, fewer)


# -- the cases, one line each -------------------------------------------------


def _merged_mention() -> tuple[list[dict[str, Any]], int]:
    """Gold clusters with one mention wrongly merged into a big cluster, and its position."""
    sizes: dict[str, int] = {}
    for c in CLAIMS:
        sizes[c["cluster_id"]] = sizes.get(c["cluster_id"], 0) + 1
    biggest = max(sorted(sizes), key=sizes.__getitem__)
    lines = perfect("clusters")
    pos = next(i for i, c in enumerate(CLAIMS) if sizes[c["cluster_id"]] == 1)
    lines[pos] = {**lines[pos], "cluster": biggest}
    return lines, pos


def test_deleting_a_wrongly_merged_mention_does_not_raise_the_clusters_scores() -> None:
    lines, pos = _merged_mention()
    merged = score_records("clusters", lines, RELEASE, n_bootstrap=0)
    deleted = score_records("clusters", lines[:pos] + lines[pos + 1:], RELEASE, n_bootstrap=0)
    assert deleted.missing == 1
    for key in ("conll_f1", "muc_f1", "b3_f1", "ceafe_f1", "ari", "muc_precision",
                "b3_precision", "ceafe_precision"):
        assert deleted.values[key] <= merged.values[key], key


def test_deleting_a_wrong_source_span_does_not_raise_the_span_scores() -> None:
    lines = perfect("attributed")
    pos = next(i for i, c in enumerate(CLAIMS) if c["source_start"] >= 0)
    claim = CLAIMS[pos]
    lines[pos] = {**lines[pos], "source_start": claim["source_start"] + 1}
    wrong = score_records("attributed", lines, RELEASE, n_bootstrap=0)
    deleted = score_records("attributed", lines[:pos] + lines[pos + 1:], RELEASE,
                            n_bootstrap=0)
    for key in ("source_span_f1_exact", "source_span_precision_exact"):
        assert deleted.values[key] <= wrong.values[key], key


def test_deleting_a_wrong_stance_does_not_raise_the_macro_f1() -> None:
    lines = perfect("denied")
    pos = next(i for i, c in enumerate(CLAIMS) if c["stance"] == "asserted")
    lines[pos] = {**lines[pos], "stance": "hedged"}
    wrong = score_records("denied", lines, RELEASE, n_bootstrap=0)
    deleted = score_records("denied", lines[:pos] + lines[pos + 1:], RELEASE, n_bootstrap=0)
    assert deleted.values["stance_macro_f1"] <= wrong.values["stance_macro_f1"]
    assert deleted.values["stance_hedged_f1"] <= wrong.values["stance_hedged_f1"]


# -- exact counts of a missing line (hand-worked) -------------------------------------


def _count(values: Any, prefix: str, suffix: str = "") -> tuple[Fraction, Fraction]:
    """(precision, recall) of ``prefix`` as exact fractions."""
    return tuple(Fraction(values[f"{prefix}_{m}{suffix}"]).limit_denominator(10_000)
                 for m in ("precision", "recall"))  # type: ignore[return-value]


def test_a_missing_line_counts_as_the_wrong_decision_with_a_wrong_span() -> None:
    """Every claim right but two: one gold-attributed claim (with a source span) and one
    not attributed are left out. Hand count with A attributed gold claims, S of them with a
    span: decision tp A-1, fp 1, fn 1; exact span tp S-1, fp 2 (a wrong span for the
    first, a spurious one for the second), fn 1."""
    lines = perfect("attributed")
    yes = next(i for i, c in enumerate(CLAIMS) if c["attributed"] and c["source_start"] >= 0)
    no = next(i for i, c in enumerate(CLAIMS) if not c["attributed"])
    kept = [line for i, line in enumerate(lines) if i not in (yes, no)]
    values = score_records("attributed", kept, RELEASE, n_bootstrap=0).values
    a = sum(c["attributed"] for c in CLAIMS)
    s = sum(c["source_start"] >= 0 for c in CLAIMS)
    assert _count(values, "attributed") == (Fraction(a - 1, a), Fraction(a - 1, a))
    for mode in ("_exact", "_overlap"):
        assert _count(values, "source_span", mode) == (Fraction(s - 1, s + 1),
                                                       Fraction(s - 1, s))


def test_a_missing_line_is_a_false_positive_of_every_other_stance() -> None:
    """One `asserted` claim left out: asserted loses a true positive (a false negative) and
    each of reported, hedged and denied gains a false positive."""
    lines = perfect("denied")
    pos = next(i for i, c in enumerate(CLAIMS) if c["stance"] == "asserted")
    values = score_records("denied", lines[:pos] + lines[pos + 1:], RELEASE,
                           n_bootstrap=0).values
    n = {label: sum(c["stance"] == label for c in CLAIMS) for label in STANCES}
    for label in STANCES:
        if label == "asserted":
            want = (Fraction(1), Fraction(n[label] - 1, n[label]))
        else:
            want = (Fraction(n[label], n[label] + 1), Fraction(1))
        assert _count(values, f"stance_{label}") == want, label


def test_a_missing_contrast_row_is_never_right() -> None:
    lines = perfect("attributed") + [
        {"contrast_id": r["contrast_id"], "attributed": r["attributed"],
         "source_start": r["source_start"], "source_end": r["source_end"]} for r in CONTRAST]
    pos = len(CLAIMS)  # the first contrast row
    kept = lines[:pos] + lines[pos + 1:]
    values = score_records("attributed", kept, RELEASE, subset="contrast",
                           n_bootstrap=0).values
    originals = {r["original_claim_id"] for r in CONTRAST}
    assert values["contrast_consistency"] == pytest.approx(
        (len(originals) - 1) / len(originals))


def test_clusters_charge_for_a_missing_mention_by_hand() -> None:
    """docs/metrics.md's example: key {a,b,c} {d,e} {f} {g}; response {a,b} {c,d,e} {f},
    g missing. MUC precision 2/(3+1); B³ precision (14/3 - 1)/7; CEAF-e similarity
    13/5 - 1/3 over 4 key and 3 + 1 response clusters."""
    scores = coref_scores(list("KKKLLMN"), ["R", "R", "S", "S", "S", "T", None])
    assert scores.muc[:2] == pytest.approx((1 / 2, 2 / 3))
    assert scores.b3[:2] == pytest.approx((11 / 21, 2 / 3))
    assert scores.ceafe[:2] == pytest.approx((17 / 30, 17 / 30))


# -- the clusters charge is below every completion (brute force) -----------------------


def _completions(response: list[int | None]) -> list[list[int]]:
    """Every labelling of the missing mentions: an existing label or a new one each."""
    out: list[list[int]] = [[]]
    for r in response:
        grown = []
        for partial in out:
            if r is not None:
                grown.append([*partial, r])
                continue
            for label in sorted(set(partial) | {x for x in response if x is not None}):
                grown.append([*partial, label])
            grown.append([*partial, 100 + len(partial)])
        out = grown
    return out


def _coref_numbers(key: list[int], response: list[Any]) -> list[float]:
    s = coref_scores(key, response)
    return [*s.muc, *s.b3, *s.ceafe, s.conll_f1, ari([str(k) for k in key],
                                                     [None if r is None else str(r)
                                                      for r in response])]


small_partitions = st.integers(2, 7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.booleans(), min_size=n, max_size=n).filter(lambda m: sum(m) <= 3)))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(small_partitions)
def test_a_partial_partition_scores_no_more_than_any_completion(
        data: tuple[list[int], list[int], list[bool]]) -> None:
    """The charge is a lower bound: every way of labelling the missing mentions scores at
    least as much, metric by metric (this is what makes leaving lines out never pay)."""
    key, labels, drop = data
    partial: list[int | None] = [None if d else r for r, d in zip(labels, drop, strict=True)]
    ours = _coref_numbers(key, partial)
    for completion in _completions(partial):
        theirs = _coref_numbers(key, completion)
        for i, (low, value) in enumerate(zip(ours, theirs, strict=True)):
            assert low <= value + TOLERANCE, (i, completion, low, value)
    assert all(not math.isnan(v) for v in ours)
    assert np.isfinite(ours).all()
    for i, label in enumerate(partial):
        if label is not None:
            fewer = _coref_numbers(key, [*partial[:i], None, *partial[i + 1:]])
            for j, (low, value) in enumerate(zip(fewer, ours, strict=True)):
                assert low <= value + TOLERANCE, (i, j, low, value)


# -- AP with ties broken against the prediction ------------------------------------------


def _ap_by_hand(positive: list[bool], scores: list[float], weights: list[int]) -> float:
    """Every copy in a rank of its own, non-duplicates first among equal scores; the mean
    precision at the duplicates' ranks, counted one by one."""
    copies = [(-s, p) for p, s, w in zip(positive, scores, weights, strict=True)
              for _ in range(w)]
    hits, earned = 0, Fraction(0)
    for rank, (_, p) in enumerate(sorted(copies), start=1):
        if p:
            hits += 1
            earned += Fraction(hits, rank)
    return float(earned / hits)


def test_ap_against_ties_by_hand() -> None:
    # gold 1, 1, 1, 0 with scores 0, 2, 0, 2 (docs/metrics.md): scikit-learn 2/3; the second
    # line left out (ranked last): scikit-learn's tie rule 25/36, against the ties 23/36
    y = np.array([True, True, True, False])
    scores = np.array([0.0, 2.0, 0.0, 2.0])
    assert average_precision_score(y, scores) == pytest.approx(2 / 3)
    assert average_precision(y, scores) == pytest.approx(2 / 3)
    last = np.array([0.0, -1.0, 0.0, 2.0])
    assert average_precision_score(y, last) == pytest.approx(25 / 36)
    assert average_precision(y, last, against_ties=True) == pytest.approx(23 / 36)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3), st.integers(0, 3)),
                min_size=1, max_size=9))
def test_ap_against_ties_matches_counting_and_never_beats_scikit_learn(
        items: list[tuple[bool, int, int]]) -> None:
    positive = [p for p, _, _ in items]
    scores = [float(s) for _, s, _ in items]
    weights = [w for _, _, w in items]
    if not any(p and w for p, _, w in items):
        return
    got = average_precision_resampled(np.array(positive), np.array(scores),
                                      np.array([weights], dtype=float), against_ties=True)[0]
    assert got == pytest.approx(_ap_by_hand(positive, scores, weights))
    tied = average_precision_resampled(np.array(positive), np.array(scores),
                                       np.array([weights], dtype=float))[0]
    assert got <= tied + 1e-12
