"""The bounded reader refuses what is not a regular file, or is too large, before reading."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from retold.errors import MISSING_FILE
from retold.io.files import UnreadableFileError, read_bytes_bounded
from retold.io.jsonio import read_json


def test_regular_file_is_read_whole(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_bytes(b'{"a": 1}\n')
    assert read_bytes_bounded(p, 9) == b'{"a": 1}\n'


def test_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_bytes(b"x" * 10)
    with pytest.raises(UnreadableFileError, match="larger than the limit of 9 bytes"):
        read_bytes_bounded(p, 9)


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), ("/dev/urandom", "a device")])
def test_devices_are_refused_without_reading(path: str, kind: str) -> None:
    with pytest.raises(UnreadableFileError, match=kind):
        read_bytes_bounded(Path(path), 1 << 30)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="a folder"):
        read_bytes_bounded(tmp_path, 10)


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def call() -> None:
        problems: list = []
        read_json(fifo, problems)
        result.append(AssertionError(problems) if not problems else problems[0])

    t = threading.Thread(target=call, daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "read_json blocked on a FIFO"
    problem = result[0]
    assert problem.code == MISSING_FILE and "a FIFO" in problem.message
    assert problem.file == str(fifo)


def test_missing_file_passes_through(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes_bounded(tmp_path / "none", 10)
