"""A pair model in one file: the token Jaccard similarity of two claim texts.

Run it through the benchmark (docs/models.md):

    python -m baselines run --quick --model-file examples/models/jaccard.py --baselines jaccard
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from baselines.families import PairModel
from baselines.items import Pair


@dataclass(frozen=True)
class JaccardSettings:
    lowercase: bool = True


class Jaccard(PairModel, name="jaccard", kind="rules"):
    description = "token Jaccard similarity of the two claim texts"
    threshold_rule = "train-f1"  # the runner picks the cut on the training pairs
    settings = JaccardSettings()

    def tokens(self, text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower() if self.settings.lowercase else text))

    def score(self, pairs: Sequence[Pair]) -> np.ndarray:
        scores = []
        for pair in pairs:
            a, b = self.tokens(pair.text_a), self.tokens(pair.text_b)
            scores.append(len(a & b) / len(a | b) if a | b else 0.0)
        return np.array(scores)
