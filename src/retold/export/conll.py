"""CoNLL: one token per line, tab-separated, one BIO column per layer, a blank line per sentence.

Columns: ``token``, ``start``, ``end`` (code-point offsets of the token in the document),
then one column per BIO layer of ``schema.TOKEN_LAYERS`` (``B-claim``, ``I-claim``, ``O``
...). Sentences and tokens are those of the release's ``tokens`` config
(``retold.text.segment``). Each document starts with ``# doc_id = ...`` and each sentence
with ``# sentence = <start> <end>``; comment lines start with ``"# "`` (a ``#`` token is
``"#\\t..."``). ``columns.txt`` lists the column names, for readers such as ``datasets``'
``conll`` builder (``column_names``, ``delimiter="\\t"``, ``comment_prefix="# "``).

The ``nested_claim`` column holds the nested claims (those with a ``parent``) and the
``claim`` column the others; a nested claim's parent is the ``claim`` span around it (claims
nest one level and never cross), and its id is in the side file.

Contrast set: ``contrast.conll``, the same columns, one block per edited passage (in the
order of ``contrast/edits.jsonl``), headed ``# contrast_id = ...`` and ``# sentence = 0 <n>``:
the passage's tokens (``schema.TOKEN_PATTERN``) with its claim, sources and cues tagged
(``nested_claim`` is all ``O``). The pairs have no spans to tag: they are in the side file.

Not held (so in ``sidecar.json``): everything but token offsets and span extents: ids,
stances, sources, chains, parents, clusters, boilerplate, notes; every contrast draft line
whole. CoNLL is export-only.
"""

from __future__ import annotations

from pathlib import Path

from retold.export.dataset import CLAIMS, CUES, MENTIONS, ExportDoc, ExportSet
from retold.schema import TOKEN_LAYERS, label_named
from retold.text.segment import bio_tags, segment_document
from retold.text.tokens import token_spans

CONLL_FILE = "retold.conll"
CONTRAST_FILE = "contrast.conll"
COLUMNS_FILE = "columns.txt"
TAG_O = label_named("BIO_TAGS", "O")
held: dict[str, frozenset[str]] = {}
"""CoNLL holds span extents as BIO tags, not records: the side file keeps every record."""
contrast_held: dict[str, frozenset[str]] = {}
"""Nor does it hold the contrast drafts as records: the side file keeps every line."""
_PASSAGE_LAYERS = {label_named("TOKEN_LAYERS", "claim"): CLAIMS,
                   label_named("TOKEN_LAYERS", "source"): MENTIONS,
                   label_named("TOKEN_LAYERS", "cue"): CUES}


def column_names() -> list[str]:
    return ["token", "start", "end", *(f"{layer}_tags" for layer in TOKEN_LAYERS)]


def _tag(tag: str, layer: str) -> str:
    return tag if tag == TAG_O else f"{tag}-{layer}"


def document_lines(doc: ExportDoc) -> list[str]:
    """The CoNLL lines of one document (its sentences, each followed by a blank line)."""
    lines = [f"# doc_id = {doc.doc_id}"]
    for sentence in segment_document(doc.text, doc.annotation):
        lines.append(f"# sentence = {sentence.start} {sentence.end}")
        for i, token in enumerate(sentence.tokens):
            tags = [_tag(sentence.tags[layer][i], layer) for layer in TOKEN_LAYERS]
            lines.append("\t".join([token, str(sentence.token_starts[i]),
                                    str(sentence.token_ends[i]), *tags]))
        lines.append("")
    return lines


def passage_lines(doc: ExportDoc) -> list[str]:
    """The CoNLL lines of one contrast passage: one block, the whole passage."""
    tokens = token_spans(doc.text)
    tags = {}
    for layer in TOKEN_LAYERS:
        spans: dict[tuple[int, int], list[str]] = {}
        for e in doc.elements(_PASSAGE_LAYERS[layer]) if layer in _PASSAGE_LAYERS else []:
            spans.setdefault((e["start"], e["end"]), []).append(e["id"])
        tags[layer] = bio_tags(tokens, spans)
    lines = [f"# contrast_id = {doc.doc_id}", f"# sentence = 0 {len(doc.text)}"]
    for i, (start, end) in enumerate(tokens):
        lines.append("\t".join([doc.text[start:end], str(start), str(end),
                                *(_tag(tags[layer][i], layer) for layer in TOKEN_LAYERS)]))
    return [*lines, ""]


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    lines: list[str] = []
    for doc in export_set.docs:
        lines += document_lines(doc)
    (out_dir / CONLL_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / COLUMNS_FILE).write_text("\n".join(column_names()) + "\n", encoding="utf-8")
    files = [CONLL_FILE, COLUMNS_FILE]
    if export_set.contrast is not None:
        lines = [line for doc in export_set.contrast.edits for line in passage_lines(doc)]
        (out_dir / CONTRAST_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(CONTRAST_FILE)
    return files
