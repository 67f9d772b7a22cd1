"""The detectors' output as the project's own files: a corpus and a standoff annotation set.

``retold predict --out OUT`` writes::

    OUT/corpus/manifest.json, OUT/corpus/texts/<doc_id>.txt    the inputs, byte for byte
    OUT/annotations/docs/<doc_id>.json, sources.json, clusters.json, ids.json
    OUT/predictions.json       every score, the decisions' rules, what was left out
    OUT/retold-manifest.json   every file's SHA-256 (a rerun may replace only this folder)

so that ``retold validate --corpus OUT/corpus --annotations OUT/annotations`` accepts it, and
``retold export`` / ``render`` work on it as on the gold set. Decisions:

- **stance**: the stance head's most probable label;
- **attribution**: attributed when the attributed head gives over 0.5 *and* the tagger found
  a source span in the claim's sentence; the chain is one link to that source mention and
  the nearest cue span (if any). An attributed claim without a source span in its sentence
  stays with ``author`` (listed in ``predictions.json`` as ``attributed_without_source``);
- **source**: a mention matching a name or alias of the training registry (case, a leading
  "the" and a possessive ignored) takes that source; any other becomes the source
  ``predicted-<slug>``, its kind a rule's guess (``guess_kind``) for the annotator to check;
- **clusters**: ``retold.predict.clusters`` at the duplicate model's threshold; a cluster's
  id is ``predicted-<its first claim id>`` and its proposition the text of its most central
  claim (highest mean cosine to the others).

Nothing in the output depends on the engine, the number of workers or the machine's paths:
rows are sorted, numbers rounded (``annotate.DIGITS``), and the inputs named only by the
names they were given.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retold.io.ids import format_id
from retold.io.jsonio import dump_json
from retold.predict.annotate import DIGITS, decode_vectors
from retold.predict.clusters import cluster_claims
from retold.predict.inputs import InputDoc, slug
from retold.schema import AUTHOR, SCHEMA_VERSION, label_named

WRITER = "retold predict"
PREDICTIONS_FILE = "predictions.json"
ATTRIBUTED_CUT = 0.5
SOURCE = label_named("TOKEN_LAYERS", "source")
CUE = label_named("TOKEN_LAYERS", "cue")


def normalise_name(text: str) -> str:
    """A source name for matching: lower case, no leading "the", no possessive, single
    spaces."""
    name = " ".join(text.lower().split())
    name = re.sub(r"[\u2019']s$", "", name)
    return re.sub(r"^the ", "", name).strip(" ,.;:\"'\u201c\u201d\u2018\u2019")


def guess_kind(name: str) -> str:
    """The source kind of a name no registry knows, by a rule (a guess to be checked): a
    lower-case last word is an unnamed collective when it ends in ``s``, else an unnamed
    individual; a capitalised one a person."""
    last = name.split()[-1] if name.split() else name
    if last[:1].islower():
        return "unnamed_collective" if last.endswith("s") else "unnamed_individual"
    return "person"


class SourceRegistry:
    """Known sources (the training registry) and the new ones the predictions need."""

    def __init__(self, known: Sequence[dict[str, Any]]) -> None:
        self.known = {s["source_id"]: s for s in known}
        self.by_name: dict[str, str] = {}
        for s in sorted(known, key=lambda s: s["source_id"]):
            for name in (s["name"], *s["aliases"]):
                self.by_name.setdefault(normalise_name(name), s["source_id"])
        self.used: dict[str, dict[str, Any]] = {}
        self.origin: dict[str, str] = {}

    def source_of(self, text: str) -> str:
        name = normalise_name(text) or text
        if name in self.by_name:
            source_id = self.by_name[name]
            self.used.setdefault(source_id, dict(self.known[source_id]))
            self.origin[source_id] = "training registry"
            return source_id
        source_id = f"predicted-{slug(name, 60)}"
        entry = self.used.setdefault(source_id, {"source_id": source_id, "name": text,
                                                 "aliases": [], "kind": guess_kind(text)})
        if text != entry["name"] and text not in entry["aliases"]:
            entry["aliases"] = sorted([*entry["aliases"], text])
        self.origin[source_id] = "rule (guess_kind)"
        return source_id


def _span(doc_id: str, letter: str, number: int, text: str, start: int, end: int
          ) -> dict[str, Any]:
    return {"id": format_id(doc_id, letter, number), "start": start, "end": end,
            "text": text[start:end]}


def manifest_record(doc: InputDoc, fold: int, defaults: dict[str, str]) -> dict[str, Any]:
    data = doc.text.encode("utf-8")
    meta = {**defaults, **doc.metadata}
    return {"doc_id": doc.doc_id, "fold": fold, "source_file": f"{doc.doc_id}.txt",
            "outlet": meta.get("outlet", ""), "genre": meta["genre"],
            "language": meta["language"], "published": meta.get("published", ""),
            "url": meta.get("url", ""), "relays": [], "rights": meta["rights"],
            "sha256": hashlib.sha256(data).hexdigest(),
            "provenance": f"Input {doc.origin}, annotated by retold predict: model-made "
                          "pre-annotation, not checked by a person."}


def assemble(docs: Sequence[InputDoc], outputs: Sequence[dict[str, Any]],
             detectors: dict[str, Any], defaults: dict[str, str]) -> dict[str, bytes]:
    """Every file of the predicted set (relative path -> bytes). ``detectors`` holds the
    training registry (``sources``), the duplicate ``threshold`` and provenance."""
    registry = SourceRegistry(detectors["sources"])
    files: dict[str, bytes] = {}
    records, ids, scores, dropped, unlinked, loose = [], {}, {}, [], [], []
    all_claims: list[tuple[str, dict[str, Any], str]] = []  # (doc_id, claim, claim id)
    vectors: list[np.ndarray] = []
    doc_files: dict[str, dict[str, Any]] = {}
    for fold, (doc, out) in enumerate(zip(docs, outputs, strict=True)):
        text, doc_id = doc.text, doc.doc_id
        records.append(manifest_record(doc, fold, defaults))
        files[f"corpus/texts/{doc_id}.txt"] = text.encode("utf-8")
        ordered = sorted(zip(out["claims"], decode_vectors(out["vectors"], len(out["claims"])),
                             strict=True),
                         key=lambda cv: (cv[0]["start"], -cv[0]["end"]))
        number = {(c["start"], c["end"]): k for k, (c, _) in enumerate(ordered, start=1)}
        mentions: dict[tuple[int, int], dict[str, Any]] = {}
        cues: dict[tuple[int, int], dict[str, Any]] = {}
        frame_scores = {layer: {(s, e): p for s, e, p in found}
                        for layer, found in out["frames"].items()}
        written = []
        for k, (c, vector) in enumerate(ordered, start=1):
            claim_id = format_id(doc_id, "c", k)
            stance = max(c["stance"], key=lambda label: (c["stance"][label],
                                                         -list(c["stance"]).index(label)))
            record: dict[str, Any] = {**_span(doc_id, "c", k, text, c["start"], c["end"]),
                                      "stance": stance, "cluster": "", "source": AUTHOR,
                                      "chain": [], "note": ""}
            if c["attributed"] > ATTRIBUTED_CUT and c["source"] is not None:
                s, e = c["source"]
                source_id = registry.source_of(text[s:e])
                mention = mentions.setdefault((s, e), {})
                mention.setdefault("source", source_id)
                link: dict[str, Any] = {"source": mention["source"], "mention": (s, e),
                                        "cue": None}
                if c["cue"] is not None:
                    cues.setdefault(tuple(c["cue"]), {})
                    link["cue"] = tuple(c["cue"])
                record["source"] = mention["source"]
                record["chain"] = [link]
            elif c["attributed"] > ATTRIBUTED_CUT:
                loose.append(claim_id)
            if c["parent"] is not None:
                record["parent"] = format_id(doc_id, "c", number[tuple(c["parent"])])
            written.append(record)
            all_claims.append((doc_id, record, claim_id))
            vectors.append(vector)
            scores[claim_id] = {"span": c["score"], "attributed": c["attributed"],
                                "stance": c["stance"], "layer": c["layer"]}
        mention_ids = {span: format_id(doc_id, "s", k)
                       for k, span in enumerate(sorted(mentions), start=1)}
        cue_ids = {span: format_id(doc_id, "q", k) for k, span in enumerate(sorted(cues), 1)}
        for record in written:
            for link in record["chain"]:
                link["mention"] = mention_ids[link["mention"]]
                link["cue"] = cue_ids[link["cue"]] if link["cue"] is not None else None
        for span, mention_id in mention_ids.items():
            scores[mention_id] = {"span": frame_scores[SOURCE][span]}
        for span, cue_id in cue_ids.items():
            scores[cue_id] = {"span": frame_scores[CUE][span]}
        unlinked += [{"doc_id": doc_id, "layer": layer, "start": s, "end": e,
                      "text": text[s:e], "score": p}
                     for layer, kept in ((SOURCE, mentions), (CUE, cues))
                     for s, e, p in out["frames"][layer] if (s, e) not in kept]
        dropped += [{"doc_id": doc_id, **d, "text": text[d["start"]:d["end"]]}
                    for d in out["dropped"]]
        doc_files[doc_id] = {
            "schema_version": SCHEMA_VERSION, "doc_id": doc_id, "boilerplate": [],
            "source_mentions": [{**_span(doc_id, "s", _number(mention_ids[sp]), text, *sp),
                                 "source": mentions[sp]["source"]}
                                for sp in sorted(mentions)],
            "cues": [_span(doc_id, "q", _number(cue_ids[sp]), text, *sp) for sp in sorted(cues)],
            "claims": written}
        ids[doc_id] = {"issued": {"b": 0, "c": len(ordered), "q": len(cues),
                                  "s": len(mentions)}, "retired": []}
    clusters = _clusters(all_claims, np.stack(vectors) if vectors
                         else np.zeros((0, 0), dtype=np.float32), detectors["threshold"], scores)
    for doc_id, doc in doc_files.items():
        files[f"annotations/docs/{doc_id}.json"] = dump_json(
            {**doc, "claims": [_ordered(c) for c in sorted(
                doc["claims"], key=lambda c: (c["start"], c["end"], c["id"]))]}).encode()
    files["corpus/manifest.json"] = dump_json(records).encode()
    files["annotations/sources.json"] = dump_json(
        [registry.used[k] for k in sorted(registry.used)]).encode()
    files["annotations/clusters.json"] = dump_json(clusters["records"]).encode()
    files["annotations/ids.json"] = dump_json(ids).encode()
    files[PREDICTIONS_FILE] = dump_json({
        "written_by": WRITER,
        "note": "Model-made pre-annotation for a person to correct; not gold.",
        "detectors": detectors["provenance"],
        "decisions": {"stance": "the stance head's most probable label",
                      "attributed": f"attributed head > {ATTRIBUTED_CUT} and a source span "
                                    "in the claim's sentence",
                      "duplicate_threshold": detectors["threshold"],
                      "clustering": clusters["method"]},
        "inputs": [{"doc_id": d.doc_id, "id": d.key, "origin": d.origin} for d in docs],
        "scores": dict(sorted(scores.items())),
        "sources": {k: {"kind_from": registry.origin[k]} for k in sorted(registry.used)},
        "attributed_without_source": sorted(loose),
        "dropped_claims": dropped,
        "unlinked_spans": unlinked,
    }).encode()
    return files


def _number(span_id: str) -> int:
    return int(span_id.rsplit("-", 1)[1][1:])


_CLAIM_ORDER = ("id", "start", "end", "text", "stance", "cluster", "source", "chain", "note",
                "parent")


def _ordered(claim: dict[str, Any]) -> dict[str, Any]:
    return {k: claim[k] for k in _CLAIM_ORDER if k in claim}


def _clusters(claims: list[tuple[str, dict[str, Any], str]], vectors: np.ndarray,
              threshold: float, scores: dict[str, Any]) -> dict[str, Any]:
    found = cluster_claims(vectors, threshold)
    members: dict[int, list[int]] = {}
    for i, label in enumerate(found.labels):
        members.setdefault(label, []).append(i)
    records = []
    for group in members.values():
        first = min(claims[i][2] for i in group)
        cluster_id = f"predicted-{first}"
        sub = vectors[group].astype(np.float64)
        sims = sub @ sub.T
        mean = ((sims.sum(1) - 1.0) / (len(group) - 1) if len(group) > 1
                else np.ones(1))
        order = sorted(range(len(group)), key=lambda k: (-round(float(mean[k]), 6),
                                                         claims[group[k]][2]))
        central = claims[group[order[0]]][1]
        for k, i in enumerate(group):
            claims[i][1]["cluster"] = cluster_id
            scores[claims[i][2]]["cluster_cohesion"] = (
                round(float(mean[k]), DIGITS) if len(group) > 1 else None)
        records.append({"cluster_id": cluster_id, "proposition": central["text"]})
    return {"records": sorted(records, key=lambda r: r["cluster_id"]),
            "method": {"rule": "blocked average linkage (retold.predict.clusters)",
                       "index": found.index, "candidate_pairs": found.candidate_pairs,
                       "largest_component": found.largest_component}}


def write_prediction(out_dir: Path, files: dict[str, bytes],
                     check: Callable[[Path], None] | None = None) -> None:
    """Write ``files`` as the folder ``out_dir`` (new, empty, or one ``retold predict``
    wrote; anything else is refused and left as it was). ``check`` runs on the complete
    staging folder before it is moved into place; an error there leaves ``out_dir`` as it
    was."""
    from retold.io.owned import manifest_owner, write_folder

    def fill(folder: Path) -> None:
        for rel, data in sorted(files.items()):
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if check is not None:
            check(folder)

    write_folder(Path(out_dir), manifest_owner(WRITER), fill, writer=WRITER)


def read_detector_meta(folder: Path) -> dict[str, Any]:
    """What the assembly needs from a detectors folder, without loading a model."""
    from retold.predict.detectors import (
        DETECTOR_FILE,
        INFO_FILE,
        SOURCES_FILE,
        check_detectors,
    )

    digest = check_detectors(folder)
    info = json.loads((Path(folder) / INFO_FILE).read_text(encoding="utf-8"))
    duplicates = json.loads((Path(folder) / "duplicates" / DETECTOR_FILE).read_text(
        encoding="utf-8"))
    return {"sources": json.loads((Path(folder) / SOURCES_FILE).read_text(encoding="utf-8")),
            "threshold": float(duplicates["threshold"]),
            "provenance": {"manifest_sha256": digest, "release": info["release"],
                           "backbone": info["backbone"].get("id"), "seed": info["seed"],
                           "quick": info["quick"]}}
