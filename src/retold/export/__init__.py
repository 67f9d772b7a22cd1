"""Exports of the annotation set to annotation tools and NLP libraries, and imports back.

``retold export --format F`` writes the validated standoff annotations (``io.standoff``)
and the corpus texts in one of ``EXPORT_FORMATS``; ``retold import --format F`` reads an
edited INCEpTION or Label Studio export back into the standoff format and runs the
validator on it. What a format cannot hold goes into a side file (``sidecar.json``, see
``retold.export.sidecar``), so nothing is dropped; ``held`` in each format module says what
the format itself holds. This package reads ``io``, ``text`` and ``validate``; it never
imports ``build``.
"""

EXPORT_FORMATS: tuple[str, ...] = ("brat", "conll", "inception-xmi", "label-studio", "spacy")
IMPORT_FORMATS: tuple[str, ...] = ("inception-xmi", "label-studio")
