"""What a model is given: its fold's training view, and label-free test items.

The runner builds both from a :class:`~baselines.data.FoldView`; a model never sees the fold
view itself. A test item carries only the fields that the release schema declares a model may
read (``retold.schema.Config.model_inputs``: ids, offsets, text); gold labels and metadata
(stance, source, cluster, duplicate, edit type, rule, similarity, fold, ...) stay with the
runner, which formats and scores the predictions. A natural claim mention and a contrast row
are the same kind of item (:class:`Mention`), so both are predicted by one code path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from baselines.data import Corpus, FoldView

TEXT_FIELDS = ("doc_id", "text")
"""The document fields a model may read (``schema.get_config("documents").model_inputs``)."""


def texts_only(release_dir: Any, documents: Sequence[dict[str, Any]]) -> Corpus:
    """A corpus of documents' texts only: no claims, pairs, tags, fold or metadata."""
    return Corpus(release_dir=release_dir, claims=(), pairs=(), tokens=(),
                  documents=tuple({k: d[k] for k in TEXT_FIELDS} for d in documents))


@dataclass(frozen=True)
class Mention:
    """A claim mention to classify: a natural mention (``item_id`` the ``claim_id``, ``doc_id``
    its document) or a contrast row (``item_id`` the ``contrast_id``, ``doc_id`` the same id,
    naming its edited passage). ``start``/``end`` index ``texts.texts[doc_id]``."""

    item_id: str
    doc_id: str
    start: int
    end: int
    text: str
    texts: Corpus = field(repr=False, compare=False)

    def context(self, window: int = 100) -> str:
        """The mention's sentence with the mention between ``<<`` and ``>>``."""
        return self.texts.marked_context(self.doc_id, self.start, self.end, window)


@dataclass(frozen=True)
class Pair:
    """Two claim texts to score: a natural pair (``id_a``, ``id_b`` its claim ids) or a contrast
    pair (``id_a`` the natural mention's claim id, ``id_b`` the ``pair_id``)."""

    id_a: str
    id_b: str
    text_a: str
    text_b: str


@dataclass(frozen=True)
class Document:
    """A document to find spans in (``texts`` holds its raw text: no boilerplate spans, which
    are annotations)."""

    doc_id: str
    texts: Corpus = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.texts.texts[self.doc_id]


@dataclass(frozen=True)
class TrainView:
    """Everything a model of one fold may train and tune on: the training documents' rows with
    their gold labels (``corpus`` holds those documents only), and the contrast rows of those
    documents when the model asks for them (``train_contrast``)."""

    fold: int
    corpus: Corpus

    @property
    def claims(self) -> tuple[dict[str, Any], ...]:
        return self.corpus.claims

    @property
    def pairs(self) -> tuple[dict[str, Any], ...]:
        return self.corpus.pairs

    @property
    def sentences(self) -> tuple[dict[str, Any], ...]:
        return self.corpus.tokens

    @property
    def contrast(self) -> tuple[dict[str, Any], ...]:
        return self.corpus.contrast


def training_view(view: FoldView, *, contrast: bool = False) -> TrainView:
    """The training documents of ``view`` (checked against the held-out one), with their
    contrast rows if ``contrast``; nothing of the held-out document."""
    keep = set(view.train_docs)
    corpus = Corpus(release_dir=view.corpus.release_dir,
                    documents=tuple(d for d in view.corpus.documents if d["doc_id"] in keep),
                    claims=tuple(view.train_claims), pairs=tuple(view.train_pairs),
                    tokens=tuple(view.train_sentences),
                    contrast=tuple(view.train_contrast) if contrast else ())
    return TrainView(fold=view.fold, corpus=corpus)


def test_texts(view: FoldView) -> Corpus:
    """The held-out document's text and the fold's contrast passages, nothing else."""
    passages = view.corpus.passages
    return texts_only(view.corpus.release_dir,
                      [d for d in view.corpus.documents if d["doc_id"] == view.test_doc]
                      + [d for d in passages.documents
                         if d["doc_id"] in {r["contrast_id"] for r in view.test_contrast}])


def natural_mentions(view: FoldView, texts: Corpus) -> list[Mention]:
    """The held-out document's claim mentions, in the fold's order."""
    return [Mention(c["claim_id"], c["doc_id"], c["start"], c["end"], c["text"], texts)
            for c in view.test_claims]


def contrast_mentions(view: FoldView, texts: Corpus) -> list[Mention]:
    """The fold's contrast rows as mentions of their edited passages."""
    return [Mention(r["contrast_id"], r["contrast_id"], r["start"], r["end"], r["claim_text"],
                    texts) for r in view.test_contrast]


def claim_mentions(corpus: Corpus) -> list[Mention]:
    """Every claim of the release as a label-free mention (for similarity matrices)."""
    texts = texts_only(corpus.release_dir, corpus.documents)
    return [Mention(c["claim_id"], c["doc_id"], c["start"], c["end"], c["text"], texts)
            for c in corpus.claims]


def natural_pairs(view: FoldView) -> list[Pair]:
    """The fold's test pairs (those of claim_id_a's fold) with their claim texts."""
    claims = view.corpus.claim_by_id
    return [Pair(p["claim_id_a"], p["claim_id_b"], claims[p["claim_id_a"]]["text"],
                 claims[p["claim_id_b"]]["text"]) for p in view.test_pairs]


def contrast_pairs(view: FoldView) -> list[Pair]:
    """The fold's contrast pairs: the natural mention's text against the edited text."""
    claims = view.corpus.claim_by_id
    return [Pair(r["claim_id"], r["pair_id"], claims[r["claim_id"]]["text"], r["edited_text"])
            for r in view.test_contrast_pairs]


def test_documents(view: FoldView, texts: Corpus) -> list[Document]:
    return [Document(view.test_doc, texts)]
