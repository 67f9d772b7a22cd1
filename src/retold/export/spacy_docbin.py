"""spaCy: a ``DocBin`` (``retold.spacy``) with every element as a span in ``doc.spans``.

One ``Doc`` per document whose text is the raw text exactly (``doc.text == text``): the
tokens are retold's (``schema.TOKEN_PATTERN``, boilerplate edges as breaks) and the
whitespace between them is kept as trailing spaces or whitespace tokens. Span groups:
``doc.spans["claims"]`` (label = stance), ``"source_mentions"`` (label = source id),
``"cues"`` (label ``cue``) and ``"boilerplate"`` (label = kind); every span's ``id_`` is
the element's retold id, ``doc.user_data["doc_id"]`` the document id, and
``doc.user_data["claim_parents"]`` maps each nested claim's id to its ``parent``'s. spaCy's
character offsets are code points, as retold's.

Contrast set: ``contrast.spacy``, one ``Doc`` per edited passage (in the order of
``contrast/edits.jsonl``) with the same span groups (its one claim's ``id_`` is the
``contrast_id``) and ``user_data`` ``contrast_id``, ``original_claim_id``, ``doc_id``,
``edit_type`` and ``rule``; ``contrast_pairs.spacy``, one ``Doc`` per pair whose text is the
edited claim text, ``doc.cats == {"duplicate": 1.0 or 0.0}`` and ``user_data`` ``pair_id``,
``claim_id``, ``doc_id``, ``claim_text`` (the natural mention's), ``edit_type`` and ``rule``.

Not held (so in ``sidecar.json``): clusters, chains, claim notes, the registries, and any
field added later; of the contrast drafts, the unedited passage, the edit, the chain and
the notes. spaCy is export-only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retold.export.contrast import EDITS, PAIRS
from retold.export.dataset import BOILERPLATE, CLAIMS, CUES, MENTIONS, ExportDoc, ExportSet
from retold.text.tokens import token_spans

DOCBIN_FILE = "retold.spacy"
CONTRAST_FILE = "contrast.spacy"
PAIRS_FILE = "contrast_pairs.spacy"
DUPLICATE = "duplicate"
LABEL_KEYS = {CLAIMS: "stance", MENTIONS: "source", BOILERPLATE: "kind"}

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance", "parent"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}
contrast_held = {
    EDITS: frozenset({"contrast_id", "original_claim_id", "edit_type", "rule", "text", "claim",
                      "stance"}),
    PAIRS: frozenset({"pair_id", "claim_id", "edited_text", "duplicate", "edit_type", "rule"}),
}


def words_and_spaces(text: str, breaks: set[int]) -> tuple[list[str], list[bool]]:
    """spaCy ``words``/``spaces`` that rebuild ``text`` exactly, on retold's tokens."""
    words: list[str] = []
    spaces: list[bool] = []
    position = 0
    end_of_text = (len(text), len(text))  # an empty last token: the gap after the last word
    for start, end in [*token_spans(text, breaks), end_of_text]:
        gap = text[position:start]
        if words and gap.startswith(" "):
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        if start < end:
            words.append(text[start:end])
            spaces.append(False)
        position = end
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
    sdoc.user_data["claim_parents"] = {c["id"]: c["parent"] for c in doc.elements(CLAIMS)
                                       if c.get("parent")}
    return sdoc


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    import spacy
    from spacy.tokens import Doc, DocBin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for doc in export_set.docs:
        docbin.add(spacy_doc(doc, nlp.vocab))
    docbin.to_disk(out_dir / DOCBIN_FILE)
    contrast = export_set.contrast
    if contrast is None:
        return [DOCBIN_FILE]
    passages = DocBin(store_user_data=True)
    for doc in contrast.edits:
        sdoc = spacy_doc(doc, nlp.vocab)
        del sdoc.user_data["claim_parents"]
        sdoc.user_data.update({k: v for k, v in contrast.fields(doc.doc_id).items()
                               if k != "original"})
        passages.add(sdoc)
    passages.to_disk(out_dir / CONTRAST_FILE)
    pairs = DocBin(store_user_data=True)
    for pair in contrast.pairs:
        fields = pair.fields()
        text = fields["edited_text"]
        words, spaces = words_and_spaces(text, set())
        sdoc = Doc(nlp.vocab, words=words, spaces=spaces)
        if sdoc.text != text:
            raise AssertionError(f"{pair.pair_id}: the spaCy Doc does not rebuild the text")
        sdoc.cats = {DUPLICATE: 1.0 if fields["duplicate"] else 0.0}
        sdoc.user_data.update({k: v for k, v in fields.items()
                               if k not in ("edited_text", "duplicate")})
        pairs.add(sdoc)
    pairs.to_disk(out_dir / PAIRS_FILE)
    return [DOCBIN_FILE, CONTRAST_FILE, PAIRS_FILE]
