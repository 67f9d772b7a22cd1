"""``retold predict``: the trained detectors on new text, written as a standoff annotation set.

``decode`` turns tagger output into spans (pure Python, shared with the baselines);
``inputs`` reads the texts to annotate; ``detectors`` loads the saved models (torch and
transformers, imported only here); ``annotate`` predicts one document; ``clusters`` groups
the claims of every document, blocked by nearest neighbours; ``engines`` runs the
per-document stage in process, with ``datasets.map`` or on Ray; ``write`` lays the result
out as a corpus and an annotation set that ``retold validate`` accepts.
"""
