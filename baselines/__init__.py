"""retold's baselines: rules, scikit-learn, sentence embeddings, fine-tuned transformers, LLMs.

A top-level package that the ``retold`` package never imports. Every baseline follows the
leave-one-document-out protocol of ``retold.schema.PROTOCOL_DESCRIPTION``: the model of fold
k is fitted and tuned on the other four documents only, and predicts the items whose
``fold`` is k. Predictions are written in the official format and scored with
``retold.score``. Run ``python -m baselines run --help``.
"""
