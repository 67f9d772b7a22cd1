"""scikit-learn baselines: word TF-IDF + logistic regression for attribution and stance;
character n-gram TF-IDF cosine for duplicates, retrieval and (agglomerative) clusters."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.pipeline import make_pipeline

from baselines import contrast
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from baselines.similarity_tasks import SimilarityTasks

WORD_TFIDF = {"ngram_range": (1, 2), "min_df": 1, "sublinear_tf": True, "lowercase": True}
CHAR_TFIDF = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True,
              "lowercase": True}
LOGREG = {"C": 10.0, "max_iter": 2000, "class_weight": "balanced"}


class TfidfLogReg(Baseline):
    name = "tfidf-logreg"
    tasks = ("attributed", "denied")
    description = ("word 1-2-gram TF-IDF of the claim's sentence with the claim marked, "
                   "logistic regression (balanced classes), fitted on the training documents")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"tfidf": {k: list(v) if isinstance(v, tuple) else v
                          for k, v in WORD_TFIDF.items()},
                "logistic_regression": LOGREG, "input": "marked sentence",
                "train_contrast": self.train_contrast}

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        corpus, passages = view.corpus, view.corpus.passages

        def inputs(claims: list[dict[str, Any]]) -> list[str]:
            return [corpus.marked_context(c["doc_id"], c["start"], c["end"]) for c in claims]

        x_train, x_test = inputs(view.train_claims), inputs(view.test_claims)
        x_contrast = [passages.marked_context(*item) for item in contrast.spans(view)]
        extra = view.train_contrast if self.train_contrast else []
        x_train += [passages.marked_context(r["contrast_id"], r["start"], r["end"])
                    for r in extra]
        out = FoldOutput()
        for task, field in (("attributed", "attributed"), ("denied", "stance")):
            y = [c[field] for c in view.train_claims] + [r[field] for r in extra]
            if len(set(y)) == 1:
                predicted = [y[0]] * len(x_test)
                on_contrast = [y[0]] * len(x_contrast)
            else:
                model = make_pipeline(TfidfVectorizer(**WORD_TFIDF),
                                      LogisticRegression(**LOGREG, random_state=0))
                model.fit(x_train, y)
                predicted = list(model.predict(x_test))
                on_contrast = list(model.predict(x_contrast)) if x_contrast else []
            if task == "attributed":
                out.records[task] = [
                    {"claim_id": c["claim_id"], "attributed": bool(p), "source_start": -1,
                     "source_end": -1} for c, p in zip(view.test_claims, predicted, strict=True)]
                out.contrast[task] = contrast.attributed_lines(view, on_contrast)
            else:
                out.records[task] = [{"claim_id": c["claim_id"], "stance": str(p)}
                                     for c, p in zip(view.test_claims, predicted, strict=True)]
                out.contrast[task] = contrast.denied_lines(view, on_contrast)
        return out


class TfidfLogRegContrast(TfidfLogReg):
    name = "tfidf-logreg+contrast"
    train_contrast = True
    description = ("tfidf-logreg fitted on the training documents' mentions plus the contrast "
                   "rows of those documents (never edits of the held-out document)")


class CharTfidf(Baseline):
    name = "char-tfidf"
    tasks = ("duplicated", "retrieval", "clusters")
    description = ("cosine of character 3-5-gram TF-IDF vectors (fitted on the training "
                   "documents' claims); threshold for pair F1 on training pairs; agglomerative "
                   "(average-linkage) clusters cut at that threshold")

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"tfidf": {k: list(v) if isinstance(v, tuple) else v
                          for k, v in CHAR_TFIDF.items()},
                "threshold": "train-f1", "clustering": "average linkage, cut at 1 - threshold"}

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        vectorizer = TfidfVectorizer(**CHAR_TFIDF).fit([c["text"] for c in view.train_claims])
        vectors = vectorizer.transform([c["text"] for c in view.corpus.claims])
        matrix = np.asarray(cosine_similarity(vectors))
        tasks = SimilarityTasks(view, matrix, threshold="train-f1")
        out = FoldOutput(records=tasks.all_tasks())
        a, b = contrast.pair_texts(view)
        cos = (np.asarray(cosine_similarity(vectorizer.transform(a),
                                            vectorizer.transform(b))).diagonal()
               if a else np.zeros(0))
        out.contrast["duplicated"] = tasks.contrast_pairs(cos)
        out.notes.append(f"fold {view.fold}: threshold {tasks.threshold:.3f}")
        return out
