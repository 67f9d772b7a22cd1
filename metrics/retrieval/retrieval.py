"""retold `retrieval`: a local `evaluate` metric wrapping retold's own scorer.

    import evaluate
    metric = evaluate.load("metrics/retrieval")
    metric.compute(predictions=[...], release_dir="release")

See README.md beside this file and docs/metrics.md.
"""

import retold.hf_metric as base


class Retrieval(base.RetoldMetric):
    """The `retrieval` task of retold, scored by `retold.score`.

    The numbers are those of `retold score`.
    """

    task_name = "retrieval"
