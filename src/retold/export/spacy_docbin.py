"""spaCy: a ``DocBin`` (``retold.spacy``) with every element as a span in ``doc.spans``.

One ``Doc`` per document whose text is the raw text exactly (``doc.text == text``): the
tokens are retold's (``schema.TOKEN_PATTERN``, boilerplate edges as breaks) and the
whitespace between them is kept as trailing spaces or whitespace tokens. Span groups:
``doc.spans["claims"]`` (label = stance), ``"source_mentions"`` (label = source id),
``"cues"`` (label ``cue``) and ``"boilerplate"`` (label = kind); every span's ``id_`` is
the element's retold id, and ``doc.user_data["doc_id"]`` the document id. spaCy's
character offsets are code points, as retold's.

Not held (so in ``sidecar.json``): clusters, chains, claim notes, the registries, and any
field added later. spaCy is export-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.export.dataset import BOILERPLATE, CLAIMS, CUES, MENTIONS, ExportDoc, ExportSet
from retold.text.tokens import token_spans

DOCBIN_FILE = "retold.spacy"
LABEL_KEYS = {CLAIMS: "stance", MENTIONS: "source", BOILERPLATE: "kind"}

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}


def words_and_spaces(text: str, breaks: set[int]) -> tuple[list[str], list[bool]]:
    """spaCy ``words``/``spaces`` that rebuild ``text`` exactly, on retold's tokens."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    for start, end in token_spans(text, breaks):
        gap = text[position:start]
        if gap:
            if words and gap.startswith(" "):
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    if position < len(text):
        gap = text[position:]
        if words and gap.startswith(" "):
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
    return words, spaces


def spacy_doc(doc: ExportDoc, vocab: Any) -> Any:
    from spacy.tokens import Doc

    breaks = {b for e in doc.elements(BOILERPLATE) for b in (e["start"], e["end"])}
    words, spaces = words_and_spaces(doc.text, breaks)
    sdoc = Doc(vocab, words=words, spaces=spaces)
    if sdoc.text != doc.text:
        raise AssertionError(f"{doc.doc_id}: the spaCy Doc does not rebuild the text")
    for kind in (CLAIMS, MENTIONS, CUES, BOILERPLATE):
        spans = []
        for e in doc.elements(kind):
            label = e[LABEL_KEYS[kind]] if kind in LABEL_KEYS else "cue"
            span = sdoc.char_span(e["start"], e["end"], label=label, span_id=e["id"])
            if span is None:
                raise AssertionError(f"{doc.doc_id}: {e['id']} is not on token boundaries")
            spans.append(span)
        sdoc.spans[kind] = spans
    sdoc.user_data["doc_id"] = doc.doc_id
    return sdoc


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for doc in export_set.docs:
        docbin.add(spacy_doc(doc, nlp.vocab))
    docbin.to_disk(out_dir / DOCBIN_FILE)
    return [DOCBIN_FILE]
