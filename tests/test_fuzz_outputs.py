"""A catalogue of ``--out`` targets: no command deletes or changes a file it did not write.

Each named target is set up in a fresh folder, each command that writes a folder (build,
every export format, import, render) or a file (anchor, agree) is run on it, and the test
checks the exit code, the message and a snapshot (every path's kind, mode and SHA-256,
links not followed) of everything the command may not touch: on a refusal, the whole
folder; on a success, everything outside ``--out``. The commands run on the mini fixture
in this process, so the catalogue runs in seconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from retold.cli import main

MINI = Path(__file__).parent / "fixtures" / "mini"
CORPUS, ANNOTATIONS = MINI / "corpus", MINI / "annotations"
DRAFT = MINI / "drafts" / "000-mini-report.jsonl"
EXPORT_FORMATS = ("brat", "conll", "inception-xmi", "label-studio", "spacy")
ROOT_USER = os.geteuid() == 0
MANIFEST = "retold-manifest.json"


def run(args: list[str]) -> tuple[int, str]:
    """``retold ARGS`` in this process: the exit code and stdout + stderr."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main([str(a) for a in args])
    return code, out.getvalue()


def snapshot(root: Path, *skip: Path) -> dict[str, str]:
    """Every path under ``root`` (and ``root`` itself) → kind, mode and content digest;
    symbolic links are recorded by their target, not followed. The paths ``skip`` and
    what is under them are left out."""
    found: dict[str, str] = {}

    def record(path: Path) -> None:
        st = path.lstat()
        mode = oct(stat.S_IMODE(st.st_mode))
        if stat.S_ISLNK(st.st_mode):
            found[path.as_posix()] = f"link {os.readlink(path)}"
        elif stat.S_ISREG(st.st_mode):
            found[path.as_posix()] = f"file {mode} {hashlib.sha256(path.read_bytes()).hexdigest()}"
        elif stat.S_ISDIR(st.st_mode):
            found[path.as_posix()] = f"dir {mode}"
        else:
            found[path.as_posix()] = f"other {mode}"

    record(root)
    for base, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(base) / name
            if any(path == s or s in path.parents for s in skip):
                continue
            record(path)
    return found


# --------------------------------------------------------------------------------------
# The commands: each a function of the --out path, run once by a fixture to have an
# earlier output of every kind at hand.
# --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One earlier output of every command, to copy into targets."""
    root = tmp_path_factory.mktemp("made")
    out = {"build": root / "release"}
    assert run(["build", "--corpus", CORPUS, "--annotations", ANNOTATIONS,
                "--out", out["build"]])[0] == 0
    for fmt in EXPORT_FORMATS:
        out[f"export {fmt}"] = root / fmt
        assert run(["export", "--format", fmt, "--corpus", CORPUS, "--annotations",
                    ANNOTATIONS, "--out", out[f"export {fmt}"]])[0] == 0
    out["import label-studio"] = root / "imported"
    assert run(["import", "--format", "label-studio", "--in", out["export label-studio"],
                "--corpus", CORPUS, "--out", out["import label-studio"]])[0] == 0
    out["render"] = root / "explorer"
    assert run(["render", "--release", out["build"], "--out", out["render"]])[0] == 0
    return out


def folder_command(name: str, made: dict[str, Path]) -> Callable[[Path], list]:
    if name == "build":
        return lambda out: ["build", "--corpus", CORPUS, "--annotations", ANNOTATIONS,
                            "--out", out]
    if name.startswith("export "):
        fmt = name.split()[1]
        return lambda out: ["export", "--format", fmt, "--corpus", CORPUS, "--annotations",
                            ANNOTATIONS, "--out", out]
    if name == "import label-studio":
        return lambda out: ["import", "--format", "label-studio", "--in",
                            made["export label-studio"], "--corpus", CORPUS, "--out", out]
    assert name == "render"
    return lambda out: ["render", "--release", made["build"], "--out", out]


FOLDER_COMMANDS = ("build", *(f"export {f}" for f in EXPORT_FORMATS), "import label-studio",
                   "render")
OTHER = {"build": "export conll", "render": "build", "import label-studio": "export brat",
         **{f"export {f}": "render" for f in EXPORT_FORMATS}}
OTHER["export brat"] = "export conll"
"""For each command, an earlier output of another command it must not replace."""


# --------------------------------------------------------------------------------------
# Folder targets. Each returns the --out path; ``own`` is an earlier output of the same
# command, ``other`` one of another command. A target ``ok`` is replaced; any other is
# refused, with ``needle`` in the message, and nothing changes.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    name: str
    make: Callable[[Path, Path, Path], Path]  # (case folder, own, other) -> --out
    ok: bool
    needle: str = "unsafe-output"
    root_only_skip: bool = False


def _files(folder: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def _sums(folder: Path) -> None:
    """Write a SHA256SUMS that matches every file: a checksummed folder of someone else's."""
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(folder).as_posix()}"
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "SHA256SUMS"]
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _checksummed_foreign(case: Path, own: Path, other: Path) -> Path:
    out = _files(case / "isos", {"debian.iso": b"\x00" * 4096, "notes.txt": b"mine\n"})
    _sums(out)
    return out


def _record_edited(own_copy: Path) -> None:
    """Change one byte of the first listed file, leaving the record as it was."""
    victim = sorted(p for p in own_copy.rglob("*") if p.is_file()
                    and p.name not in ("SHA256SUMS", MANIFEST, "build_info.json"))[0]
    victim.write_bytes(victim.read_bytes() + b" ")


def _edited(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    _record_edited(out)
    return out


def _extra_file(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    (out / "my-notes.txt").write_text("keep me\n", encoding="utf-8")
    return out


def _extra_empty_folder(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    (out / "my-folder").mkdir()
    return out


def _missing_file(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    victim = sorted(p for p in out.rglob("*") if p.is_file()
                    and p.name not in ("SHA256SUMS", MANIFEST, "build_info.json"))[0]
    victim.unlink()
    return out


def _link_inside(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    _files(case / "elsewhere", {"precious.txt": b"keep\n"})
    (out / "link").symlink_to(case / "elsewhere")
    return out


def _without_marker(case: Path, own: Path, other: Path) -> Path:
    """The record rewritten without the writer, every digest made to match again."""
    out = _copy(own, case / "out")
    if (out / "SHA256SUMS").exists():
        info = json.loads((out / "build_info.json").read_text(encoding="utf-8"))
        info.pop("written_by")
        (out / "build_info.json").write_text(json.dumps(info), encoding="utf-8")
        _sums(out)
    else:
        record = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        record.pop("written_by")
        (out / MANIFEST).write_text(json.dumps(record), encoding="utf-8")
    return out


def _garbage_record(case: Path, own: Path, other: Path) -> Path:
    out = _copy(own, case / "out")
    for name in ("SHA256SUMS", MANIFEST):
        if (out / name).exists():
            (out / name).write_text("not a record\n", encoding="utf-8")
    return out


def _link_to(target: Callable[[Path], Path]) -> Callable[[Path, Path, Path], Path]:
    def make(case: Path, own: Path, other: Path) -> Path:
        (case / "link").symlink_to(target(case))
        return case / "link"
    return make


def _read_only_parent(case: Path, own: Path, other: Path) -> Path:
    (case / "locked").mkdir()
    (case / "locked").chmod(0o500)
    return case / "locked" / "out"


FOLDER_TARGETS = (
    Target("missing folder", lambda c, o, x: c / "new", ok=True),
    Target("missing folder below missing parents", lambda c, o, x: c / "a" / "b" / "new",
           ok=True),
    Target("empty folder", lambda c, o, x: (c / "empty").mkdir() or c / "empty", ok=True),
    Target("earlier output of the same command", lambda c, o, x: _copy(o, c / "out"),
           ok=True),
    Target("a file", lambda c, o, x: _files(c, {"file.txt": b"keep\n"}) / "file.txt",
           ok=False, needle="is not a folder"),
    Target("below a file", lambda c, o, x: _files(c, {"file": b"keep\n"}) / "file" / "out",
           ok=False),
    Target("a FIFO", lambda c, o, x: os.mkfifo(c / "fifo") or c / "fifo", ok=False,
           needle="is not a folder"),
    Target("a symlink to an empty folder",
           _link_to(lambda c: (c / "real").mkdir() or c / "real"), ok=False,
           needle="symbolic link"),
    Target("a symlink to an earlier output",
           lambda c, o, x: _link_to(lambda c: _copy(o, c / "real"))(c, o, x), ok=False,
           needle="symbolic link"),
    Target("a symlink to a file",
           _link_to(lambda c: _files(c, {"f.txt": b"keep\n"}) / "f.txt"), ok=False,
           needle="symbolic link"),
    Target("a dangling symlink", _link_to(lambda c: c / "nowhere"), ok=False,
           needle="symbolic link"),
    Target("a project folder", lambda c, o, x: _files(c / "project", {
        "README.md": b"mine\n", "src/main.py": b"print()\n"}), ok=False),
    Target("a foreign folder with its own SHA256SUMS", _checksummed_foreign, ok=False),
    Target("a foreign folder with a manifest-named file",
           lambda c, o, x: _files(c / "f", {MANIFEST: b'{"files": {}, "written_by": 1}\n',
                                            "x.txt": b"keep\n"}), ok=False),
    Target("an earlier output with a changed file", _edited, ok=False,
           needle="changed after it was written"),
    Target("an earlier output with an extra file", _extra_file, ok=False,
           needle="my-notes.txt"),
    Target("an earlier output with an extra empty folder", _extra_empty_folder, ok=False,
           needle="my-folder/"),
    Target("an earlier output with a file missing", _missing_file, ok=False,
           needle="missing"),
    Target("an earlier output with a symlink inside", _link_inside, ok=False,
           needle="link is not a plain file"),
    Target("an earlier output without its writer", _without_marker, ok=False),
    Target("an earlier output with a garbage record", _garbage_record, ok=False),
    Target("an earlier output of another command", lambda c, o, x: _copy(x, c / "out"),
           ok=False),
    Target("a missing folder under a read-only parent", _read_only_parent, ok=False,
           root_only_skip=True),
)


@pytest.mark.parametrize("target", FOLDER_TARGETS, ids=lambda t: t.name)
@pytest.mark.parametrize("command", FOLDER_COMMANDS)
def test_folder_targets(command: str, target: Target, made: dict[str, Path],
                        tmp_path: Path) -> None:
    if target.root_only_skip and ROOT_USER:
        pytest.skip("root can write anywhere")
    case = tmp_path / "case"
    case.mkdir()
    out = target.make(case, made[command], made[OTHER[command]])
    before = snapshot(case, *([out] if target.ok else []))
    try:
        code, printed = run(folder_command(command, made)(out))
        after_all = snapshot(case)  # before the read-only folder is made writable again
    finally:
        if (case / "locked").exists():
            (case / "locked").chmod(0o700)
    assert "Traceback" not in printed
    if target.ok:
        assert code == 0, printed
        after = snapshot(case, out)
        assert {k: after.get(k) for k in before} == before
        new = {Path(k) for k in set(after) - set(before)}
        assert all(p in out.parents and after[p.as_posix()].startswith("dir") for p in new)
        assert all(v.startswith(("file", "dir")) for v in snapshot(out).values())
        assert (out / ("SHA256SUMS" if command == "build" else MANIFEST)).is_file()
    else:
        assert code == 1, printed
        assert "[unsafe-output]" in printed and target.needle in printed, printed
        assert "1 problem(s) found" in printed, printed
        assert after_all == before


# --------------------------------------------------------------------------------------
# File targets: anchor and agree.
# --------------------------------------------------------------------------------------
def anchor_args(out: Path) -> list:
    return ["anchor", DRAFT, "--corpus", CORPUS, "--doc-id", "000-mini-report", "--out", out]


def agree_args(out: Path) -> list:
    return ["agree", "--corpus", CORPUS, "--first", ANNOTATIONS, "--second", ANNOTATIONS,
            "--out", out]


@pytest.fixture(scope="module")
def written_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("files")
    assert run(anchor_args(root / "000.json"))[0] == 0
    assert run(agree_args(root / "a.json"))[0] == 0
    return {"anchor": root / "000.json", "agree": root / "a.json"}


def _other_doc(written: dict[str, Path], case: Path) -> Path:
    data = json.loads(written["anchor"].read_text(encoding="utf-8"))
    data["doc_id"] = "001-mini-denial"
    (case / "other.json").write_text(json.dumps(data), encoding="utf-8")
    return case / "other.json"


FILE_TARGETS: dict[str, tuple[Callable[[dict[str, Path], Path, str], Path], bool, str]] = {
    "missing file": (lambda w, c, k: c / "new.json", True, ""),
    "the file this command wrote": (
        lambda w, c, k: Path(shutil.copy(w[k], c / "mine.json")), True, ""),
    "a foreign JSON object": (
        lambda w, c, k: _files(c, {"x.json": b'{"doc_id": "000-mini-report"}\n'}) / "x.json",
        False, "is not"),
    "a text file": (lambda w, c, k: _files(c, {"notes.txt": b"keep\n"}) / "notes.txt",
                    False, "is not"),
    "an empty file": (lambda w, c, k: _files(c, {"e.json": b""}) / "e.json", False, "is not"),
    "a folder": (lambda w, c, k: (c / "dir").mkdir() or c / "dir", False, "is not a file"),
    "a FIFO": (lambda w, c, k: os.mkfifo(c / "fifo") or c / "fifo", False, "is not a file"),
    "a symlink to the file this command wrote": (
        lambda w, c, k: (c / "l.json").symlink_to(shutil.copy(w[k], c / "real.json"))
        or c / "l.json", False, "symbolic link"),
    "a dangling symlink": (
        lambda w, c, k: (c / "l.json").symlink_to(c / "nowhere.json") or c / "l.json",
        False, "symbolic link"),
    "the other command's file": (
        lambda w, c, k: Path(shutil.copy(w["agree" if k == "anchor" else "anchor"],
                                         c / "theirs.json")), False, "is not"),
    "another document's standoff file (anchor) / a file of another format (agree)": (
        lambda w, c, k: _other_doc(w, c) if k == "anchor"
        else _files(c, {"r.json": b'{"format": "retold-results/1"}\n'}) / "r.json",
        False, "not"),
}


@pytest.mark.parametrize("name", FILE_TARGETS)
@pytest.mark.parametrize("command", ["anchor", "agree"])
def test_file_targets(command: str, name: str, written_files: dict[str, Path],
                      tmp_path: Path) -> None:
    make, ok, needle = FILE_TARGETS[name]
    case = tmp_path / "case"
    case.mkdir()
    out = make(written_files, case, command)
    args = anchor_args(out) if command == "anchor" else agree_args(out)
    before = snapshot(case, *([out] if ok else []))
    code, printed = run(args)
    assert "Traceback" not in printed
    if ok:
        assert code == 0, printed
        assert out.read_bytes() == written_files[command].read_bytes()
        assert snapshot(case, out) == before
        assert run(args)[0] == 0  # and again
    else:
        assert code == 1, printed
        assert "[unsafe-output]" in printed and needle in printed, printed
        assert snapshot(case) == before, "a refused command changed a file"


# --------------------------------------------------------------------------------------
# Permissions follow the umask.
# --------------------------------------------------------------------------------------
@pytest.fixture
def umask_027() -> object:
    old = os.umask(0o027)
    yield
    os.umask(old)


@pytest.mark.parametrize("command", ["build", "export conll", "render", "import label-studio"])
def test_written_folders_follow_the_umask(command: str, made: dict[str, Path], tmp_path: Path,
                                          umask_027: object) -> None:
    out = tmp_path / "out"
    for _ in range(2):  # a new folder, then a replaced one
        assert run(folder_command(command, made)(out))[0] == 0
        modes = {stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")] if p.is_dir()}
        assert modes == {0o750}
        modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}
        assert modes == {0o640}


@pytest.mark.parametrize("command", ["anchor", "agree"])
def test_written_files_follow_the_umask(command: str, tmp_path: Path, umask_027: object) -> None:
    out = tmp_path / "out.json"
    args = anchor_args(out) if command == "anchor" else agree_args(out)
    for _ in range(2):  # a new file, then a replaced one
        assert run(args)[0] == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
