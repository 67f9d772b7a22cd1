"""scikit-learn baselines: word TF-IDF + logistic regression for attribution and stance;
character n-gram TF-IDF cosine for duplicates, retrieval and (agglomerative) clusters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize

from baselines.families import ClassifierModel, Label, PairModel
from baselines.items import Mention, Pair, TrainView

WORD_TFIDF = {"ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "lowercase": True}
CHAR_TFIDF = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True,
              "lowercase": True}
LOGREG = {"C": 10.0, "max_iter": 2000, "class_weight": "balanced"}


def paired_cosine(a: Any, b: Any) -> np.ndarray:
    """The cosine of row i of ``a`` with row i of ``b``, for every i (sparse or dense rows);
    0 where either row is all zeros, as in ``cosine_similarity``.

    Memory grows with the number of pairs, not with its square as it would with
    ``cosine_similarity(a, b).diagonal()`` (0.64 GB for one fold's 9,045 pairs).
    scikit-learn's ``paired_cosine_distances`` is not used: it gives 0.5 for a zero row."""
    if a.shape[0] == 0:
        return np.zeros(0)
    products = normalize(a).multiply(normalize(b)) if hasattr(a, "multiply") else \
        normalize(a) * normalize(b)
    return np.asarray(products.sum(axis=1), dtype=float).ravel()


def _plain(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()}


@dataclass(frozen=True)
class TfidfLogRegSettings:
    tfidf: dict[str, Any] = field(default_factory=lambda: _plain(WORD_TFIDF))
    logistic_regression: dict[str, Any] = field(default_factory=lambda: dict(LOGREG))
    input: str = "marked sentence"
    train_contrast: bool = False


class TfidfLogReg(ClassifierModel, name="tfidf-logreg", kind="scikit-learn"):
    tasks = ("attributed", "denied")
    description = ("word 1-2-gram TF-IDF of the claim's sentence with the claim marked, "
                   "logistic regression (balanced classes), fitted on the training documents")

    def __init__(self) -> None:
        self.settings = TfidfLogRegSettings(train_contrast=self.train_contrast)

    def fit(self, train: TrainView) -> None:
        corpus, passages = train.corpus, train.corpus.passages
        x = ([corpus.marked_context(c["doc_id"], c["start"], c["end"]) for c in train.claims]
             + [passages.marked_context(r["contrast_id"], r["start"], r["end"])
                for r in train.contrast])
        rows = [*train.claims, *train.contrast]
        self.models: dict[str, Any] = {}
        for field_name in ("attributed", "stance"):
            y = [r[field_name] for r in rows]
            if len(set(y)) == 1:
                self.models[field_name] = y[0]
            else:
                model = make_pipeline(TfidfVectorizer(**WORD_TFIDF),
                                      LogisticRegression(**LOGREG, random_state=0))
                self.models[field_name] = model.fit(x, y)

    def _predict(self, field_name: str, x: list[str]) -> list[Any]:
        model = self.models[field_name]
        if not hasattr(model, "predict"):
            return [model] * len(x)
        return list(model.predict(x)) if x else []

    def predict(self, items: Sequence[Mention]) -> list[Label]:
        x = [m.context() for m in items]
        return [Label(attributed=bool(a), stance=str(s)) for a, s in
                zip(self._predict("attributed", x), self._predict("stance", x), strict=True)]


class TfidfLogRegContrast(TfidfLogReg, name="tfidf-logreg+contrast"):
    train_contrast = True
    description = ("tfidf-logreg fitted on the training documents' mentions plus the contrast "
                   "rows of those documents (never edits of the held-out document)")


@dataclass(frozen=True)
class CharTfidfSettings:
    tfidf: dict[str, Any] = field(default_factory=lambda: _plain(CHAR_TFIDF))
    threshold: str = "train-f1"
    clustering: str = "average linkage, cut at 1 - threshold"


class CharTfidf(PairModel, name="char-tfidf", kind="scikit-learn"):
    tasks = ("duplicated", "retrieval", "clusters")
    threshold_rule = "train-f1"
    settings = CharTfidfSettings()
    description = ("cosine of character 3-5-gram TF-IDF vectors (fitted on the training "
                   "documents' claims); threshold for pair F1 on training pairs; agglomerative "
                   "(average-linkage) clusters cut at that threshold")

    def fit(self, train: TrainView) -> None:
        self.vectorizer = TfidfVectorizer(**CHAR_TFIDF).fit([c["text"] for c in train.claims])

    def similarity(self, claims: Sequence[Mention]) -> np.ndarray:
        vectors = self.vectorizer.transform([c.text for c in claims])
        return np.asarray(cosine_similarity(vectors))

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        a = self.vectorizer.transform([p.text_a for p in pairs])
        b = self.vectorizer.transform([p.text_b for p in pairs])
        return paired_cosine(a, b)
