"""Label Studio: tasks JSON with pre-annotations, its labeling config, and the import back.

Export (``tasks.json``, ``labeling_config.xml``, ``sidecar.json``): one task per document,
``data.text`` the raw text and ``data.doc_id`` its id, and one prediction whose ``result``
holds a region per element, with the element's id as the region id:

- ``claim`` labels: the claim span, labelled with its stance; a per-region ``cluster``
  text area holds its cluster id;
- ``source`` labels: a source mention, labelled with its source id (one label per
  registry source);
- ``cue`` labels: a cue span; ``boilerplate`` labels: a boilerplate span and its kind;
- relations from a claim to the source mention of chain link *k* (label ``link k``,
  outermost link first) and to that link's cue (label ``cue k``), and from a nested claim
  to the claim it is nested in (label ``parent``).

Contrast set, two more projects: ``contrast_tasks.json`` with
``contrast_labeling_config.xml``, one task per edited passage (``data.text`` the passage;
``data.contrast_id``, ``original_claim_id``, ``doc_id``, ``edit_type``, ``rule`` and
``original``, the unedited passage, shown above it) pre-annotated like a document: the
claim (region id = the ``contrast_id``, label = its stance), its sources, cues and ``link
k``/``cue k`` relations; ``pair_tasks.json`` with ``pair_labeling_config.xml``, one task per
pair (``data.edited_text`` beside ``data.claim_text``, the natural mention; ``data.pair_id``,
``claim_id``, ``doc_id``, ``edit_type``, ``rule``) whose ``duplicate`` choice is
``duplicate`` or ``not duplicate``.

Offsets: Label Studio's ``start``/``end`` for a ``Text`` object are code-point offsets into
the task text (the same as retold's; Label Studio's front end stores code points since
it fixed offsets after astral characters), and each region repeats its ``text`` as a check.

Not held (so in ``sidecar.json``): claim notes, a chain link with no source mention (the
export refuses one rather than drop it), the registries, and any field added later; of the
contrast drafts, the edit, the notes and the anchoring options of the unedited passage.

Import reads a Label Studio export of those tasks (JSON list, each project's over its own
tasks file): per task the last annotation that was not cancelled, or the prediction when
there is no annotation. The ids come from the task data; a contrast passage must keep
exactly one claim and its chain (an unlinked source or cue is an error, not dropped), and
its spans are quoted back into the draft.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from retold.errors import NOT_EXPORTABLE, SHAPE, InvalidInputError, Problem
from retold.export.contrast import EDITS, PAIRS, EditedContrast, EditedPassage
from retold.export.dataset import (
    BOILERPLATE,
    CLAIMS,
    CUES,
    MENTIONS,
    ExportDoc,
    ExportSet,
    Record,
    chain_links,
    source_of_chain,
)
from retold.io.jsonio import dump_json, read_json
from retold.schema import BOILERPLATE_KINDS, DATASET_VERSION, STANCES

TASKS_FILE = "tasks.json"
CONFIG_FILE = "labeling_config.xml"
CONTRAST_TASKS_FILE = "contrast_tasks.json"
CONTRAST_CONFIG_FILE = "contrast_labeling_config.xml"
PAIR_TASKS_FILE = "pair_tasks.json"
PAIR_CONFIG_FILE = "pair_labeling_config.xml"
TEXT = "text"
CONTROLS = {CLAIMS: "claim", MENTIONS: "source", CUES: "cue", BOILERPLATE: "boilerplate"}
CLUSTER = "cluster"
PARENT = "parent"
DUPLICATE = "duplicate"
CHOICES = {True: "duplicate", False: "not duplicate"}
MODEL_VERSION = f"retold-{DATASET_VERSION}"
EDIT_DATA = ("contrast_id", "original_claim_id", "doc_id", "edit_type", "rule", "original")
"""The task data of a contrast passage besides its text (``doc_id`` is shown, not read)."""
PAIR_DATA = ("pair_id", "claim_id", "doc_id", "claim_text", "edited_text", "edit_type", "rule")
"""The task data of a pair (``doc_id`` and ``claim_text`` are shown, not read)."""

held = {
    CLAIMS: frozenset({"id", "start", "end", "text", "stance", "cluster", "source", "chain",
                       "parent"}),
    MENTIONS: frozenset({"id", "start", "end", "text", "source"}),
    CUES: frozenset({"id", "start", "end", "text"}),
    BOILERPLATE: frozenset({"id", "start", "end", "text", "kind"}),
}
contrast_held = {
    EDITS: frozenset({"contrast_id", "original_claim_id", "edit_type", "rule", "original",
                      "text", "claim", "stance", "chain"}),
    PAIRS: frozenset({"pair_id", "claim_id", "edited_text", "duplicate", "edit_type", "rule"}),
}


def _max_chain(export: ExportSet) -> int:
    return max((len(c.get("chain", [])) for d in export.docs for c in d.elements(CLAIMS)),
               default=0)


def _labels(name: str, values: list[str]) -> str:
    inner = "".join(f"\n    <Label value={quoteattr(v)}/>" for v in values)
    return f'  <Labels name="{name}" toName="{TEXT}">{inner}\n  </Labels>'


def _relations(depth: int, parent: bool) -> str:
    values = [f"{kind} {k}" for k in range(1, depth + 1) for kind in ("link", "cue")]
    if parent:
        values.append(PARENT)
    inner = "".join(f'\n    <Relation value="{v}"/>' for v in values)
    return f"  <Relations>{inner}\n  </Relations>"


def labeling_config(export: ExportSet) -> str:
    """The labeling config: the label sets come from the schema and the source registry."""
    return "\n".join([
        "<View>",
        _labels(CONTROLS[CLAIMS], list(STANCES)),
        _labels(CONTROLS[MENTIONS], export.sources()),
        _labels(CONTROLS[CUES], ["cue"]),
        _labels(CONTROLS[BOILERPLATE], list(BOILERPLATE_KINDS)),
        _relations(max(_max_chain(export), 1), parent=True),
        f'  <Text name="{TEXT}" value="$text"/>',
        f'  <TextArea name="{CLUSTER}" toName="{TEXT}" perRegion="true" maxSubmissions="1"/>',
        "</View>",
        "",
    ])


def contrast_labeling_config(export: ExportSet) -> str:
    """The contrast passages' config: the unedited passage above the edited one."""
    depth = max((len(c.get("chain", [])) for d in export.contrast.edits
                 for c in d.elements(CLAIMS)), default=1) if export.contrast else 1
    return "\n".join([
        "<View>",
        '  <Header value="$contrast_id: $edit_type (rule $rule), an edit of '
        '$original_claim_id in $doc_id"/>',
        '  <Text name="original" value="$original"/>',
        _labels(CONTROLS[CLAIMS], list(STANCES)),
        _labels(CONTROLS[MENTIONS], export.sources()),
        _labels(CONTROLS[CUES], ["cue"]),
        _relations(max(depth, 1), parent=False),
        f'  <Text name="{TEXT}" value="$text"/>',
        "</View>",
        "",
    ])


def pair_labeling_config() -> str:
    """The pairs' config: the natural mention, the edited text, and the duplicate choice."""
    choices = "".join(f'\n    <Choice value="{v}"/>' for v in CHOICES.values())
    return "\n".join([
        "<View>",
        '  <Header value="$pair_id ($edit_type, rule $rule): does the edited text state the '
        'proposition of $claim_id?"/>',
        '  <Text name="claim_text" value="$claim_text"/>',
        '  <Text name="edited_text" value="$edited_text"/>',
        f'  <Choices name="{DUPLICATE}" toName="edited_text" choice="single" '
        f'required="true">{choices}\n  </Choices>',
        "</View>",
        "",
    ])


def _region(element: Record, control: str, label: str) -> dict[str, Any]:
    return {"id": element["id"], "from_name": control, "to_name": TEXT, "type": "labels",
            "value": {"start": element["start"], "end": element["end"],
                      "text": element["text"], "labels": [label]}}


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right",
            "labels": [label]}


def task_result(doc: ExportDoc, clusters: bool = True) -> list[dict[str, Any]]:
    """The prediction result of one document (regions, cluster text areas, relations)."""
    result = []
    for b in doc.elements(BOILERPLATE):
        result.append(_region(b, CONTROLS[BOILERPLATE], b["kind"]))
    for m in doc.elements(MENTIONS):
        result.append(_region(m, CONTROLS[MENTIONS], m["source"]))
    for q in doc.elements(CUES):
        result.append(_region(q, CONTROLS[CUES], "cue"))
    relations = []
    for c in doc.elements(CLAIMS):
        result.append(_region(c, CONTROLS[CLAIMS], c["stance"]))
        if clusters:
            result.append({"id": c["id"], "from_name": CLUSTER, "to_name": TEXT,
                           "type": "textarea", "value": {"start": c["start"], "end": c["end"],
                                                         "text": [c["cluster"]]}})
        if c.get("parent"):
            relations.append(_relation(c["id"], c["parent"], PARENT))
        for k, link in chain_links(c):
            if link["mention"] is None:
                raise InvalidInputError([Problem(doc.doc_id, c["id"], NOT_EXPORTABLE,
                                                 f"chain link {k} has no source mention; "
                                                 "Label Studio relations cannot hold it")])
            relations.append(_relation(c["id"], link["mention"], f"link {k}"))
            if link["cue"] is not None:
                relations.append(_relation(c["id"], link["cue"], f"cue {k}"))
    return result + relations


def export(export_set: ExportSet, out_dir: Path) -> list[str]:
    """Write the tasks and the labeling config; return the files written."""
    tasks = [{"id": n, "data": {TEXT: doc.text, "doc_id": doc.doc_id},
              "predictions": [{"model_version": MODEL_VERSION, "result": task_result(doc)}]}
             for n, doc in enumerate(export_set.docs, start=1)]
    (out_dir / TASKS_FILE).write_text(dump_json(tasks), encoding="utf-8")
    (out_dir / CONFIG_FILE).write_text(labeling_config(export_set), encoding="utf-8")
    contrast = export_set.contrast
    if contrast is None:
        return [TASKS_FILE, CONFIG_FILE]
    passages = [{"id": n, "data": {TEXT: doc.text, **contrast.fields(doc.doc_id)},
                 "predictions": [{"model_version": MODEL_VERSION,
                                  "result": task_result(doc, clusters=False)}]}
                for n, doc in enumerate(contrast.edits, start=1)]
    pairs = [{"id": n, "data": {k: pair.fields()[k] for k in PAIR_DATA},
              "predictions": [{"model_version": MODEL_VERSION, "result": [
                  {"id": pair.pair_id, "from_name": DUPLICATE, "to_name": "edited_text",
                   "type": "choices",
                   "value": {"choices": [CHOICES[pair.draft["duplicate"]]]}}]}]}
             for n, pair in enumerate(contrast.pairs, start=1)]
    written = {TASKS_FILE: None, CONFIG_FILE: None,
               CONTRAST_TASKS_FILE: dump_json(passages),
               CONTRAST_CONFIG_FILE: contrast_labeling_config(export_set),
               PAIR_TASKS_FILE: dump_json(pairs), PAIR_CONFIG_FILE: pair_labeling_config()}
    for name, text in written.items():
        if text is not None:
            (out_dir / name).write_text(text, encoding="utf-8")
    return list(written)


# --------------------------------------------------------------------------------------
# Import.
# --------------------------------------------------------------------------------------
def _chosen_result(task: dict[str, Any]) -> list[dict[str, Any]]:
    annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if annotations:
        return annotations[-1].get("result", [])
    predictions = task.get("predictions") or []
    return predictions[-1].get("result", []) if predictions else []


def _read_tasks(path: Path) -> list[dict[str, Any]]:
    problems: list[Problem] = []
    data = read_json(path, problems)
    if not problems and not (isinstance(data, list)
                             and all(isinstance(t, dict) for t in data)):
        problems.append(Problem(str(path), "-", "shape", "must be a JSON list of tasks"))
    if problems:
        raise InvalidInputError(problems)
    return data


def read_edited_contrast(in_dir: Path) -> EditedContrast:
    """The edited passages and pairs, from ``contrast_tasks.json`` and ``pair_tasks.json``."""
    problems: list[Problem] = []
    edits = {}
    path = in_dir / CONTRAST_TASKS_FILE
    for n, task in enumerate(_read_tasks(path)):
        data = task.get("data") or {}
        if not all(isinstance(data.get(k), str) for k in (TEXT, *EDIT_DATA)):
            problems.append(Problem(str(path), f"task {n}", SHAPE, "task data must have string "
                                    f"{', '.join(repr(k) for k in (TEXT, *EDIT_DATA))}"))
            continue
        cid = data["contrast_id"]
        elements = _elements(_chosen_result(task), data[TEXT], f"{path} ({cid})", problems)
        edits[cid] = EditedPassage(data[TEXT], elements,
                                   {k: data[k] for k in EDIT_DATA if k != "doc_id"})
    pairs = {}
    path = in_dir / PAIR_TASKS_FILE
    answers = {v: k for k, v in CHOICES.items()}
    for n, task in enumerate(_read_tasks(path)):
        data = task.get("data") or {}
        if not all(isinstance(data.get(k), str) for k in PAIR_DATA):
            problems.append(Problem(str(path), f"task {n}", SHAPE, "task data must have string "
                                    f"{', '.join(repr(k) for k in PAIR_DATA)}"))
            continue
        chosen = [(item.get("value") or {}).get("choices") or [] for item in
                  _chosen_result(task) if item.get("from_name") == DUPLICATE]
        if len(chosen) != 1 or len(chosen[0]) != 1 or chosen[0][0] not in answers:
            problems.append(Problem(str(path), data["pair_id"], SHAPE,
                                    f"needs one {DUPLICATE!r} choice, one of "
                                    f"{', '.join(repr(v) for v in CHOICES.values())}"))
            continue
        pairs[data["pair_id"]] = {**{k: data[k] for k in PAIR_DATA
                                     if k not in ("doc_id", "claim_text")},
                                  "duplicate": answers[chosen[0][0]]}
    if problems:
        raise InvalidInputError(problems)
    return EditedContrast(edits, pairs)


def read_edited(in_dir: Path) -> dict[str, dict[str, list[Record]]]:
    """Per document id, the elements held by the format, read from ``tasks.json``."""
    path = in_dir / TASKS_FILE
    out: dict[str, dict[str, list[Record]]] = {}
    problems: list[Problem] = []
    for n, task in enumerate(_read_tasks(path)):
        data = task.get("data") or {}
        doc_id, text = data.get("doc_id"), data.get(TEXT)
        if not isinstance(doc_id, str) or not isinstance(text, str):
            problems.append(Problem(str(path), f"task {n}", "shape",
                                    "task data must have string 'doc_id' and 'text'"))
            continue
        out[doc_id] = _elements(_chosen_result(task), text, f"{path} ({doc_id})", problems)
    if problems:
        raise InvalidInputError(problems)
    return out


def _elements(result: list[dict[str, Any]], text: str, where: str,
              problems: list[Problem]) -> dict[str, list[Record]]:
    kinds = {control: kind for kind, control in CONTROLS.items()}
    regions: dict[str, tuple[str, Record]] = {}
    clusters: dict[str, str] = {}
    links: dict[str, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))
    parents: dict[str, str] = {}
    for item in result:
        if item.get("type") == "relation":
            label = (item.get("labels") or [""])[0]
            if label == PARENT:
                parents[item["from_id"]] = item["to_id"]
                continue
            role, _, number = label.partition(" ")
            if role not in ("link", "cue") or not number.isdigit():
                problems.append(Problem(where, str(item.get("from_id")), "shape",
                                        f"relation label {label!r} is not 'link k', 'cue k' "
                                        f"or {PARENT!r}"))
                continue
            links[item["from_id"]][role][int(number)] = item["to_id"]
            continue
        value = item.get("value") or {}
        if item.get("from_name") == CLUSTER:
            clusters[item["id"]] = "".join(value.get("text") or [])
            continue
        kind = kinds.get(item.get("from_name"))
        if kind is None or not value.get("labels"):
            problems.append(Problem(where, str(item.get("id")), "shape",
                                    f"unknown control {item.get('from_name')!r}"))
            continue
        start, end = value.get("start"), value.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            problems.append(Problem(where, str(item.get("id")), "shape",
                                    "region start/end must be integers"))
            continue
        record: Record = {"id": item.get("id"), "start": start, "end": end,
                          "text": text[start:end]}
        label = value["labels"][0]
        if kind == CLAIMS:
            record["stance"] = label
        elif kind == MENTIONS:
            record["source"] = label
        elif kind == BOILERPLATE:
            record["kind"] = label
        regions[record["id"]] = (kind, record)
    out: dict[str, list[Record]] = {kind: [] for kind in CONTROLS}
    for region_id, (kind, record) in regions.items():
        if kind == CLAIMS:
            record["cluster"] = clusters.get(region_id, "")
            roles = links.get(region_id, {})
            chain = []
            for k in sorted(roles.get("link", {})):
                mention = roles["link"][k]
                source = regions.get(mention, ("", {}))[1].get("source", "")
                chain.append({"source": source, "mention": mention,
                              "cue": roles.get("cue", {}).get(k)})
            record["source"] = source_of_chain(chain)
            record["chain"] = chain
            if region_id in parents:
                record["parent"] = parents[region_id]
        out[kind].append(record)
    return out
