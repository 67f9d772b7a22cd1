"""Reading an input file safely: only a regular file, and never more than a stated size.

A FIFO, a character device (``/dev/zero``, ``/dev/urandom``) or a folder given where a file
is expected would otherwise hang a command or read until memory runs out. Every reader of
user-supplied files goes through ``read_bytes_bounded`` and turns ``UnreadableFileError``
into a one-line problem naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_JSON_FILE_BYTES = 64 * 1024 * 1024
"""The largest annotation or registry JSON file read (the largest committed one is ~0.3 MB)."""


class UnreadableFileError(Exception):
    """The path is not a regular file, or is larger than the limit; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def read_bytes_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or anything larger.

    ``FileNotFoundError`` and other ``OSError`` pass through; a FIFO, device, socket or folder
    and a file over ``max_bytes`` raise ``UnreadableFileError`` before a byte is read (a
    FIFO is never opened, so nothing blocks).
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise UnreadableFileError(f"is {kind}, not a regular file; give a file")
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnreadableFileError(f"is larger than the limit of {max_bytes:,} bytes")
    return data
