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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from baselines.backbone import model_info
from baselines.base import RunContext
from baselines.families import FoldItems, Joint, JointModel, Label
from baselines.items import Mention, TrainView
from baselines.similarity_tasks import prior_threshold
from retold.score.tasks import BOOL, get_task

PROMPTS = Path(__file__).with_name("prompts")
YES_NO = ("yes", "no")


def answers(task: str) -> tuple[str, ...]:
    """The answers a prompt of ``task`` allows, from the task's declared decision field: yes
    or no for a boolean field, the field's labels for a label field (``retold.score.tasks``)."""
    declared = get_task(task)
    field = declared.field(declared.decision.field)
    return YES_NO if field.kind == BOOL else tuple(field.labels)
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


class _LLM(JointModel):
    kind = "LLM"
    llm = True
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
        for answer in answers(task):
            pool = [fields for fields, a in items if a == answer]
            chosen += [(f, answer) for f in rng.sample(pool, min(self.shots, len(pool)))]
        rng.shuffle(chosen)
        return "".join(template.format(**f, answer=a) for f, a in chosen)

    def fit(self, train: TrainView) -> None:
        self.train = train

    def predict_all(self, test: FoldItems) -> Joint:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        from baselines.classic import CHAR_TFIDF

        ctx, train_view = self.ctx, self.train
        key = f"llm:{ctx.llm}"
        if key not in ctx.shared:
            ctx.shared[key] = CausalLM(str(ctx.llm))
        lm: CausalLM = ctx.shared[key]
        before = lm.fallbacks
        corpus = train_view.corpus
        seed = ctx.seed * 1000 + self.fold

        def passage(c: dict[str, Any]) -> str:
            return corpus.marked_context(c["doc_id"], c["start"], c["end"])

        train = [({"passage": passage(c)}, c) for c in train_view.claims]
        attributed_examples = self._examples(
            "attributed", [(f, "yes" if c["attributed"] else "no") for f, c in train], seed)
        denied_examples = self._examples("denied", [(f, c["stance"]) for f, c in train], seed)

        def labels(mentions: Sequence[Mention]) -> list[Label]:
            template = prompt_template("attributed")
            flags = [lm.answer(template.format(examples=attributed_examples,
                                               passage=m.context()),
                               answers("attributed"))[0] == "yes" for m in mentions]
            template = prompt_template("denied")
            stances = [lm.answer(template.format(examples=denied_examples,
                                                 passage=m.context()), answers("denied"))[0]
                       for m in mentions]
            return [Label(a, s) for a, s in zip(flags, stances, strict=True)]

        joint = Joint(labels=labels(test.mentions), contrast_labels=labels(test.contrast))
        text = {c["claim_id"]: c["text"] for c in train_view.claims}
        vectorizer = TfidfVectorizer(**CHAR_TFIDF).fit([c["text"] for c in train_view.claims])

        def cosines(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
            if not pairs:
                return np.zeros(0)
            a = vectorizer.transform([x for x, _ in pairs])
            b = vectorizer.transform([y for _, y in pairs])
            return np.asarray(cosine_similarity(a, b).diagonal())

        train_texts = [(text[p["claim_id_a"]], text[p["claim_id_b"]]) for p in train_view.pairs]
        pair_items = [({"claim_a": a, "claim_b": b}, "yes" if p["duplicate"] else "no")
                      for (a, b), p in zip(train_texts, train_view.pairs, strict=True)]
        hard = (np.argsort(-cosines(train_texts), kind="stable")[:200] if self.shots
                else [])
        examples = self._examples("duplicated", [pair_items[i] for i in hard], seed)
        template = prompt_template("duplicated")
        test_pairs = test.pairs
        cos = cosines([(p.text_a, p.text_b) for p in test_pairs])
        share = QUICK_PAIR_SHARE if ctx.quick else PAIR_SHARE
        cut = prior_threshold(cosines(train_texts), share)
        top = np.flatnonzero(cos >= cut)
        scores, decisions = cos - 10.0, np.zeros(len(test_pairs), dtype=bool)
        for i in top:
            p = test_pairs[i]
            answer, probs = lm.answer(template.format(examples=examples, claim_a=p.text_a,
                                                      claim_b=p.text_b),
                                      answers("duplicated"))
            scores[i], decisions[i] = float(probs[0]), answer == "yes"
        joint.pair_scores, joint.pair_decisions = scores, decisions
        pair_scores, pair_decisions = [], []
        for p in test.contrast_pairs:
            answer, probs = lm.answer(template.format(examples=examples, claim_a=p.text_a,
                                                      claim_b=p.text_b), answers("duplicated"))
            pair_scores.append(float(probs[0]))
            pair_decisions.append(answer == "yes")
        joint.contrast_pair_scores, joint.contrast_pair_decisions = pair_scores, pair_decisions
        self.notes.append(f"fold {self.fold}: {lm.fallbacks - before} answers not parsed "
                          "(first-token fallback)")
        return joint


class LLMZeroShot(_LLM, name="llm-zero-shot"):
    shots = 0
    description = "an instruction-tuned causal LM prompted with the task only (prompts/*.txt)"


class LLMFewShot(_LLM, name="llm-few-shot"):
    shots = 2
    description = ("the same prompts with two training-document examples per answer "
                   "(hard negatives for pairs)")
