"""Every baseline, in the order the runner runs them."""

from __future__ import annotations

from baselines.base import Baseline
from baselines.classic import CharTfidf, TfidfLogReg, TfidfLogRegContrast
from baselines.finetuned import (
    FinetunedBiEncoder,
    FinetunedChain,
    FinetunedClassifier,
    FinetunedClassifierContrast,
    FinetunedCrossEncoder,
    FinetunedTagger,
)
from baselines.llm import LLMFewShot, LLMZeroShot
from baselines.probes import KIND as PROBE_KIND
from baselines.probes import PROBES
from baselines.rule_baselines import CueRules, StringSimilarity
from baselines.simple import Majority, RandomBaseline
from baselines.zeroshot import ZeroShotEmbeddings

ALL: tuple[type[Baseline], ...] = (
    Majority, RandomBaseline, CueRules, StringSimilarity, TfidfLogReg, TfidfLogRegContrast,
    CharTfidf, ZeroShotEmbeddings, FinetunedTagger, FinetunedClassifier,
    FinetunedClassifierContrast, FinetunedChain,
    FinetunedBiEncoder, FinetunedCrossEncoder, LLMZeroShot, LLMFewShot, *PROBES,
)
NAMES: tuple[str, ...] = tuple(b.name for b in ALL)
LLM_NAMES: tuple[str, ...] = (LLMZeroShot.name, LLMFewShot.name)
OPT_IN: tuple[str, ...] = (FinetunedCrossEncoder.name,)
"""Left out of the default full run (too slow for its 20-minute budget on 2 CPU cores, and
the weakest duplicate model in calibration); ``--quick`` and ``--baselines`` run it."""
KIND: dict[str, str] = {
    Majority.name: "floor", RandomBaseline.name: "floor", CueRules.name: "rules",
    StringSimilarity.name: "rules", TfidfLogReg.name: "scikit-learn",
    TfidfLogRegContrast.name: "scikit-learn",
    FinetunedClassifierContrast.name: "fine-tuned",
    CharTfidf.name: "scikit-learn", ZeroShotEmbeddings.name: "zero-shot embeddings",
    FinetunedTagger.name: "fine-tuned", FinetunedClassifier.name: "fine-tuned",
    FinetunedChain.name: "fine-tuned", FinetunedBiEncoder.name: "fine-tuned",
    FinetunedCrossEncoder.name: "fine-tuned", LLMZeroShot.name: "LLM",
    LLMFewShot.name: "LLM", **{b.name: PROBE_KIND for b in PROBES},
}


def select(names: list[str] | None, with_llm: bool, quick: bool = False) -> list[Baseline]:
    """The baselines named; by default all but the LLMs (they need ``--llm``) and, unless
    ``quick``, the opt-in ones."""
    if names:
        unknown = sorted(set(names) - set(NAMES))
        if unknown:
            raise ValueError(f"unknown baseline(s) {', '.join(unknown)}; known: "
                             f"{', '.join(NAMES)}")
        chosen = [b for b in ALL if b.name in names]
    else:
        chosen = [b for b in ALL if (b.name not in LLM_NAMES or with_llm)
                  and (quick or b.name not in OPT_IN)]
    if not with_llm and any(b.name in LLM_NAMES for b in chosen):
        raise ValueError("the LLM baselines need --llm MODEL (a Hub id or a local folder)")
    return [b() for b in chosen]
