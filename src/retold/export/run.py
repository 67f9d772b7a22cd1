"""``retold export`` and ``retold import``: the folders, the side file and the validator.

``export_annotations`` writes one format into a folder: the format's files, ``sidecar.json``,
a ``README.md`` that says what the format holds and what the side file holds, and
``retold-manifest.json`` (every file's digest and the command that wrote them). The folder
may be missing, empty, or an unchanged export of the same format, which is replaced
atomically; anything else is refused (``retold.io.owned``).

``import_annotations`` reads an edited export (INCEpTION XMI or Label Studio) with its
side file, writes a complete standoff annotation set into a folder under the same rule
(missing, empty, or an unchanged import of the same format; with its manifest):
(``docs/<doc_id>.json``, ``sources.json``, ``clusters.json``, ``ids.json`` and, when the
export had a contrast set, ``contrast/edits.jsonl``, ``contrast/pairs.jsonl``,
``contrast/retired.json`` and ``CONTRAST.md``) and runs the validator on it against the
corpus, the contrast set's checks included: the problems are returned, never hidden.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from retold.errors import (
    MISSING_DEPENDENCY,
    UNKNOWN_FORMAT,
    InvalidInputError,
    Problem,
)
from retold.export import EXPORT_FORMATS, IMPORT_FORMATS
from retold.export.contrast import EDITS, PAIRS, merge_contrast, write_contrast
from retold.export.dataset import load_export_set
from retold.export.sidecar import (
    SIDECAR_FILE,
    IdIssuer,
    MergeReport,
    merge,
    read_sidecar,
    write_sidecar,
)
from retold.io.ids import REGISTRY_FILE
from retold.io.jsonio import dump_json
from retold.io.owned import MANIFEST_FILE, check_output_folder, manifest_owner, write_folder
from retold.io.standoff import DOCS_DIR
from retold.validate import validate

README_FILE = "README.md"


def format_module(fmt: str) -> ModuleType:
    """The module that implements a format (imported on demand: some need the kit extra)."""
    from importlib import import_module

    names = {"brat": "brat", "conll": "conll", "inception-xmi": "xmi",
             "label-studio": "labelstudio", "spacy": "spacy_docbin"}
    if fmt not in names:
        raise InvalidInputError([Problem("--format", fmt, UNKNOWN_FORMAT,
                                         f"known formats: {', '.join(EXPORT_FORMATS)}")])
    return import_module(f"retold.export.{names[fmt]}")


def missing_dependency(what: str, err: ImportError) -> InvalidInputError:
    """The error for a library of the ``kit`` extra that is not installed."""
    return InvalidInputError([Problem(what, "-", MISSING_DEPENDENCY,
                                      f"{err.name} is not installed; install the kit extra: "
                                      "pip install -c constraints.txt -e '.[kit]'")])


def held_keys(fmt: str) -> Mapping[str, frozenset[str]]:
    return format_module(fmt).held


def contrast_held_keys(fmt: str) -> Mapping[str, frozenset[str]]:
    """The contrast draft keys ``fmt`` holds, for ``edits`` and ``pairs``."""
    return format_module(fmt).contrast_held


def export_writer(fmt: str) -> str:
    """The command recorded in an export folder's manifest (a re-export of the same format
    may replace the folder; another format's export may not)."""
    return f"retold export --format {fmt}"


def import_writer(fmt: str) -> str:
    """The command recorded in an imported annotation set's manifest."""
    return f"retold import --format {fmt}"


def held_table(fmt: str) -> str:
    """A Markdown list of what ``fmt`` holds per element kind (the rest is in the side file)."""
    held = held_keys(fmt)
    lines = ([f"- `{kind}`: " + ", ".join(f"`{k}`" for k in sorted(keys))
              for kind, keys in sorted(held.items())]
             or ["- nothing as records: every record is in `sidecar.json`"])
    contrast = contrast_held_keys(fmt)
    for kind, what in ((EDITS, "contrast edits (`contrast/edits.jsonl`)"),
                       (PAIRS, "contrast pairs (`contrast/pairs.jsonl`)")):
        keys = sorted(contrast.get(kind, ()))
        lines.append(f"- {what}: " + (", ".join(f"`{k}`" for k in keys) if keys
                                      else "nothing: every line is in `sidecar.json`"))
    return "\n".join(lines)


def _listing(files: list[str]) -> list[str]:
    """The files, with those of a sub-folder summed up as one line."""
    folders: dict[str, list[str]] = {}
    top = []
    for name in files:
        folder, _, rest = name.partition("/")
        if rest:
            folders.setdefault(folder, []).append(rest)
        else:
            top.append(f"- `{name}`")
    for folder, names in folders.items():
        top.append(f"- `{folder}/`: {len(names)} files (`{names[0]}` ... `{names[-1]}`)")
    return top


def export_readme(fmt: str, files: list[str]) -> str:
    module = format_module(fmt)
    doc = (module.__doc__ or "").strip()
    listed = "\n".join(_listing([*files, SIDECAR_FILE, README_FILE, MANIFEST_FILE]))
    return (f"# retold export: {fmt}\n\n{doc}\n\n## Files\n\n{listed}\n\n"
            f"## Held by the format (every other field of every record is in "
            f"`{SIDECAR_FILE}`)\n\n{held_table(fmt)}\n")


def export_annotations(fmt: str, corpus_dir: Path, annotations_dir: Path,
                       out_dir: Path) -> list[str]:
    """Export the validated annotation set as ``fmt`` into ``out_dir``; return the files."""
    module = format_module(fmt)
    writer = export_writer(fmt)
    check_output_folder(Path(out_dir), manifest_owner(writer))  # before the work, and again
    export_set = load_export_set(corpus_dir, annotations_dir)
    written: list[str] = []

    def fill(staging: Path) -> None:
        try:
            files = module.export(export_set, staging)
        except ImportError as err:
            raise missing_dependency(f"--format {fmt}", err) from None
        write_sidecar(staging, export_set, fmt, module.held, module.contrast_held)
        (staging / README_FILE).write_text(export_readme(fmt, files), encoding="utf-8")
        written.extend([*files, SIDECAR_FILE, README_FILE, MANIFEST_FILE])

    write_folder(Path(out_dir), manifest_owner(writer), fill, writer)
    return written


@dataclass
class ImportResult:
    """What an import wrote and what the validator found."""

    written: list[str]
    report: MergeReport
    problems: list[Problem]


def validate_with_contrast(corpus_dir: Path, annotations_dir: Path) -> list[Problem]:
    """Every problem of an annotation set, and of its contrast drafts once it is valid (the
    contrast rows refer to the natural annotations): the drafts are what an import writes,
    so they are anchored in memory (their standoff is written only when they pass)."""
    from retold.validate import load_validated
    from retold.validate.contrast import check_contrast

    problems = validate(corpus_dir, annotations_dir, contrast=False)
    if problems:
        return problems
    return check_contrast(annotations_dir, *load_validated(corpus_dir, annotations_dir,
                                                           contrast=False), anchored=False)


def _anchor_imported(corpus_dir: Path, staging: Path) -> list[str]:
    """Write ``contrast/standoff/`` of the imported set as ``retold anchor --contrast``
    would, when its drafts anchor cleanly; nothing otherwise (the check reports why)."""
    from retold.io.contrast import (
        ANCHOR_WRITER,
        CONTRAST_DIR,
        STANDOFF_DIR,
        standoff_texts,
    )
    from retold.io.owned import manifest_bytes
    from retold.validate import load_validated
    from retold.validate.contrast import anchor_contrast

    try:
        docs, annotations = load_validated(corpus_dir, staging, contrast=False)
        drafts, anchored = anchor_contrast(staging, docs, annotations)
    except InvalidInputError:
        return []
    folder = staging / CONTRAST_DIR / STANDOFF_DIR
    folder.mkdir()
    for name, text in standoff_texts(drafts, anchored.edits).items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / MANIFEST_FILE).write_bytes(manifest_bytes(ANCHOR_WRITER, folder))
    return sorted(p.relative_to(staging).as_posix() for p in folder.iterdir())


def import_annotations(fmt: str, in_dir: Path, corpus_dir: Path, out_dir: Path,
                       check: Callable[[Path, Path], list[Problem]] = validate_with_contrast
                       ) -> ImportResult:
    """Read an edited ``fmt`` export in ``in_dir`` into a new annotation set ``out_dir``."""
    if fmt not in IMPORT_FORMATS:
        raise InvalidInputError([Problem("--format", fmt, UNKNOWN_FORMAT,
                                         f"import knows: {', '.join(IMPORT_FORMATS)}")])
    module = format_module(fmt)
    check_output_folder(Path(out_dir), manifest_owner(import_writer(fmt)))
    side = read_sidecar(in_dir, fmt)
    try:
        edited = module.read_edited(in_dir)
    except ImportError as err:
        raise missing_dependency(f"--format {fmt}", err) from None
    missing = sorted(set(side["documents"]) - set(edited))
    if missing:
        raise InvalidInputError([Problem(str(in_dir), d, "missing-annotation",
                                         "the edited export lacks this document") for d in missing])
    report = MergeReport()
    registry = side["files"].get(REGISTRY_FILE)
    issuer = IdIssuer(json.loads(json.dumps(registry)) if registry is not None else None)
    merged = {doc_id: merge(side, doc_id, edited[doc_id], report, issuer)
              for doc_id in sorted(edited)}
    contrast = None
    if "contrast" in side:
        try:
            edited_contrast = module.read_edited_contrast(in_dir)
        except FileNotFoundError as err:
            raise InvalidInputError([Problem(str(err.filename), "-", "missing-file",
                                             "the export has a contrast set, but this "
                                             "file of it is missing")]) from None
        contrast = merge_contrast(side["contrast"], edited_contrast, str(in_dir))
    files = dict(side["files"])
    if issuer.registry is not None:
        files[REGISTRY_FILE] = issuer.registry
    writer = import_writer(fmt)
    written: list[str] = []

    def fill(staging: Path) -> None:
        (staging / DOCS_DIR).mkdir()
        for doc_id, record in merged.items():
            rel = f"{DOCS_DIR}/{doc_id}.json"
            (staging / rel).write_text(dump_json(record), encoding="utf-8")
            written.append(rel)
        for name, data in files.items():
            (staging / name).write_text(dump_json(data), encoding="utf-8")
            written.append(name)
        if contrast is not None:
            written.extend(write_contrast(staging, side["contrast"], *contrast))
            written.extend(_anchor_imported(corpus_dir, staging))
        written.append(MANIFEST_FILE)

    write_folder(Path(out_dir), manifest_owner(writer), fill, writer)
    return ImportResult(written, report, check(corpus_dir, out_dir))


def describe_formats() -> dict[str, Any]:
    """Per export format, the keys it holds per element kind (for the docs)."""
    return {fmt: {**{kind: sorted(keys) for kind, keys in held_keys(fmt).items()},
                  **{f"contrast {kind}": sorted(keys)
                     for kind, keys in contrast_held_keys(fmt).items()}}
            for fmt in EXPORT_FORMATS}
