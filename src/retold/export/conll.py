"""CoNLL: one token per line, tab-separated, one BIO column per layer, a blank line per sentence.

Columns: ``token``, ``start``, ``end`` (code-point offsets of the token in the document),
then one column per BIO layer of ``schema.TOKEN_LAYERS`` (``B-claim``, ``I-claim``, ``O``
...). Sentences and tokens are those of the release's ``tokens`` config
(``retold.text.segment``). Each document starts with ``# doc_id = ...`` and each sentence
with ``# sentence = <start> <end>``; comment lines start with ``"# "`` (a ``#`` token is
``"#\\t..."``). ``columns.txt`` lists the column names, for readers such as ``datasets``'
``conll`` builder (``column_names``, ``delimiter="\\t"``, ``comment_prefix="# "``).

Not held (so in ``sidecar.json``): everything but token offsets and span extents: ids,
stances, sources, chains, clusters, boilerplate, notes. CoNLL is export-only.
"""

from __future__ import annotations

from pathlib import Path

from retold.export.dataset import ExportDoc, ExportSet
from retold.schema import TOKEN_LAYERS, label_named
from retold.text.segment import segment_document

CONLL_FILE = "retold.conll"
COLUMNS_FILE = "columns.txt"
TAG_O = label_named("BIO_TAGS", "O")
held: dict[str, frozenset[str]] = {}
"""CoNLL holds span extents as BIO tags, not records: the side file keeps every record."""


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


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    lines: list[str] = []
    for doc in export_set.docs:
        lines += document_lines(doc)
    (out_dir / CONLL_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / COLUMNS_FILE).write_text("\n".join(column_names()) + "\n", encoding="utf-8")
    return [CONLL_FILE, COLUMNS_FILE]
