"""Instruction-tuned causal language models, zero- and few-shot (``--llm MODEL``).

The prompts are files in ``baselines/prompts/`` (``<task>.txt`` with ``{examples}``, and
``example_<task>.txt`` for one few-shot example). Few-shot examples come from the training
documents of the fold only. The model's greedy continuation is parsed for the first answer
word; when it holds none, the answer whose first token has the highest next-token logit is
taken, and the number of such fallbacks is written in the results' notes. Duplicate scores
are p(yes) / (p(yes) + p(no)) at the first answer token; only the pairs at or above the
character TF-IDF cosine of the training pairs' top share are sent to the model (a cut from
the training documents, so no held-out pair moves another's fate), the rest rank below them,
decided no.

Skipped by default (no model is downloaded offline); tested on a tiny random GPT-2.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import numpy as np

from baselines import contrast
from baselines.backbone import model_info
from baselines.base import Baseline, FoldOutput, RunContext
from baselines.data import FoldView
from baselines.similarity_tasks import prior_threshold
from retold.schema import STANCES

PROMPTS = Path(__file__).with_name("prompts")
ANSWERS: dict[str, tuple[str, ...]] = {"attributed": ("yes", "no"), "denied": STANCES,
                                       "duplicated": ("yes", "no")}
MAX_NEW_TOKENS = 4
PAIR_SHARE = 0.05
QUICK_PAIR_SHARE = 0.005


def prompt_template(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


class CausalLM:
    """A causal LM with its tokenizer: constrained first-token scores and greedy answers."""

    def __init__(self, model: str) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from baselines.finetune.common import torch_device

        self.torch = torch
        self.device = torch_device()
        self.tokenizer = AutoTokenizer.from_pretrained(model)
        dtype = torch.bfloat16 if self.device.type == "cuda" else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(model, dtype=dtype).to(self.device)
        self.model.eval()
        self.fallbacks = 0

    def _encode(self, prompt: str) -> Any:
        if getattr(self.tokenizer, "chat_template", None):
            ids = self.tokenizer.apply_chat_template(
                [{"role": "user", "content": prompt}], add_generation_prompt=True,
                return_tensors="pt", return_dict=True)["input_ids"]
        else:
            ids = self.tokenizer(prompt, return_tensors="pt")["input_ids"]
        return ids.to(self.device)

    def first_token(self, word: str) -> int:
        ids = self.tokenizer(" " + word, add_special_tokens=False)["input_ids"]
        return ids[0] if ids else self.tokenizer.unk_token_id

    def answer(self, prompt: str, answers: tuple[str, ...]) -> tuple[str, np.ndarray]:
        """The parsed answer and the softmax over the answers' first-token logits."""
        with self.torch.no_grad():
            ids = self._encode(prompt)
            logits = self.model(input_ids=ids).logits[0, -1].float()
            first = [self.first_token(a) for a in answers]
            probs = self.torch.softmax(logits[first], -1).cpu().numpy()
            pad = self.tokenizer.pad_token_id
            if pad is None:
                pad = self.tokenizer.eos_token_id
            generated = self.model.generate(input_ids=ids,
                                            attention_mask=self.torch.ones_like(ids),
                                            max_new_tokens=MAX_NEW_TOKENS, do_sample=False,
                                            pad_token_id=pad)
        text = self.tokenizer.decode(generated[0, ids.shape[1]:], skip_special_tokens=True)
        words = re.findall(r"[a-z]+", text.lower())
        parsed = next((w for w in words if w in answers), None)
        if parsed is None:
            self.fallbacks += 1
            parsed = answers[int(np.argmax(probs))]
        return parsed, probs


class _LLM(Baseline):
    tasks = ("attributed", "denied", "duplicated")
    shots = 0

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"llm": ctx.llm, "shots_per_label": self.shots, "max_new_tokens": MAX_NEW_TOKENS,
                "pair_share": QUICK_PAIR_SHARE if ctx.quick else PAIR_SHARE,
                "pair_cut": "train-share",
                "prompts": {p.name: p.read_text(encoding="utf-8")
                            for p in sorted(PROMPTS.glob("*.txt"))}}

    def model_info(self, ctx: RunContext) -> dict[str, Any]:
        return model_info(str(ctx.llm))

    def _examples(self, task: str, items: list[tuple[dict[str, str], str]], seed: int) -> str:
        if not self.shots:
            return ""
        rng = random.Random(seed)
        template = prompt_template(f"example_{task}")
        chosen = []
        for answer in ANSWERS[task]:
            pool = [fields for fields, a in items if a == answer]
            chosen += [(f, answer) for f in rng.sample(pool, min(self.shots, len(pool)))]
        rng.shuffle(chosen)
        return "".join(template.format(**f, answer=a) for f, a in chosen)

    def run_fold(self, view: FoldView, ctx: RunContext) -> FoldOutput:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        from baselines.classic import CHAR_TFIDF

        key = f"llm:{ctx.llm}"
        if key not in ctx.shared:
            ctx.shared[key] = CausalLM(str(ctx.llm))
        lm: CausalLM = ctx.shared[key]
        before = lm.fallbacks
        corpus = view.corpus
        seed = ctx.seed * 1000 + view.fold

        def passage(c: dict[str, Any]) -> str:
            return corpus.marked_context(c["doc_id"], c["start"], c["end"])

        out = FoldOutput()
        train = [({"passage": passage(c)}, c) for c in view.train_claims]
        examples = self._examples("attributed", [(f, "yes" if c["attributed"] else "no")
                                                 for f, c in train], seed)
        template = prompt_template("attributed")
        out.records["attributed"] = []
        for c in view.test_claims:
            answer, _ = lm.answer(template.format(examples=examples, passage=passage(c)),
                                  ANSWERS["attributed"])
            out.records["attributed"].append({"claim_id": c["claim_id"],
                                              "attributed": answer == "yes",
                                              "source_start": -1, "source_end": -1})
        examples = self._examples("denied", [(f, c["stance"]) for f, c in train], seed)
        template = prompt_template("denied")
        out.records["denied"] = [
            {"claim_id": c["claim_id"],
             "stance": lm.answer(template.format(examples=examples, passage=passage(c)),
                                 STANCES)[0]}
            for c in view.test_claims]

        passages = corpus.passages
        contrast_passages = [passages.marked_context(*item) for item in contrast.spans(view)]
        examples = self._examples("attributed", [(f, "yes" if c["attributed"] else "no")
                                                 for f, c in train], seed)
        template = prompt_template("attributed")
        out.contrast["attributed"] = contrast.attributed_lines(view, [
            lm.answer(template.format(examples=examples, passage=p),
                      ANSWERS["attributed"])[0] == "yes" for p in contrast_passages])
        examples = self._examples("denied", [(f, c["stance"]) for f, c in train], seed)
        template = prompt_template("denied")
        out.contrast["denied"] = contrast.denied_lines(view, [
            lm.answer(template.format(examples=examples, passage=p), STANCES)[0]
            for p in contrast_passages])

        text = {c["claim_id"]: c["text"] for c in corpus.claims}
        vectorizer = TfidfVectorizer(**CHAR_TFIDF).fit([c["text"] for c in view.train_claims])

        def cosines(pairs: list[dict[str, Any]]) -> np.ndarray:
            if not pairs:
                return np.zeros(0)
            a = vectorizer.transform([text[p["claim_id_a"]] for p in pairs])
            b = vectorizer.transform([text[p["claim_id_b"]] for p in pairs])
            return np.asarray(cosine_similarity(a, b).diagonal())

        pair_items = [({"claim_a": text[p["claim_id_a"]], "claim_b": text[p["claim_id_b"]]},
                       "yes" if p["duplicate"] else "no") for p in view.train_pairs]
        hard = (np.argsort(-cosines(view.train_pairs), kind="stable")[:200] if self.shots
                else [])
        examples = self._examples("duplicated", [pair_items[i] for i in hard], seed)
        template = prompt_template("duplicated")
        test = view.test_pairs
        cos = cosines(test)
        share = QUICK_PAIR_SHARE if ctx.quick else PAIR_SHARE
        cut = prior_threshold(cosines(view.train_pairs), share)
        top = np.flatnonzero(cos >= cut)
        scores, decisions = cos - 10.0, np.zeros(len(test), dtype=bool)
        for i in top:
            p = test[i]
            answer, probs = lm.answer(template.format(examples=examples,
                                                      claim_a=text[p["claim_id_a"]],
                                                      claim_b=text[p["claim_id_b"]]),
                                      ANSWERS["duplicated"])
            scores[i], decisions[i] = float(probs[0]), answer == "yes"
        out.records["duplicated"] = [
            {"claim_id_a": p["claim_id_a"], "claim_id_b": p["claim_id_b"],
             "score": round(float(s), 6), "duplicate": bool(d)}
            for p, s, d in zip(test, scores, decisions, strict=True)]
        pair_scores, pair_decisions = [], []
        for a, b in zip(*contrast.pair_texts(view), strict=True):
            answer, probs = lm.answer(template.format(examples=examples, claim_a=a, claim_b=b),
                                      ANSWERS["duplicated"])
            pair_scores.append(float(probs[0]))
            pair_decisions.append(answer == "yes")
        out.contrast["duplicated"] = contrast.pair_lines(view, pair_scores, pair_decisions)
        out.notes.append(f"fold {view.fold}: {lm.fallbacks - before} answers not parsed "
                         "(first-token fallback)")
        return out


class LLMZeroShot(_LLM):
    name = "llm-zero-shot"
    shots = 0
    description = "an instruction-tuned causal LM prompted with the task only (prompts/*.txt)"


class LLMFewShot(_LLM):
    name = "llm-few-shot"
    shots = 2
    description = ("the same prompts with two training-document examples per answer "
                   "(hard negatives for pairs)")
