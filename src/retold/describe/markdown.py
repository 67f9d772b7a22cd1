"""Tiny Markdown helpers shared by the card, the guidelines and the statistics.

Kept separate so that every generated table is escaped and laid out the same way, and
generated files change only when their content does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any


def cell(value: Any) -> str:
    """One table cell: pipes escaped, line breaks folded, so a cell never breaks the table."""
    text = str(value)
    return " ".join(text.replace("|", "\\|").split())


def code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


class MarkerError(ValueError):
    """A file lacks a generated block's markers (or has them out of order)."""


def replace_block(document: str, begin: str, end: str, content: str) -> str:
    """``document`` with the text between the ``begin`` and ``end`` markers set to ``content``.

    The markers stay; everything outside them is kept byte for byte.
    """
    start = document.find(begin)
    stop = document.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        raise MarkerError(f"missing {begin!r} ... {end!r} markers")
    return f"{document[:start]}{begin}\n{content}\n{document[stop:]}"


def sync_generated(path: Path, render: Callable[[str], str], check: bool, command: str) -> int:
    """Rewrite the generated blocks of ``path`` with ``render``, or with ``check`` only verify.

    Returns a process exit code: 1 when the markers are missing, or when checking finds
    the blocks stale (``command`` is named as the fix); 0 otherwise. Line endings are kept.
    """
    with path.open(encoding="utf-8", newline="") as f:
        current = f.read()
    try:
        updated = render(current)
    except MarkerError as err:
        print(f"{path}: {err}", file=sys.stderr)
        return 1
    if check:
        if updated != current:
            print(f"{path}: generated blocks are out of date; run {command}", file=sys.stderr)
            return 1
        return 0
    if updated != current:
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(updated)
    print(f"{path}: generated blocks {'updated' if updated != current else 'already up to date'}")
    return 0


def block_command(argv: list[str] | None, *, prog: str, doc: str, default_path: Path,
                  render: Callable[[str], str]) -> int:
    """The command line of a file with a generated block: rewrite the block with
    ``render``, or with ``--check`` only verify it (exit 1 when stale)."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.strip().splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=default_path)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the generated block is out of date")
    args = parser.parse_args(argv)
    return sync_generated(args.path, render, args.check, prog)
