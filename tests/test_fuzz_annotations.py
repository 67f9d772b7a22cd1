"""The annotation fuzz catalogue (``scripts/fuzz_annotations.py``), a fast subset.

One named case per category of the catalogue, each on a private copy of the mini fixture,
then a handful of seeded random mutations. For every case: no command lets an exception
escape, none runs past the time limit, what ``validate`` accepts ``build`` builds with no
fewer rows than the unmutated set, and (for the named cases that break something)
``validate`` refuses, naming the file that was broken. The whole catalogue, 120 random
mutations of the real set, runs with ``python scripts/fuzz_annotations.py -n 120``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


def _load_script() -> object:
    spec = importlib.util.spec_from_file_location("fuzz_annotations",
                                                  ROOT / "scripts" / "fuzz_annotations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


fuzz = _load_script()
LIMIT_S = 20
"""A hang guard, not a speed test: each command takes well under a second on the mini set."""


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Rows per config of the unmutated mini set (its build must pass)."""
    root = fuzz.copy_set(MINI, tmp_path_factory.mktemp("pristine"))
    violations, outcomes = fuzz.check_copy(root, LIMIT_S)
    assert violations == [] and outcomes[0].code == 0, outcomes[0].output
    counts = fuzz.row_counts(outcomes[1].output)
    assert counts["contrast"] == 6 and counts["contrast_pairs"] == 2  # the fixture's lines
    return counts


def _write(rel: str, raw: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text(raw, encoding="utf-8")


def _json(rel: str, change: Callable[[object], object]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        data = change(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(json.dumps(data), encoding="utf-8")
    return apply


def _fifo(rel: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)
    return apply


def _drop_lines(rel: str, keep: Callable[[int], bool]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        lines = (root / rel).read_text(encoding="utf-8").splitlines(keepends=True)
        (root / rel).write_text("".join(x for i, x in enumerate(lines) if keep(i)),
                                encoding="utf-8")
    return apply


def _first_counter(data: dict) -> dict:
    first = next(iter(data))
    data[first]["issued"]["c"] = 10**9
    return data


def _dup_doc_id(records: list) -> list:
    records[1]["doc_id"] = records[0]["doc_id"]
    return records


DOC = "annotations/docs/000-mini-report.json"
TEXT = "corpus/texts/000_mini.txt"
EDITS = "annotations/contrast/edits.jsonl"
PAIRS = "annotations/contrast/pairs.jsonl"
NAMED: dict[str, tuple[Callable[[Path], None], str | None]] = {
    # name: (mutation, the file validate must name; None where the copy stays valid)
    "null-manifest": (_write("corpus/manifest.json", "null"), "corpus/manifest.json"),
    "null-clusters": (_write("annotations/clusters.json", "null"), "annotations/clusters.json"),
    "null-sources": (_write("annotations/sources.json", "null"), "annotations/sources.json"),
    "null-ids": (_write("annotations/ids.json", "null"), "annotations/ids.json"),
    "null-document": (_write(DOC, "null"), DOC),
    "null-registry": (_write("annotations/contrast/retired.json", "null"),
                      "annotations/contrast/retired.json"),
    "list-for-object": (_write("annotations/ids.json", "[]"), "annotations/ids.json"),
    "number-for-list": (_write("annotations/clusters.json", "7"), "annotations/clusters.json"),
    "string-document": (_write(DOC, '"x"'), DOC),
    "empty-object-document": (_write(DOC, "{}"), DOC),
    "empty-file": (_write("annotations/sources.json", ""), "annotations/sources.json"),
    "truncated-file": (lambda root: (root / DOC).write_bytes((root / DOC).read_bytes()[:100]),
                       DOC),
    "delete-one-edit-line": (_drop_lines(EDITS, lambda i: i != 2), EDITS),
    "delete-every-edit-line": (_drop_lines(EDITS, lambda i: False), EDITS),
    "delete-one-pair-line": (_drop_lines(PAIRS, lambda i: i != 0), PAIRS),
    "delete-contrast-folder": (lambda root: shutil.rmtree(root / "annotations/contrast"),
                               "annotations/contrast/"),
    "duplicate-edit-line": (lambda root: (root / EDITS).write_text(
        (root / EDITS).read_text(encoding="utf-8") * 2, encoding="utf-8"), EDITS),
    "reverse-edit-lines": (lambda root: (root / EDITS).write_text("".join(reversed(
        (root / EDITS).read_text(encoding="utf-8").splitlines(keepends=True))),
        encoding="utf-8"), None),
    "counter-10e9": (_json("annotations/ids.json", _first_counter), "annotations/ids.json"),
    "duplicate-manifest-doc-id": (_json("corpus/manifest.json", _dup_doc_id),
                                  "corpus/manifest.json"),
    "fifo-text": (_fifo(TEXT), TEXT),
    "fifo-document": (_fifo(DOC), DOC),
    "fifo-edits": (_fifo(EDITS), EDITS),
    "fifo-rules": (_fifo("annotations/CONTRAST.md"), "annotations/CONTRAST.md"),
    "folder-for-ids": (lambda root: ((root / "annotations/ids.json").unlink(),
                                     (root / "annotations/ids.json").mkdir()),
                       "annotations/ids.json"),
}


@pytest.mark.parametrize("name", sorted(NAMED))
def test_named_mutation(name: str, tmp_path: Path, expected: dict[str, int]) -> None:
    mutation, broken = NAMED[name]
    root = fuzz.copy_set(MINI, tmp_path)
    mutation(root)
    violations, outcomes = fuzz.check_copy(root, LIMIT_S, expected)
    assert violations == [], "\n".join([*violations, *(o.output for o in outcomes)])
    validate = outcomes[0]
    if broken is None:
        assert validate.code == 0, validate.output
        return
    assert validate.code == 1, validate.output
    lines = [x for x in validate.output.splitlines() if ": [" in x]
    assert lines and all(str(root) in x for x in lines)
    assert any(x.startswith(str(root / broken)) for x in lines), validate.output
    assert "Traceback" not in "".join(o.output for o in outcomes)


SEEDS = range(40)


def test_seeded_random_mutations(tmp_path: Path, expected: dict[str, int]) -> None:
    found = []
    for seed in SEEDS:
        root = fuzz.copy_set(MINI, tmp_path / str(seed))
        what = fuzz.mutate(root, seed)
        violations, _ = fuzz.check_copy(root, LIMIT_S, expected)
        found += [f"seed {seed} {what}: {v}" for v in violations]
    assert found == []


@pytest.mark.parametrize("name", sorted(fuzz.MUTATIONS))
def test_each_mutation_of_the_catalogue(name: str, tmp_path: Path,
                                        expected: dict[str, int]) -> None:
    """Each kind of random mutation once (seed 0), so that every category runs in CI."""
    root = fuzz.copy_set(MINI, tmp_path)
    what = fuzz.mutate(root, 0, [name])
    assert what.startswith(name), what
    violations, outcomes = fuzz.check_copy(root, LIMIT_S, expected)
    assert violations == [], what + "\n" + "\n".join(o.output for o in outcomes)
