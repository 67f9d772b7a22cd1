"""The release as the baselines see it: documents, claims, pairs, sentences, folds.

Read with ``retold.io.release.read_config`` (pyarrow only). The runner splits each fold with
a :class:`FoldView`; a model never gets one: it trains on ``baselines.items.training_view``
(the four training documents only) and predicts label-free test items (``baselines.items``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from retold.io.release import read_config
from retold.predict.decode import marked_context, sentence_cover, sentence_tokens
from retold.text.segment import split_sentences


@dataclass(frozen=True)
class Corpus:
    """All configs of one release, with the derived inputs the baselines share."""

    release_dir: Path
    documents: tuple[dict[str, Any], ...]
    claims: tuple[dict[str, Any], ...]
    pairs: tuple[dict[str, Any], ...]
    tokens: tuple[dict[str, Any], ...]
    contrast: tuple[dict[str, Any], ...] = field(default=())
    contrast_pairs: tuple[dict[str, Any], ...] = field(default=())

    @cached_property
    def texts(self) -> dict[str, str]:
        return {d["doc_id"]: d["text"] for d in self.documents}

    @cached_property
    def doc_fold(self) -> dict[str, int]:
        return {d["doc_id"]: d["fold"] for d in self.documents}

    @cached_property
    def folds(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.doc_fold.values())))

    @cached_property
    def boilerplate(self) -> dict[str, list[tuple[int, int]]]:
        """Each document's boilerplate spans (never claim text)."""
        return {d["doc_id"]: [(b["start"], b["end"]) for b in d["boilerplate"]]
                for d in self.documents}

    @cached_property
    def claim_by_id(self) -> dict[str, dict[str, Any]]:
        return {c["claim_id"]: c for c in self.claims}

    @cached_property
    def sentences(self) -> dict[str, list[tuple[int, int]]]:
        """Each document's sentences split by the release's rule without gold protection.

        The release's ``tokens`` config never splits inside a gold span; a baseline that
        reads raw text cannot know the spans, so it re-splits the text unprotected.
        """
        return {doc_id: split_sentences(text) for doc_id, text in self.texts.items()}

    @cached_property
    def passages(self) -> Corpus:
        """The contrast rows as a corpus of their own: one document per row, its ``doc_id``
        the ``contrast_id`` and its text the edited passage (the row's offsets index it), so
        a contrast row is predicted by exactly the code path of a natural mention."""
        return Corpus(release_dir=self.release_dir, claims=(), pairs=(), tokens=(),
                      documents=tuple({"doc_id": r["contrast_id"], "text": r["text"],
                                       "fold": r["fold"], "boilerplate": []}
                                      for r in self.contrast))

    def pair_fold(self, pair: dict[str, Any]) -> int:
        """The one fold that scores a pair: its ``fold`` field (the fold of claim_id_a's
        document), so that each pair is predicted once, by the model of that fold."""
        return int(pair["fold"])

    def claim_sentence(self, doc_id: str, start: int, end: int) -> tuple[int, int]:
        """The smallest run of unprotected sentences that covers ``[start, end)``."""
        return sentence_cover(self.sentences[doc_id], start, end)

    def marked_context(self, doc_id: str, start: int, end: int, window: int = 100) -> str:
        """The claim's sentence with the claim between markers (``decode.marked_context``)."""
        return marked_context(self.texts[doc_id], self.sentences[doc_id], start, end, window)

    def document_tokens(self, doc_id: str) -> list[list[tuple[int, int]]]:
        """Tokens of each unprotected sentence, from the raw text alone (the annotated
        boilerplate spans are gold: a model of a held-out document never sees them)."""
        return sentence_tokens(self.texts[doc_id], self.sentences[doc_id])


def load_corpus(release_dir: Path) -> Corpus:
    """Read every config the baselines need; the contrast configs only when they exist."""
    release_dir = Path(release_dir)
    optional: dict[str, tuple[dict[str, Any], ...]] = {}
    for name in ("contrast", "contrast_pairs"):
        if (release_dir / "data" / name).is_dir():
            optional[name] = tuple(read_config(release_dir, name))
    return Corpus(
        release_dir=release_dir,
        documents=tuple(read_config(release_dir, "documents")),
        claims=tuple(read_config(release_dir, "claims")),
        pairs=tuple(read_config(release_dir, "pairs")),
        tokens=tuple(read_config(release_dir, "tokens")),
        **optional,
    )


class LeakError(RuntimeError):
    """A training view was asked for an item of the held-out document."""


@dataclass(frozen=True)
class FoldView:
    """What the model of one fold may train and tune on, and what it must predict.

    ``train_*`` hold rows of the training documents only (checked on construction);
    ``test_*`` hold the items the contract assigns to this fold.
    """

    fold: int
    corpus: Corpus
    train_docs: tuple[str, ...]
    test_doc: str

    @cached_property
    def train_claims(self) -> list[dict[str, Any]]:
        return self._checked([c for c in self.corpus.claims if c["doc_id"] in self.train_docs])

    @cached_property
    def test_claims(self) -> list[dict[str, Any]]:
        return [c for c in self.corpus.claims if c["fold"] == self.fold]

    @cached_property
    def train_pairs(self) -> list[dict[str, Any]]:
        """Pairs with both sides in training documents (never the held-out one)."""
        keep = set(self.train_docs)
        return self._checked([p for p in self.corpus.pairs
                              if p["doc_id_a"] in keep and p["doc_id_b"] in keep])

    @cached_property
    def test_pairs(self) -> list[dict[str, Any]]:
        return [p for p in self.corpus.pairs if self.corpus.pair_fold(p) == self.fold]

    @cached_property
    def train_sentences(self) -> list[dict[str, Any]]:
        return self._checked([t for t in self.corpus.tokens if t["doc_id"] in self.train_docs])

    @cached_property
    def train_contrast(self) -> list[dict[str, Any]]:
        """Contrast edits of training documents only (never edits of the held-out one)."""
        return self._checked([r for r in self.corpus.contrast if r["fold"] != self.fold])

    @cached_property
    def test_contrast(self) -> list[dict[str, Any]]:
        """Contrast rows this fold's model predicts (edits of the held-out document)."""
        return [r for r in self.corpus.contrast if r["fold"] == self.fold]

    @cached_property
    def test_contrast_pairs(self) -> list[dict[str, Any]]:
        """Contrast pairs this fold's model predicts (their natural mention's fold)."""
        return [r for r in self.corpus.contrast_pairs if r["fold"] == self.fold]

    def _checked(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            docs = {row.get(k) for k in ("doc_id", "doc_id_a", "doc_id_b")} - {None}
            if self.test_doc in docs or row.get("fold") == self.fold:
                raise LeakError(f"fold {self.fold}: training row {row} is from the held-out "
                                f"document {self.test_doc}")
        return list(rows)


def fold_views(corpus: Corpus) -> list[FoldView]:
    """One view per fold, in fold order."""
    views = []
    for fold in corpus.folds:
        test = [d for d, f in corpus.doc_fold.items() if f == fold]
        if len(test) != 1:
            raise ValueError(f"fold {fold} has {len(test)} documents; expected one")
        train = tuple(sorted(d for d, f in corpus.doc_fold.items() if f != fold))
        views.append(FoldView(fold=fold, corpus=corpus, train_docs=train, test_doc=test[0]))
    return views
