"""Broken files are refused by name, before anything is built, with no cascade and no hang.

Issue 17, findings 3, 4, 5 and 10: a file holding ``null`` (or a value of another type)
passed ``retold validate`` and built a release without its content, or crashed ``build``
and ``stats`` with a traceback; a lost contrast line went unnoticed; an id counter of 10⁹
or a FIFO hung ``validate``; a duplicated manifest ``doc_id`` or a ``null`` document file
was reported as hundreds of problems that never named the cause. The oracle of each test
is the mutation itself: the file that was broken, and what it now holds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from retold.cli import main

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
DOC = "annotations/docs/000-mini-report.json"


class Hang(Exception):
    """A command ran past the guard's limit."""


@pytest.fixture(autouse=True)
def hang_guard() -> Iterator[None]:
    """Turn a hang into a failure (a guard, not a speed test: each run takes a second)."""
    def alarm(signum: int, frame: object) -> None:
        raise Hang("the command did not return within 60 s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def copy_set(source: Path, dest: Path) -> Path:
    for name in ("annotations", "corpus"):
        shutil.copytree(source / name, dest / name)
    return dest


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return copy_set(MINI, tmp_path / "mini")


@pytest.fixture
def real(tmp_path: Path) -> Path:
    return copy_set(ROOT, tmp_path / "real")


def run(command: str, root: Path, capsys: pytest.CaptureFixture[str],
        *extra: str) -> tuple[int, list[str]]:
    """Run ``retold COMMAND`` on the set under ``root``: exit code, problem lines."""
    code = main([command, "--corpus", str(root / "corpus"), "--annotations",
                 str(root / "annotations"), *extra])
    out = capsys.readouterr()
    return code, [x for x in (out.out + out.err).splitlines() if ": [" in x]


# --------------------------------------------------------------------------------------
# Finding 3: a file of the wrong top-level type is a problem naming the file.
# --------------------------------------------------------------------------------------
FILES = {
    "corpus/manifest.json": ("null", "{}", "0", '"x"'),
    "annotations/clusters.json": ("null", "{}", "7", '"x"'),
    "annotations/sources.json": ("null", "{}", "true"),
    "annotations/ids.json": ("null", "[]", "1"),
    DOC: ("null", "[]", '"x"', "{}"),
    "annotations/contrast/retired.json": ("null", "[]", "{}"),
    "annotations/agreement.json": ("null", "[]"),
    "annotations/contrast/blind/agreement.json": ("null", "[1]"),
}
CASES = [(f, v) for f, values in FILES.items() for v in values]


@pytest.mark.parametrize(("rel", "value"), CASES, ids=[f"{f}={v}" for f, v in CASES])
def test_a_file_of_the_wrong_type_is_refused_by_name(mini: Path, rel: str, value: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (mini / rel).parent.mkdir(parents=True, exist_ok=True)
    (mini / rel).write_text(value, encoding="utf-8")
    code, problems = run("validate", mini, capsys)
    assert code == 1
    assert any(p.startswith(f"{mini / rel}: ") and "[shape]" in p for p in problems), problems
    if value == "null":  # the file is the one problem: nothing cascades from it
        assert len(problems) == 1, problems


@pytest.mark.parametrize("command", ["build", "stats"])
@pytest.mark.parametrize("rel", ["corpus/manifest.json", DOC, "annotations/clusters.json"])
def test_build_and_stats_refuse_a_null_file_without_a_traceback(
        mini: Path, tmp_path: Path, command: str, rel: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    (mini / rel).write_text("null", encoding="utf-8")
    extra = ("--out", str(tmp_path / "release")) if command == "build" else ()
    code, problems = run(command, mini, capsys, *extra)  # a traceback fails the test here
    assert code == 1
    assert problems == [f"{mini / rel}: -: [shape] " + problems[0].split("[shape] ")[1]]
    assert not (tmp_path / "release").exists()


# --------------------------------------------------------------------------------------
# Finding 4: a lost contrast line is an error, not a smaller release.
# --------------------------------------------------------------------------------------
def _drop(path: Path, keep: set[int] | None) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [json.loads(x) for x in lines]
    kept = [x for i, x in enumerate(lines) if keep is not None and i in keep]
    path.write_text("".join(kept), encoding="utf-8")
    return rows


def test_deleting_one_edit_line_names_its_id(real: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    edits = real / "annotations/contrast/edits.jsonl"
    rows = _drop(edits, set(range(1000)) - {41})
    lost = rows[41]["contrast_id"]
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert problems == [p for p in problems if p.startswith(f"{edits}: {lost}: [id-registry]")]
    assert len(problems) == 1
    code, _ = run("build", real, capsys, "--out", str(tmp_path / "release"))
    assert code == 1 and not (tmp_path / "release").exists()


@pytest.mark.parametrize("name", ["edits.jsonl", "pairs.jsonl"])
def test_emptying_a_contrast_file_is_refused_in_a_few_lines(
        real: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "annotations/contrast" / name
    rows = _drop(path, None)
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert all(p.startswith(f"{path}: ") and "[id-registry]" in p for p in problems)
    assert len(problems) == 11  # 10 ids listed, the rest counted
    assert f"{len(rows) - 10} more" in " ".join(problems)


def test_deleting_the_contrast_folder_is_refused(real: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(real / "annotations/contrast")
    code, problems = run("validate", real, capsys)
    assert code == 1 and problems and all("[missing-file]" in p for p in problems)


# --------------------------------------------------------------------------------------
# Finding 5: a huge counter and a FIFO end at once, with one problem.
# --------------------------------------------------------------------------------------
def test_a_counter_of_a_billion_is_one_problem(real: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "annotations/ids.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    registry["000-blog-thread"]["issued"]["c"] = 10**9
    path.write_text(json.dumps(registry), encoding="utf-8")
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert len(problems) == 1 and problems[0].startswith(f"{path}: 000-blog-thread: [shape]")


def test_a_large_counter_lists_ten_ids_and_counts_the_rest(
        real: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "annotations/ids.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    assert registry["000-blog-thread"]["issued"]["c"] == 30
    registry["000-blog-thread"]["issued"]["c"] = 99_999
    path.write_text(json.dumps(registry), encoding="utf-8")
    code, problems = run("validate", real, capsys)
    assert code == 1
    listed = [f"{path}: 000-c{n:03d}: [id-registry]" for n in range(31, 41)]
    assert len(problems) == 11
    assert problems[0].startswith(f"{path}: 000-blog-thread: [id-registry] 99,959 more claim "
                                  f"ids up to 000-c99999")
    assert [p[:len(listed[0])] for p in problems[1:]] == listed


def test_unaccounted_stops_after_the_listed_ids() -> None:
    from retold.io.ids import unaccounted

    assert unaccounted(10**9, {1, 2, 3, 5}, 3) == ([4, 6, 7], 10**9 - 4)
    assert unaccounted(5, {1, 2, 3, 4, 5, 9}, 3) == ([], 0)
    assert unaccounted(0, set(), 10) == ([], 0)


FIFO_FILES = ["corpus/manifest.json", "corpus/texts/000_mini.txt", DOC,
              "annotations/ids.json", "annotations/sources.json", "annotations/clusters.json",
              "annotations/contrast/edits.jsonl", "annotations/contrast/pairs.jsonl",
              "annotations/contrast/retired.json", "annotations/CONTRAST.md"]


@pytest.mark.parametrize("rel", FIFO_FILES)
def test_a_fifo_is_refused_by_name(mini: Path, rel: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    (mini / rel).unlink()
    os.mkfifo(mini / rel)
    code, problems = run("validate", mini, capsys)
    assert code == 1
    assert any(p.startswith(f"{mini / rel}: ") and "[missing-file]" in p and "FIFO" in p
               for p in problems), problems


# --------------------------------------------------------------------------------------
# Finding 10: the cause is reported, not what follows from it.
# --------------------------------------------------------------------------------------
def test_a_duplicate_manifest_doc_id_is_named_without_span_errors(
        real: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "corpus/manifest.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    records[1]["doc_id"] = records[0]["doc_id"]
    path.write_text(json.dumps(records), encoding="utf-8")
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert any(p.startswith(f"{path}: [1] 000-blog-thread: [duplicate-id] duplicate doc_id")
               for p in problems), problems
    # The other consequence, told once: the renamed record's document is not in the manifest.
    assert len(problems) == 2, problems


def test_a_null_document_file_is_one_problem_naming_it(
        real: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "annotations/docs/002-summary.json"
    path.write_text("null", encoding="utf-8")
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert problems == [f"{path}: -: [shape] the file must hold one JSON object (a document's "
                        f"annotations), got null"]


def test_a_document_file_with_another_doc_id_is_two_problems(
        real: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = real / "annotations/docs/001-forum-repost.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["doc_id"] = "000-blog-thread"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, problems = run("validate", real, capsys)
    assert code == 1
    assert [p.split(": ")[2].split("]")[0] for p in problems] == ["[duplicate-id",
                                                                  "[unknown-document"]
