"""Inter-annotator agreement between two independent reads (``retold agree``).

Both reads are annotation sets in the standoff format, each validated against the corpus.
Nothing here is computed by hand, and every rule is deterministic:

* **Span matching.** *Exact*: same document, same start and end. *Overlap*: a one-to-one
  matching inside each document, built greedily from the candidate pairs that share at
  least one character, taking the largest overlap first (ties by start offsets, then ids).
  Precision is matched / second-read mentions, recall is matched / first-read mentions.
* **Stance.** Cohen's kappa on overlap-matched mentions, with a 95% percentile bootstrap
  interval over matched mentions (``BOOTSTRAP_SAMPLES`` resamples, seed ``BOOTSTRAP_SEED``).
* **Source.** The reads keep separate registries. A second-read source id maps to a
  first-read id if the ids are equal, otherwise to the first-read source sharing the most
  names or aliases (case-folded, leading "the " dropped; ties by id); unmapped ids stay
  distinct. The map is written out with the figures. Reported: accuracy of the immediate
  source, and Cohen's kappa of the binary ``attributed`` decision, on matched mentions.
* **Clusters.** B-cubed precision, recall and F1 over the overlap-matched mentions, each
  read's clusters restricted to those mentions.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.io.jsonio import dump_json
from retold.io.owned import check_file, write_file
from retold.io.standoff import AnnotationSet, Claim, Source
from retold.schema import AUTHOR, STANCES

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20241206


@dataclass(frozen=True)
class Mention:
    doc_id: str
    claim: Claim


def mentions(annotations: AnnotationSet) -> list[Mention]:
    """All claim mentions of a set, in document and offset order."""
    out = [Mention(d.doc_id, c) for d in annotations.docs for c in d.claims]
    return sorted(out, key=lambda m: (m.doc_id, m.claim.start, m.claim.end, m.claim.id))


def prf(matched: int, n_first: int, n_second: int) -> dict[str, float]:
    """Precision (vs second read), recall (vs first read) and F1 of a matching."""
    p = matched / n_second if n_second else 0.0
    r = matched / n_first if n_first else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "matched": matched}


def match_exact(first: list[Mention], second: list[Mention]) -> list[tuple[Mention, Mention]]:
    index = {(m.doc_id, m.claim.start, m.claim.end): m for m in second}
    pairs = []
    for m in first:
        other = index.get((m.doc_id, m.claim.start, m.claim.end))
        if other is not None:
            pairs.append((m, other))
    return pairs


def match_overlap(first: list[Mention], second: list[Mention]) -> list[tuple[Mention, Mention]]:
    """Greedy one-to-one matching by largest character overlap (see module docstring)."""
    candidates = []
    for a in first:
        for b in second:
            if a.doc_id != b.doc_id:
                continue
            overlap = min(a.claim.end, b.claim.end) - max(a.claim.start, b.claim.start)
            if overlap > 0:
                candidates.append((-overlap, a.claim.start, b.claim.start, a.claim.id,
                                   b.claim.id, a, b))
    candidates.sort(key=lambda c: c[:5])
    used_a: set[str] = set()
    used_b: set[str] = set()
    pairs = []
    for *_, a, b in candidates:
        if a.claim.id in used_a or b.claim.id in used_b:
            continue
        used_a.add(a.claim.id)
        used_b.add(b.claim.id)
        pairs.append((a, b))
    return sorted(pairs, key=lambda p: (p[0].doc_id, p[0].claim.start, p[0].claim.id))


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> float:
    """Cohen's kappa of two equally long label sequences; 1.0 when both are constant and equal."""
    if len(labels_a) != len(labels_b):
        raise ValueError("label sequences differ in length")
    n = len(labels_a)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(labels_a, labels_b, strict=True)) / n
    count_a, count_b = Counter(labels_a), Counter(labels_b)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def bootstrap_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable],
                    samples: int = BOOTSTRAP_SAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> tuple[float, float]:
    """95% percentile bootstrap interval of Cohen's kappa, resampling items."""
    rng = random.Random(seed)
    n = len(labels_a)
    values = []
    for _ in range(samples):
        idx = [rng.randrange(n) for _ in range(n)]
        values.append(cohen_kappa([labels_a[i] for i in idx], [labels_b[i] for i in idx]))
    values.sort()
    return values[int(0.025 * samples)], values[int(0.975 * samples) - 1]


def b_cubed(clusters_a: dict[str, str], clusters_b: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1 of clustering b against clustering a over the same items."""
    items = sorted(clusters_a)
    if sorted(clusters_b) != items:
        raise ValueError("both clusterings must cover the same items")
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    members_a: dict[str, set[str]] = {}
    members_b: dict[str, set[str]] = {}
    for item in items:
        members_a.setdefault(clusters_a[item], set()).add(item)
        members_b.setdefault(clusters_b[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        ga, gb = members_a[clusters_a[item]], members_b[clusters_b[item]]
        common = len(ga & gb)
        precision += common / len(gb)
        recall += common / len(ga)
    p, r = precision / len(items), recall / len(items)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _names(source: Source) -> set[str]:
    def norm(s: str) -> str:
        s = s.casefold().strip()
        return s[4:] if s.startswith("the ") else s

    return {norm(x) for x in (source.source_id, source.name, *source.aliases)}


def map_sources(first: Sequence[Source], second: Sequence[Source]) -> dict[str, str]:
    """Map second-read source ids to first-read ids (see module docstring)."""
    first_ids = {s.source_id for s in first}
    mapping = {AUTHOR: AUTHOR}
    for s in second:
        if s.source_id in first_ids:
            mapping[s.source_id] = s.source_id
            continue
        scored = sorted((-len(_names(s) & _names(f)), f.source_id) for f in first)
        best = scored[0] if scored else (0, "")
        mapping[s.source_id] = best[1] if best[0] < 0 else f"unmapped:{s.source_id}"
    return mapping


def compare(first: AnnotationSet, second: AnnotationSet) -> dict[str, Any]:
    """Every agreement figure of two reads, as a JSON-ready dict."""
    ma, mb = mentions(first), mentions(second)
    exact = match_exact(ma, mb)
    pairs = match_overlap(ma, mb)
    source_map = map_sources(first.sources, second.sources)
    stance_a = [a.claim.stance for a, _ in pairs]
    stance_b = [b.claim.stance for _, b in pairs]
    src_a = [a.claim.source for a, _ in pairs]
    src_b = [source_map.get(b.claim.source, f"unmapped:{b.claim.source}") for _, b in pairs]
    attr_a = [s != AUTHOR for s in src_a]
    attr_b = [s != AUTHOR for s in src_b]
    key = [f"{a.claim.id}" for a, _ in pairs]
    b3 = b_cubed({k: a.claim.cluster for k, (a, _) in zip(key, pairs, strict=True)},
                 {k: b.claim.cluster for k, (_, b) in zip(key, pairs, strict=True)})
    lo, hi = bootstrap_kappa(stance_a, stance_b) if pairs else (float("nan"), float("nan"))
    per_doc = {}
    for doc in sorted({m.doc_id for m in ma} | {m.doc_id for m in mb}):
        n_a = sum(m.doc_id == doc for m in ma)
        n_b = sum(m.doc_id == doc for m in mb)
        per_doc[doc] = {
            "claims_first": n_a,
            "claims_second": n_b,
            "span_exact_f1": prf(sum(a.doc_id == doc for a, _ in exact), n_a, n_b)["f1"],
            "span_overlap_f1": prf(sum(a.doc_id == doc for a, _ in pairs), n_a, n_b)["f1"],
        }
    confusion = Counter(zip(stance_a, stance_b, strict=True))
    return {
        "claims_first": len(ma),
        "claims_second": len(mb),
        "span_exact": prf(len(exact), len(ma), len(mb)),
        "span_overlap": prf(len(pairs), len(ma), len(mb)),
        "stance_kappa": cohen_kappa(stance_a, stance_b) if pairs else float("nan"),
        "stance_kappa_ci95": [lo, hi],
        "stance_accuracy": sum(a == b for a, b in zip(stance_a, stance_b, strict=True))
        / max(len(pairs), 1),
        "stance_confusion": {f"{a}->{b}": confusion[(a, b)]
                             for a in STANCES for b in STANCES if confusion[(a, b)]},
        "source_accuracy": sum(a == b for a, b in zip(src_a, src_b, strict=True))
        / max(len(pairs), 1),
        "attributed_kappa": cohen_kappa(attr_a, attr_b) if pairs else float("nan"),
        "cluster_b3": b3,
        "per_document": per_doc,
        "source_map": dict(sorted(source_map.items())),
        "matched_pairs": [[a.claim.id, b.claim.id] for a, b in pairs],
    }


def summary(figures: dict[str, Any]) -> dict[str, Any]:
    """The headline figures, flat, rounded to four decimals (for the card and datasheet)."""
    r = lambda x: round(float(x), 4)  # noqa: E731
    return {
        "claims, first read": figures["claims_first"],
        "claims, second read": figures["claims_second"],
        "claim-span F1, exact": r(figures["span_exact"]["f1"]),
        "claim-span F1, overlap": r(figures["span_overlap"]["f1"]),
        "matched mentions (overlap)": figures["span_overlap"]["matched"],
        "stance Cohen's kappa (matched)": r(figures["stance_kappa"]),
        "stance kappa 95% CI": f"[{r(figures['stance_kappa_ci95'][0])}, "
                               f"{r(figures['stance_kappa_ci95'][1])}]",
        "stance accuracy (matched)": r(figures["stance_accuracy"]),
        "immediate-source accuracy (matched)": r(figures["source_accuracy"]),
        "attributed Cohen's kappa (matched)": r(figures["attributed_kappa"]),
        "cluster B-cubed F1 (matched)": r(figures["cluster_b3"]["f1"]),
    }


SUMMARY_KEYS = ("claims, first read", "claims, second read", "claim-span F1, exact",
                "claim-span F1, overlap", "matched mentions (overlap)",
                "stance Cohen's kappa (matched)", "stance kappa 95% CI",
                "stance accuracy (matched)", "immediate-source accuracy (matched)",
                "attributed Cohen's kappa (matched)", "cluster B-cubed F1 (matched)")
"""The keys of ``summary`` (``retold agree --out``): the proof that a file is one it wrote."""
DETAILS_KEYS = ("claims_first", "claims_second", "span_exact", "span_overlap", "stance_kappa",
                "stance_kappa_ci95", "stance_accuracy", "stance_confusion", "source_accuracy",
                "attributed_kappa", "cluster_b3", "per_document", "source_map",
                "matched_pairs")
"""The keys of ``compare`` (``retold agree --details``)."""


def agreement_owner(keys: Sequence[str]) -> Callable[[Any], str | None]:
    """Whether an existing file is one ``retold agree`` wrote: a JSON object with exactly
    ``keys``. Returns why not, or None."""

    def why_not(existing: Any) -> str | None:
        if isinstance(existing, dict) and set(existing) == set(keys):
            return None
        return "exists and is not an agreement file that retold agree writes"

    return why_not


def check_agreement_targets(out: Path, details: Path) -> None:
    """Refuse (``unsafe-output``) unless ``out`` and ``details`` are each new or a file of the
    kind ``retold agree`` writes there; called before the figures are computed, and again
    before they are written."""
    check_file(out, agreement_owner(SUMMARY_KEYS))
    check_file(details, agreement_owner(DETAILS_KEYS))


def write_agreement(out: Path, details: Path, figures: dict[str, Any]) -> dict[str, Any]:
    """Write the headline figures to ``out`` and every figure to ``details``, each
    atomically; both targets are checked before either is written. Returns the headline."""
    headline = summary(figures)
    check_agreement_targets(out, details)
    for path, data, keys in ((out, headline, SUMMARY_KEYS), (details, figures, DETAILS_KEYS)):
        write_file(path, dump_json(data).encode("utf-8"), agreement_owner(keys))
    return headline


def load_read(corpus_dir: Path, annotations_dir: Path) -> AnnotationSet:
    """Load one read, refusing it unless it validates."""
    from retold.validate.checks import load_validated

    return load_validated(corpus_dir, annotations_dir)[1]
