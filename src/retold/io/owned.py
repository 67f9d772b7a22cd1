"""Outputs a command owns: it may replace a folder or file only when it can prove it wrote it.

Every command that writes into a user-given ``--out`` follows one rule: the target may be
missing, an empty folder, or something this same command provably wrote; anything else is
refused with a one-line ``unsafe-output`` problem, before a byte is written. A command
never deletes or overwrites a file it did not write.

*Proof* for a folder is a record inside it: the list of every file with its SHA-256, and
the command that wrote it. The folder is owned only if the record lists exactly the files
present (no file more, none missing, no empty folder, no symbolic link) and every digest
matches, and the recorded writer is this command. A release keeps its ``SHA256SUMS`` and
``build_info.json`` as that record (``retold.build.writer``); exports, imports and the
explorer write ``retold-manifest.json`` (``MANIFEST_FILE``). A file a user edited after the
command wrote it no longer matches, so the command refuses rather than lose the edit.

A symbolic link given as ``--out`` is refused: replacing it would put a folder (or file)
where the link was and leave the link's target as it was, which is neither what the user
asked nor what the command reports. Give the real path instead.

Writes are atomic: a folder is filled in a fresh sibling folder and swapped into place
(``os.replace``) only when complete, a file is written to a sibling temporary file and
renamed over the target. Folders and files are created with the usual modes (0777 and
0666 less the process's umask), never the 0700/0600 of ``tempfile``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from retold.errors import UNSAFE_OUTPUT, InvalidInputError, Problem
from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.io.release import sha256_file

MANIFEST_FILE = "retold-manifest.json"
"""The record of an export, import or explorer folder: who wrote it, and each file's digest."""
WRITTEN_BY_KEY = "written_by"
"""The key of a record (manifest, ``build_info.json``) that names the command that wrote it."""
MAX_RECORD_BYTES = 16 * 1024 * 1024
"""The largest manifest, SHA256SUMS or owned JSON file read to prove ownership."""


def refusal(target: Path, message: str) -> InvalidInputError:
    """The ``unsafe-output`` error for ``target`` (one line: the path, then ``message``)."""
    return InvalidInputError([Problem(str(target), "-", UNSAFE_OUTPUT, message)])


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_entries(folder: Path) -> tuple[list[str], list[str]]:
    """The regular files under ``folder`` (sorted POSIX relative paths), and everything else
    that is there: symbolic links, empty folders, FIFOs, devices (links are not followed)."""
    files, other = [], []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in [*dirs, *names]:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode):
                files.append(rel)
            elif stat.S_ISDIR(mode):
                if not any(path.iterdir()):
                    other.append(rel + "/")
            else:
                other.append(rel)
    return sorted(files), sorted(other)


def unproved_files(folder: Path, listed: Mapping[str, str], record: str) -> list[str]:
    """What keeps ``folder`` from being exactly the files ``listed`` (path → SHA-256),
    besides the record file ``record`` itself: one short phrase per problem, empty if none."""
    files, other = folder_entries(folder)
    present = set(files) - {record}
    problems = [f"{rel} is not listed in {record}" for rel in sorted(present - set(listed))]
    problems += [f"{rel} is not a plain file" for rel in other]
    problems += [f"{rel} is listed in {record} but missing" for rel in sorted(set(listed)
                                                                             - present)]
    problems += [f"{rel} was changed after it was written" for rel in sorted(present
                                                                          & set(listed))
                 if sha256_file(folder / rel) != listed[rel]]
    return problems


def _shown(problems: list[str]) -> str:
    return "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3
                                      else "")


def read_json_record(path: Path) -> Any:
    """A small JSON file used as proof, or None if it is missing, not a regular file, too
    large, not UTF-8 or not JSON (any of which means: not proved)."""
    try:
        return json.loads(read_bytes_bounded(path, MAX_RECORD_BYTES).decode("utf-8"))
    except (OSError, UnreadableFileError, UnicodeDecodeError, ValueError, RecursionError):
        return None


# --------------------------------------------------------------------------------------
# Folders.
# --------------------------------------------------------------------------------------
def manifest_bytes(writer: str, folder: Path) -> bytes:
    """The manifest of every regular file now under ``folder`` and the command ``writer``."""
    files, _ = folder_entries(folder)
    record = {WRITTEN_BY_KEY: writer,
              "files": {rel: sha256_file(folder / rel) for rel in files if rel != MANIFEST_FILE}}
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def manifest_owner(writer: str) -> Callable[[Path], str | None]:
    """An ownership check for ``check_output_folder``: the folder's manifest names ``writer``
    and lists exactly its files with their digests. Returns why not, or None if owned."""

    def why_not(folder: Path) -> str | None:
        record = read_json_record(folder / MANIFEST_FILE)
        if record is None:
            return (f"is not empty and has no readable {MANIFEST_FILE}, so `{writer}` did not "
                    "write it")
        listed = record.get("files") if isinstance(record, dict) else None
        if (not isinstance(listed, dict)
                or not all(isinstance(v, str) for v in listed.values())):
            return f"its {MANIFEST_FILE} is not a retold manifest"
        if not isinstance(record.get(WRITTEN_BY_KEY), str):
            return f"its {MANIFEST_FILE} does not name the command that wrote it"
        if record.get(WRITTEN_BY_KEY) != writer:
            return f"was written by `{record.get(WRITTEN_BY_KEY)}`, not by `{writer}`"
        problems = unproved_files(folder, listed, MANIFEST_FILE)
        return (f"is not as `{writer}` wrote it ({_shown(problems)})" if problems
                else None)

    return why_not


def check_parent(target: Path) -> None:
    """Refuse a missing ``target`` whose nearest existing parent is not a folder or cannot be
    written to, before any work is done (the write would fail at the end otherwise)."""
    parent = target.absolute().parent
    while not parent.exists() and not parent.is_symlink() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise refusal(target, f"{parent} is not a folder; nothing was written")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise refusal(target, f"folder {parent} is not writable; nothing was written")


def check_output_folder(out_dir: Path, why_not_owned: Callable[[Path], str | None]) -> None:
    """Refuse ``out_dir`` unless it is missing, an empty folder, or a folder that
    ``why_not_owned`` proves this command wrote (it returns None then, else the reason)."""
    if out_dir.is_symlink():
        raise refusal(out_dir, f"is a symbolic link (to {os.readlink(out_dir)}); give the "
                               "folder itself, nothing was written")
    if not out_dir.exists():
        check_parent(out_dir)
        return
    if not out_dir.is_dir():
        raise refusal(out_dir, "exists and is not a folder; give a new or empty folder, "
                               "nothing was written")
    try:
        if not any(out_dir.iterdir()):
            return
        reason = why_not_owned(out_dir)
    except OSError as err:
        raise refusal(out_dir, f"cannot be read ({err.strerror}); nothing was written") from None
    if reason is not None:
        raise refusal(out_dir, f"{reason}; refusing to replace it (move it away or choose a "
                               "new or empty folder), nothing was written")


def _fresh_sibling(target: Path, what: str) -> Path:
    """A new folder beside ``target`` with the umask's permissions (not mkdtemp's 0700)."""
    for _ in range(100):
        path = target.parent / f".{target.name}.{what}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"no free name beside {target}")


def write_folder(out_dir: Path, why_not_owned: Callable[[Path], str | None],
                 fill: Callable[[Path], object], writer: str | None = None) -> None:
    """Check ``out_dir``, run ``fill`` on a fresh staging folder, then swap it into place.

    With ``writer`` set, a ``MANIFEST_FILE`` of everything ``fill`` wrote is added. An
    ``OSError`` becomes an ``unsafe-output`` problem naming ``out_dir``; the previous folder
    is then kept as it was, and the staging folder removed. Other errors of ``fill`` (bad
    input, a missing library) pass through, also leaving ``out_dir`` as it was.
    """
    check_output_folder(out_dir, why_not_owned)
    target = out_dir.absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _fresh_sibling(target, "writing")
    except OSError as err:
        raise refusal(out_dir, f"cannot create a folder beside it: {err.strerror or err}; "
                               "nothing was written") from None
    try:
        fill(staging)
        if writer is not None:
            (staging / MANIFEST_FILE).write_bytes(manifest_bytes(writer, staging))
        _swap_into_place(staging, target)
    except OSError as err:
        raise refusal(out_dir, f"writing failed: {err.strerror or err}; the previous "
                               "contents (if any) are unchanged") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` (absent, empty, or checked as owned) by ``staging``."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = _fresh_sibling(out_dir, "old")
    old.rmdir()
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)  # put the previous folder back
        raise
    shutil.rmtree(old)


# --------------------------------------------------------------------------------------
# Single files.
# --------------------------------------------------------------------------------------
def check_file(path: Path, why_not_owned: Callable[[Any], str | None]) -> None:
    """Refuse ``path`` unless it is missing or provably this command's kind of file:
    ``why_not_owned`` gets the existing file's JSON (None if it is not readable JSON) and
    returns why it is not, or None. A symbolic link and a folder are refused too."""
    if path.is_symlink():
        raise refusal(path, f"is a symbolic link (to {os.readlink(path)}); give the file "
                            "itself, nothing was written")
    if path.exists():
        if not path.is_file():
            raise refusal(path, "exists and is not a file; nothing was written")
        reason = why_not_owned(read_json_record(path))
        if reason is not None:
            raise refusal(path, f"{reason}; refusing to overwrite it (move it away or choose "
                                "a new file), nothing was written")
    if not path.absolute().parent.is_dir():
        raise refusal(path, f"folder {path.parent} does not exist; nothing was written")


def write_file(path: Path, data: bytes, why_not_owned: Callable[[Any], str | None]) -> None:
    """Write ``data`` to ``path`` atomically once ``check_file`` allows it.

    The file is written beside ``path`` (mode 0666 less the umask) and renamed over it, so
    an error leaves the previous file as it was.
    """
    check_file(path, why_not_owned)
    temp = path.absolute().parent / f".{path.name}.writing-{secrets.token_hex(4)}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except OSError as err:
        raise refusal(path, f"writing failed: {err.strerror or err}; the previous file "
                            "(if any) is unchanged") from None
    finally:
        if temp.exists():
            temp.unlink()
