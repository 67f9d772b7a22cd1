"""The metrics behind the task scores: pure functions of numpy arrays, sets and partitions.

Each module is checked in the tests against an independent implementation (scikit-learn,
seqeval, scorch) and against the hand-worked examples of ``docs/metrics.md``.
"""
