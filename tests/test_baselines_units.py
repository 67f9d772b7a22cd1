"""Unit tests of the baselines' parts, each against an independent oracle (hand-worked
values, scikit-learn, seqeval, brute force)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from baselines.data import Corpus, LeakError, fold_views, load_corpus
from baselines.predictions import sort_records
from baselines.results import ResultsError, validate_results
from baselines.rules import find_cue, is_denied, rule_stance
from baselines.similarity_tasks import best_f1_threshold, prior_threshold

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(ROOT / "release")


def _one_doc(text: str) -> Corpus:
    """A corpus of one synthetic document (enough for the rules, which read one sentence)."""
    doc = {"doc_id": "x", "text": text, "fold": 0, "boilerplate": []}
    return Corpus(release_dir=Path("."), documents=(doc,), claims=(), pairs=(), tokens=())


def _span(text: str, claim: str) -> tuple[int, int]:
    start = text.index(claim)
    return start, start + len(claim)


@pytest.mark.parametrize(("text", "claim", "stance"), [
    ("Iran denied that it was evacuating its embassy.", "it was evacuating its embassy",
     "denied"),
    ("The news about the evacuation is not true, he said.", "the evacuation", "denied"),
    ("Iran did not deny that troops were leaving.", "troops were leaving", "reported"),
    ("Officials said the troops were leaving Syria.", "the troops were leaving Syria",
     "reported"),
    ("The troops were leaving Syria.", "The troops were leaving Syria", "asserted"),
    ("The troops were reportedly leaving Syria.", "The troops were reportedly leaving Syria",
     "hedged"),
    ("The diplomats were denied entry, and the troops were leaving.",
     "the troops were leaving", "asserted"),
    ("He denied the report, adding that the mission continues its work.",
     "the mission continues its work", "reported"),
])
def test_rule_stance_hand_worked(text: str, claim: str, stance: str) -> None:
    corpus = _one_doc(text)
    assert rule_stance(corpus, "x", *_span(text, claim)) == stance


def test_cue_rule_finds_the_source_words() -> None:
    text = "Iran is pulling out, according to the New York Times."
    corpus = _one_doc(text)
    cue = find_cue(corpus, "x", *_span(text, "Iran is pulling out"))
    assert cue is not None
    assert text[cue.cue_start:cue.cue_end] == "according to"
    assert text[cue.source_start:cue.source_end] == "the New York Times"
    assert not is_denied(corpus, "x", *_span(text, "Iran is pulling out"))


def test_fold_views_never_hold_the_held_out_document(corpus: Corpus) -> None:
    views = fold_views(corpus)
    assert [v.fold for v in views] == [0, 1, 2, 3, 4]
    seen_pairs = []
    for view in views:
        assert view.test_doc not in view.train_docs
        assert all(c["doc_id"] != view.test_doc for c in view.train_claims)
        assert all(view.test_doc not in (p["doc_id_a"], p["doc_id_b"])
                   for p in view.train_pairs)
        assert all(t["doc_id"] != view.test_doc for t in view.train_sentences)
        assert {c["doc_id"] for c in view.test_claims} == {view.test_doc}
        seen_pairs += [(p["claim_id_a"], p["claim_id_b"]) for p in view.test_pairs]
        # the test pairs of fold k are those whose first claim lies in document k
        assert all(p["doc_id_a"] == view.test_doc for p in view.test_pairs)
    assert sorted(seen_pairs) == sorted((p["claim_id_a"], p["claim_id_b"])
                                        for p in corpus.pairs)  # each pair exactly once


def test_a_leaking_row_raises(corpus: Corpus) -> None:
    view = fold_views(corpus)[2]
    leaked = next(c for c in corpus.claims if c["doc_id"] == view.test_doc)
    with pytest.raises(LeakError, match=view.test_doc):
        view._checked([leaked])


def test_marked_context_keeps_the_claim(corpus: Corpus) -> None:
    for claim in corpus.claims:
        context = corpus.marked_context(claim["doc_id"], claim["start"], claim["end"])
        assert f"<< {' '.join(claim['text'].split())} >>" in context
        assert len(context) <= len(claim["text"]) + 2 * 100 + 10


def test_best_f1_threshold_matches_brute_force() -> None:
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    scores = rng.random(200)
    labels = rng.random(200) < scores * 0.5
    chosen = best_f1_threshold(scores, labels)
    brute = max(f1_score(labels, scores >= t) for t in np.unique(scores))
    assert f1_score(labels, scores >= chosen) == pytest.approx(brute)
    assert best_f1_threshold(scores, np.zeros(200, dtype=bool)) == float("inf")


def test_prior_threshold_marks_the_share() -> None:
    scores = np.arange(100, dtype=float)
    assert (scores >= prior_threshold(scores, 0.1)).sum() == 10


def test_train_rate_threshold_hand_worked() -> None:
    from baselines.similarity_tasks import train_rate_threshold

    scores = np.array([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 1.0, 0.4, 0.8, 0.6])
    labels = np.zeros(10, dtype=bool)
    labels[[2, 6]] = True  # 2 of 10 training pairs are duplicates
    # the 0.8-quantile of ten scores, rounded up to a score: the 9th smallest, 0.9, which
    # marks exactly the two top training pairs (0.9 and 1.0) duplicate
    assert train_rate_threshold(scores, labels) == 0.9
    assert train_rate_threshold(scores, np.zeros(10, dtype=bool)) == float("inf")
    assert train_rate_threshold(np.zeros(0), np.zeros(0, dtype=bool)) == float("inf")


def test_an_unknown_threshold_rule_is_named() -> None:
    from baselines.similarity_tasks import training_threshold

    with pytest.raises(ValueError, match=r"'train-prior'.*train-f1, train-rate"):
        training_threshold("train-prior", np.ones(3), np.ones(3, dtype=bool))


@pytest.mark.parametrize("rule", ["train-f1", "train-rate"])
def test_held_out_scores_never_move_the_threshold(corpus: Corpus, rule: str) -> None:
    """Two similarity matrices that agree on the training pairs and differ on every
    held-out pair but one: same threshold, same decision for that pair."""
    from baselines.similarity_tasks import SimilarityTasks

    view = fold_views(corpus)[0]
    index = {c["claim_id"]: i for i, c in enumerate(corpus.claims)}
    rng = np.random.default_rng(1)
    low = rng.random((len(corpus.claims),) * 2) * 0.5
    high = low.copy()
    test = [(index[p["claim_id_a"]], index[p["claim_id_b"]]) for p in view.test_pairs]
    for a, b in test[1:]:
        high[a, b] = 0.9 + low[a, b] / 10  # every other held-out pair scores far higher
    a0, b0 = test[0]
    low[a0, b0] = high[a0, b0] = 0.45
    train = [(index[p["claim_id_a"]], index[p["claim_id_b"]]) for p in view.train_pairs]
    labels = np.array([p["duplicate"] for p in view.train_pairs])
    train_scores = np.array([low[a, b] for a, b in train])
    one, two = (SimilarityTasks(view, m, threshold=rule) for m in (low, high))
    assert one.threshold == two.threshold
    if rule == "train-rate":  # oracle: as many training pairs at or above it as duplicates
        assert (train_scores >= one.threshold).sum() == labels.sum()
    assert one.duplicated()[0] == two.duplicated()[0]
    assert one.duplicated()[0]["duplicate"] == (one.threshold <= 0.45)
    assert one.threshold < 0.9  # the held-out pairs at 0.9 and above did not set it


def _pairs(cosines: list[float], probs: list[float], dups: list[bool]) -> list[dict]:
    return [{"cos": c, "prob": p, "duplicate": d}
            for c, p, d in zip(cosines, probs, dups, strict=True)]


def test_crossencoder_cut_and_threshold_come_from_training_pairs() -> None:
    from baselines.finetuned import crossencoder_decision

    train = _pairs([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
                   [0.0] * 8 + [0.3, 0.95], [False] * 9 + [True])
    asked: list[float] = []

    def predict(pairs: list[dict]) -> np.ndarray:
        asked.extend(p["cos"] for p in pairs)
        return np.array([p["prob"] for p in pairs])

    shared = {"cos": 0.85, "prob": 0.97, "duplicate": True}
    results = []
    for test in ([shared, *_pairs([0.1, 0.2, 0.85], [0.0, 0.0, 0.5], [False] * 3)],
                 [shared, *_pairs([0.99] * 20, [0.99] * 20, [True] * 20)]):
        asked.clear()
        cut, threshold, scores = crossencoder_decision(train, test, lambda p: p["cos"],
                                                       predict, 0.2)
        # the cut: the training pairs' top 20% by cosine, 0.8 and 0.9; the training scores
        # are then -10.0 ... -9.3, 0.3, 0.95, and the top 10% of them (1 duplicate in 10)
        # starts at 0.95
        assert (cut, threshold) == (0.8, 0.95)
        assert all(c >= 0.8 for c in asked)  # only pairs at or above the cut are re-ranked
        assert scores[0] == 0.97 and scores[0] >= threshold
        results.append(scores)
    assert results[0][1] == pytest.approx(0.1 - 10.0)  # below the cut: the cosine - 10
    assert results[0][3] == 0.5 < 0.95


def test_bio_spans_agree_with_seqeval() -> None:
    from seqeval.metrics.sequence_labeling import get_entities

    from retold.predict.decode import bio_spans

    tags = ["O", "B", "I", "O", "I", "I", "B", "B", "O", "B"]
    offsets = [(i * 10, i * 10 + 5) for i in range(len(tags))]
    expected = [(offsets[s][0], offsets[e][1])
                for _, s, e in get_entities([f"{t}-X" if t != "O" else "O" for t in tags])]
    assert bio_spans(offsets, tags) == sorted(expected)


def test_sort_records_rejects_two_predictions_for_one_item() -> None:
    rows = [{"claim_id": "b"}, {"claim_id": "a"}]
    assert [r["claim_id"] for r in sort_records("denied", rows)] == ["a", "b"]
    with pytest.raises(ValueError, match="two predictions"):
        sort_records("denied", [*rows, {"claim_id": "a"}])


def _valid_results() -> dict:
    return {
        "results_format": 2, "task": "denied", "run": "deterministic", "seed": None,
        "system": {"name": "rules", "description": "d", "kind": "rules", "trained": False,
                   "training_data": {"documents": "x", "contrast_rows": False},
                   "model": None, "url": None, "citation": None, "licence": None},
        "folds": [0, 1, 2, 3, 4],
        "versions": {"retold": "0.2.0", "scoring_rules": 1},
        "release": {"dataset_version": "0.1.0", "schema_version": "1.1.0",
                    "checksum": "0" * 64},
        "predictions": {"natural": {"path": "predictions/denied/rules/deterministic.jsonl.gz",
                                    "sha256": "1" * 64, "lines": 147},
                        "contrast": None},
        "scores": {"natural": {"task": "denied", "subset": "natural",
                               "main_score": "denied_f1", "main": 0.5, "ci": {},
                               "resampled": "mentions", "n_items": 147, "missing": 0,
                               "bootstrap": {"resamples": 1000, "seed": 0}},
                   "contrast": None},
        "runner": {"git": {"commit": "abc", "dirty": False}, "libraries": {"python": "3.11"},
                   "config": {}, "model": None, "loss_history": {}},
        "elapsed_s": 1.0, "quick": False,
    }


def test_results_schema_accepts_a_good_file_and_names_each_problem() -> None:
    validate_results(_valid_results())
    bad = copy.deepcopy(_valid_results())
    bad["release"]["checksum"] = "not-a-hash"
    del bad["scores"]
    bad["runner"]["loss_history"] = {"tagger": {"0": [{"step": 1, "epoch": 0.1}]}}
    with pytest.raises(ResultsError) as err:
        validate_results(bad, "some/file.json")
    message = str(err.value)
    assert "some/file.json" in message
    assert "checksum" in message and "'scores' is a required property" in message
    assert "'loss' is a required property" in message


def test_cli_errors_are_one_line_not_tracebacks(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from baselines.cli import main

    out = ["--results", str(tmp_path / "r"), "--predictions", str(tmp_path / "p")]
    assert main(["run", "--quick", "--baselines", "no-such-baseline", *out]) == 2
    assert "unknown baseline(s) no-such-baseline" in capsys.readouterr().err
    assert main(["run", "--quick", "--baselines", "llm-zero-shot", *out]) == 2
    assert "need --llm" in capsys.readouterr().err
    missing = str(tmp_path / "no-model-here")
    assert main(["run", "--quick", "--baselines", "zero-shot-embeddings", "--model", missing,
                 *out]) == 2
    err = capsys.readouterr().err
    # Log lines and a progress bar may come first; the error itself is one line.
    errors = [line for line in err.splitlines() if line.startswith("baselines: error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    assert missing in errors[0]
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("span", "expected"), [
    ("that the troops left.", "the troops left"),
    (", and Iran denied it;", "Iran denied it"),
    ("Iran left", "Iran left"),
    (" .", None),
])
def test_trim_claim_hand_worked(span: str, expected: str | None) -> None:
    from retold.predict.decode import trim_claim

    text = f"He said {span} Then more."
    start = text.index(span)
    trimmed = trim_claim(text, start, start + len(span))
    assert (text[trimmed[0]:trimmed[1]] if trimmed else None) == expected


@pytest.mark.parametrize(("sentence", "frame", "expected"), [
    # hand-worked: the frame opens the claim, closes it, or sits in the middle of it
    ("According to the paper, Iran left Syria.", ["According to", "the paper"],
     "Iran left Syria"),
    ("Iran left Syria, the New York Times reported.", ["the New York Times", "reported"],
     "Iran left Syria"),
    ('"Iran left," officials said.', ["officials", "said"], "Iran left"),
    ("Iran, officials said, left Syria.", ["officials", "said"],
     "Iran, officials said, left Syria"),
    ("ReplyDeleteSome staff left.", ["ReplyDelete"], "Some staff left"),
])
def test_strip_frame_hand_worked(sentence: str, frame: list[str], expected: str) -> None:
    from retold.predict.decode import strip_frame, trim_claim

    spans = sorted((sentence.index(f), sentence.index(f) + len(f)) for f in frame)
    start, end = strip_frame(sentence, 0, len(sentence), spans)
    trimmed = trim_claim(sentence, start, end)
    assert trimmed is not None and sentence[trimmed[0]:trimmed[1]] == expected


def test_held_out_tokens_come_from_the_raw_text_not_the_boilerplate_annotation() -> None:
    """The tagger tokenises a held-out document from its text alone: an annotated boilerplate
    span glued to the next word ("Reply12 June") is not a token break (hand-worked tokens),
    and changing the boilerplate annotation changes nothing."""
    from retold.predict.decode import claim_spans

    text = "Reply12 June. Iran is pulling out."
    plain = _one_doc(text)
    annotated = Corpus(release_dir=Path("."), claims=(), pairs=(), tokens=(), documents=(
        {"doc_id": "x", "text": text, "fold": 0,
         "boilerplate": [{"start": 0, "end": 5, "kind": "ui"}]},))
    words = [[text[a:b] for a, b in sentence] for sentence in plain.document_tokens("x")]
    assert words == [["Reply12", "June", "."], ["Iran", "is", "pulling", "out", "."]]
    assert annotated.document_tokens("x") == plain.document_tokens("x")
    # claim spans are cut by the predicted frame only (a cue here), never by boilerplate
    tagged = [{"claim": [(0, 12)], "cue": []},
              {"claim": [(14, 33)], "cue": [(14, 18)]}]
    assert claim_spans(text, tagged) == [(0, 12), (19, 33)]


def test_bf16_mixed_precision_is_the_settings_choice() -> None:
    """The official settings train in bfloat16 autocast (weights float32); a setting without
    it trains in float32. Oracle: the Trainer's own arguments."""
    import torch

    from baselines.finetune.common import TrainSettings, training_arguments
    from baselines.finetuned import FULL, QUICK

    on = TrainSettings(epochs=1, learning_rate=1e-4, batch_size=4, max_length=8, bf16=True)
    off = TrainSettings(epochs=1, learning_rate=1e-4, batch_size=4, max_length=8)
    gpu_without = torch.cuda.is_available() and not torch.cuda.is_bf16_supported()
    assert training_arguments(on, 0, 3).bf16 is (not gpu_without)
    assert training_arguments(off, 0, 3).bf16 is False
    assert all(s.bf16 for s in FULL.values()) and not any(s.bf16 for s in QUICK.values())


def test_the_language_model_is_released_before_the_encoders_train() -> None:
    """The runner takes the LLM baselines first, over every fold, and drops what they
    loaded before the other baselines run (the run's peak memory is then the larger of the
    two, not their sum). Spies stand in for the models; the oracle is a weak reference to
    the object the LLM spy loaded."""
    import gc
    import weakref

    from baselines.base import FoldOutput
    from baselines.runner import RunSettings, run_all, run_groups

    class Loaded:
        pass

    seen: list[tuple[str, int, int]] = []
    alive: list[bool] = []
    refs: list[weakref.ref] = []

    class SpyLLM:
        name, llm, seeded = "spy-llm", True, False

        def run_fold(self, view, ctx):
            if "llm" not in ctx.shared:
                ctx.shared["llm"] = Loaded()
                refs.append(weakref.ref(ctx.shared["llm"]))
            seen.append((self.name, ctx.seed, view.fold))
            return FoldOutput()

    spy_llm = SpyLLM()

    class SpyEncoder:
        name, llm, seeded = "spy-encoder", False, True

        def run_fold(self, view, ctx):
            gc.collect()
            alive.append(refs[0]() is not None or "llm" in ctx.shared)
            seen.append((self.name, ctx.seed, view.fold))
            return FoldOutput()

    encoder = SpyEncoder()
    assert run_groups([encoder, spy_llm]) == [[spy_llm], [encoder]]  # type: ignore[list-item]
    settings = RunSettings(release=ROOT / "release", results_dir=Path("unused"),
                           predictions_dir=Path("unused"), seeds=(0, 1), quick=True,
                           model="unused", llm="spy")
    assert run_all(settings, [encoder, spy_llm], is_main=False) == []  # type: ignore[list-item]
    assert seen[:5] == [("spy-llm", 0, f) for f in range(5)]  # once, seed 0, every fold
    assert seen[5:] == [("spy-encoder", s, f) for s in (0, 1) for f in range(5)]
    assert alive == [False] * 10


def test_nothing_a_fold_trains_outlives_the_fold() -> None:
    """What a model's fit() keeps on itself (here a stand-in for a trained network) is gone
    when the next fold starts: the runner runs a copy per fold. The oracle is a weak
    reference to every object the spy kept."""
    import gc
    import platform
    import weakref

    from baselines.base import FoldOutput
    from baselines.runner import RunSettings, release_memory, run_all

    class Trained:
        pass

    kept: list[weakref.ref] = []
    alive_at_start: list[int] = []

    class Spy:
        name, llm, seeded = "spy", False, True

        def run_fold(self, view, ctx):
            gc.collect()
            alive_at_start.append(sum(ref() is not None for ref in kept))
            self.trained = Trained()
            ctx.cache["trained"] = self.trained
            kept.append(weakref.ref(self.trained))
            return FoldOutput()

    spy = Spy()
    settings = RunSettings(release=ROOT / "release", results_dir=Path("unused"),
                           predictions_dir=Path("unused"), seeds=(0, 1), quick=True,
                           model="unused")
    assert run_all(settings, [spy], is_main=False) == []  # type: ignore[list-item]
    assert len(kept) == 10
    assert alive_at_start == [0] * 10
    assert not hasattr(spy, "trained")
    # malloc_trim exists exactly where the C library is glibc
    assert release_memory() == (platform.libc_ver()[0] == "glibc")


def test_paired_cosine_hand_worked_and_against_the_full_matrix() -> None:
    from scipy import sparse
    from sklearn.metrics.pairwise import cosine_similarity

    from baselines.classic import paired_cosine

    a = sparse.csr_matrix([[1.0, 0.0], [3.0, 4.0], [0.0, 0.0], [2.0, 0.0]])
    b = sparse.csr_matrix([[1.0, 1.0], [4.0, 3.0], [1.0, 0.0], [0.0, 5.0]])
    # by hand: 1/sqrt(2); (12 + 12) / 25; a zero row has cosine 0; orthogonal rows 0
    np.testing.assert_allclose(paired_cosine(a, b), [2 ** -0.5, 24 / 25, 0.0, 0.0],
                               rtol=0, atol=1e-15)
    rng = np.random.default_rng(0)
    x = sparse.random(300, 50, density=0.1, format="csr", random_state=rng)
    y = sparse.random(300, 50, density=0.1, format="csr", random_state=rng)
    oracle = cosine_similarity(x, y).diagonal()  # the n x n matrix the helper avoids
    np.testing.assert_allclose(paired_cosine(x, y), oracle, rtol=0, atol=1e-12)
    np.testing.assert_allclose(paired_cosine(x.toarray(), y.toarray()), oracle,
                               rtol=0, atol=1e-12)
    assert paired_cosine(x[:0], y[:0]).shape == (0,)


def test_the_biencoder_embeds_each_text_once_and_scores_as_the_encoder_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``TrainedBiEncoder`` keeps every text's embedding: a text seen before is not embedded
    again, and every score equals the cosine of the encoder's own embeddings of the texts
    (``encoder.embed``, called here on each text alone)."""
    pytest.importorskip("transformers")
    from transformers import AutoModel, AutoTokenizer

    import baselines.finetune.biencoder as biencoder
    from baselines.encoder import embed
    from baselines.tiny import build_tiny_encoder

    texts = ["Iran denied the report", "the Times said Iran left Syria", "officials left"]
    folder = build_tiny_encoder(tmp_path / "model", texts)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = biencoder.TrainedBiEncoder(biencoder.BiEncoder(AutoModel.from_pretrained(folder)),
                                       tokenizer, 32, [])
    alone = {t: embed([t], tokenizer, model.model.encoder, max_length=32)[0] for t in texts}
    embedded: list[str] = []

    def counting(batch, *args, **kwargs):
        embedded.extend(batch)
        return embed(batch, *args, **kwargs)

    monkeypatch.setattr(biencoder, "embed", counting)
    matrix = model.similarity_matrix([texts[0], texts[1], texts[0]])
    assert embedded == texts[:2]  # the repeated text once
    a, b = alone[texts[0]], alone[texts[1]]
    np.testing.assert_allclose(matrix, [[1, a @ b, 1], [a @ b, 1, a @ b], [1, a @ b, 1]],
                               atol=1e-5)
    scores = model.pair_scores([(texts[1], texts[2]), (texts[0], texts[0])])
    assert embedded == texts  # only the new text
    np.testing.assert_allclose(scores, [alone[texts[1]] @ alone[texts[2]], 1.0], atol=1e-5)
    assert model.pair_scores([]).shape == (0,)


def test_embed_in_length_sorted_batches_keeps_the_input_order(tmp_path: Path) -> None:
    """``encoder.embed`` runs texts in batches sorted by length; each row must still be the
    embedding of the text at that position. Oracle: the model run on each text alone
    (no padding), its token vectors averaged and L2-normalised by hand."""
    pytest.importorskip("transformers")
    import torch
    from transformers import AutoModel, AutoTokenizer

    from baselines.encoder import embed
    from baselines.tiny import build_tiny_encoder

    texts = ["officials left", "the Times, citing Iranian officials, said Iran began to "
             "evacuate commanders from Syria", "Iran denied it", "a", "Tehran said the "
             "report was false and that its advisers stayed"]
    folder = build_tiny_encoder(tmp_path / "model", texts)
    tokenizer, model = AutoTokenizer.from_pretrained(folder), AutoModel.from_pretrained(folder)
    model.eval()
    expected = []
    with torch.no_grad():
        for text in texts:
            ids = tokenizer(text, truncation=True, max_length=32, return_tensors="pt")
            hidden = model(**ids).last_hidden_state[0].numpy()
            mean = hidden.mean(axis=0)
            expected.append(mean / np.linalg.norm(mean))
    got = embed(texts, tokenizer, model, max_length=32, batch_size=2)
    np.testing.assert_allclose(got, np.array(expected), atol=1e-5)
    assert embed([], tokenizer, model).shape == (0, model.config.hidden_size)
